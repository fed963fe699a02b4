package dev.kindling;

import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Graph;
import dev.kindling.autograd.GradMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * View ops: new sizes, strides and offset over the same storage, sharing the version counter, never
 * copying. Each view remembers its base (the non-view tensor whose storage it shares) so that an
 * in-place op on a view can rebase the base's autograd history ({@link #rebaseHistory}), and a view
 * whose base changed since can re-derive its own ({@link #regenerateViewHistory}).
 * Also the scatter ops that write a view's region into a copy ({@code sliceScatter} and friends),
 * which are the views' backward.
 */
final class Views {
    private Views() {}

    static Tensor make(Tensor x, int offset, int[] shape, int[] strides) {
        Tensor v = new Tensor(x.storage, offset, shape, strides, x.version);
        v.base = x.base != null ? x.base : x;
        return v;
    }

    // ---------------------------------------------------------------------------------------
    // reshaping
    // ---------------------------------------------------------------------------------------

    static Tensor view(Tensor x, int[] shape) {
        int[] s = Shapes.infer(shape, x.numel());
        int[] st = Shapes.viewStrides(x.shape, x.strides, s);
        if (st == null) {
            throw new KindlingException("view size is not compatible with input tensor's size and stride (at least one "
                    + "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        }
        Tensor v = make(x, x.offset, s.clone(), st);
        if (Graph.isRecording(x)) Graph.record(Derivatives.VIEW, v, x);
        return v;
    }

    static Tensor reshape(Tensor x, int[] shape) {
        int[] s = Shapes.infer(shape, x.numel());
        if (Shapes.viewStrides(x.shape, x.strides, s) != null) return view(x, s);
        return view(x.clone(), s);
    }

    static Tensor flatten(Tensor x, int start, int end) {
        if (x.dim() == 0) return reshape(x, new int[] {1});
        int s = Shapes.wrap(start, x.dim()), e = Shapes.wrap(end, x.dim());
        if (s > e) throw new KindlingException("flatten() has invalid args: start_dim cannot come after end_dim");
        if (s == e) return x;
        int[] shape = new int[x.dim() - (e - s)];
        int k = 0;
        for (int d = 0; d < s; d++) shape[k++] = x.shape[d];
        int prod = 1;
        for (int d = s; d <= e; d++) prod *= x.shape[d];
        shape[k++] = prod;
        for (int d = e + 1; d < x.dim(); d++) shape[k++] = x.shape[d];
        return reshape(x, shape);
    }

    static Tensor unflatten(Tensor x, int dim, int[] sizes) {
        int d = Shapes.wrap(dim, x.dim());
        if (sizes.length == 0) throw new KindlingException("unflatten: sizes must be non-empty");
        int[] inner = Shapes.infer(sizes, x.shape[d]);
        int[] shape = new int[x.dim() - 1 + inner.length];
        int k = 0;
        for (int i = 0; i < d; i++) shape[k++] = x.shape[i];
        for (int v : inner) shape[k++] = v;
        for (int i = d + 1; i < x.dim(); i++) shape[k++] = x.shape[i];
        return view(x, shape);
    }

    // ---------------------------------------------------------------------------------------
    // reordering dims
    // ---------------------------------------------------------------------------------------

    static Tensor permute(Tensor x, int[] dims) {
        int n = x.dim();
        if (dims.length != n) {
            throw new KindlingException("permute(sparse_coo): number of dimensions in the tensor input does not match the "
                    + "length of the desired ordering of dimensions i.e. input.dim() = " + n + " is not equal to len(dims) = "
                    + dims.length);
        }
        int[] shape = new int[n], strides = new int[n], wrapped = new int[n];
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int d = Shapes.wrap(dims[i], n);
            if (seen[d]) throw new KindlingException("permute(): duplicate dims are not allowed.");
            seen[d] = true;
            wrapped[i] = d;
            shape[i] = x.shape[d];
            strides[i] = x.strides[d];
        }
        Tensor v = make(x, x.offset, shape, strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.PERMUTE, v, x, (Object) wrapped);
        return v;
    }

    static Tensor transpose(Tensor x, int d0, int d1) {
        if (x.dim() == 0) {
            Shapes.wrap(d0, 0);
            Shapes.wrap(d1, 0);
            return make(x, x.offset, x.shape, x.strides);
        }
        int a = Shapes.wrap(d0, x.dim()), b = Shapes.wrap(d1, x.dim());
        int[] shape = x.shape.clone(), strides = x.strides.clone();
        shape[a] = x.shape[b];
        shape[b] = x.shape[a];
        strides[a] = x.strides[b];
        strides[b] = x.strides[a];
        Tensor v = make(x, x.offset, shape, strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.TRANSPOSE, v, x, a, b);
        return v;
    }

    static Tensor t(Tensor x) {
        if (x.dim() > 2) {
            throw new KindlingException("t() expects a tensor with <= 2 dimensions, but self is " + x.dim() + "D");
        }
        if (x.dim() < 2) {
            Tensor v = make(x, x.offset, x.shape, x.strides);
            if (Graph.isRecording(x)) Graph.record(Derivatives.T, v, x);
            return v;
        }
        Tensor v = make(x, x.offset, new int[] {x.shape[1], x.shape[0]}, new int[] {x.strides[1], x.strides[0]});
        if (Graph.isRecording(x)) Graph.record(Derivatives.T, v, x);
        return v;
    }

    static Tensor movedim(Tensor x, int src, int dst) {
        int n = x.dim();
        int s = Shapes.wrap(src, n), d = Shapes.wrap(dst, n);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) if (i != s) order.add(i);
        order.add(d, s);
        return permute(x, order.stream().mapToInt(Integer::intValue).toArray());
    }

    // ---------------------------------------------------------------------------------------
    // broadcasting and selecting
    // ---------------------------------------------------------------------------------------

    static Tensor expand(Tensor x, int[] size) {
        int n = size.length;
        if (n < x.dim()) {
            throw new KindlingException("expand(" + x.dtype().tensorTypeName(x.device()) + "{" + Shapes.str(x.shape)
                    + "}, size=" + Shapes.str(size) + "): the number of sizes provided (" + n
                    + ") must be greater or equal to the number of dimensions in the tensor (" + x.dim() + ")");
        }
        int[] shape = new int[n], strides = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            int xd = i - (n - x.dim());
            int target = size[i];
            if (xd < 0) {
                if (target < 0) {
                    throw new KindlingException("The expanded size of the tensor (" + target + ") isn't allowed in a leading, "
                            + "non-existing dimension " + i);
                }
                shape[i] = target;
                strides[i] = 0;
                continue;
            }
            int cur = x.shape[xd];
            if (target == -1) target = cur;
            if (cur == target) {
                shape[i] = cur;
                strides[i] = x.strides[xd];
            } else if (cur == 1) {
                shape[i] = target;
                strides[i] = 0;
            } else {
                throw new KindlingException("The expanded size of the tensor (" + target + ") must match the existing size ("
                        + cur + ") at non-singleton dimension " + i + ".  Target sizes: " + Shapes.str(size)
                        + ".  Tensor sizes: " + Shapes.str(x.shape));
            }
        }
        Tensor v = make(x, x.offset, shape, strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.EXPAND, v, x);
        return v;
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        if (x.dim() == 0) throw new KindlingException("narrow() cannot be applied to a 0-dim tensor.");
        int d = Shapes.wrap(dim, x.dim());
        int size = x.shape[d];
        if (start < -size || start > size) {
            throw new KindlingException("start out of range (expected to be in range of [" + (-size) + ", " + size
                    + "], but got " + start + ")");
        }
        int s = start < 0 ? start + size : start;
        if (length < 0) throw new KindlingException("narrow(): length must be non-negative.");
        if (s + length > size) {
            throw new KindlingException("start (" + s + ") + length (" + length + ") exceeds dimension size (" + size + ").");
        }
        return sliceView(x, d, s, s + length, 1);
    }

    static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        if (x.dim() == 0) throw new KindlingException("slice() cannot be applied to a 0-dim tensor.");
        if (step <= 0) throw new KindlingException("slice step must be positive");
        int d = Shapes.wrap(dim, x.dim());
        int size = x.shape[d];
        int s = start < 0 ? Math.max(start + size, 0) : Math.min(start, size);
        int e = end < 0 ? Math.max(end + size, 0) : Math.min(end, size);
        if (e < s) e = s;
        return sliceView(x, d, s, e, step);
    }

    private static Tensor sliceView(Tensor x, int d, int start, int end, int step) {
        int[] shape = x.shape.clone(), strides = x.strides.clone();
        shape[d] = (end - start + step - 1) / step;
        strides[d] = x.strides[d] * step;
        Tensor v = make(x, x.offset + start * x.strides[d], shape, strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.SLICE, v, x, d, start, end, step);
        return v;
    }

    static Tensor select(Tensor x, int dim, int index) {
        if (x.dim() == 0) throw new KindlingException("select() cannot be applied to a 0-dim tensor.");
        int d = Shapes.wrap(dim, x.dim());
        int size = x.shape[d];
        if (index < -size || index >= size) {
            throw new KindlingException("select(): index " + index + " out of range for tensor of size " + Shapes.str(x.shape)
                    + " at dimension " + d);
        }
        int i = index < 0 ? index + size : index;
        int[] shape = new int[x.dim() - 1], strides = new int[x.dim() - 1];
        for (int a = 0, k = 0; a < x.dim(); a++) {
            if (a == d) continue;
            shape[k] = x.shape[a];
            strides[k++] = x.strides[a];
        }
        Tensor v = make(x, x.offset + i * x.strides[d], shape, strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.SELECT, v, x, d, i);
        return v;
    }

    static Tensor squeeze(Tensor x, int[] dims) {
        boolean[] drop = new boolean[x.dim()];
        if (dims == null) {
            for (int d = 0; d < x.dim(); d++) drop[d] = x.shape[d] == 1;
        } else {
            for (int dim : dims) {
                int d = Shapes.wrap(dim, x.dim());
                if (x.dim() > 0 && x.shape[d] == 1) drop[d] = true;
            }
        }
        int n = 0;
        for (boolean b : drop) if (!b) n++;
        int[] shape = new int[n], strides = new int[n];
        for (int d = 0, k = 0; d < x.dim(); d++) {
            if (drop[d]) continue;
            shape[k] = x.shape[d];
            strides[k++] = x.strides[d];
        }
        Tensor v = make(x, x.offset, shape, strides);
        if (Graph.isRecording(x)) {
            Graph.record(dims == null ? Derivatives.SQUEEZE : dims.length == 1 ? Derivatives.SQUEEZE_DIM : Derivatives.SQUEEZE_DIMS, v, x);
        }
        return v;
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int n = x.dim() + 1;
        if (dim < -n || dim >= n) {
            throw new KindlingException("Dimension out of range (expected to be in range of [" + (-n) + ", " + (n - 1)
                    + "], but got " + dim + ")");
        }
        int d = dim < 0 ? dim + n : dim;
        int[] shape = new int[n], strides = new int[n];
        for (int i = 0, k = 0; i < n; i++) {
            if (i == d) {
                shape[i] = 1;
                strides[i] = d < x.dim() ? x.shape[d] * x.strides[d] : 1;
            } else {
                shape[i] = x.shape[k];
                strides[i] = x.strides[k++];
            }
        }
        Tensor v = make(x, x.offset, shape, strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.UNSQUEEZE, v, x, d);
        return v;
    }

    static Tensor diagonal(Tensor x, int offset, int dim1, int dim2) {
        int n = x.dim();
        if (n < 2) throw new KindlingException("diagonal dimensions requires at least 2 dims, got " + n);
        int a = Shapes.wrap(dim1, n), b = Shapes.wrap(dim2, n);
        if (a == b) throw new KindlingException("diagonal dimensions cannot be identical " + dim1 + ", " + dim2);
        int len;
        int off = x.offset;
        if (offset >= 0) {
            len = Math.max(Math.min(x.shape[a], x.shape[b] - offset), 0);
            if (len > 0) off += offset * x.strides[b];
        } else {
            len = Math.max(Math.min(x.shape[a] + offset, x.shape[b]), 0);
            if (len > 0) off -= offset * x.strides[a];
        }
        int[] shape = new int[n - 1], strides = new int[n - 1];
        int k = 0;
        for (int d = 0; d < n; d++) {
            if (d == a || d == b) continue;
            shape[k] = x.shape[d];
            strides[k++] = x.strides[d];
        }
        shape[k] = len;
        strides[k] = x.strides[a] + x.strides[b];
        Tensor v = make(x, off, shape, strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.DIAGONAL, v, x, offset, a, b);
        return v;
    }

    static Tensor unfold(Tensor x, int dim, int size, int step) {
        int d = x.dim() == 0 ? 0 : Shapes.wrap(dim, x.dim());
        int cur = x.dim() == 0 ? 1 : x.shape[d];
        if (size > cur) {
            throw new KindlingException("maximum size for tensor at dimension " + d + " is " + cur + " but size is " + size);
        }
        if (step <= 0) throw new KindlingException("step is " + step + " but must be > 0");
        int n = x.dim();
        int[] shape = new int[n + 1], strides = new int[n + 1];
        for (int i = 0; i < n; i++) {
            shape[i] = x.shape[i];
            strides[i] = x.strides[i];
        }
        int curStride = n == 0 ? 1 : x.strides[d];
        if (n > 0) {
            shape[d] = (cur - size) / step + 1;
            strides[d] = step * curStride;
        }
        shape[n] = size;
        strides[n] = curStride;
        Tensor v = make(x, x.offset, n == 0 ? new int[] {size} : shape, n == 0 ? new int[] {1} : strides);
        if (Graph.isRecording(x)) Graph.record(Derivatives.UNFOLD, v, x, d, size, step);
        return v;
    }

    static Tensor asStrided(Tensor x, int[] size, int[] stride, int storageOffset) {
        if (size.length != stride.length) {
            throw new KindlingException("mismatch in length of strides and shape");
        }
        long maxOffset = storageOffset;
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0) throw new KindlingException("as_strided: negative size " + size[i]);
            if (stride[i] < 0) throw new KindlingException("as_strided: Negative strides are not supported at the moment, got strides: " + Shapes.str(stride));
            if (size[i] > 0) maxOffset += (long) (size[i] - 1) * stride[i];
        }
        if (Shapes.numel(size) > 0 && (storageOffset < 0 || maxOffset >= x.storage.size())) {
            throw new KindlingException("setStorage: sizes " + Shapes.str(size) + ", strides " + Shapes.str(stride)
                    + ", storage offset " + storageOffset + " require a storage of at least " + (maxOffset + 1)
                    + " elements, but the storage has " + x.storage.size());
        }
        Tensor v = make(x, storageOffset, size.clone(), stride.clone());
        if (Graph.isRecording(x)) Graph.record(Derivatives.AS_STRIDED, v, x, size.clone(), stride.clone(), storageOffset - x.offset);
        return v;
    }

    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) throw new KindlingException("chunk expects `chunks` to be greater than 0, got: " + chunks);
        int d = Shapes.wrap(dim, x.dim());
        int size = x.shape[d];
        int each = (size + chunks - 1) / chunks;
        return split(x, Math.max(each, 1), d);
    }

    static List<Tensor> split(Tensor x, int splitSize, int dim) {
        if (splitSize <= 0 && x.dim() > 0 && x.shape[Shapes.wrap(dim, x.dim())] > 0) {
            throw new KindlingException("split_size can only be 0 if dimension size is 0, but got dimension size of "
                    + x.shape[Shapes.wrap(dim, x.dim())]);
        }
        int d = Shapes.wrap(dim, x.dim());
        int size = x.shape[d];
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < size; s += splitSize) out.add(narrow(x, d, s, Math.min(splitSize, size - s)));
        if (out.isEmpty()) out.add(narrow(x, d, 0, 0));
        return out;
    }

    static List<Tensor> splitWithSizes(Tensor x, int[] sizes, int dim) {
        int d = Shapes.wrap(dim, x.dim());
        int total = 0;
        for (int s : sizes) total += s;
        if (total != x.shape[d]) {
            throw new KindlingException("split_with_sizes expects split_sizes to sum exactly to " + x.shape[d]
                    + " (input tensor's size at dimension " + d + "), but got split_sizes=" + Shapes.str(sizes));
        }
        List<Tensor> out = new ArrayList<>();
        int start = 0;
        for (int s : sizes) {
            out.add(narrow(x, d, start, s));
            start += s;
        }
        return out;
    }

    static List<Tensor> unbind(Tensor x, int dim) {
        int d = Shapes.wrap(dim, x.dim());
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < x.shape[d]; i++) out.add(select(x, d, i));
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // scatter ops: a copy of the input with a view's region replaced
    // ---------------------------------------------------------------------------------------

    private interface ViewFn {
        Tensor apply(Tensor t);
    }

    private static Tensor scatterInto(String op, Tensor self, Tensor src, ViewFn viewFn) {
        Ops.device(op, self, src);
        Tensor out;
        try (var g = GradMode.scope(false)) {
            out = self.clone();
            Tensor region = viewFn.apply(out);
            if (!Arrays.equals(region.shape, src.shape)) {
                throw new KindlingException(op + ": expected src to have a size equal to the slice of self. src size = "
                        + Shapes.str(src.shape) + ", slice size = " + Shapes.str(region.shape));
            }
            Ops.copyAcross(src, region);
        }
        return out;
    }

    static Tensor sliceScatter(Tensor self, Tensor src, int dim, int start, int end, int step) {
        Tensor out = scatterInto("slice_scatter", self, src, t -> t.slice(dim, start, end, step));
        if (Graph.isRecording(self, src)) Graph.record2(Derivatives.SLICE_SCATTER, out, self, src, dim, start, end, step);
        return out;
    }

    static Tensor selectScatter(Tensor self, Tensor src, int dim, int index) {
        Tensor out = scatterInto("select_scatter", self, src, t -> t.select(dim, index));
        if (Graph.isRecording(self, src)) Graph.record2(Derivatives.SELECT_SCATTER, out, self, src, dim, index);
        return out;
    }

    static Tensor diagonalScatter(Tensor self, Tensor src, int offset, int dim1, int dim2) {
        Tensor out = scatterInto("diagonal_scatter", self, src, t -> t.diagonal(offset, dim1, dim2));
        if (Graph.isRecording(self, src)) Graph.record2(Derivatives.DIAGONAL_SCATTER, out, self, src, offset, dim1, dim2);
        return out;
    }

    static Tensor asStridedScatter(Tensor self, Tensor src, int[] size, int[] stride, int storageOffset) {
        Tensor out = scatterInto("as_strided_scatter", self, src, t -> t.asStrided(size, stride, storageOffset));
        if (Graph.isRecording(self, src)) {
            Graph.record2(Derivatives.AS_STRIDED_SCATTER, out, self, src, size.clone(), stride.clone(), storageOffset);
        }
        return out;
    }

    /**
     * The flat (row-major) positions, within a tensor of {@code inputShape}, of the elements of the
     * view that {@code viewFn} takes of it: the view applied to {@code arange(numel)}.
     */
    static Tensor viewPositions(int[] inputShape, Device device, java.util.function.UnaryOperator<Tensor> viewFn) {
        try (var g = GradMode.scope(false)) {
            Tensor idx = Torch.arange(Shapes.numel(inputShape)).view(inputShape);
            return viewFn.apply(idx).contiguous().to(device);
        }
    }

    // ---------------------------------------------------------------------------------------
    // autograd history of views and in-place ops
    // ---------------------------------------------------------------------------------------

    /** A copy of t's current value that stands where t stands in the graph (for saved tensors). */
    static Tensor snapshot(Tensor t) {
        Tensor copy = Torch.empty(t.shape, t.dtype(), t.device());
        try (var g = GradMode.scope(false)) {
            copy.backendCopyFrom(t);
        }
        if (t.rawGradFn() != null) copy.setHistory(t.gradFn(), t.outputNr());
        return copy;
    }

    /** After an in-place op recorded as {@code r}: self now stands where r stands. */
    static void adoptHistory(Tensor self, Tensor r) {
        if (r.requiresGrad()) self.setHistory(r.gradFn(), r.outputNr());
    }

    /**
     * After an in-place op on a view recorded as {@code r}: the base's new value is its old value
     * with the view's region replaced by r (a {@code CopySlices} node with inputs old base and r),
     * and the view's history is re-derived from the base.
     */
    static void rebaseHistory(Tensor view, Tensor r) {
        Tensor base = view.base;
        int rel = view.offset - base.offset;
        try (var g = GradMode.scope(true)) {
            Graph.recordN(Derivatives.COPY_SLICES, base, new Tensor[] {base, r}, view.shape.clone(), view.strides.clone(), rel,
                    base.strides.clone());
        }
        regenerateViewHistory(view);
    }

    /** Re-derives a view's gradFn from its base, as {@code AsStridedBackward0}. */
    static void regenerateViewHistory(Tensor view) {
        Tensor base = view.base;
        try (var g = GradMode.scope(true)) {
            Tensor fresh = asStrided(base, view.shape, view.strides, view.offset);
            view.setHistory(fresh.rawGradFn(), 0);
        }
    }
}
