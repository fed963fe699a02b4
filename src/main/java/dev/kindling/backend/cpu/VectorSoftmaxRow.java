package dev.kindling.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link SoftmaxRow} with the max, exponentials and scaling in Vector API lanes. */
final class VectorSoftmaxRow extends SoftmaxRow {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void row(float[] x, int xo, float[] y, int yo, int n, boolean log) {
        int bound = S.loopBound(n);
        if (bound == 0) {
            super.row(x, xo, y, yo, n, log);
            return;
        }
        FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        boolean nan = false;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            if (v.test(VectorOperators.IS_NAN).anyTrue()) nan = true;
            mv = mv.max(v);
        }
        float m = mv.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float v = x[xo + i];
            if (v != v) nan = true;
            if (v > m) m = v;
        }
        if (nan) {
            super.row(x, xo, y, yo, n, log);
            return;
        }
        if (m == Float.NEGATIVE_INFINITY) m = 0;
        FloatVector mb = FloatVector.broadcast(S, m);
        double s = 0;
        FloatVector acc = FloatVector.zero(S);
        i = 0;
        if (log) {
            for (; i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, x, xo + i).sub(mb).lanewise(VectorOperators.EXP));
            s = acc.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) s += Math.exp(x[xo + i] - m);
            float lse = (float) (m + Math.log(s));
            FloatVector lv = FloatVector.broadcast(S, lse);
            for (i = 0; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).sub(lv).intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] = x[xo + i] - lse;
        } else {
            for (; i < bound; i += L) {
                FloatVector e = FloatVector.fromArray(S, x, xo + i).sub(mb).lanewise(VectorOperators.EXP);
                e.intoArray(y, yo + i);
                acc = acc.add(e);
            }
            s = acc.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                float e = (float) Math.exp(x[xo + i] - m);
                y[yo + i] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            FloatVector iv = FloatVector.broadcast(S, inv);
            for (i = 0; i < bound; i += L) FloatVector.fromArray(S, y, yo + i).mul(iv).intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] *= inv;
        }
    }
}
