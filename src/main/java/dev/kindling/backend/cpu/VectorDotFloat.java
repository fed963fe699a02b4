package dev.kindling.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorDotKernel}'s float dot products (see there for the method). The same code for double
 * ({@code VectorDotDouble}) is generated from this file by the build (pom.xml, execution
 * double-twins, which rewrites the element type); edit this file only.
 */
final class VectorDotFloat {
    private VectorDotFloat() {}

    /** {@code SPECIES_PREFERRED} up to 512 bits, so that {@link DotKernel#K_MULTIPLE} is a whole number of vectors. */
    private static final VectorSpecies<Float> FS =
            FloatVector.SPECIES_PREFERRED.length() <= DotKernel.K_MULTIPLE ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_512;

    /** The contract of {@link DotKernel}. */
    static void dots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int[] bRows,
                     float[] c, int cOff, int ldc) {
        float[] t = new float[16 * FS.length()], part = new float[16];
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            // four rows of a stay in L1 while the rows of b stream past (shifted rows share their lines)
            int a0 = aOff + i * lda, j = 0;
            for (; j + 4 <= n; j += 4) {
                tile4x4(k, a, a0, lda, b, bOff + bRows[j], bOff + bRows[j + 1], bOff + bRows[j + 2], bOff + bRows[j + 3],
                        c, cOff + i * ldc + j, ldc, t);
            }
            if (j < n) {
                // the last 1 to 3 rows of b as a full tile, the last one repeated, into scratch
                int left = n - j, b0 = bOff + bRows[j];
                int b1 = bOff + bRows[j + Math.min(1, left - 1)], b2 = bOff + bRows[j + Math.min(2, left - 1)];
                Arrays.fill(part, 0);
                tile4x4(k, a, a0, lda, b, b0, b1, b2, b2, part, 0, 4, t);
                for (int r = 0; r < 4; r++) {
                    for (int q = 0; q < left; q++) c[cOff + (i + r) * ldc + j + q] += part[4 * r + q];
                }
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                tile1x4(k, a, aOff + i * lda, b, bOff + bRows[j], bOff + bRows[j + 1], bOff + bRows[j + 2],
                        bOff + bRows[j + 3], c, cOff + i * ldc + j, t);
            }
            for (; j < n; j++) c[cOff + i * ldc + j] += dot(k, a, aOff + i * lda, b, bOff + bRows[j]);
        }
    }

    /** Rows a0..a0+3·lda against rows b0..b3: sixteen accumulators, two loads per FMA pair; t is scratch for the spill. */
    private static void tile4x4(int k, float[] a, int a0, int lda, float[] b, int b0, int b1, int b2, int b3,
                                float[] c, int cOff, int ldc, float[] t) {
        final int l = FS.length();
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector z = FloatVector.zero(FS);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int p = 0; p < k; p += l) {
            FloatVector x0 = FloatVector.fromArray(FS, a, a0 + p), x1 = FloatVector.fromArray(FS, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(FS, a, a2 + p), x3 = FloatVector.fromArray(FS, a, a3 + p);
            FloatVector y = FloatVector.fromArray(FS, b, b0 + p);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(FS, b, b1 + p);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(FS, b, b2 + p);
            c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(FS, b, b3 + p);
            c03 = x0.fma(y, c03); c13 = x1.fma(y, c13); c23 = x2.fma(y, c23); c33 = x3.fma(y, c33);
        }
        c00.intoArray(t, 0); c01.intoArray(t, l); c02.intoArray(t, 2 * l); c03.intoArray(t, 3 * l);
        c10.intoArray(t, 4 * l); c11.intoArray(t, 5 * l); c12.intoArray(t, 6 * l); c13.intoArray(t, 7 * l);
        c20.intoArray(t, 8 * l); c21.intoArray(t, 9 * l); c22.intoArray(t, 10 * l); c23.intoArray(t, 11 * l);
        c30.intoArray(t, 12 * l); c31.intoArray(t, 13 * l); c32.intoArray(t, 14 * l); c33.intoArray(t, 15 * l);
        addSums(t, 4, c, cOff, ldc);
    }

    /** One row of a against rows b0..b3. */
    private static void tile1x4(int k, float[] a, int a0, float[] b, int b0, int b1, int b2, int b3,
                                float[] c, int cOff, float[] t) {
        final int l = FS.length();
        FloatVector z = FloatVector.zero(FS), s0 = z, s1 = z, s2 = z, s3 = z;
        for (int p = 0; p < k; p += l) {
            FloatVector x = FloatVector.fromArray(FS, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(FS, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(FS, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(FS, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(FS, b, b3 + p), s3);
        }
        s0.intoArray(t, 0); s1.intoArray(t, l); s2.intoArray(t, 2 * l); s3.intoArray(t, 3 * l);
        addSums(t, 1, c, cOff, 0);
    }

    private static float dot(int k, float[] a, int a0, float[] b, int b0) {
        final int l = FS.length();
        FloatVector s = FloatVector.zero(FS);
        for (int p = 0; p < k; p += l) s = FloatVector.fromArray(FS, a, a0 + p).fma(FloatVector.fromArray(FS, b, b0 + p), s);
        return s.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Adds the lane sums of a spilled tile, {@code rows} rows of four accumulators of l lanes, to
     * c (rows ldc apart). A method of its own that takes an array, so that the accumulators of the
     * tile loops stay in registers: vectors passed to a method that is not inlined are boxed.
     */
    private static void addSums(float[] t, int rows, float[] c, int cOff, int ldc) {
        final int l = FS.length();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 4; j++) {
                c[cOff + r * ldc + j] += FloatVector.fromArray(FS, t, (4 * r + j) * l).reduceLanes(VectorOperators.ADD);
            }
        }
    }
}
