package dev.kindling.backend.cuda;

import dev.kindling.backend.Storage;
import dev.kindling.backend.Strided;

/**
 * Turns kernel operands ({@link Strided}) into device addresses and {@code KdOperand} arguments.
 * Every tensor operand must live on the device of the calling backend; a CPU operand here is a bug
 * in the dispatch layer and fails loudly.
 */
final class Operands {
    private Operands() {}

    /** The CUDA storage behind a tensor operand. */
    static CudaStorage storage(Strided s) {
        if (!(s.storage instanceof CudaStorage cs)) {
            throw new IllegalStateException("internal error: a " + s.storage.device() + " operand reached the CUDA backend");
        }
        return cs;
    }

    /** The device address of the operand's logical element 0. */
    static long address(Strided s) {
        return storage(s).address() + (long) s.offset * s.dtype.itemSize();
    }

    /** Adds {@code s} as a {@code KdOperand} with the given (walked) strides. */
    static KernelArgs add(KernelArgs args, Strided s, int[] strides) {
        if (s.isScalar()) return args.operand(0, s.dtype, new int[strides.length], s.scalar, s.scalarLong);
        return args.operand(address(s), s.dtype, strides, 0, 0);
    }

    /** A placeholder operand of nothing (address 0), for optional kernel arguments. */
    static KernelArgs none(KernelArgs args, dev.kindling.DType dtype, int dims) {
        return args.operand(0, dtype, new int[dims], 0, 0);
    }

    /** A dense row-major operand of {@code shape} over all of {@code s}. */
    static Strided dense(Storage s, int[] shape) {
        return new Strided(s, 0, shape, contiguous(shape));
    }

    /** Row-major strides of a dense shape. */
    static int[] contiguous(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    /** {@code shape} without dim {@code dim}. */
    static int[] drop(int[] shape, int dim) {
        int[] out = new int[shape.length - 1];
        for (int d = 0, k = 0; d < shape.length; d++) if (d != dim) out[k++] = shape[d];
        return out;
    }
}
