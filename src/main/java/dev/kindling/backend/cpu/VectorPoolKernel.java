package dev.kindling.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final PoolKernel SCALAR = new PoolKernel.Scalar();

    @Override
    public void maxWindows(float[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                           int lo, int hi, float[] out, int outOff, long[] idx, int idxOff, int outStride,
                           float[] work) {
        final int l = FS.length();
        int x0 = base + lo * sW, span = rows > 0 && hi > lo ? (rows - 1) * rowStep + (hi - 1 - lo) * sW + 1 : 0;
        if (span < l) {
            SCALAR.maxWindows(in, plane, base, rowStep, rows, tapOff, taps, sW, lo, hi, out, outOff, idx, idxOff,
                    outStride, work);
            return;
        }
        for (int i = 0; i < span; i += l) {
            int x = Math.min(i, span - l);  // the last vector overlaps the one before: same values again
            windows(in, x0 + x, tapOff, taps, work, x, span + x);
        }
        for (int r = 0; r < rows; r++) {
            for (int ow = lo, x = r * rowStep; ow < hi; ow++, x += sW) {
                out[outOff + r * outStride + ow] = work[x];
                idx[idxOff + r * outStride + ow] = x0 + x - plane + tapOff[(int) work[span + x]];
            }
        }
    }

    /** The windows starting at the vector of positions at {@code s}: maxima to work[v], tap numbers to work[t]. */
    private static void windows(float[] in, int s, int[] tapOff, int taps, float[] work, int v, int t) {
        FloatVector best = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY), bt = FloatVector.zero(FS);
        for (int k = 0; k < taps; k++) {
            FloatVector x = FloatVector.fromArray(FS, in, s + tapOff[k]);
            VectorMask<Float> m = x.compare(VectorOperators.GT, best).or(x.compare(VectorOperators.NE, x));
            best = best.blend(x, m);
            bt = bt.blend(FloatVector.broadcast(FS, (float) k), m);
        }
        best.intoArray(work, v);
        bt.intoArray(work, t);
    }

    @Override
    public void maxWindows(double[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
                           int lo, int hi, double[] out, int outOff, long[] idx, int idxOff, int outStride,
                           double[] work) {
        final int l = DS.length();
        int x0 = base + lo * sW, span = rows > 0 && hi > lo ? (rows - 1) * rowStep + (hi - 1 - lo) * sW + 1 : 0;
        if (span < l) {
            SCALAR.maxWindows(in, plane, base, rowStep, rows, tapOff, taps, sW, lo, hi, out, outOff, idx, idxOff,
                    outStride, work);
            return;
        }
        for (int i = 0; i < span; i += l) {
            int x = Math.min(i, span - l);  // the last vector overlaps the one before: same values again
            windows(in, x0 + x, tapOff, taps, work, x, span + x);
        }
        for (int r = 0; r < rows; r++) {
            for (int ow = lo, x = r * rowStep; ow < hi; ow++, x += sW) {
                out[outOff + r * outStride + ow] = work[x];
                idx[idxOff + r * outStride + ow] = x0 + x - plane + tapOff[(int) work[span + x]];
            }
        }
    }

    /** The double twin of {@link #windows(float[], int, int[], int, float[], int, int)}. */
    private static void windows(double[] in, int s, int[] tapOff, int taps, double[] work, int v, int t) {
        DoubleVector best = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY), bt = DoubleVector.zero(DS);
        for (int k = 0; k < taps; k++) {
            DoubleVector x = DoubleVector.fromArray(DS, in, s + tapOff[k]);
            VectorMask<Double> m = x.compare(VectorOperators.GT, best).or(x.compare(VectorOperators.NE, x));
            best = best.blend(x, m);
            bt = bt.blend(DoubleVector.broadcast(DS, (double) k), m);
        }
        best.intoArray(work, v);
        bt.intoArray(work, t);
    }
}
