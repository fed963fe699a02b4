package dev.kindling.backend.cpu;

/**
 * Many dot products between rows that are contiguous along their common length: the inner loop
 * of a convolution's weight gradient read through Note [shifted columns] (see {@link Conv}),
 * where both the output gradient's rows and the shifted source rows run along output positions,
 * so neither needs packing. {@link ConvFloat} and {@link ConvDouble} call it.
 *
 * <p>Two implementations exist: {@link VectorDotKernel} (Vector API, loaded through
 * {@link Simd#choose} only when {@link Simd#AVAILABLE}: tiles of 4×4 dot products held in
 * sixteen vector accumulators) and {@link Scalar} (plain Java).
 *
 * <p>Contract of {@code dots}: for {@code i < m} and {@code j < n},
 * {@code c[cOff + i·ldc + j] += Σ_{p < k} a[aOff + i·lda + p] · b[bOff + bRows[j] + p]}, summed in
 * the array's precision in an order of the implementation's choosing. {@code k} is a multiple of
 * {@link #K_MULTIPLE}.
 */
interface DotKernel {
    /** What {@code k} must be a multiple of: a whole number of vectors of any width up to 512 bits. */
    int K_MULTIPLE = 16;

    /** The float dot products; see the class comment. */
    void dots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int[] bRows,
              float[] c, int cOff, int ldc);

    /** The double dot products; see the class comment. */
    void dots(int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff, int[] bRows,
              double[] c, int cOff, int ldc);

    /** The plain-Java kernel: one dot product at a time. */
    final class Scalar implements DotKernel {
        @Override
        public void dots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int[] bRows,
                         float[] c, int cOff, int ldc) {
            for (int j = 0; j < n; j++) {
                int bj = bOff + bRows[j];
                for (int i = 0; i < m; i++) {
                    int ai = aOff + i * lda;
                    float s = 0f;
                    for (int p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
                    c[cOff + i * ldc + j] += s;
                }
            }
        }

        @Override
        public void dots(int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff, int[] bRows,
                         double[] c, int cOff, int ldc) {
            for (int j = 0; j < n; j++) {
                int bj = bOff + bRows[j];
                for (int i = 0; i < m; i++) {
                    int ai = aOff + i * lda;
                    double s = 0d;
                    for (int p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
                    c[cOff + i * ldc + j] += s;
                }
            }
        }
    }
}
