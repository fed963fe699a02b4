package dev.kindling.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Gemm} against a naive double-precision reference written here: random shapes (odd sizes,
 * sizes across the packing block edges), all four transpose combinations, padded and non-unit
 * strides and offsets, alpha/beta, beta = 0 over NaN, batched products with broadcast operands,
 * int64 products, and argument errors. Both micro-kernels (Vector API and plain Java) run through
 * the same driver, single- and multi-threaded. Elements of the output array outside C must be
 * left untouched.
 */
class GemmTest {
    private static final int[] SIZES = {1, 2, 3, 7, 8, 9, 16, 17, 31, 33, 64, 65, 100, 129, 257};
    private static final List<GemmKernel> KERNELS = List.of(Gemm.KERNEL, new GemmScalarKernel());

    private int savedThreads;

    @BeforeEach
    void saveThreads() { savedThreads = Parallel.numThreads(); }

    @AfterEach
    void restoreThreads() { Parallel.setNumThreads(savedThreads); }

    /** A matrix's place in its array: offset, strides and the array length it needs. */
    record Layout(int off, int rs, int cs, int length) {
        /** mode 0: row-major, 1: column-major (a transposed operand), 2: both strides non-unit. */
        static Layout of(int rows, int cols, int mode, Random r) {
            int off = r.nextInt(5), pad = r.nextInt(4);
            int rs, cs;
            switch (mode) {
                case 0 -> { rs = cols + pad; cs = 1; }
                case 1 -> { rs = 1; cs = rows + pad; }
                default -> { cs = 2 + r.nextInt(2); rs = cols * cs + pad; }
            }
            int last = off + Math.max(0, rows - 1) * rs + Math.max(0, cols - 1) * cs;
            return new Layout(off, rs, cs, last + 1 + r.nextInt(3));
        }
    }

    /** One random product: shapes, layouts of A, B, C, and the scalars. */
    record Case(int m, int n, int k, Layout a, Layout b, Layout c, double alpha, double beta) {
        static Case random(Random r, int m, int n, int k) {
            double[] scalars = {0, 1, -1, 0.5, 2.5};
            double alpha = r.nextInt(4) == 0 ? scalars[r.nextInt(5)] : r.nextDouble() * 4 - 2;
            double beta = r.nextInt(3) == 0 ? scalars[r.nextInt(5)] : r.nextDouble() * 4 - 2;
            if (alpha == 0 && r.nextBoolean()) alpha = 1;
            return new Case(m, n, k, Layout.of(m, k, r.nextInt(3), r), Layout.of(k, n, r.nextInt(3), r),
                    Layout.of(m, n, r.nextInt(3), r), alpha, beta);
        }

        @Override
        public String toString() {
            return "m=" + m + " n=" + n + " k=" + k + " A=" + a + " B=" + b + " C=" + c
                    + " alpha=" + alpha + " beta=" + beta;
        }
    }

    // ---- reference ----

    /**
     * The expected output array (C updated, everything else as given) and, per element, a bound
     * on rounding error: |alpha|·Σ|a||b| + |beta·c|.
     */
    private static double[][] reference(Case t, double[] a, double[] b, double[] c) {
        double[] want = c.clone(), bound = new double[c.length];
        for (int i = 0; i < t.m; i++) {
            for (int j = 0; j < t.n; j++) {
                double s = 0, abs = 0;
                for (int p = 0; p < t.k; p++) {
                    double x = a[t.a.off + i * t.a.rs + p * t.a.cs] * b[t.b.off + p * t.b.rs + j * t.b.cs];
                    s += x;
                    abs += Math.abs(x);
                }
                int ci = t.c.off + i * t.c.rs + j * t.c.cs;
                double old = t.beta == 0 ? 0 : t.beta * c[ci];
                want[ci] = (t.alpha == 0 ? 0 : t.alpha * s) + old;
                bound[ci] = Math.abs(t.alpha) * abs + Math.abs(old);
            }
        }
        return new double[][] {want, bound};
    }

