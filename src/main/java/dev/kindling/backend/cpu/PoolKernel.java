package dev.kindling.backend.cpu;

/**
 * The inner loop of max pooling: one output row's interior, where every tap of every window lies
 * inside the input. {@link PoolFloat} and {@link PoolDouble} call it for each output row and
 * handle the edge columns themselves.
 *
 * <p>Two implementations exist: {@link VectorPoolKernel} (Vector API, loaded through
 * {@link Simd#choose} only when {@link Simd#AVAILABLE}: a vector of windows at a time, each tap a
 * compare and two blends, without branches) and {@link Scalar} (plain Java).
 *
 * <p>Contract of {@code maxRow}: for each output column {@code ow} in {@code [lo, hi)}, the window
 * is the taps {@code t < taps} read at {@code in[rowOff + ow·sW + tapOff[t]]}, in the window's
 * row-major order. It writes the window's maximum to {@code out[outOff + ow]} and its tap number
 * to {@code tap[ow]}, with PyTorch's rule: a tap replaces the current maximum when it is greater
 * or NaN, starting from −∞ and tap 0, so the first largest tap wins, or the last NaN. Tap numbers
 * are small and exact in float and double. {@code work} is scratch space of at least
 * {@code 2·hi·sW} elements.
 */
interface PoolKernel {
    /** One float output row's interior; see the class comment. */
    void maxRow(float[] in, int rowOff, int[] tapOff, int taps, int sW, int lo, int hi,
                float[] out, int outOff, float[] tap, float[] work);

    /** One double output row's interior; see the class comment. */
    void maxRow(double[] in, int rowOff, int[] tapOff, int taps, int sW, int lo, int hi,
                double[] out, int outOff, double[] tap, double[] work);

    /** The plain-Java kernel, one output column at a time. */
    final class Scalar implements PoolKernel {
        @Override
        public void maxRow(float[] in, int rowOff, int[] tapOff, int taps, int sW, int lo, int hi,
                           float[] out, int outOff, float[] tap, float[] work) {
            for (int ow = lo; ow < hi; ow++) {
                int s = rowOff + ow * sW;
                float best = Float.NEGATIVE_INFINITY;
                int bt = 0;
                for (int t = 0; t < taps; t++) {
                    float v = in[s + tapOff[t]];
                    if (v > best || v != v) {
                        best = v;
                        bt = t;
                    }
                }
                out[outOff + ow] = best;
                tap[ow] = bt;
            }
        }

        @Override
        public void maxRow(double[] in, int rowOff, int[] tapOff, int taps, int sW, int lo, int hi,
                           double[] out, int outOff, double[] tap, double[] work) {
            for (int ow = lo; ow < hi; ow++) {
                int s = rowOff + ow * sW;
                double best = Double.NEGATIVE_INFINITY;
                int bt = 0;
                for (int t = 0; t < taps; t++) {
                    double v = in[s + tapOff[t]];
                    if (v > best || v != v) {
                        best = v;
                        bt = t;
                    }
                }
                out[outOff + ow] = best;
                tap[ow] = bt;
            }
        }
    }
}
