package dev.kindling;

import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Graph;
import dev.kindling.autograd.GradMode;
import dev.kindling.backend.TernaryOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Indexing dispatch: index_select, gather/scatter, index_add, advanced indexing and index_put,
 * masked ops, take/put, nonzero, sort/top-k, and the copying shape ops (flip, roll, repeat, tril,
 * cat, stack). Indices are validated here, with PyTorch's messages, before any kernel runs.
 */
final class Indexing {
    private Indexing() {}

    private static void checkIndexDtype(String op, Tensor index) {
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32) {
            throw new KindlingException(op + "(): Expected dtype int32/int64 for index but got: " + index.dtype().scalarName());
        }
    }

    /** The index as a contiguous int64 tensor with negative entries wrapped; checks bounds. */
    private static Tensor normalizeIndex(String op, Tensor index, int size, int dim) {
        checkIndexDtype(op, index);
        Tensor idx = index.to(DType.INT64).to(Device.CPU).contiguous();
        long[] a = idx.toLongArray();
        boolean changed = false;
        for (int i = 0; i < a.length; i++) {
            long v = a[i];
            if (v < -size || v >= size) {
                throw new KindlingException("index " + v + " is out of bounds for dimension " + dim + " with size " + size);
            }
            if (v < 0) {
                a[i] = v + size;
                changed = true;
            }
        }
        Tensor out = changed ? Tensor.from(a).view(idx.shape()) : idx;
        return out.device().equals(index.device()) ? out : out.to(index.device());
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        if (index.dim() > 1) throw new KindlingException("index_select(): Index is supposed to be a vector");
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.shape[d];
        Tensor idx = normalizeIndex("index_select", index.reshape(-1), size, d);
        int[] shape = x.shape.clone();
        if (x.dim() > 0) shape[d] = idx.shape[0];
        Tensor out = Torch.empty(shape, x.dtype(), x.device());
        if (out.numel() > 0) x.storage.backend().indexSelect(x.strided(), d, idx.strided(), out.strided());
        if (Graph.isRecording(x)) Graph.record(Derivatives.INDEX_SELECT, out, x, d, idx);
        return out;
    }

    private static void checkGatherShape(String op, Tensor x, int d, Tensor index, Tensor src) {
        if (index.dim() != x.dim() && !(index.dim() <= 1 && x.dim() <= 1)) {
            throw new KindlingException("Index tensor must have the same number of dimensions as "
                    + (op.startsWith("gather") ? "input" : "self") + " tensor");
        }
        for (int i = 0; i < index.dim(); i++) {
            if (i == d) continue;
            if (index.shape[i] > x.shape[i]) {
                throw new KindlingException("Size does not match at dimension " + i + " expected index " + Shapes.str(index.shape)
                        + " to be no larger than " + (op.startsWith("gather") ? "self " : "self ") + Shapes.str(x.shape)
                        + " apart from dimension " + d);
            }
            if (src != null && index.shape[i] > src.shape[i]) {
                throw new KindlingException("Size does not match at dimension " + i + " expected index " + Shapes.str(index.shape)
                        + " to be no larger than src " + Shapes.str(src.shape) + " apart from dimension " + d);
            }
        }
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        checkIndexDtype("gather", index);
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        checkGatherShape("gather", x, d, index, null);
        Tensor idx = normalizeIndex("gather", index, x.dim() == 0 ? 1 : x.shape[d], d);
        Tensor out = Torch.empty(index.shape, x.dtype(), x.device());
        if (out.numel() > 0) x.storage.backend().gather(x.strided(), d, idx.strided(), out.strided());
        if (Graph.isRecording(x)) Graph.record(Derivatives.GATHER, out, x, d, idx);
        return out;
    }

    static Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, Scalar value, boolean add) {
        String op = add ? "scatter_add" : "scatter";
        checkIndexDtype(op, index);
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        checkGatherShape(op, x, d, index, src);
        Tensor idx = normalizeIndex(op, index, x.dim() == 0 ? 1 : x.shape[d], d);
        Tensor out;
        try (var g = GradMode.scope(false)) {
            out = x.clone();
        }
        if (index.numel() > 0) {
            if (src != null) {
                Tensor s = src.dtype() == x.dtype() ? src : src.to(x.dtype());
                x.storage.backend().scatter(out.strided(), d, idx.strided(), s.strided(), add);
            } else {
                x.storage.backend().scatter(out.strided(), d, idx.strided(), Ops.scalarOperand(value, x.dtype()), add);
            }
        }
        if (src != null && Graph.isRecording(x, src)) {
            Graph.record2(add ? Derivatives.SCATTER_ADD : Derivatives.SCATTER, out, x, src, d, idx);
        } else if (src == null && Graph.isRecording(x)) {
            Graph.record(Derivatives.SCATTER_VALUE, out, x, d, idx);
        }
        return out;
    }

    static Tensor indexAdd(Tensor x, int dim, Tensor index, Tensor source, double alpha) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        if (index.dim() > 1) throw new KindlingException("index_add_(): Index is supposed to be a vector");
        Tensor idx = normalizeIndex("index_add", index.reshape(-1), x.dim() == 0 ? 1 : x.shape[d], d);
        int[] expect = x.shape.clone();
        if (x.dim() > 0) expect[d] = idx.shape[0];
        if (!Arrays.equals(expect, source.shape) && !(x.dim() == 0 && source.numel() == 1)) {
            throw new KindlingException("index_add_(): source shape " + Shapes.str(source.shape) + " does not match "
                    + Shapes.str(expect) + " (self's shape with dim " + d + " of the index's length)");
        }
        Tensor out;
        try (var g = GradMode.scope(false)) {
            out = x.clone();
        }
        Tensor s = source.dtype() == x.dtype() ? source : source.to(x.dtype());
        if (idx.numel() > 0) x.storage.backend().indexAdd(out.strided(), d, idx.strided(), s.strided(), alpha);
        if (Graph.isRecording(x, source)) Graph.record2(Derivatives.INDEX_ADD, out, x, source, d, idx, alpha);
        return out;
    }

    static Tensor indexFill(Tensor x, int dim, Tensor index, double value) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        Tensor idx = normalizeIndex("index_fill", index.reshape(-1), x.dim() == 0 ? 1 : x.shape[d], d);
        Tensor mask;
        try (var g = GradMode.scope(false)) {
            int[] mshape = new int[x.dim()];
            Arrays.fill(mshape, 1);
            if (x.dim() > 0) mshape[d] = x.shape[d];
            int size = x.dim() == 0 ? 1 : x.shape[d];
            Tensor m = put(Torch.zeros(new int[] {size}, DType.BOOL, x.device()), idx,
                    Torch.ones(new int[] {(int) idx.numel()}, DType.BOOL, x.device()), false);
            mask = m.view(mshape);
        }
        return x.maskedFill(mask, value);
    }

    // ---- advanced indexing ----

    /** Expands a BOOL mask index into integer index tensors, one per masked dim. */
    private static Tensor[] expandMasks(Tensor x, Tensor[] indices) {
        List<Tensor> out = new ArrayList<>();
        int dim = 0;
        for (Tensor t : indices) {
            if (t != null && (t.dtype() == DType.BOOL || t.dtype() == DType.UINT8)) {
                for (int k = 0; k < t.dim(); k++) {
                    if (dim + k >= x.dim() || t.shape[k] != x.shape[dim + k]) {
                        throw new KindlingException("The shape of the mask " + Shapes.str(t.shape) + " at index " + k
                                + " does not match the shape of the indexed tensor " + Shapes.str(x.shape) + " at index " + (dim + k));
                    }
                }
                Tensor nz = t.nonzero();
                for (int k = 0; k < t.dim(); k++) out.add(nz.select(1, k));
                dim += t.dim();
            } else {
                out.add(t);
                dim++;
            }
        }
        if (dim > x.dim()) {
            throw new KindlingException("too many indices for tensor of dimension " + x.dim());
        }
        return out.toArray(new Tensor[0]);
    }

    /**
     * Flat positions (into x's row-major order) selected by integer indices on the leading dims, with
     * null entries as full slices; returns the positions tensor and the result shape.
     */
    private record Positions(Tensor flat, int[] shape) {}

    private static Positions positions(Tensor x, Tensor[] indices) {
        Tensor[] idx = expandMasks(x, indices);
        int n = idx.length;
        // broadcast the index tensors
        List<int[]> shapes = new ArrayList<>();
        for (Tensor t : idx) if (t != null) shapes.add(t.shape);
        int[] bshape = shapes.isEmpty() ? new int[0] : Shapes.broadcast(shapes.toArray(new int[0][]));
        try (var g = GradMode.scope(false)) {
            int[] strides = Shapes.contiguousStrides(x.shape);
            Tensor flat = null;
            List<Integer> sliceDims = new ArrayList<>();
            for (int d = 0; d < x.dim(); d++) {
                Tensor t = d < n ? idx[d] : null;
                if (t == null) {
                    sliceDims.add(d);
                    continue;
                }
                checkIndexDtype("index", t);
                Tensor w = normalizeIndex("index", t, x.shape[d], d).expand(bshape).mul((long) strides[d]);
                flat = flat == null ? w : flat.add(w);
            }
            if (flat == null) flat = Torch.zeros(bshape, DType.INT64, x.device());
            // PyTorch's rule: adjacent advanced indices keep their place among the sliced dims,
            // otherwise the advanced (broadcast) dims come first
            int firstAdv = -1, lastAdv = -1;
            boolean adjacent = true;
            for (int d = 0; d < Math.min(n, x.dim()); d++) {
                if (idx[d] == null) continue;
                if (firstAdv < 0) firstAdv = d;
                else if (d != lastAdv + 1) adjacent = false;
                lastAdv = d;
            }
            int insertAt = 0;
            if (adjacent && firstAdv > 0) for (int sd : sliceDims) if (sd < firstAdv) insertAt++;
            List<Integer> shape = new ArrayList<>();
            Tensor pos = flat;
            int[] sliceArr = sliceDims.stream().mapToInt(Integer::intValue).toArray();
            for (int k = 0; k < sliceArr.length; k++) {
                int d = sliceArr[k];
                Tensor r = Torch.arange(x.shape[d]).to(x.device()).mul((long) strides[d]);
                // place slice dim k after insertAt advanced block
                int[] rshape;
                pos = pos.unsqueeze(pos.dim());
                rshape = new int[pos.dim()];
                Arrays.fill(rshape, 1);
                rshape[rshape.length - 1] = x.shape[d];
                pos = pos.add(r.view(rshape));
            }
            // pos is [bshape..., slice dims...]; move the advanced block to position insertAt
            int adv = bshape.length;
            if (insertAt > 0 && adv > 0) {
                int[] perm = new int[pos.dim()];
                int p = 0;
                for (int k = 0; k < insertAt; k++) perm[p++] = adv + k;
                for (int k = 0; k < adv; k++) perm[p++] = k;
                for (int k = insertAt; k < sliceArr.length; k++) perm[p++] = adv + k;
                pos = pos.permute(perm);
            }
            for (int s : pos.shape) shape.add(s);
            return new Positions(pos.contiguous(), shape.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    static Tensor index(Tensor x, Tensor[] indices) {
        Positions p = positions(x, indices);
        Tensor out = take(x.reshape(-1), p.flat().reshape(-1)).reshape(p.shape());
        return out;
    }

    static Tensor indexPut(Tensor x, Tensor[] indices, Tensor values, boolean accumulate) {
        Positions p = positions(x, indices);
        Tensor v = values.dtype() == x.dtype() ? values : values.to(x.dtype());
        Shapes.broadcast(p.shape(), v.shape);
        Tensor vv = v.expand(p.shape()).reshape(-1);
        return put(x, p.flat().reshape(-1), vv, accumulate);
    }

    // ---- take / put ----

    static Tensor take(Tensor x, Tensor index) {
        checkIndexDtype("take", index);
        long n = x.numel();
        Tensor idx = normalizeIndex("take", index, (int) n, 0);
        Tensor out = Torch.empty(index.shape, x.dtype(), x.device());
        if (out.numel() > 0) {
            Tensor flat = x.contiguous().view(-1);
            x.storage.backend().gather(flat.strided(), 0, idx.reshape(-1).strided(), out.view(-1).strided());
        }
        if (Graph.isRecording(x)) Graph.record(Derivatives.TAKE, out, x, idx);
        return out;
    }

    static Tensor put(Tensor x, Tensor index, Tensor source, boolean accumulate) {
        checkIndexDtype("put", index);
        if (index.numel() != source.numel()) {
            throw new KindlingException("put_(): Expected source and index to have the same number of elements, but got source.numel() = "
                    + source.numel() + ", index.numel() = " + index.numel());
        }
        Tensor idx = normalizeIndex("put", index, (int) x.numel(), 0).reshape(-1);
        Tensor out;
        try (var g = GradMode.scope(false)) {
            out = x.clone();
        }
        Tensor src = (source.dtype() == x.dtype() ? source : source.to(x.dtype())).contiguous().reshape(-1);
        if (idx.numel() > 0) x.storage.backend().put(out.strided(), idx.strided(), src.strided(), accumulate);
        if (Graph.isRecording(x, source)) Graph.record2(Derivatives.PUT, out, x, source, idx, accumulate);
        return out;
    }

    // ---- masks ----

    static Tensor maskedSelect(Tensor x, Tensor mask) {
        Ops.checkMask("masked_select", mask);
        int[] shape = Shapes.broadcast(x.shape, mask.shape);
        Tensor xe = x.expand(shape), me = mask.expand(shape);
        Tensor pos = me.contiguous().reshape(-1).nonzero().reshape(-1);
        return take(xe.contiguous(), pos);
    }

    static Tensor maskedScatter(Tensor x, Tensor mask, Tensor source) {
        Ops.checkMask("masked_scatter", mask);
        Tensor me = mask.expand(x.shape).contiguous().reshape(-1);
        Tensor pos = me.nonzero().reshape(-1);
        long k = pos.numel();
        if (source.numel() < k) {
            throw new KindlingException("masked_scatter: expected source to have at least " + k + " elements, got " + source.numel());
        }
        Tensor src = source.reshape(-1).narrow(0, 0, (int) k);
        return put(x, pos, src, false);
    }

    static Tensor nonzero(Tensor x) {
        long[] flat = x.storage.backend().nonzero(x.strided());
        int n = flat.length, nd = x.dim();
        long[] out = new long[n * nd];
        for (int i = 0; i < n; i++) {
            long f = flat[i];
            for (int d = nd - 1; d >= 0; d--) {
                out[i * nd + d] = f % x.shape[d];
                f /= x.shape[d];
            }
        }
        return Tensor.from(out, n, nd).to(x.device());
    }

    // ---- sort / topk ----

    static ValuesIndices sort(Tensor x, int dim, boolean descending) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        Tensor values = Torch.empty(x.shape, x.dtype(), x.device());
        Tensor indices = Torch.empty(x.shape, DType.INT64, x.device());
        if (x.dim() == 0) values.backendCopyFrom(x);
        else if (x.numel() > 0) x.storage.backend().sort(x.strided(), d, descending, true, values.strided(), indices.strided());
        if (Graph.isRecording(x)) Graph.record(Derivatives.SORT, values, x, d, indices);
        return new ValuesIndices(values, indices);
    }

    static ValuesIndices topk(Tensor x, int k, int dim, boolean largest, boolean sorted) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.shape[d];
        if (k < 0 || k > size) throw new KindlingException("selected index k out of range");
        int[] shape = x.shape.clone();
        if (x.dim() > 0) shape[d] = k;
        Tensor values = Torch.empty(shape, x.dtype(), x.device());
        Tensor indices = Torch.empty(shape, DType.INT64, x.device());
        if (x.dim() == 0) {
            if (k == 1) values.backendCopyFrom(x);
        } else if (values.numel() > 0) {
            x.storage.backend().topk(x.strided(), k, d, largest, sorted, values.strided(), indices.strided());
        }
        if (Graph.isRecording(x)) Graph.record(Derivatives.TOPK, values, x, d, indices);
        return new ValuesIndices(values, indices);
    }

    // ---- copying shape ops ----

    static Tensor flip(Tensor x, int[] dims) {
        boolean[] mask = Shapes.dimMask(dims.length == 0 ? new int[0] : dims, x.dim());
        if (dims.length == 0) Arrays.fill(mask, false);
        int off = x.offset;
        int[] strides = x.strides.clone();
        for (int d = 0; d < x.dim(); d++) {
            if (mask[d] && x.shape[d] > 0) {
                off += (x.shape[d] - 1) * x.strides[d];
                strides[d] = -x.strides[d];
            }
        }
        Tensor out = Torch.empty(x.shape, x.dtype(), x.device());
        x.storage.backend().copy(new dev.kindling.backend.Strided(x.storage, off, x.shape, strides), out.strided());
        int[] wrapped = java.util.stream.IntStream.range(0, x.dim()).filter(d -> mask[d]).toArray();
        if (Graph.isRecording(x)) Graph.record(Derivatives.FLIP, out, x, (Object) wrapped);
        return out;
    }

    static Tensor roll(Tensor x, int[] shifts, int[] dims) {
        if (shifts.length != dims.length) {
            throw new KindlingException("shifts and dimensions must align. shifts: " + shifts.length + ", dims:" + dims.length);
        }
        Tensor t = x;
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.wrap(dims[i], x.dim());
            int n = x.shape[d];
            if (n == 0) continue;
            int s = ((shifts[i] % n) + n) % n;
            if (s == 0) continue;
            t = Torch.cat(List.of(t.narrow(d, n - s, s), t.narrow(d, 0, n - s)), d);
        }
        return t == x ? x.clone() : t;
    }

    static Tensor repeat(Tensor x, int[] sizes) {
        if (sizes.length < x.dim()) {
            throw new KindlingException("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
        }
        int n = sizes.length;
        int lead = n - x.dim();
        int[] xs = new int[n];
        for (int d = 0; d < n; d++) xs[d] = d < lead ? 1 : x.shape[d - lead];
        // view as [1, s0, 1, s1, ...], expand to [r0, s0, r1, s1, ...], reshape to [r0*s0, ...]
        int[] inter = new int[2 * n], expanded = new int[2 * n], out = new int[n];
        for (int d = 0; d < n; d++) {
            inter[2 * d] = 1;
            inter[2 * d + 1] = xs[d];
            expanded[2 * d] = sizes[d];
            expanded[2 * d + 1] = xs[d];
            out[d] = sizes[d] * xs[d];
        }
        return x.reshape(inter).expand(expanded).reshape(out);
    }

    static Tensor tile(Tensor x, int[] reps) {
        if (reps.length < x.dim()) {
            int[] r = new int[x.dim()];
            Arrays.fill(r, 1);
            System.arraycopy(reps, 0, r, x.dim() - reps.length, reps.length);
            reps = r;
        }
        return repeat(x, reps);
    }

    static Tensor repeatInterleave(Tensor x, int repeats, int dim) {
        int d = Shapes.wrap(dim, x.dim());
        Tensor u = x.unsqueeze(d + 1);
        int[] e = u.shape.clone();
        e[d + 1] = repeats;
        return u.expand(e).flatten(d, d + 1);
    }

    static Tensor triangle(Tensor x, int diagonal, boolean lower) {
        if (x.dim() < 2) throw new KindlingException((lower ? "tril" : "triu") + ": input tensor must have at least 2 dimensions");
        int rows = x.shape[x.dim() - 2], cols = x.shape[x.dim() - 1];
        Tensor mask;
        try (var g = GradMode.scope(false)) {
            Tensor r = Torch.arange(rows).view(rows, 1), c = Torch.arange(cols).view(1, cols);
            Tensor diff = c.sub(r);
            mask = (lower ? diff.le((double) diagonal) : diff.ge((double) diagonal)).to(x.device());
        }
        Tensor zero = Ops.scalarTensor(Scalar.of(0L), x.dtype());
        Tensor out = Ops.ternary(TernaryOp.WHERE, mask, x, zero, x.dtype(), 0);
        if (Graph.isRecording(x)) Graph.record(lower ? Derivatives.TRIL : Derivatives.TRIU, out, x, diagonal);
        return out;
    }

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new KindlingException("torch.cat(): expected a non-empty list of Tensors");
        Tensor ref = null;
        for (Tensor t : tensors) if (!(t.dim() == 1 && t.shape[0] == 0)) { ref = t; break; }
        if (ref == null) ref = tensors.get(0);
        int d = Shapes.wrap(dim, Math.max(ref.dim(), 1));
        DType dtype = Promotion.resultType(tensors.toArray(new Tensor[0]));
        Device dev = Ops.device("cat", tensors.toArray(new Tensor[0]));
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dim() == 1 && t.shape[0] == 0 && ref.dim() != 1) continue; // legacy empty tensors are skipped
            if (t.dim() != ref.dim()) {
                throw new KindlingException("Tensors must have same number of dimensions: got " + ref.dim() + " and " + t.dim());
            }
            for (int k = 0; k < ref.dim(); k++) {
                if (k != d && t.shape[k] != ref.shape[k]) {
                    throw new KindlingException("Sizes of tensors must match except in dimension " + d + ". Expected size "
                            + ref.shape[k] + " but got size " + t.shape[k] + " for tensor number " + i + " in the list.");
                }
            }
            total += t.shape[d];
        }
        if (ref.dim() == 0) throw new KindlingException("zero-dimensional tensor (at position 0) cannot be concatenated");
        int[] shape = ref.shape.clone();
        shape[d] = total;
        Tensor out = Torch.empty(shape, dtype, dev);
        int at = 0;
        int[] sizes = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dim() == 1 && t.shape[0] == 0 && ref.dim() != 1) continue;
            int len = t.shape[d];
            sizes[i] = len;
            if (len > 0) {
                Tensor region = new Tensor(out.storage, out.offset + at * out.strides[d], t.shape, out.strides, out.version);
                Ops.copyAcross(t, region);
            }
            at += len;
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        if (Graph.isRecording(inputs)) Graph.recordN(Derivatives.CAT, out, inputs, d, sizes);
        return out;
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new KindlingException("stack expects a non-empty TensorList");
        int[] s0 = tensors.get(0).shape;
        for (int i = 1; i < tensors.size(); i++) {
            if (!Arrays.equals(s0, tensors.get(i).shape)) {
                throw new KindlingException("stack expects each tensor to be equal size, but got " + Shapes.str(s0)
                        + " at entry 0 and " + Shapes.str(tensors.get(i).shape) + " at entry " + i);
            }
        }
        int n = s0.length + 1;
        int d = dim < 0 ? dim + n : dim;
        if (d < 0 || d >= n) {
            throw new KindlingException("Dimension out of range (expected to be in range of [" + (-n) + ", " + (n - 1)
                    + "], but got " + dim + ")");
        }
        List<Tensor> us = new ArrayList<>();
        for (Tensor t : tensors) us.add(t.unsqueeze(d));
        return cat(us, d);
    }
}
