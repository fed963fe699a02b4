package dev.kindling.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link PoolKernel}: a vector of adjacent input columns at a time, each the start
 * of a window. Each tap is one contiguous load, a compare that also flags NaN, and two blends (the
 * maximum and the tap number), so random data costs no mispredicted branches. With a stride above
 * 1 the windows starting at every column of the span are computed (JDK 17 has no fast gather or
 * compress) and every sW-th is picked. The last vector of a span overlaps the one before instead
 * of running a scalar tail; spans shorter than a vector run the scalar loop. The tap loop is one
 * flat loop over an offset table: nested loops with the vectors carried through them defeat C2's
 * box elimination on JDK 17. Loaded by {@link Pool} through {@link Simd#choose} only when
 * {@link Simd#AVAILABLE}.
 */
final class VectorPoolKernel implements PoolKernel {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final PoolKernel SCALAR = new PoolKernel.Scalar();

    @Override
    public void maxRow(float[] in, int rowOff, int[] tapOff, int taps, int sW, int lo, int hi,
                       float[] out, int outOff, float[] tap, float[] work) {
        final int l = FS.length();
        int span = hi > lo ? (hi - 1 - lo) * sW + 1 : 0;
        if (span < l) {
            SCALAR.maxRow(in, rowOff, tapOff, taps, sW, lo, hi, out, outOff, tap, work);
        } else if (sW == 1) {
            for (int i = lo; i < hi; i += l) windows(in, rowOff + Math.min(i, hi - l), tapOff, taps,
                    out, outOff + Math.min(i, hi - l), tap, Math.min(i, hi - l));
        } else {
            int x0 = rowOff + lo * sW;
            for (int i = 0; i < span; i += l) {
                int x = Math.min(i, span - l);
                windows(in, x0 + x, tapOff, taps, work, x, work, span + x);
            }
            for (int ow = lo, x = 0; ow < hi; ow++, x += sW) {
                out[outOff + ow] = work[x];
                tap[ow] = work[span + x];
            }
        }
    }

    /** The windows starting at the vector of columns at {@code s}: maxima to values, tap numbers to taps. */
    private static void windows(float[] in, int s, int[] tapOff, int taps, float[] values, int vOff,
                                float[] tapsOut, int tOff) {
        FloatVector best = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY), bt = FloatVector.zero(FS);
        for (int t = 0; t < taps; t++) {
            FloatVector v = FloatVector.fromArray(FS, in, s + tapOff[t]);
            VectorMask<Float> m = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
            best = best.blend(v, m);
            bt = bt.blend(FloatVector.broadcast(FS, (float) t), m);
        }
        best.intoArray(values, vOff);
        bt.intoArray(tapsOut, tOff);
    }

    @Override
    public void maxRow(double[] in, int rowOff, int[] tapOff, int taps, int sW, int lo, int hi,
                       double[] out, int outOff, double[] tap, double[] work) {
        final int l = DS.length();
        int span = hi > lo ? (hi - 1 - lo) * sW + 1 : 0;
        if (span < l) {
            SCALAR.maxRow(in, rowOff, tapOff, taps, sW, lo, hi, out, outOff, tap, work);
        } else if (sW == 1) {
            for (int i = lo; i < hi; i += l) windows(in, rowOff + Math.min(i, hi - l), tapOff, taps,
                    out, outOff + Math.min(i, hi - l), tap, Math.min(i, hi - l));
        } else {
            int x0 = rowOff + lo * sW;
            for (int i = 0; i < span; i += l) {
                int x = Math.min(i, span - l);
                windows(in, x0 + x, tapOff, taps, work, x, work, span + x);
            }
            for (int ow = lo, x = 0; ow < hi; ow++, x += sW) {
                out[outOff + ow] = work[x];
                tap[ow] = work[span + x];
            }
        }
    }

    /** The double twin of {@link #windows(float[], int, int[], int, float[], int, float[], int)}. */
    private static void windows(double[] in, int s, int[] tapOff, int taps, double[] values, int vOff,
                                double[] tapsOut, int tOff) {
        DoubleVector best = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY), bt = DoubleVector.zero(DS);
        for (int t = 0; t < taps; t++) {
            DoubleVector v = DoubleVector.fromArray(DS, in, s + tapOff[t]);
            VectorMask<Double> m = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
            best = best.blend(v, m);
            bt = bt.blend(DoubleVector.broadcast(DS, (double) t), m);
        }
        best.intoArray(values, vOff);
        bt.intoArray(tapsOut, tOff);
    }
}
