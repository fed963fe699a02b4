package dev.kindling.backend.cpu;

/**
 * The inner loop of max pooling: a block of output rows' interiors, where every tap of every
 * window lies inside the input. {@link PoolFloat} and {@link PoolDouble} call it and handle the
 * windows that the input's edges clip themselves.
 *
 * <p>Two implementations exist: {@link VectorPoolKernel} (Vector API, loaded through
 * {@link Simd#choose} only when {@link Simd#AVAILABLE}: a vector of windows at a time, each tap a
 * compare and two blends, without branches) and {@link Scalar} (plain Java).
 *
 * <p>Contract of {@code maxWindows}: for output rows {@code r < rows} and columns {@code ow} in
 * {@code [lo, hi)}, the window is the taps {@code t < taps} read at
 * {@code in[base + r·rowStep + ow·sW + tapOff[t]]}, in the window's row-major order. The window's
 * maximum goes to {@code out[outOff + r·outStride + ow]} and the position of the winning tap,
 * relative to the input plane at {@code plane}, to {@code idx[idxOff + r·outStride + ow]}, with
 * PyTorch's rule: a tap replaces the current maximum when it is greater or NaN, starting from −∞
 * and tap 0, so the first largest tap wins, or the last NaN. {@code work} is scratch space of at
 * least {@code 2·((rows − 1)·rowStep + hi·sW)} elements.
 */
interface PoolKernel {
    /** A float block; see the class comment. */
    void maxWindows(float[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                    int lo, int hi, float[] out, int outOff, long[] idx, int idxOff, int outStride, float[] work);

    /** A double block; see the class comment. */
    void maxWindows(double[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                    int lo, int hi, double[] out, int outOff, long[] idx, int idxOff, int outStride, double[] work);

    /** The plain-Java kernel, one window at a time. */
    final class Scalar implements PoolKernel {
        @Override
        public void maxWindows(float[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                               int lo, int hi, float[] out, int outOff, long[] idx, int idxOff, int outStride,
                               float[] work) {
            for (int r = 0; r < rows; r++) {
                for (int ow = lo; ow < hi; ow++) {
                    int s = base + r * rowStep + ow * sW;
                    float best = Float.NEGATIVE_INFINITY;
                    int bt = 0;
                    for (int t = 0; t < taps; t++) {
                        float v = in[s + tapOff[t]];
                        if (v > best || v != v) {
                            best = v;
                            bt = t;
                        }
                    }
                    out[outOff + r * outStride + ow] = best;
                    idx[idxOff + r * outStride + ow] = s - plane + tapOff[bt];
                }
            }
        }

        @Override
        public void maxWindows(double[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                               int lo, int hi, double[] out, int outOff, long[] idx, int idxOff, int outStride,
                               double[] work) {
            for (int r = 0; r < rows; r++) {
                for (int ow = lo; ow < hi; ow++) {
                    int s = base + r * rowStep + ow * sW;
                    double best = Double.NEGATIVE_INFINITY;
                    int bt = 0;
                    for (int t = 0; t < taps; t++) {
                        double v = in[s + tapOff[t]];
                        if (v > best || v != v) {
                            best = v;
                            bt = t;
                        }
                    }
                    out[outOff + r * outStride + ow] = best;
                    idx[idxOff + r * outStride + ow] = s - plane + tapOff[bt];
                }
            }
        }
    }
}
