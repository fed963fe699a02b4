package dev.kindling.backend;

import dev.kindling.DType;

/**
 * One operand of a kernel: a storage seen through an offset, sizes and strides (in elements), or a
 * scalar constant broadcast to any shape.
 *
 * <p>The dispatch layer builds these from tensors after checking shapes, dtypes and devices; a
 * kernel may rely on the sizes matching what the op requires, on the strides addressing only
 * elements inside the storage, and on the output operand not overlapping an input unless the op is
 * documented as element-wise (where {@code out == in} for the same element is allowed).
 */
public final class Strided {
    public final Storage storage;
    public final DType dtype;
    public final int offset;
    public final int[] shape;
    public final int[] strides;
    /** For a scalar operand: its value. */
    public final double scalar;
    /** For a scalar operand of an integral or bool dtype: its exact value. */
    public final long scalarLong;

    public Strided(Storage storage, int offset, int[] shape, int[] strides) {
        this.storage = storage;
        this.dtype = storage.dtype();
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.scalar = 0;
        this.scalarLong = 0;
    }

    private Strided(DType dtype, double value, long longValue) {
        this.storage = null;
        this.dtype = dtype;
        this.offset = 0;
        this.shape = new int[0];
        this.strides = new int[0];
        this.scalar = value;
        this.scalarLong = longValue;
    }

    /** A constant of the given dtype; integral dtypes take {@code (long) value}. */
    public static Strided scalar(DType dtype, double value) {
        return new Strided(dtype, value, (long) value);
    }

    /** An integral constant, exact beyond 2^53. */
    public static Strided scalar(DType dtype, long value) {
        return new Strided(dtype, (double) value, value);
    }

    public boolean isScalar() { return storage == null; }

    public int dim() { return shape.length; }

    public long numel() {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** True when the elements are laid out densely in row-major order. */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** The same storage seen with other sizes and strides (for broadcasting an operand). */
    public Strided with(int[] newShape, int[] newStrides) {
        if (isScalar()) return this;
        return new Strided(storage, offset, newShape, newStrides);
    }

    /** This operand broadcast to {@code target} (leading dims added, size-1 dims given stride 0). */
    public Strided broadcastTo(int[] target) {
        if (isScalar() || java.util.Arrays.equals(shape, target)) return this;
        int[] st = new int[target.length];
        int lead = target.length - shape.length;
        for (int d = 0; d < target.length; d++) {
            int sd = d - lead;
            st[d] = sd < 0 || shape[sd] == 1 ? 0 : strides[sd];
        }
        return new Strided(storage, offset, target, st);
    }
}
