package dev.kindling.backend.cpu;

/**
 * The Vector API {@link DotKernel}: tiles of four rows of a against four rows of b, sixteen
 * dot products held in sixteen vector accumulators. Each step along k loads four vectors of a
 * (kept) and four of b (one at a time) for sixteen FMAs, so the loop runs at the FMA rate from L1
 * and L2; the lane sums are taken once per tile. The last one to three rows of b run as a full
 * tile with the last row repeated; rows of a left over from the 4×4 tiling run 1×4 tiles or
 * single dot products. Loaded by {@link ConvFloat} and {@link ConvDouble} through
 * {@link Simd#choose} only when {@link Simd#AVAILABLE}; its vectors are {@code SPECIES_PREFERRED}
 * up to 512 bits, so that {@link DotKernel#K_MULTIPLE} is a whole number of them.
 */
final class VectorDotKernel implements DotKernel {
    @Override
    public void dots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int[] bRows,
                     float[] c, int cOff, int ldc) {
        VectorDotFloat.dots(m, n, k, a, aOff, lda, b, bOff, bRows, c, cOff, ldc);
    }

    @Override
    public void dots(int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff, int[] bRows,
                     double[] c, int cOff, int ldc) {
        VectorDotDouble.dots(m, n, k, a, aOff, lda, b, bOff, bRows, c, cOff, ldc);
    }
}
