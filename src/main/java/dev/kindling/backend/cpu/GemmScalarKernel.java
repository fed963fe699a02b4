package dev.kindling.backend.cpu;

/**
 * The plain-Java {@link GemmKernel}: a 4×4 micro-tile held in sixteen local accumulators, used
 * when the Vector API is absent (and by the tests, to check both kernels in one JVM).
 */
final class GemmScalarKernel implements GemmKernel {
    /** Micro-tile rows and columns: 16 accumulators plus 8 operands fit the scalar registers. */
    static final int MR = 4, NR = 4;

    @Override public int floatMr() { return MR; }
    @Override public int floatNr() { return NR; }
    @Override public int doubleMr() { return MR; }
    @Override public int doubleNr() { return NR; }

    @Override
    public void floatTile(int kc, float[] ap, int apOff, float[] bp, int bpOff, float alpha, float beta,
                          float[] c, int cOff, int cRs, int cCs, int mr, int nr, float[] tile) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++) {
            int a = apOff + p * MR, b = bpOff + p * NR;
            float b0 = bp[b], b1 = bp[b + 1], b2 = bp[b + 2], b3 = bp[b + 3];
            float a0 = ap[a], a1 = ap[a + 1], a2 = ap[a + 2], a3 = ap[a + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
        GemmKernel.mergeTile(tile, NR, alpha, beta, c, cOff, cRs, cCs, mr, nr);
    }

    @Override
    public void doubleTile(int kc, double[] ap, int apOff, double[] bp, int bpOff, double alpha, double beta,
                           double[] c, int cOff, int cRs, int cCs, int mr, int nr, double[] tile) {
        double c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        double c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++) {
            int a = apOff + p * MR, b = bpOff + p * NR;
            double b0 = bp[b], b1 = bp[b + 1], b2 = bp[b + 2], b3 = bp[b + 3];
            double a0 = ap[a], a1 = ap[a + 1], a2 = ap[a + 2], a3 = ap[a + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
        GemmKernel.mergeTile(tile, NR, alpha, beta, c, cOff, cRs, cCs, mr, nr);
    }

    @Override
    public float floatDot(int n, float[] x, int xOff, float[] y, int yOff) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < n; i++) s0 += x[xOff + i] * y[yOff + i];
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double doubleDot(int n, double[] x, int xOff, double[] y, int yOff) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < n; i++) s0 += x[xOff + i] * y[yOff + i];
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void floatAxpy(int n, float s, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] += s * x[xOff + i];
    }

    @Override
    public void doubleAxpy(int n, double s, double[] x, int xOff, double[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] += s * x[xOff + i];
    }
}