    private static double[] randomArray(int n, Random r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(8) == 0 ? r.nextInt(5) - 2 : r.nextDouble() * 2 - 1;
        return x;
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** Checks one float case through {@code kern}; unit roundoff 2^-24. */
    private static void checkFloat(GemmKernel kern, boolean parallel, Case t, Random r) {
        float[] a = toFloat(randomArray(t.a.length, r)), b = toFloat(randomArray(t.b.length, r));
        float[] c = toFloat(randomArray(t.c.length, r));
        double[][] ref = reference(t, toDouble(a), toDouble(b), toDouble(c));
        GemmFloat.gemm(kern, parallel, t.m, t.n, t.k, (float) t.alpha, a, t.a.off, t.a.rs, t.a.cs,
                b, t.b.off, t.b.rs, t.b.cs, (float) t.beta, c, t.c.off, t.c.rs, t.c.cs);
        compare(t, kern, ref, toDouble(c), 0x1p-24);
    }

    /** Checks one double case through {@code kern}; unit roundoff 2^-53. */
    private static void checkDouble(GemmKernel kern, boolean parallel, Case t, Random r) {
        double[] a = randomArray(t.a.length, r), b = randomArray(t.b.length, r), c = randomArray(t.c.length, r);
        double[][] ref = reference(t, a, b, c);
        GemmDouble.gemm(kern, parallel, t.m, t.n, t.k, t.alpha, a, t.a.off, t.a.rs, t.a.cs,
                b, t.b.off, t.b.rs, t.b.cs, t.beta, c, t.c.off, t.c.rs, t.c.cs);
        compare(t, kern, ref, c, 0x1p-53);
    }

    /** Every element within (k + 3)·u·bound of the reference; untouched elements exactly equal. */
    private static void compare(Case t, GemmKernel kern, double[][] ref, double[] got, double u) {
        double[] want = ref[0], bound = ref[1];
        for (int i = 0; i < got.length; i++) {
            double tol = 2 * (t.k + 3) * u * bound[i] + Double.MIN_NORMAL;
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                fail(kern.getClass().getSimpleName() + " " + t + ": element " + i + " is " + got[i]
                        + ", expected " + want[i] + " (tolerance " + tol + ")");
            }
        }
    }

    // ---- float and double products ----

    @Test
    void vectorKernelIsUsedWhenTheVectorApiIsPresent() {
        // surefire starts the JVM with --add-modules jdk.incubator.vector
        assertTrue(Simd.AVAILABLE);
        assertInstanceOf(GemmVectorKernel.class, Gemm.KERNEL);
    }

    @Test
    void floatRandomShapesLayoutsAndScalars() {
        Random r = new Random(11);
        for (GemmKernel kern : KERNELS) {
            for (int iter = 0; iter < 150; iter++) {
                Case t = Case.random(r, SIZES[r.nextInt(SIZES.length)], SIZES[r.nextInt(SIZES.length)],
                        SIZES[r.nextInt(SIZES.length)]);
                checkFloat(kern, r.nextBoolean(), t, r);
            }
        }
    }

    @Test
    void doubleRandomShapesLayoutsAndScalars() {
        Random r = new Random(12);
        for (GemmKernel kern : KERNELS) {
            for (int iter = 0; iter < 150; iter++) {
                Case t = Case.random(r, SIZES[r.nextInt(SIZES.length)], SIZES[r.nextInt(SIZES.length)],
                        SIZES[r.nextInt(SIZES.length)]);
                checkDouble(kern, r.nextBoolean(), t, r);
            }
        }
    }

    @Test
    void allFourTransposeCombinationsOnTheBlockedPath() {
        Random r = new Random(13);
        Parallel.setNumThreads(2);
        for (GemmKernel kern : KERNELS) {
            for (int modeA = 0; modeA < 2; modeA++) {
                for (int modeB = 0; modeB < 2; modeB++) {
                    for (int modeC = 0; modeC < 2; modeC++) {
                        Layout la = Layout.of(97, 131, modeA, r), lb = Layout.of(131, 75, modeB, r);
                        Case t = new Case(97, 75, 131, la, lb, Layout.of(97, 75, modeC, r), 1.5, -0.5);
                        checkFloat(kern, true, t, r);
                        checkDouble(kern, true, t, r);
                    }
                }
            }
        }
    }

