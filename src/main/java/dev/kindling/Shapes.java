package dev.kindling;

import java.util.Arrays;

/**
 * Shape arithmetic shared by the dispatch layer: strides, broadcasting, dim wrapping, view
 * compatibility, with PyTorch's error texts.
 */
final class Shapes {
    private Shapes() {}

    static final int[] SCALAR = new int[0];

    static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return st;
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** "[2, 3]" */
    static String str(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /** "(2, 3)" as in "size=(0, 3)" */
    static String tuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    static void checkShape(int[] shape, String op) {
        for (int s : shape) {
            if (s < 0) throw new KindlingException(op + ": Trying to create tensor with negative dimension " + s + ": " + str(shape));
        }
        if (numel(shape) > Integer.MAX_VALUE - 8) {
            throw new KindlingException(op + ": a tensor of shape " + str(shape) + " has " + numel(shape)
                    + " elements; one storage holds at most " + (Integer.MAX_VALUE - 8));
        }
    }

    /** PyTorch's broadcasting of two shapes. */
    static int[] broadcast(int[] a, int[] b) {
        if (Arrays.equals(a, b)) return a;
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length), db = i - (n - b.length);
            int sa = da >= 0 ? a[da] : 1, sb = db >= 0 ? b[db] : 1;
            if (sa == sb || sb == 1) out[i] = sa;
            else if (sa == 1) out[i] = sb;
            else {
                throw new KindlingException("The size of tensor a (" + sa + ") must match the size of tensor b (" + sb
                        + ") at non-singleton dimension " + i);
            }
        }
        return out;
    }

    static int[] broadcast(int[]... shapes) {
        int[] r = shapes[0];
        for (int i = 1; i < shapes.length; i++) r = broadcast(r, shapes[i]);
        return r;
    }

    /** Wraps a possibly negative dim into [0, ndim), with PyTorch's error. A 0-dim tensor accepts -1 and 0. */
    static int wrap(int dim, int ndim) {
        int n = Math.max(ndim, 1);
        if (dim < -n || dim >= n) {
            throw new KindlingException("Dimension out of range (expected to be in range of [" + (-n) + ", " + (n - 1)
                    + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + n : dim;
    }

    /** A mask of the dims to reduce; an empty list means all dims. */
    static boolean[] dimMask(int[] dims, int ndim) {
        boolean[] mask = new boolean[ndim];
        if (dims == null || dims.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int d : dims) {
            int w = wrap(d, ndim);
            if (ndim == 0) continue;
            if (mask[w]) throw new KindlingException("dim " + w + " appears multiple times in the list of dims");
            mask[w] = true;
        }
        return mask;
    }

    /** Resolves a -1 entry of a view/reshape shape, with PyTorch's errors. */
    static int[] infer(int[] shape, long numel) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) throw new KindlingException("only one dimension can be inferred");
                infer = i;
            } else if (shape[i] < 0) {
                throw new KindlingException("invalid shape dimension " + shape[i]);
            } else {
                known *= shape[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new KindlingException("shape '" + str(shape) + "' is invalid for input of size " + numel);
            }
            int[] r = shape.clone();
            r[infer] = (int) (numel / known);
            return r;
        }
        if (known != numel) throw new KindlingException("shape '" + str(shape) + "' is invalid for input of size " + numel);
        return shape;
    }

    /**
     * The strides that view {@code oldShape}/{@code oldStrides} as {@code newShape} without copying,
     * or null when no such strides exist (PyTorch's computeStride).
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        if (oldShape.length == 0) return contiguousStrides(newShape);
        long numel = numel(oldShape);
        int[] newStrides = new int[newShape.length];
        if (numel == 0) {
            return Arrays.equals(oldShape, newShape) ? oldStrides.clone() : contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) return null;
        return newStrides;
    }

    static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** The shape with the masked dims set to 1 (keepdim) or removed. */
    static int[] reducedShape(int[] shape, boolean[] mask, boolean keepdim) {
        int n = 0;
        for (int d = 0; d < shape.length; d++) if (keepdim || !mask[d]) n++;
        int[] out = new int[n];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (mask[d]) {
                if (keepdim) out[k++] = 1;
            } else {
                out[k++] = shape[d];
            }
        }
        return out;
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    static long count(boolean[] mask, int[] shape) {
        long n = 1;
        for (int d = 0; d < shape.length; d++) if (mask[d]) n *= shape[d];
        return n;
    }
}
