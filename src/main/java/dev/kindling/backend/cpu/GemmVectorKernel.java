package dev.kindling.backend.cpu;

/**
 * The Vector API {@link GemmKernel}: an 8-row × 2-vector micro-tile (8×32 floats or 8×16 doubles
 * with 512-bit vectors) held in sixteen vector accumulators and updated with one FMA per
 * accumulator per step of k: each step loads two vectors of B and broadcasts eight elements of A.
 * With AVX-512's 32 registers the tile, the two B vectors and the broadcast stay in registers;
 * with 256-bit vectors (16 registers) the same shape still runs near the FMA limit.
 *
 * <p>Loaded by {@link Gemm} through {@link Simd#choose} only when {@link Simd#AVAILABLE}; the
 * species are {@code SPECIES_PREFERRED}, so NR follows the machine's vector width. The
 * accumulators are spilled to the scratch tile (1 KiB, in L1) and merged into C by a separate
 * method: whole tiles with contiguous rows of C by vector rows, edge tiles and strided C by
 * {@link GemmKernel#mergeTile}.
 */
final class GemmVectorKernel implements GemmKernel {
    /** Micro-tile rows; the columns are two vectors. */
    static final int MR = 8;

    @Override public int floatMr() { return MR; }
    @Override public int floatNr() { return GemmVectorFloat.nr(); }
    @Override public int doubleMr() { return MR; }
    @Override public int doubleNr() { return GemmVectorDouble.nr(); }

    @Override
    public void floatTile(int kc, float[] ap, int apOff, float[] bp, int bpOff, float alpha, float beta,
            float[] c, int cOff, int cRs, int cCs, int mr, int nr, float[] tile) {
        GemmVectorFloat.tile(kc, ap, apOff, bp, bpOff, alpha, beta, c, cOff, cRs, cCs, mr, nr, tile);
    }

    @Override
    public void doubleTile(int kc, double[] ap, int apOff, double[] bp, int bpOff, double alpha, double beta,
            double[] c, int cOff, int cRs, int cCs, int mr, int nr, double[] tile) {
        GemmVectorDouble.tile(kc, ap, apOff, bp, bpOff, alpha, beta, c, cOff, cRs, cCs, mr, nr, tile);
    }

    /** Two vector moves, where System.arraycopy's call costs as much as the copy for 128 bytes. */
    @Override
    public void floatPanelRow(float[] src, int srcOff, float[] dst, int dstOff) { GemmVectorFloat.panelRow(src, srcOff, dst, dstOff); }

    @Override
    public void doublePanelRow(double[] src, int srcOff, double[] dst, int dstOff) { GemmVectorDouble.panelRow(src, srcOff, dst, dstOff); }

    @Override
    public void floatAddRow(float[] src, int srcOff, float add, float[] dst, int dstOff, int n) {
        GemmVectorFloat.addRow(src, srcOff, add, dst, dstOff, n);
    }

    @Override
    public void doubleAddRow(double[] src, int srcOff, double add, double[] dst, int dstOff, int n) {
        GemmVectorDouble.addRow(src, srcOff, add, dst, dstOff, n);
    }

    @Override
    public float floatDot(int n, float[] x, int xOff, float[] y, int yOff) { return GemmVectorFloat.dot(n, x, xOff, y, yOff); }

    @Override
    public double doubleDot(int n, double[] x, int xOff, double[] y, int yOff) { return GemmVectorDouble.dot(n, x, xOff, y, yOff); }

    @Override
    public void floatAxpy(int n, float s, float[] x, int xOff, float[] y, int yOff) { GemmVectorFloat.axpy(n, s, x, xOff, y, yOff); }

    @Override
    public void doubleAxpy(int n, double s, double[] x, int xOff, double[] y, int yOff) { GemmVectorDouble.axpy(n, s, x, xOff, y, yOff); }
}