    @Test
    void sizesAcrossPackingBlockEdges() {
        Random r = new Random(14);
        Parallel.setNumThreads(2);
        GemmKernel kern = Gemm.KERNEL;
        int mcFloat = Gemm.blockRows(Gemm.MC_BYTES, Gemm.KC, Float.BYTES, kern.floatMr());
        int ncFloat = Gemm.blockRows(Gemm.NC_BYTES, Gemm.KC, Float.BYTES, kern.floatNr());
        int ncDouble = Gemm.blockRows(Gemm.NC_BYTES, Gemm.KC, Double.BYTES, kern.doubleNr());
        // k over two KC panels, m over two MC blocks, n over two NC blocks (with a short m and k)
        int[][] shapes = {{mcFloat + 9, 45, 2 * Gemm.KC + 7}, {13, ncFloat + 37, 5}, {19, ncDouble + 3, 7},
                          {2 * mcFloat + 1, 3, Gemm.KC + 1}};
        for (int[] s : shapes) {
            Case t = Case.random(r, s[0], s[1], s[2]);
            checkFloat(kern, true, t, r);
            checkDouble(kern, true, t, r);
            checkFloat(kern, false, t, r);
        }
    }

    @Test
    void thinAndTinyShapesInEveryOrientation() {
        Random r = new Random(15);
        Parallel.setNumThreads(2);
        for (GemmKernel kern : KERNELS) {
            for (int mode = 0; mode < 9; mode++) {
                // large enough to be split among threads, short rows below AXPY_MIN_LENGTH, thin
                // products on the direct dot path, and tiny ones
                int[][] shapes = {{1, 2500, 900}, {2400, 1, 900}, {1, 1, 3000}, {1, 40, 3}, {40, 1, 3}, {3, 5, 9},
                                  {2, 300, 100}, {5, 300, 200}, {300, 6, 200}, {2, 3, 4}};
                for (int[] s : shapes) {
                    // the large, threaded shapes in three layout pairs, the rest in all nine
                    if ((long) s[0] * s[1] * s[2] > Gemm.THREAD_WORK && mode % 4 != 0) continue;
                    Layout la = Layout.of(s[0], s[2], mode % 3, r), lb = Layout.of(s[2], s[1], mode / 3, r);
                    Case t = new Case(s[0], s[1], s[2], la, lb, Layout.of(s[0], s[1], r.nextInt(3), r), 0.75, 0.25);
                    checkFloat(kern, true, t, r);
                    checkDouble(kern, true, t, r);
                }
            }
        }
    }

