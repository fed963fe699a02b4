package dev.kindling.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorPoolKernel}'s float max-pooling windows (see there for the method). The same code for double
 * ({@code VectorPoolDouble}) is generated from this file by the build (pom.xml, execution
 * double-twins, which rewrites the element type); edit this file only.
 */
final class VectorPoolFloat {
    private VectorPoolFloat() {}

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final PoolKernel SCALAR = new PoolKernel.Scalar();

    /** The contract of {@link PoolKernel}. */
    static void maxWindows(float[] in, int plane, int base, int rowStep, int rows, int[] tapOff, int taps, int sW,
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
}
