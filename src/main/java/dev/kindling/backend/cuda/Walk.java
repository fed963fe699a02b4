package dev.kindling.backend.cuda;

import dev.kindling.backend.Strided;

import java.util.Arrays;

/**
 * The shape an element-wise kernel walks, with each operand's strides, after dropping size-1 dims
 * and merging neighbouring dims that every operand lays out one after the other (so a contiguous
 * tensor of any rank is one dim). Kernels take at most {@link KernelArgs#MAX_DIMS} dims; a walk that
 * needs more is run on the CPU by the caller.
 */
final class Walk {
    final int[] sizes;
    /** [operand][dim] */
    final int[][] strides;
    final long numel;

    private Walk(int[] sizes, int[][] strides, long numel) {
        this.sizes = sizes;
        this.strides = strides;
        this.numel = numel;
    }

    /** A walk of {@code shape} over operands already broadcast to it (scalars walk with stride 0). */
    static Walk of(int[] shape, Strided... ops) {
        int[][] st = new int[ops.length][];
        for (int o = 0; o < ops.length; o++) {
            st[o] = ops[o].isScalar() ? new int[shape.length] : ops[o].strides;
            if (st[o].length != shape.length) {
                throw new IllegalStateException("operand of rank " + st[o].length + " walked over a shape of rank " + shape.length);
            }
        }
        return of(shape, st);
    }

    /** A walk of {@code shape} with explicit per-operand strides ({@code strides[o][d]}). */
    static Walk of(int[] shape, int[][] strides) {
        int nops = strides.length, nd = shape.length;
        int[] sz = new int[nd];
        int[][] st = new int[nops][nd];
        long numel = 1;
        int k = 0;
        for (int d = 0; d < nd; d++) {
            numel *= shape[d];
            if (shape[d] == 1) continue;
            if (k > 0 && mergeable(strides, st, k - 1, d, shape[d])) {
                sz[k - 1] *= shape[d];
                for (int o = 0; o < nops; o++) st[o][k - 1] = strides[o][d];
                continue;
            }
            sz[k] = shape[d];
            for (int o = 0; o < nops; o++) st[o][k] = strides[o][d];
            k++;
        }
        int[][] outStrides = new int[nops][];
        for (int o = 0; o < nops; o++) outStrides[o] = Arrays.copyOf(st[o], k);
        return new Walk(Arrays.copyOf(sz, k), outStrides, numel);
    }

    private static boolean mergeable(int[][] strides, int[][] st, int prev, int d, int size) {
        for (int o = 0; o < strides.length; o++) {
            if ((long) st[o][prev] != (long) strides[o][d] * size) return false;
        }
        return true;
    }

    /** Whether the kernels can take this walk. */
    boolean fits() { return sizes.length <= KernelArgs.MAX_DIMS; }

    /** The element count as the kernels' int. */
    int count() {
        if (numel > Integer.MAX_VALUE) throw new IllegalArgumentException("CUDA kernels take at most 2^31-1 elements, got " + numel);
        return (int) numel;
    }

    int dims() { return sizes.length; }
}
