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

    /** The ternary ops with a float32 fast path. */
    static boolean supports(dev.kindling.backend.TernaryOp op) {
        return switch (op) {
            case ADDCMUL, ADDCDIV, LERP -> true;
            default -> false;
        };
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

    /**
     * {@code o[oo + i] = op(a[ao + i*as], b[bo + i*bs], c[co + i*cs])} with strides in {0, 1}, for a
     * supported ternary op (the optimizers' addcmul, addcdiv and lerp).
     */
    void ternary(dev.kindling.backend.TernaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs,
                 float[] c, int co, int cs, float[] o, int oo, int n, float p) {
        if (as == 1 && bs == 1 && cs == 1) {
            switch (op) {
                case ADDCMUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + p * b[bo + i] * c[co + i]; }
                case ADDCDIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + p * b[bo + i] / c[co + i]; }
                default -> { for (int i = 0; i < n; i++) o[oo + i] = lerp(a[ao + i], b[bo + i], c[co + i]); }
            }
            return;
        }
        if (op == dev.kindling.backend.TernaryOp.LERP && as == 1 && bs == 1 && cs == 0) {
            float w = c[co];
            if (Math.abs(w) < 0.5f) {
                for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + w * (b[bo + i] - a[ao + i]);
            } else {
                float wc = 1 - w;
                for (int i = 0; i < n; i++) o[oo + i] = b[bo + i] - (b[bo + i] - a[ao + i]) * wc;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            float x = a[ao + i * as], y = b[bo + i * bs], z = c[co + i * cs];
            o[oo + i] = switch (op) {
                case ADDCMUL -> x + p * y * z;
                case ADDCDIV -> x + p * y / z;
                default -> lerp(x, y, z);
            };
        }
    }

    /**
     * One Adam step over dense float32 runs, element by element in the order of operations of
     * Adam's composition ({@code FusedOps.adamStep_}), so that it gives the same bits:
     * {@code m = lerp(m, g, w1)}, {@code v = v·beta2 + w2·g·g}, {@code s = max(vmax, v)} when
     * {@code vmax} is not null (amsgrad, stored back) else {@code v},
     * {@code p = p + negStep·m / (sqrt(s) / bc2Sqrt + eps)}.
     */
    void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float[] vmax, int xo, int n,
              float w1, float beta2, float w2, float bc2Sqrt, float eps, float negStep) {
        boolean near = Math.abs(w1) < 0.5f;
        float w1c = 1 - w1;
        for (int i = 0; i < n; i++) {
            float gi = g[go + i], mi = m[mo + i];
            mi = near ? mi + w1 * (gi - mi) : gi - (gi - mi) * w1c;
            m[mo + i] = mi;
            float vi = v[vo + i] * beta2;
            vi = vi + w2 * gi * gi;
            v[vo + i] = vi;
            float s = vi;
            if (vmax != null) {
                s = Math.max(vmax[xo + i], vi);
                vmax[xo + i] = s;
            }
            float denom = (float) Math.sqrt(s) / bc2Sqrt + eps;
            p[po + i] = p[po + i] + negStep * mi / denom;
        }
    }

    /** PyTorch's lerp: the formula that stays exact at the end point it is closer to. */
    static float lerp(float start, float end, float w) {
        return Math.abs(w) < 0.5f ? start + w * (end - start) : end - (end - start) * (1 - w);
    }

    /**
     * PyTorch's {@code threshold_backward}: {@code o[oo + i] = x[xo + i] <= threshold ? 0 : g[go + i]}
     * (a NaN in x passes the gradient, a NaN in g where x is below the threshold does not).
     */
    void thresholdBackward(float[] g, int go, float[] x, int xo, float[] o, int oo, int n, float threshold) {
        for (int i = 0; i < n; i++) o[oo + i] = x[xo + i] <= threshold ? 0f : g[go + i];
    }

    /**
     * Adds {@code Σ (x[i] - m)} to {@code acc[0]} and {@code Σ (x[i] - m)²} to {@code acc[1]} over
     * {@code x[off .. off+n)} (batch norm's variance around a rounded mean, corrected by the first sum).
     */
    void centeredMoments(float[] x, int off, int n, float m, double[] acc) {
        double s1 = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double d = x[off + i] - m;
            s1 += d;
            s2 += d * d;
        }
        acc[0] += s1;
        acc[1] += s2;
    }

    /** {@code y[yo + i] = a·x[xo + i] + b} (batch norm's normalisation and affine in one pass). */
    void affine(float[] x, int xo, float[] y, int yo, int n, float a, float b) {
        for (int i = 0; i < n; i++) y[yo + i] = a * x[xo + i] + b;
    }

    /**
     * Adds {@code Σ g[i]} to {@code acc[0]} and {@code Σ g[i]·(x[i] - m)} to {@code acc[1]} (the
     * reductions of batch norm's backward).
     */
    void sumAndCenteredDot(float[] g, int go, float[] x, int xo, int n, float m, double[] acc) {
        double s0 = 0, s1 = 0;
        for (int i = 0; i < n; i++) {
            double gi = g[go + i];
            s0 += gi;
            s1 += gi * (x[xo + i] - m);
        }
        acc[0] += s0;
        acc[1] += s1;
    }

    /** {@code o[oo + i] = a·g[go + i] + b·x[xo + i] + k} (batch norm's input gradient). */
    void affine2(float[] g, int go, float[] x, int xo, float[] o, int oo, int n, float a, float b, float k) {
        for (int i = 0; i < n; i++) o[oo + i] = a * g[go + i] + (b * x[xo + i] + k);
    }

    /** The sum of {@code x[off .. off+n)}, accumulated in blocks and combined in double. */
    abstract double sum(float[] x, int off, int n);

    /** The largest (max) or smallest element of {@code x[off .. off+n)}; NaN if any is NaN. */
    abstract float extreme(float[] x, int off, int n, boolean max);

    /** {@code acc[i] += x[off + i]} for i in [0, n): the column step of a reduction over rows. */
    abstract void accumulate(float[] x, int off, double[] acc, int n);
}
