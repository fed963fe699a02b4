package dev.kindling;

import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Graph;
import dev.kindling.autograd.GradMode;
import dev.kindling.backend.ReduceOp;
import dev.kindling.backend.ScanOp;

import java.util.Arrays;

/**
 * Reduction dispatch: sums, means, extremes, norms, statistics, scans and softmax, over one, several
 * or all dims with keepdim. Reduced outputs are allocated with keepdim shape for the kernel and
 * viewed without the reduced dims when keepdim is false.
 */
final class Reductions {
    private Reductions() {}

    /** Runs a reduction kernel into a fresh tensor of the keepdim shape, then drops dims if asked. */
    private static Tensor run(ReduceOp op, Tensor x, boolean[] mask, boolean keepdim, DType outType, double p) {
        int[] kshape = Shapes.reducedShape(x.shape, mask, true);
        Tensor out = Torch.empty(kshape, outType, x.device());
        x.storage.backend().reduce(op, x.strided(), mask, out.strided(), p);
        if (keepdim) return out;
        int[] shape = Shapes.reducedShape(x.shape, mask, false);
        return new Tensor(out.storage, 0, shape, Shapes.contiguousStrides(shape), out.version);
    }

    private static DType sumType(DType in) {
        return in.isFloatingPoint() ? in : DType.INT64;
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepdim, DType dtype) {
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        Tensor in = dtype == null ? x : x.to(dtype);
        Tensor out = run(ReduceOp.SUM, in, mask, keepdim, dtype != null ? dtype : sumType(x.dtype()), 0);
        if (Graph.isRecording(x)) {
            if (dims == null) Graph.record(Derivatives.SUM, out, x);
            else Graph.record(Derivatives.SUM_DIM, out, x, mask, keepdim);
        }
        return out;
    }

    /** Sums over the leading and the broadcast (size-1 in target) dims to reach {@code target}. */
    static Tensor sumToSize(Tensor x, int[] target) {
        if (Arrays.equals(x.shape, target)) return x;
        if (!dev.kindling.autograd.Graph.isExpandable(target, x.shape)) {
            throw new KindlingException("size {" + Shapes.str(target).replaceAll("[\\[\\]]", "") + "} is not expandable to size {"
                    + Shapes.str(x.shape).replaceAll("[\\[\\]]", "") + "}.");
        }
        int lead = x.dim() - target.length;
        boolean[] mask = new boolean[x.dim()];
        for (int d = 0; d < x.dim(); d++) mask[d] = d < lead || (target[d - lead] == 1 && x.shape[d] != 1);
        Tensor s = x;
        int[] dims = java.util.stream.IntStream.range(0, x.dim()).filter(d -> mask[d]).toArray();
        if (dims.length > 0) s = sum(x, dims, true, null);
        if (lead > 0 || !Arrays.equals(s.shape, target)) s = s.view(target);
        return s;
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        if (!x.dtype().isFloatingPoint()) {
            throw new KindlingException("mean(): could not infer output dtype. Input dtype must be either a floating point "
                    + "or complex dtype. Got: " + x.dtype().scalarName());
        }
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        long count = Shapes.count(mask, x.shape);
        Tensor out = run(ReduceOp.SUM, x, mask, keepdim, x.dtype(), 0);
        try (var g = GradMode.scope(false)) {
            out = scale(out, 1.0 / count);
        }
        if (Graph.isRecording(x)) {
            if (dims == null) Graph.record(Derivatives.MEAN, out, x);
            else Graph.record(Derivatives.MEAN_DIM, out, x, mask, keepdim);
        }
        return out;
    }

    /** {@code t * factor} in place on a fresh tensor (count 0 gives NaN, as PyTorch's mean of nothing). */
    private static Tensor scale(Tensor t, double factor) {
        return t.mul_(factor);
    }

    static Tensor prod(Tensor x, int[] dims, boolean keepdim) {
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        Tensor out = run(ReduceOp.PROD, x, mask, keepdim, sumType(x.dtype()), 0);
        if (Graph.isRecording(x)) Graph.record(Derivatives.PROD, out, x);
        return out;
    }

