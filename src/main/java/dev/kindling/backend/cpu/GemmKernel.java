package dev.kindling.backend.cpu;

/**
 * The innermost loops of {@link Gemm}: a register-tiled micro-kernel over packed panels, and the
 * dot/axpy loops of the small-problem path, for float and double.
 *
 * <p>Two implementations exist: {@link GemmVectorKernel} (Vector API, loaded through
 * {@link Simd#choose} only when {@link Simd#AVAILABLE}) and {@link GemmScalarKernel} (plain Java).
 * The drivers {@link GemmFloat} and {@link GemmDouble} hold one instance and call it with packed
 * panels laid out as described in Note [GEMM packing] in {@link Gemm}.
 *
 * <p>Contract of {@code floatTile}/{@code doubleTile}: with {@code MR = floatMr()} and
 * {@code NR = floatNr()}, {@code ap} holds an MR-row micro-panel ({@code ap[apOff + p*MR + r]} is
 * A(r, p)) and {@code bp} an NR-column micro-panel ({@code bp[bpOff + p*NR + j]} is B(p, j)), both
 * zero-padded to full width, for {@code p < kc}. The kernel computes the MR×NR product and writes
 * {@code C(r, j) = alpha·AB(r, j) + beta·C(r, j)} for {@code r < mr, j < nr} only; when
 * {@code beta == 0} the old contents of C are never read. {@code tile} is scratch space of at
 * least MR·NR elements. {@code kc >= 1}.
 */
interface GemmKernel {
    /** Rows of the float micro-tile (MR). */
    int floatMr();

    /** Columns of the float micro-tile (NR). */
    int floatNr();

    /** Rows of the double micro-tile. */
    int doubleMr();

    /** Columns of the double micro-tile. */
    int doubleNr();

    /** One float micro-tile; see the class comment. */
    void floatTile(int kc, float[] ap, int apOff, float[] bp, int bpOff, float alpha, float beta,
                   float[] c, int cOff, int cRs, int cCs, int mr, int nr, float[] tile);

    /** One double micro-tile; see the class comment. */
    void doubleTile(int kc, double[] ap, int apOff, double[] bp, int bpOff, double alpha, double beta,
                    double[] c, int cOff, int cRs, int cCs, int mr, int nr, double[] tile);

    /**
     * Copies the {@link #floatNr()} elements at {@code src[srcOff]} to {@code dst[dstOff]}: one
     * step of k of a whole packed B micro-panel whose source row is contiguous.
     */
    default void floatPanelRow(float[] src, int srcOff, float[] dst, int dstOff) {
        System.arraycopy(src, srcOff, dst, dstOff, floatNr());
    }

    /** The double twin of {@link #floatPanelRow}, {@link #doubleNr()} elements. */
    default void doublePanelRow(double[] src, int srcOff, double[] dst, int dstOff) {
        System.arraycopy(src, srcOff, dst, dstOff, doubleNr());
    }

    /** {@code dst[dstOff + i] = src[srcOff + i] + add} for {@code i < n}: a row of a product plus its bias. */
    default void floatAddRow(float[] src, int srcOff, float add, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i] + add;
    }

    /** The double twin of {@link #floatAddRow}. */
    default void doubleAddRow(double[] src, int srcOff, double add, double[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i] + add;
    }

    /** {@code sum(x[xOff + i] * y[yOff + i])} for {@code i < n}, both contiguous. */
    float floatDot(int n, float[] x, int xOff, float[] y, int yOff);

    /** {@code sum(x[xOff + i] * y[yOff + i])} for {@code i < n}, both contiguous. */
    double doubleDot(int n, double[] x, int xOff, double[] y, int yOff);

    /** {@code y[yOff + i] += s * x[xOff + i]} for {@code i < n}, both contiguous. */
    void floatAxpy(int n, float s, float[] x, int xOff, float[] y, int yOff);

    /** {@code y[yOff + i] += s * x[xOff + i]} for {@code i < n}, both contiguous. */
    void doubleAxpy(int n, double s, double[] x, int xOff, double[] y, int yOff);

    /**
     * Writes the top-left {@code mr×nr} part of a row-major tile ({@code ld} columns) into C as
     * {@code alpha·tile + beta·C}, never reading C when {@code beta == 0}.
     */
    static void mergeTile(float[] tile, int ld, float alpha, float beta,
                          float[] c, int cOff, int cRs, int cCs, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            int t = r * ld, ci = cOff + r * cRs;
            if (beta == 0f) {
                for (int j = 0; j < nr; j++, ci += cCs) c[ci] = alpha * tile[t + j];
            } else {
                for (int j = 0; j < nr; j++, ci += cCs) c[ci] = alpha * tile[t + j] + beta * c[ci];
            }
        }
    }

    /** The double twin of {@link #mergeTile(float[], int, float, float, float[], int, int, int, int, int)}. */
    static void mergeTile(double[] tile, int ld, double alpha, double beta,
                          double[] c, int cOff, int cRs, int cCs, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            int t = r * ld, ci = cOff + r * cRs;
            if (beta == 0d) {
                for (int j = 0; j < nr; j++, ci += cCs) c[ci] = alpha * tile[t + j];
            } else {
                for (int j = 0; j < nr; j++, ci += cCs) c[ci] = alpha * tile[t + j] + beta * c[ci];
            }
        }
    }
}
