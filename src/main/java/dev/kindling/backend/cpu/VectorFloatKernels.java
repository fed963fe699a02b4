package dev.kindling.backend.cpu;

import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels} on the Vector API: full-width lanes for the loop body, the scalar kernels
 * for the tail. Loaded only when {@link Simd#AVAILABLE}. Transcendental lanes (exp, log, tanh) use
 * the JDK's vector math intrinsics, accurate to about 1 ulp in float.
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
            case EXP -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.EXP).intoArray(y, yo + i); }
            case LOG -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.LOG).intoArray(y, yo + i); }
            case TANH -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.TANH).intoArray(y, yo + i); }
            default -> {
                tail.unary(op, x, xo, y, yo, n, p1, p2);
                return;
            }
        }
        if (i < n) tail.unary(op, x, xo + i, y, yo + i, n - i, p1, p2);
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
