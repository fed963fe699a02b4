package dev.kindling.backend.cpu;

/**
 * The Vector API {@link PoolKernel}. The block's windows start at positions spread through one
 * span of the input (every sW-th column of a row, every rowStep-th row); the kernel computes the
 * window starting at every position of that span, a vector of adjacent positions at a time, into
 * scratch, and then picks the ones the block needs (JDK 17 has no fast gather or compress). Each
 * tap is one contiguous load, a compare that also flags NaN, and two blends (the maximum and the
 * tap number), so random data costs no mispredicted branches. The last vector of the span
 * overlaps the one before instead of running a scalar tail; spans shorter than a vector run the
 * scalar kernel. The tap loop is one flat loop over the offset table: vectors carried through
 * nested loops defeat C2's box elimination on JDK 17. Loaded by {@link Pool} through
 * {@link Simd#choose} only when {@link Simd#AVAILABLE}.
 */
final class VectorPoolKernel implements PoolKernel {
    @Override
    public void maxWindows(float[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                           int lo, int hi, float[] out, int outOff, long[] idx, int idxOff, int outStride,
                           float[] work) {
        VectorPoolFloat.maxWindows(in, plane, base, rowStep, rows, tapOff, taps, sW, lo, hi, out, outOff, idx, idxOff,
                outStride, work);
    }

    @Override
    public void maxWindows(double[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                           int lo, int hi, double[] out, int outOff, long[] idx, int idxOff, int outStride,
                           double[] work) {
        VectorPoolDouble.maxWindows(in, plane, base, rowStep, rows, tapOff, taps, sW, lo, hi, out, outOff, idx, idxOff,
                outStride, work);
    }
}
