package dev.kindling.backend.cpu;

/**
 * softmax / log_softmax of one contiguous float32 row: the max, the sum of exponentials (in
 * double), then one scaling pass. A Vector API twin computes the exponentials in lanes.
 */
class SoftmaxRow {
    static final SoftmaxRow INSTANCE =
            Simd.choose("dev.kindling.backend.cpu.VectorSoftmaxRow", SoftmaxRow.class, new SoftmaxRow());

    void row(float[] x, int xo, float[] y, int yo, int n, boolean log) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            if (v > m || v != v) m = v;
        }
        if (m == Float.NEGATIVE_INFINITY) m = 0;
        double s = 0;
        if (log) {
            for (int i = 0; i < n; i++) s += Math.exp(x[xo + i] - m);
            float lse = (float) (m + Math.log(s));
            for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] - lse;
        } else {
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(x[xo + i] - m);
                y[yo + i] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            for (int i = 0; i < n; i++) y[yo + i] *= inv;
        }
    }
}
