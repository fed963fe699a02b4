package dev.kindling.backend.cpu;

import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.UnaryOp;

/**
 * The float32 fast paths of the element-wise and reduction kernels, on rows whose output is
 * contiguous and whose inputs are contiguous or a single broadcast value (stride 0).
 *
 * <p>Two implementations: {@link ScalarFloatKernels} in plain Java, and {@code VectorFloatKernels}
 * on the Vector API, chosen once at start-up by {@link #INSTANCE}. Callers check
 * {@link #supports} first and otherwise take the generic block path.
 */
abstract class FloatKernels {
    static final FloatKernels INSTANCE =
            Simd.choose("dev.kindling.backend.cpu.VectorFloatKernels", FloatKernels.class, new ScalarFloatKernels());

    /** The binary ops with a float32 fast path. */
    static boolean supports(BinaryOp op) {
        return op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV;
    }

    /** The unary ops with a float32 fast path. */
    static boolean supports(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, RELU, SQUARE, SQRT, RECIPROCAL, EXP, LOG, TANH, SIGMOID -> true;
            default -> false;
        };
    }

    /** {@code o[oo + i] = a[ao + i*as] op b[bo + i*bs]} with as, bs in {0, 1}, for a supported op. */
    abstract void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs,
                            float[] o, int oo, int n, float alpha);

    /** {@code y[yo + i] = op(x[xo + i])}, for a supported op. */
    abstract void unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float p1, float p2);

    /** The sum of {@code x[off .. off+n)}, accumulated in blocks and combined in double. */
    abstract double sum(float[] x, int off, int n);

    /** The largest (max) or smallest element of {@code x[off .. off+n)}; NaN if any is NaN. */
    abstract float extreme(float[] x, int off, int n, boolean max);

    /** {@code acc[i] += x[off + i]} for i in [0, n): the column step of a reduction over rows. */
    abstract void accumulate(float[] x, int off, double[] acc, int n);
}
