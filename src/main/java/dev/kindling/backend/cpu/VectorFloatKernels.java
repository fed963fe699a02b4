package dev.kindling.backend.cpu;

import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels} on the Vector API: full-width lanes for the loop body, the scalar kernels
 * for the tail. Loaded only when {@link Simd#AVAILABLE}. Transcendental lanes (exp, log, tanh,
 * sigmoid) are {@link VectorMath}'s, within 1 to 2 ulp in float.
 */
final class VectorFloatKernels extends FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private final ScalarFloatKernels tail = new ScalarFloatKernels();

    @Override
    void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n, float alpha) {
        if (as == 0 && bs == 0) {
            tail.binary(op, a, ao, as, b, bo, bs, o, oo, n, alpha);
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> {
                    if (alpha == 1f) for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
                    else for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i).mul(alpha)).intoArray(o, oo + i);
                }
                case SUB -> {
                    if (alpha == 1f) for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
                    else for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i).mul(alpha)).intoArray(o, oo + i);
                }
                case MUL -> { for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); }
                default -> { for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); }
            }
        } else if (as == 1) {
            float s = b[bo];
            switch (op) {
                case ADD -> { FloatVector v = FloatVector.broadcast(S, alpha * s); for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).add(v).intoArray(o, oo + i); }
                case SUB -> { FloatVector v = FloatVector.broadcast(S, alpha * s); for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).sub(v).intoArray(o, oo + i); }
                case MUL -> { FloatVector v = FloatVector.broadcast(S, s); for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).mul(v).intoArray(o, oo + i); }
                default -> { FloatVector v = FloatVector.broadcast(S, s); for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).div(v).intoArray(o, oo + i); }
            }
        } else {
            FloatVector v = FloatVector.broadcast(S, a[ao]);
            switch (op) {
                case ADD -> { for (; i < bound; i += L) v.add(FloatVector.fromArray(S, b, bo + i).mul(alpha)).intoArray(o, oo + i); }
                case SUB -> { for (; i < bound; i += L) v.sub(FloatVector.fromArray(S, b, bo + i).mul(alpha)).intoArray(o, oo + i); }
                case MUL -> { for (; i < bound; i += L) v.mul(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); }
                default -> { for (; i < bound; i += L) v.div(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); }
            }
        }
        if (i < n) tail.binary(op, a, ao + i * as, as, b, bo + i * bs, bs, o, oo + i, n - i, alpha);
    }

    @Override
    void unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float p1, float p2) {
        int i = 0;
        int bound = S.loopBound(n);
        switch (op) {
            case NEG -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).neg().intoArray(y, yo + i); }
            case ABS -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).abs().intoArray(y, yo + i); }
            case RELU -> {
                // max(x, 0) but NaN stays NaN, as torch.relu
                FloatVector zero = FloatVector.zero(S);
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xo + i);
                    v.blend(zero, v.compare(VectorOperators.LE, 0f)).intoArray(y, yo + i);
                }
            }
            case SQUARE -> { for (; i < bound; i += L) { FloatVector v = FloatVector.fromArray(S, x, xo + i); v.mul(v).intoArray(y, yo + i); } }
            case SQRT -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(y, yo + i); }
            case RECIPROCAL -> { FloatVector one = FloatVector.broadcast(S, 1f); for (; i < bound; i += L) one.div(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i); }
            case EXP -> i = VectorMath.exp(x, xo, y, yo, n);
            case LOG -> i = VectorMath.log(x, xo, y, yo, n);
            case TANH -> i = VectorMath.tanh(x, xo, y, yo, n);
            case SIGMOID -> i = VectorMath.sigmoid(x, xo, y, yo, n);
            default -> {
                tail.unary(op, x, xo, y, yo, n, p1, p2);
                return;
            }
        }
        if (i < n) tail.unary(op, x, xo + i, y, yo + i, n - i, p1, p2);
    }

    /**
     * The contiguous ternary ops and lerp with one weight, in the scalar kernels' order of
     * operations (no fused multiply-adds), so that results are the same bit for bit.
     */
    @Override
    void ternary(dev.kindling.backend.TernaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs,
                 float[] c, int co, int cs, float[] o, int oo, int n, float p) {
        boolean dense = as == 1 && bs == 1 && cs == 1;
        boolean lerpScalar = op == dev.kindling.backend.TernaryOp.LERP && as == 1 && bs == 1 && cs == 0;
        if (!dense && !lerpScalar) {
            super.ternary(op, a, ao, as, b, bo, bs, c, co, cs, o, oo, n, p);
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        if (lerpScalar) {
            float w = c[co];
            if (Math.abs(w) < 0.5f) {
                for (; i < bound; i += L) {
                    FloatVector x = FloatVector.fromArray(S, a, ao + i);
                    x.add(FloatVector.fromArray(S, b, bo + i).sub(x).mul(w)).intoArray(o, oo + i);
                }
            } else {
                float wc = 1 - w;
                for (; i < bound; i += L) {
                    FloatVector y = FloatVector.fromArray(S, b, bo + i);
                    y.sub(y.sub(FloatVector.fromArray(S, a, ao + i)).mul(wc)).intoArray(o, oo + i);
                }
            }
        } else {
            switch (op) {
                case ADDCMUL -> {
                    for (; i < bound; i += L) {
                        FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i).mul(p)
                                .mul(FloatVector.fromArray(S, c, co + i))).intoArray(o, oo + i);
                    }
                }
                case ADDCDIV -> {
                    for (; i < bound; i += L) {
                        FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i).mul(p)
                                .div(FloatVector.fromArray(S, c, co + i))).intoArray(o, oo + i);
                    }
                }
                default -> {
                    for (; i < bound; i += L) {
                        FloatVector x = FloatVector.fromArray(S, a, ao + i), y = FloatVector.fromArray(S, b, bo + i);
                        FloatVector w = FloatVector.fromArray(S, c, co + i), d = y.sub(x);
                        FloatVector near = x.add(w.mul(d)), far = y.sub(d.mul(w.neg().add(1f)));
                        near.blend(far, w.abs().compare(VectorOperators.LT, 0.5f).not()).intoArray(o, oo + i);
                    }
                }
            }
        }
        if (i < n) super.ternary(op, a, ao + i, as, b, bo + i, bs, c, co + i * cs, cs, o, oo + i, n - i, p);
    }

    @Override
    void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float[] vmax, int xo, int n,
              float w1, float beta2, float w2, float bc2Sqrt, float eps, float negStep) {
        int i = 0;
        int bound = S.loopBound(n);
        boolean near = Math.abs(w1) < 0.5f;
        float w1c = 1 - w1;
        for (; i < bound; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, go + i), mi = FloatVector.fromArray(S, m, mo + i);
            mi = near ? mi.add(gi.sub(mi).mul(w1)) : gi.sub(gi.sub(mi).mul(w1c));
            mi.intoArray(m, mo + i);
            FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(beta2).add(gi.mul(w2).mul(gi));
            vi.intoArray(v, vo + i);
            FloatVector s = vi;
            if (vmax != null) {
                s = FloatVector.fromArray(S, vmax, xo + i).max(vi);
                s.intoArray(vmax, xo + i);
            }
            FloatVector denom = s.sqrt().div(bc2Sqrt).add(eps);
            FloatVector.fromArray(S, p, po + i).add(mi.mul(negStep).div(denom)).intoArray(p, po + i);
        }
        if (i < n) super.adam(p, po + i, g, go + i, m, mo + i, v, vo + i, vmax, xo + i, n - i, w1, beta2, w2, bc2Sqrt, eps, negStep);
    }

    @Override
    void thresholdBackward(float[] g, int go, float[] x, int xo, float[] o, int oo, int n, float threshold) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            gv.blend(zero, FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.LE, threshold)).intoArray(o, oo + i);
        }
        if (i < n) super.thresholdBackward(g, go + i, x, xo + i, o, oo + i, n - i, threshold);
    }

    /** Elements per float-lane partial sum before it is added into a double (bounds rounding growth). */
    private static final int FLUSH = 4096;

    @Override
    void centeredMoments(float[] x, int off, int n, float m, double[] acc) {
        int bound = S.loopBound(n);
        FloatVector mv = FloatVector.broadcast(S, m);
        int i = 0;
        while (i < bound) {
            int end = Math.min(bound, i + FLUSH);
            FloatVector s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, off + i).sub(mv);
                s1 = s1.add(d);
                s2 = d.fma(d, s2);
            }
            acc[0] += s1.reduceLanes(VectorOperators.ADD);
            acc[1] += s2.reduceLanes(VectorOperators.ADD);
        }
        if (i < n) super.centeredMoments(x, off + i, n - i, m, acc);
    }

    @Override
    void affine(float[] x, int xo, float[] y, int yo, int n, float a, float b) {
        int bound = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, a), bv = FloatVector.broadcast(S, b);
        int i = 0;
        for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).fma(av, bv).intoArray(y, yo + i);
        if (i < n) super.affine(x, xo + i, y, yo + i, n - i, a, b);
    }

    @Override
    void sumAndCenteredDot(float[] g, int go, float[] x, int xo, int n, float m, double[] acc) {
        int bound = S.loopBound(n);
        FloatVector mv = FloatVector.broadcast(S, m);
        int i = 0;
        while (i < bound) {
            int end = Math.min(bound, i + FLUSH);
            FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, go + i);
                s0 = s0.add(gv);
                s1 = gv.fma(FloatVector.fromArray(S, x, xo + i).sub(mv), s1);
            }
            acc[0] += s0.reduceLanes(VectorOperators.ADD);
            acc[1] += s1.reduceLanes(VectorOperators.ADD);
        }
        if (i < n) super.sumAndCenteredDot(g, go + i, x, xo + i, n - i, m, acc);
    }

    @Override
    void affine2(float[] g, int go, float[] x, int xo, float[] o, int oo, int n, float a, float b, float k) {
        int bound = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, a), bv = FloatVector.broadcast(S, b), kv = FloatVector.broadcast(S, k);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, g, go + i).fma(av, FloatVector.fromArray(S, x, xo + i).fma(bv, kv)).intoArray(o, oo + i);
        }
        if (i < n) super.affine2(g, go + i, x, xo + i, o, oo + i, n - i, a, b, k);
    }

    @Override
    double sum(float[] x, int off, int n) {
        if (n < 4 * L) return tail.sum(x, off, n);
        final int block = 4096;
        double total = 0;
        int i = 0;
        while (i + L <= n) {
            int end = i + Math.min(block, ((n - i) / L) * L);
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            int j = i;
            for (; j + 4 * L <= end; j += 4 * L) {
                a0 = a0.add(FloatVector.fromArray(S, x, off + j));
                a1 = a1.add(FloatVector.fromArray(S, x, off + j + L));
                a2 = a2.add(FloatVector.fromArray(S, x, off + j + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, x, off + j + 3 * L));
            }
            for (; j < end; j += L) a0 = a0.add(FloatVector.fromArray(S, x, off + j));
            total += (double) a0.add(a1).reduceLanes(VectorOperators.ADD) + (double) a2.add(a3).reduceLanes(VectorOperators.ADD);
            i = end;
        }
        for (; i < n; i++) total += x[off + i];
        return total;
    }

    @Override
    float extreme(float[] x, int off, int n, boolean max) {
        if (n < 4 * L) return tail.extreme(x, off, n, max);
        int i = 0;
        int bound = S.loopBound(n);
        float m = x[off];
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(S, x, off);
            boolean nan = false;
            for (; i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, off + i);
                if (v.test(VectorOperators.IS_NAN).anyTrue()) { nan = true; break; }
                acc = max ? acc.max(v) : acc.min(v);
            }
            if (nan) return Float.NaN;
            m = acc.reduceLanes(max ? VectorOperators.MAX : VectorOperators.MIN);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            if (v != v) return v;
            if (max ? v > m : v < m) m = v;
        }
        return m;
    }

    @Override
    void accumulate(float[] x, int off, double[] acc, int n) {
        for (int i = 0; i < n; i++) acc[i] += x[off + i];
    }
}
