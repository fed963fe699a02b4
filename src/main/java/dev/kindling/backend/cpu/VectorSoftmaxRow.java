package dev.kindling.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SoftmaxRow} in Vector API lanes: the max (two accumulators), the exponentials with
 * {@link VectorMath#exp} summed in float lanes (stored on the way for softmax), then one pass
 * that scales (softmax) or shifts (log_softmax). A row holding NaN or +inf goes to the plain
 * path, which gives PyTorch's NaN results.
 */
final class VectorSoftmaxRow extends SoftmaxRow {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void row(float[] x, int xo, float[] y, int yo, int n, boolean log) {
        int bound = S.loopBound(n);
        if (bound < 2 * L) {
            super.row(x, xo, y, yo, n, log);
            return;
        }
        float m = max(x, xo, n, bound);
        if (m != m || Float.isInfinite(m)) {
            super.row(x, xo, y, yo, n, log); // NaN, +inf (inf - inf) or a row of -inf
            return;
        }
        if (log) logSoftmax(x, xo, y, yo, n, bound, m);
        else softmax(x, xo, y, yo, n, bound, m);
    }

    /** The row's max, NaN if any element is NaN (FloatVector.max follows Math.max). */
    private static float max(float[] x, int xo, int n, int bound) {
        FloatVector m0 = FloatVector.fromArray(S, x, xo), m1 = FloatVector.fromArray(S, x, xo + L);
        int i = 2 * L;
        for (; i + 2 * L <= bound; i += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, xo + i));
            m1 = m1.max(FloatVector.fromArray(S, x, xo + i + L));
        }
        for (; i < bound; i += L) m0 = m0.max(FloatVector.fromArray(S, x, xo + i));
        float m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }

    /** {@code y = x − m − log Σ exp(x − m)}: the exponentials are only summed. */
    private static void logSoftmax(float[] x, int xo, float[] y, int yo, int n, int bound, float m) {
        double s = VectorMath.expSum(x, xo, m, bound);
        for (int i = bound; i < n; i++) s += Math.exp(x[xo + i] - m);
        float lse = (float) (m + Math.log(s));
        FloatVector lv = FloatVector.broadcast(S, lse);
        int i = 0;
        for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).sub(lv).intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] = x[xo + i] - lse;
    }

    /** {@code y = exp(x − m) / Σ exp(x − m)}: the exponentials are stored, then scaled. */
    private static void softmax(float[] x, int xo, float[] y, int yo, int n, int bound, float m) {
        double s = VectorMath.expSumStore(x, xo, m, y, yo, bound);
        for (int i = bound; i < n; i++) {
            float e = (float) Math.exp(x[xo + i] - m);
            y[yo + i] = e;
            s += e;
        }
        float inv = (float) (1.0 / s);
        FloatVector iv = FloatVector.broadcast(S, inv);
        int i = 0;
        for (; i < bound; i += L) FloatVector.fromArray(S, y, yo + i).mul(iv).intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] *= inv;
    }
}
