package dev.kindling.data;

import java.util.Arrays;

/**
 * The contents of an unsigned-byte IDX file: its dimensions and its bytes in row-major order.
 *
 * <p>Created by {@link Idx#read} (or by a caller, to {@link Idx#write}); consumed by datasets
 * that turn images and labels into tensors. The dimensions are copied on construction and on
 * access; the data array is shared, not copied, since it is large. Each byte is an unsigned value
 * 0..255: read it with {@code data[i] & 0xff}.
 *
 * @param dims the dimensions, such as {@code [60000, 28, 28]} for images or {@code [60000]} for labels
 * @param data {@code product(dims)} bytes, row-major
 */
public record IdxArray(int[] dims, byte[] data) {
    public IdxArray {
        if (dims == null || data == null) throw new IllegalArgumentException("IdxArray: dims and data must not be null");
        dims = dims.clone();
        long numel = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("IdxArray: negative dimension in " + Arrays.toString(dims));
            numel *= d;
            if (numel > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("IdxArray: dims " + Arrays.toString(dims) + " exceed one Java array");
            }
        }
        if (numel != data.length) {
            throw new IllegalArgumentException("IdxArray: dims " + Arrays.toString(dims) + " hold " + numel
                    + " bytes but data has " + data.length);
        }
    }

    /** A copy of the dimensions. */
    @Override
    public int[] dims() { return dims.clone(); }

    /** The first dimension: the number of items (images or labels). */
    public int count() { return dims.length == 0 ? 1 : dims[0]; }

    /** Dimension {@code i}. */
    public int dim(int i) { return dims[i]; }

    /** The number of dimensions. */
    public int rank() { return dims.length; }

    /** The unsigned value 0..255 of byte {@code i}. */
    public int unsigned(int i) { return data[i] & 0xff; }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray a && Arrays.equals(dims, a.dims) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(dims) * 31 + Arrays.hashCode(data); }

    @Override
    public String toString() { return "IdxArray[dims=" + Arrays.toString(dims) + "]"; }
}