    @Test
    void betaZeroNeverReadsC() {
        for (int size : new int[] {3, 40, 150}) {
            float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
            double[] ad = new double[size * size], bd = new double[size * size], cd = new double[size * size];
            java.util.Arrays.fill(a, 1f);
            java.util.Arrays.fill(b, 2f);
            java.util.Arrays.fill(ad, 1);
            java.util.Arrays.fill(bd, 2);
            for (float alpha : new float[] {1f, 0f}) {
                java.util.Arrays.fill(c, Float.NaN);
                java.util.Arrays.fill(cd, Double.NaN);
                Gemm.sgemm(size, size, size, alpha, a, 0, size, 1, b, 0, 1, size, 0f, c, 0, size, 1);
                Gemm.dgemm(size, size, size, alpha, ad, 0, size, 1, bd, 0, 1, size, 0, cd, 0, size, 1);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(alpha * 2f * size, c[i], "sgemm size " + size + " alpha " + alpha + " at " + i);
                    assertEquals(alpha * 2.0 * size, cd[i], "dgemm size " + size + " alpha " + alpha + " at " + i);
                }
            }
        }
    }

    @Test
    void nanInAOrBPropagatesAndNanInCPropagatesWhenBetaIsNonZero() {
        int n = 70;
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        java.util.Arrays.fill(a, 1f);
        java.util.Arrays.fill(b, 1f);
        a[5 * n + 3] = Float.NaN;  // row 5 of C becomes NaN
        c[2 * n + 9] = Float.NaN;  // survives beta = 1
        Gemm.sgemm(n, n, n, 1f, a, 0, n, 1, b, 0, n, 1, 1f, c, 0, n, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean nan = i == 5 || (i == 2 && j == 9);
                assertEquals(nan, Float.isNaN(c[i * n + j]), "element (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void emptyDepthScalesC() {
        float[] c = {1f, 2f, Float.NaN, 4f};
        Gemm.sgemm(2, 2, 0, 1f, new float[0], 0, 0, 1, new float[0], 0, 2, 1, 0.5f, c, 0, 2, 1);
        assertArrayEquals(new float[] {0.5f, 1f, Float.NaN, 2f}, c);
        double[] cd = {1, Double.NaN};
        Gemm.dgemm(1, 2, 0, 1, new double[0], 0, 0, 1, new double[0], 0, 2, 1, 0, cd, 0, 2, 1);
        assertArrayEquals(new double[] {0, 0}, cd);
        Gemm.sgemm(0, 5, 5, 1f, new float[0], 0, 5, 1, new float[25], 0, 5, 1, 0f, new float[0], 0, 5, 1);
    }

    // ---- batched ----

    @Test
    void batchedWithBroadcastOperands() {
        Random r = new Random(16);
        Parallel.setNumThreads(2);
        // small matrices (spread over the batch) and large ones (split inside each product)
        int[][] shapes = {{5, 7, 3, 6}, {33, 17, 9, 4}, {110, 120, 130, 3}, {1, 300, 200, 5}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2], batch = s[3];
            for (int broadcast = 0; broadcast < 3; broadcast++) {
                int aBs = broadcast == 1 ? 0 : m * k + 3, bBs = broadcast == 2 ? 0 : k * n + 1, cBs = m * n + 2;
                double[] a = randomArray(aBs * (batch - 1) + m * k + 3, r);
                double[] b = randomArray(bBs * (batch - 1) + k * n + 1, r);
                double[] c = randomArray(cBs * batch, r);
                float[] af = toFloat(a), bf = toFloat(b), cf = toFloat(c);
                double[] cd = c.clone();
                // A transposed (column-major), B row-major
                Gemm.sgemmBatched(batch, m, n, k, 1.25f, af, 1, 1, m, bf, 0, n, 1, 0.5f, cf, 0, n, 1, aBs, bBs, cBs);
                Gemm.dgemmBatched(batch, m, n, k, 1.25, a, 1, 1, m, b, 0, n, 1, 0.5, cd, 0, n, 1, aBs, bBs, cBs);
                for (int t = 0; t < batch; t++) {
                    Case tc = new Case(m, n, k, new Layout(1 + t * aBs, 1, m, 0), new Layout(t * bBs, n, 1, 0),
                            new Layout(t * cBs, n, 1, 0), 1.25, 0.5);
                    double[][] refF = reference(tc, toDouble(af), toDouble(bf), toDouble(toFloat(c)));
                    double[][] refD = reference(tc, a, b, c);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            int ci = t * cBs + i * n + j;
                            double tolF = 2 * (k + 3) * 0x1p-24 * refF[1][ci], tolD = 2 * (k + 3) * 0x1p-53 * refD[1][ci];
                            String where = "shape " + java.util.Arrays.toString(s) + " broadcast " + broadcast
                                    + " batch " + t + " (" + i + ", " + j + ")";
                            assertEquals(refF[0][ci], cf[ci], tolF, "sgemmBatched " + where);
                            assertEquals(refD[0][ci], cd[ci], tolD, "dgemmBatched " + where);
                        }
                    }
                }
                // the gaps between the matrices of C are untouched
                for (int i = 0; i < c.length; i++) {
                    if (isInC(i, m, n, cBs)) continue;
                    assertEquals((float) c[i], cf[i], "sgemmBatched gap element " + i);
                    assertEquals(c[i], cd[i], "dgemmBatched gap element " + i);
                }
            }
        }
    }

    private static boolean isInC(int i, int m, int n, int cBs) {
        return i % cBs < m * n;
    }

    // ---- int64 ----

    private static long[] randomLongs(int n, Random r, boolean huge) {
        long[] x = new long[n];
        for (int i = 0; i < n; i++) x[i] = huge ? r.nextLong() : r.nextInt(21) - 10;
        return x;
    }

    @Test
    void longProductsAreExactAndWrapOnOverflow() {
        Random r = new Random(17);
        Parallel.setNumThreads(2);
        for (int iter = 0; iter < 60; iter++) {
            int m = SIZES[r.nextInt(SIZES.length)], n = SIZES[r.nextInt(SIZES.length)], k = SIZES[r.nextInt(SIZES.length)];
            if (iter < 3) { m = 300; n = 600; k = 700; }  // several blocks, several threads
            Layout la = Layout.of(m, k, r.nextInt(3), r), lb = Layout.of(k, n, r.nextInt(3), r);
            Layout lc = Layout.of(m, n, r.nextInt(3), r);
            boolean huge = iter % 4 == 0;
            long[] a = randomLongs(la.length, r, huge), b = randomLongs(lb.length, r, huge);
            long[] c = randomLongs(lc.length, r, huge);
            long alpha = r.nextInt(5) - 2, beta = r.nextInt(4) - 1;
            long[] want = c.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long s = 0;
                    for (int p = 0; p < k; p++) s += a[la.off + i * la.rs + p * la.cs] * b[lb.off + p * lb.rs + j * lb.cs];
                    int ci = lc.off + i * lc.rs + j * lc.cs;
                    want[ci] = alpha * s + beta * c[ci];
                }
            }
            Gemm.lgemm(m, n, k, alpha, a, la.off, la.rs, la.cs, b, lb.off, lb.rs, lb.cs, beta, c, lc.off, lc.rs, lc.cs);
            assertArrayEquals(want, c, "lgemm m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha + " beta=" + beta);
        }
    }

    @Test
    void longBatchedWithBroadcast() {
        Random r = new Random(18);
        int batch = 5, m = 6, n = 7, k = 8;
        long[] a = randomLongs(m * k, r, false), b = randomLongs(batch * k * n, r, false), c = new long[batch * m * n];
        java.util.Arrays.fill(c, 99);
        Gemm.lgemmBatched(batch, m, n, k, 1, a, 0, k, 1, b, 0, n, 1, 0, c, 0, n, 1, 0, k * n, m * n);
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long s = 0;
                    for (int p = 0; p < k; p++) s += a[i * k + p] * b[t * k * n + p * n + j];
                    assertEquals(s, c[t * m * n + i * n + j]);
                }
            }
        }
    }

    // ---- argument errors ----

    @Test
    void badArgumentsNameTheRoutineAndTheFacts() {
        float[] f = new float[12];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(-1, 2, 2, 1f, f, 0, 2, 1, f, 0, 2, 1, 0f, f, 0, 2, 1));
        assertTrue(e.getMessage().startsWith("sgemm: expected non-negative sizes"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(3, 4, 5, 1f, f, 0, 5, 1, f, 0, 4, 1, 0f, f, 0, 4, 1));
        assertEquals("sgemm: A (3x5, offset 0, strides (5, 1)) reaches index 14 but its array has length 12",
                e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.dgemm(2, 2, 2, 1, new double[4], 0, 2, 1, new double[4], 1, 2, 1, 0, new double[4], 0, 2, 1));
        assertTrue(e.getMessage().startsWith("dgemm: B (2x2, offset 1"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(2, 2, 2, 1f, f, 0, 2, 1, f, 0, -2, 1, 0f, f, 0, 2, 1));
        assertTrue(e.getMessage().contains("non-negative offset and strides"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(2, 2, 2, 1f, f, 0, 2, 1, f, 0, 2, 1, 0f, f, 0, 0, 1));
        assertTrue(e.getMessage().contains("refers to a single memory location"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(2, 2, 2, 2, 1f, f, 0, 2, 1, f, 0, 2, 1, 0f, f, 0, 2, 1, 0, 0, 0));
        assertTrue(e.getMessage().startsWith("sgemmBatched: C has batch stride 0"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.lgemmBatched(3, 2, 2, 2, 1, new long[4], 0, 2, 1, new long[4], 0, 2, 1, 0,
                        new long[8], 0, 2, 1, 0, 0, 4));
        assertTrue(e.getMessage().startsWith("lgemmBatched: C (3x2x2"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void failedCallsLeaveOutputUntouched() {
        float[] c = {1f, 2f, 3f, 4f};
        List<Runnable> bad = new ArrayList<>();
        bad.add(() -> Gemm.sgemm(2, 2, 3, 1f, new float[6], 0, 3, 1, new float[5], 0, 2, 1, 0f, c, 0, 2, 1));
        bad.add(() -> Gemm.sgemm(2, 3, 2, 1f, new float[4], 0, 2, 1, new float[6], 0, 3, 1, 0f, c, 0, 3, 1));
        for (Runnable call : bad) {
            assertThrows(IllegalArgumentException.class, call::run);
            assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, c);
        }
    }
}
