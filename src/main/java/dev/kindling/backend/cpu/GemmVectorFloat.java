package dev.kindling.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmVectorKernel}'s float lanes: the micro-tile, its merge into C, and the small vector
 * loops (see there for the method). The same code for double ({@code GemmVectorDouble}) is
 * generated from this file by the build (pom.xml, execution double-twins, which rewrites the
 * element type); edit this file only.
 */
final class GemmVectorFloat {
    private GemmVectorFloat() {}

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int MR = GemmVectorKernel.MR;

    /** The micro-tile's columns: two vectors. */
    static int nr() { return 2 * FS.length(); }

    static void tile(int kc, float[] ap, int apOff, float[] bp, int bpOff, float alpha, float beta,
                     float[] c, int cOff, int cRs, int cCs, int mr, int nr, float[] tile) {
        final int l = FS.length();
        FloatVector z = FloatVector.zero(FS);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            int a = apOff + p * MR, b = bpOff + p * 2 * l;
            FloatVector b0 = FloatVector.fromArray(FS, bp, b), b1 = FloatVector.fromArray(FS, bp, b + l);
            FloatVector x;
            x = FloatVector.broadcast(FS, ap[a]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(FS, ap[a + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(FS, ap[a + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(FS, ap[a + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(FS, ap[a + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(FS, ap[a + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(FS, ap[a + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(FS, ap[a + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, l);
        c10.intoArray(tile, 2 * l); c11.intoArray(tile, 3 * l);
        c20.intoArray(tile, 4 * l); c21.intoArray(tile, 5 * l);
        c30.intoArray(tile, 6 * l); c31.intoArray(tile, 7 * l);
        c40.intoArray(tile, 8 * l); c41.intoArray(tile, 9 * l);
        c50.intoArray(tile, 10 * l); c51.intoArray(tile, 11 * l);
        c60.intoArray(tile, 12 * l); c61.intoArray(tile, 13 * l);
        c70.intoArray(tile, 14 * l); c71.intoArray(tile, 15 * l);
        merge(tile, alpha, beta, c, cOff, cRs, cCs, mr, nr);
    }

    /**
     * Writes the MR×NR tile into C: vector rows when the tile is whole and C's rows are
     * contiguous, else {@link GemmKernel#mergeTile}. A separate method, so that the kernel's
     * accumulators stay in registers: inlined vector epilogues push C2 past its node budget and
     * the accumulators get boxed.
     */
    private static void merge(float[] tile, float alpha, float beta, float[] c, int cOff, int cRs, int cCs,
                              int mr, int nr) {
        final int l = FS.length(), ld = 2 * l;
        if (mr != MR || nr != ld || cCs != 1) {
            GemmKernel.mergeTile(tile, ld, alpha, beta, c, cOff, cRs, cCs, mr, nr);
            return;
        }
        FloatVector va = FloatVector.broadcast(FS, alpha);
        if (beta == 0f) {
            for (int r = 0; r < MR; r++) {
                int t = r * ld, o = cOff + r * cRs;
                FloatVector.fromArray(FS, tile, t).mul(va).intoArray(c, o);
                FloatVector.fromArray(FS, tile, t + l).mul(va).intoArray(c, o + l);
            }
        } else {
            FloatVector vb = FloatVector.broadcast(FS, beta);
            for (int r = 0; r < MR; r++) {
                int t = r * ld, o = cOff + r * cRs;
                FloatVector lo = FloatVector.fromArray(FS, tile, t).mul(va);
                FloatVector.fromArray(FS, c, o).fma(vb, lo).intoArray(c, o);
                FloatVector hi = FloatVector.fromArray(FS, tile, t + l).mul(va);
                FloatVector.fromArray(FS, c, o + l).fma(vb, hi).intoArray(c, o + l);
            }
        }
    }

    /** Two vector moves, where System.arraycopy's call costs as much as the copy for 128 bytes. */
    static void panelRow(float[] src, int srcOff, float[] dst, int dstOff) {
        final int l = FS.length();
        FloatVector.fromArray(FS, src, srcOff).intoArray(dst, dstOff);
        FloatVector.fromArray(FS, src, srcOff + l).intoArray(dst, dstOff + l);
    }

    static void addRow(float[] src, int srcOff, float add, float[] dst, int dstOff, int n) {
        final int l = FS.length();
        int i = 0;
        FloatVector a = FloatVector.broadcast(FS, add);
        for (int bound = FS.loopBound(n); i < bound; i += l) FloatVector.fromArray(FS, src, srcOff + i).add(a).intoArray(dst, dstOff + i);
        for (; i < n; i++) dst[dstOff + i] = src[srcOff + i] + add;
    }

    static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        final int l = FS.length();
        FloatVector s0 = FloatVector.zero(FS), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i + 4 * l <= n; i += 4 * l) {
            s0 = FloatVector.fromArray(FS, x, xOff + i).fma(FloatVector.fromArray(FS, y, yOff + i), s0);
            s1 = FloatVector.fromArray(FS, x, xOff + i + l).fma(FloatVector.fromArray(FS, y, yOff + i + l), s1);
            s2 = FloatVector.fromArray(FS, x, xOff + i + 2 * l)
                    .fma(FloatVector.fromArray(FS, y, yOff + i + 2 * l), s2);
            s3 = FloatVector.fromArray(FS, x, xOff + i + 3 * l)
                    .fma(FloatVector.fromArray(FS, y, yOff + i + 3 * l), s3);
        }
        for (; i + l <= n; i += l) {
            s0 = FloatVector.fromArray(FS, x, xOff + i).fma(FloatVector.fromArray(FS, y, yOff + i), s0);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    static void axpy(int n, float s, float[] x, int xOff, float[] y, int yOff) {
        final int l = FS.length();
        FloatVector sv = FloatVector.broadcast(FS, s);
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector yi = FloatVector.fromArray(FS, y, yOff + i);
            FloatVector.fromArray(FS, x, xOff + i).fma(sv, yi).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += s * x[xOff + i];
    }
}