    static Tensor prod(Tensor x, int dim, boolean keepdim) {
        int d = Shapes.wrap(dim, x.dim());
        boolean[] mask = Shapes.dimMask(new int[] {d}, x.dim());
        Tensor out = run(ReduceOp.PROD, x, mask, keepdim, sumType(x.dtype()), 0);
        if (Graph.isRecording(x)) Graph.record(Derivatives.PROD_DIM, out, x, d, keepdim);
        return out;
    }

    static Tensor amax(Tensor x, int[] dims, boolean keepdim, String name) {
        boolean max = name.endsWith("max");
        if (x.numel() == 0) {
            throw new KindlingException(name + "(): Expected reduction dim to be specified for input.numel() == 0. "
                    + "Specify the reduction dim with the 'dim' argument.");
        }
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        Tensor out = run(max ? ReduceOp.MAX : ReduceOp.MIN, x, mask, keepdim, x.dtype(), 0);
        if (Graph.isRecording(x)) {
            Graph.record(dims == null ? (max ? Derivatives.MAX_ALL : Derivatives.MIN_ALL) : (max ? Derivatives.AMAX : Derivatives.AMIN),
                    out, x, mask, keepdim);
        }
        return out;
    }

    static ValuesIndices maxMin(Tensor x, int dim, boolean keepdim, boolean max) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        if (x.dim() > 0 && x.shape[d] == 0) {
            throw new KindlingException((max ? "max" : "min") + "(): Expected reduction dim " + d + " to have non-zero size.");
        }
        boolean[] mask = Shapes.dimMask(new int[] {d}, x.dim());
        int[] kshape = Shapes.reducedShape(x.shape, mask, true);
        Tensor values = Torch.empty(kshape, x.dtype(), x.device());
        Tensor indices = Torch.empty(kshape, DType.INT64, x.device());
        if (x.dim() == 0) {
            values.backendCopyFrom(x);
        } else {
            x.storage.backend().reduceWithIndices(max, x.strided(), d, values.strided(), indices.strided());
        }
        if (!keepdim && x.dim() > 0) {
            values = values.squeeze(d);
            indices = indices.squeeze(d);
        }
        Tensor v = new Tensor(values.storage, values.offset, values.shape, values.strides, new Version());
        Tensor i = new Tensor(indices.storage, indices.offset, indices.shape, indices.strides, new Version());
        if (Graph.isRecording(x)) Graph.record(max ? Derivatives.MAX_DIM : Derivatives.MIN_DIM, v, x, d, keepdim, i);
        return new ValuesIndices(v, i);
    }

    static Tensor argmax(Tensor x, Integer dim, boolean keepdim, boolean max) {
        if (dim == null) {
            if (x.numel() == 0) {
                throw new KindlingException((max ? "argmax" : "argmin") + "(): Expected reduction dim to be specified for "
                        + "input.numel() == 0.");
            }
            Tensor flat = x.detach().reshape(-1);
            Tensor idx = maxMin(flat, 0, false, max).indices();
            return keepdim ? idx.reshape(onesLike(x.dim())) : idx;
        }
        try (var g = GradMode.scope(false)) {
            return maxMin(x.detach(), dim, keepdim, max).indices();
        }
    }

    private static int[] onesLike(int n) {
        int[] s = new int[n];
        Arrays.fill(s, 1);
        return s;
    }

    static Tensor var(Tensor x, int[] dims, double correction, boolean keepdim, boolean std) {
        if (!x.dtype().isFloatingPoint()) {
            throw new KindlingException((std ? "std" : "var") + "(): input dtype should be either floating point or complex. "
                    + "Got " + x.dtype().scalarName() + " instead.");
        }
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        long n = Shapes.count(mask, x.shape);
        Tensor out;
        try (var g = GradMode.scope(false)) {
            Tensor mean = mean(x, dims, true);
            Tensor dev = x.sub(mean);
            Tensor ss = run(ReduceOp.SUM, dev.mul(dev), mask, keepdim, x.dtype(), 0);
            out = ss.div(Math.max(0, n - correction));
            if (std) out = out.sqrt();
        }
        if (Graph.isRecording(x)) Graph.record(std ? Derivatives.STD : Derivatives.VAR, out, x, mask, correction, keepdim);
        return out;
    }

    static Tensor norm(Tensor x, double p, int[] dims, boolean keepdim) {
        if (!x.dtype().isFloatingPoint()) {
            throw new KindlingException("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                    + x.dtype().scalarName());
        }
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        Tensor out = run(ReduceOp.NORM, x, mask, keepdim, x.dtype(), p);
        if (Graph.isRecording(x)) Graph.record(Derivatives.NORM, out, x, p, mask, keepdim);
        return out;
    }

    static Tensor logsumexp(Tensor x, int[] dims, boolean keepdim) {
        Tensor xf = x.dtype().isFloatingPoint() ? x : x.to(Promotion.DEFAULT_FLOAT);
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        Tensor out;
        try (var g = GradMode.scope(false)) {
            Tensor m = run(ReduceOp.MAX, xf, mask, true, xf.dtype(), 0);
            m = m.where(m.isinf().logicalNot(), 0.0);
            Tensor s = run(ReduceOp.SUM, xf.sub(m).exp(), mask, true, xf.dtype(), 0);
            out = s.log().add(m);
            if (!keepdim) out = out.reshape(Shapes.reducedShape(x.shape, mask, false));
        }
        if (Graph.isRecording(x)) Graph.record(Derivatives.LOGSUMEXP, out, xf, mask, keepdim);
        return out;
    }

    static Tensor logical(Tensor x, int[] dims, boolean keepdim, boolean all) {
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        return run(all ? ReduceOp.ALL : ReduceOp.ANY, x, mask, keepdim, DType.BOOL, 0);
    }

    static Tensor countNonzero(Tensor x, int[] dims) {
        boolean[] mask = Shapes.dimMask(dims, x.dim());
        return run(ReduceOp.COUNT_NONZERO, x, mask, false, DType.INT64, 0);
    }

    private static Tensor scan(ScanOp op, Tensor x, int dim, DType outType, Tensor indices) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        Tensor out = Torch.empty(x.shape, outType, x.device());
        if (x.dim() == 0) {
            out.backendCopyFrom(x);
            if (indices != null) indices.zero_();
            return out;
        }
        x.storage.backend().scan(op, x.strided(), d, out.strided(), indices == null ? null : indices.strided());
        return out;
    }

    static Tensor cumsum(Tensor x, int dim) {
        Tensor out = scan(ScanOp.CUMSUM, x, dim, sumType(x.dtype()), null);
        if (Graph.isRecording(x)) Graph.record(Derivatives.CUMSUM, out, x, x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim()));
        return out;
    }

    static Tensor cumprod(Tensor x, int dim) {
        Tensor out = scan(ScanOp.CUMPROD, x, dim, sumType(x.dtype()), null);
        if (Graph.isRecording(x)) Graph.record(Derivatives.CUMPROD, out, x, x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim()));
        return out;
    }

    static ValuesIndices cumExtreme(Tensor x, int dim, boolean max) {
        Tensor idx = Torch.empty(x.shape, DType.INT64, x.device());
        Tensor out = scan(max ? ScanOp.CUMMAX : ScanOp.CUMMIN, x, dim, x.dtype(), idx);
        if (Graph.isRecording(x)) Graph.record(max ? Derivatives.CUMMAX : Derivatives.CUMMIN, out, x, x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim()), idx);
        return new ValuesIndices(out, idx);
    }

    static Tensor logcumsumexp(Tensor x, int dim) {
        Tensor out = scan(ScanOp.LOGCUMSUMEXP, x, dim, x.dtype().isFloatingPoint() ? x.dtype() : Promotion.DEFAULT_FLOAT, null);
        if (Graph.isRecording(x)) Graph.record(Derivatives.LOGCUMSUMEXP, out, x, x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim()));
        return out;
    }

    static Tensor softmax(Tensor x, int dim, boolean log) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        Tensor in = x.dtype().isFloatingPoint() ? x : x.to(Promotion.DEFAULT_FLOAT);
        Tensor out = Torch.empty(x.shape, in.dtype(), x.device());
        if (x.dim() == 0) {
            out.fill_(log ? 0.0 : 1.0);
        } else if (x.numel() > 0) {
            x.storage.backend().softmax(in.strided(), d, log, out.strided());
        }
        if (Graph.isRecording(x)) Graph.record(log ? Derivatives.LOG_SOFTMAX : Derivatives.SOFTMAX, out, x, d);
        return out;
    }
}
