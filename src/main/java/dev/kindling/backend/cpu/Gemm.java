package dev.kindling.backend.cpu;

import java.util.Objects;

/**
 * General matrix multiply on Java arrays: {@code C = alpha·op(A)·op(B) + beta·C} for float,
 * double and long, single and batched. This is the CPU backend's matmul kernel; the tensor layer
 * (matmul, mm, bmm, addmm, linear) and {@link Conv} call it with arrays, offsets and strides.
 *
 * <p>Every matrix is given as (array, offset, row stride, column stride): element (i, j) of the
 * m×k matrix A is {@code a[aOff + i*aRowStride + j*aColStride]}, so a transposed operand is the
 * same array with its two strides swapped and is never copied first. Strides are non-negative; a
 * zero stride (a broadcast operand) is allowed for A and B but not for a dimension of C longer
 * than one. C must not overlap A or B.
 *
 * <p>Guarantees: {@code beta == 0} never reads C (NaN or garbage in C does not leak into the
 * result); {@code alpha == 0} or {@code k == 0} only scales C, as BLAS does. Results are
 * deterministic for a given {@link Parallel#numThreads()}. Bad arguments throw
 * {@link IllegalArgumentException} naming the routine, the operand, its shape, strides and array
 * length. Calls made from a {@link Parallel} worker run on that thread.
 *
 * <pre>{@code
 * // C (2×4) = A (2×3) · B^T, where B is stored as a row-major 4×3 matrix
 * Gemm.sgemm(2, 4, 3, 1f, a, 0, 3, 1, b, 0, 1, 3, 0f, c, 0, 4, 1);
 * }</pre>
 *
 * <h2>Note [GEMM packing]</h2>
 * Large products follow the Goto/BLIS scheme. C is first split into at most
 * {@link Parallel#numThreads()} rectangular blocks (rows and columns rounded to the micro-tile),
 * one per task; each task then runs the five classic loops on its block with its own pack
 * buffers (a {@link ThreadLocal} reused across calls):
 * <pre>
 *   for jc in n by NC:                       B block  KC×NC  (L3)
 *     for pc in k by KC:  pack B(pc, jc) into NR-column micro-panels
 *       for ic in m by MC:  pack A(ic, pc) into MR-row micro-panels   A block MC×KC (L2)
 *         for jr in NC by NR:                B micro-panel KC×NR (L1)
 *           for ir in MC by MR:  micro-kernel: MR×NR tile of C += A panel · B panel
 * </pre>
 * A micro-panel of A is {@code ap[p*MR + r]} and of B {@code bp[p*NR + j]} for step p of k, both
 * zero-padded at the edges, so the micro-kernel ({@link GemmKernel}) always runs a full tile and
 * only its write-back is clipped. Packing reads A and B through their strides, which is where a
 * transposed operand costs nothing extra. beta is applied at the first KC step and 1 afterwards.
 * Tiny products (under about 5×5×5) and thin ones (m or n at most 2, or at most 8 when rows of A
 * and columns of B are contiguous) skip packing and run direct dot/axpy loops.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * Products with fewer multiply-adds (m·n·k) than this run the direct loops. On an AVX-512
     * machine packing pays for itself from about 5×5×5 on: at 8×8×8 the packed path took 220 ns
     * and the direct loops 390 ns, at 32×32×32 1.0 µs against 5.0 µs ({@code GemmBench small=true}).
     */
    static final long SMALL_WORK = 128;
    /** Products with m or n at most this run the direct loops (matrix-vector-like shapes). */
    static final int DIRECT_SIDE = 2;
    /**
     * Products with m or n at most this whose A rows and B columns are contiguous run the direct
     * dot products: packing a transposed B costs more than such a thin product itself.
     */
    static final int DIRECT_DOT_SIDE = 8;
    /** Multiply-adds each thread should get before a product is split among threads (≥ ~10 µs of work). */
    static final long THREAD_WORK = 1L << 20;
    /** Depth (elements of k) of a packed panel: a KC×NR micro-panel of B stays in 32 KiB of L1. */
    static final int KC = 256;
    /** Bytes of a packed MC×KC block of A, sized for the per-core L2 cache. */
    static final int MC_BYTES = 256 * 1024;
    /** Bytes of a packed KC×NC block of B, sized for a share of the L3 cache. */
    static final int NC_BYTES = 4 * 1024 * 1024;
    /** Shortest row for which the direct path prefers vector axpy over dot products. */
    static final int AXPY_MIN_LENGTH = 16;
    /** Depth and width of the blocks of {@link #lgemm}, whose B block stays in L2. */
    static final int LONG_KC = 128, LONG_NC = 512;

    /** The micro-kernel in use: Vector API when available, plain Java otherwise. */
    static final GemmKernel KERNEL = Simd.choose("dev.kindling.backend.cpu.GemmVectorKernel",
            GemmKernel.class, new GemmScalarKernel());

    // ---- float ----

    /**
     * {@code C = alpha·A·B + beta·C} in float, where A is m×k, B is k×n and C is m×n, each given
     * by array, offset, row stride and column stride (see the class comment).
     *
     * @throws IllegalArgumentException for negative sizes or strides, or an operand that does not
     *     fit its array
     */
    public static void sgemm(int m, int n, int k, float alpha,
                             float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride, int bColStride,
                             float beta, float[] c, int cOff, int cRowStride, int cColStride) {
        check("sgemm", 1, m, n, k, len(a), aOff, aRowStride, aColStride, 0, len(b), bOff, bRowStride, bColStride, 0,
                len(c), cOff, cRowStride, cColStride, 0);
        GemmFloat.gemm(KERNEL, true, m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                beta, c, cOff, cRowStride, cColStride);
    }

    /**
     * {@code C[t] = alpha·A[t]·B[t] + beta·C[t]} in float for {@code t < batch}, where matrix t of
     * each operand starts {@code t·batchStride} after its offset. A or B may have batch stride 0
     * (one matrix broadcast over the batch); C may not when {@code batch > 1}. Small matrices are
     * spread over threads by batch, large ones split inside each product.
     *
     * @throws IllegalArgumentException as {@link #sgemm}, or for a negative batch
     */
    public static void sgemmBatched(int batch, int m, int n, int k, float alpha,
                                    float[] a, int aOff, int aRowStride, int aColStride,
                                    float[] b, int bOff, int bRowStride, int bColStride,
                                    float beta, float[] c, int cOff, int cRowStride, int cColStride,
                                    int aBatchStride, int bBatchStride, int cBatchStride) {
        check("sgemmBatched", batch, m, n, k, len(a), aOff, aRowStride, aColStride, aBatchStride,
                len(b), bOff, bRowStride, bColStride, bBatchStride, len(c), cOff, cRowStride, cColStride, cBatchStride);
        forEachInBatch(batch, (long) m * n * k, (t, parallel) ->
                GemmFloat.gemm(KERNEL, parallel, m, n, k, alpha, a, aOff + t * aBatchStride, aRowStride, aColStride,
                        b, bOff + t * bBatchStride, bRowStride, bColStride,
                        beta, c, cOff + t * cBatchStride, cRowStride, cColStride));
    }

    // ---- double ----

    /**
     * {@code C = alpha·A·B + beta·C} in double; arguments as {@link #sgemm}.
     *
     * @throws IllegalArgumentException for negative sizes or strides, or an operand that does not
     *     fit its array
     */
    public static void dgemm(int m, int n, int k, double alpha,
                             double[] a, int aOff, int aRowStride, int aColStride,
                             double[] b, int bOff, int bRowStride, int bColStride,
                             double beta, double[] c, int cOff, int cRowStride, int cColStride) {
        check("dgemm", 1, m, n, k, len(a), aOff, aRowStride, aColStride, 0, len(b), bOff, bRowStride, bColStride, 0,
                len(c), cOff, cRowStride, cColStride, 0);
        GemmDouble.gemm(KERNEL, true, m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                beta, c, cOff, cRowStride, cColStride);
    }

    /**
     * Batched {@link #dgemm}; arguments as {@link #sgemmBatched}.
     *
     * @throws IllegalArgumentException as {@link #sgemmBatched}
     */
    public static void dgemmBatched(int batch, int m, int n, int k, double alpha,
                                    double[] a, int aOff, int aRowStride, int aColStride,
                                    double[] b, int bOff, int bRowStride, int bColStride,
                                    double beta, double[] c, int cOff, int cRowStride, int cColStride,
                                    int aBatchStride, int bBatchStride, int cBatchStride) {
        check("dgemmBatched", batch, m, n, k, len(a), aOff, aRowStride, aColStride, aBatchStride,
                len(b), bOff, bRowStride, bColStride, bBatchStride, len(c), cOff, cRowStride, cColStride, cBatchStride);
        forEachInBatch(batch, (long) m * n * k, (t, parallel) ->
                GemmDouble.gemm(KERNEL, parallel, m, n, k, alpha, a, aOff + t * aBatchStride, aRowStride, aColStride,
                        b, bOff + t * bBatchStride, bRowStride, bColStride,
                        beta, c, cOff + t * cBatchStride, cRowStride, cColStride));
    }

    // ---- long ----

    /**
     * {@code C = alpha·A·B + beta·C} in 64-bit integers, wrapping on overflow as Java and PyTorch
     * do; arguments as {@link #sgemm}. Cache-blocked and split over rows of C among threads, with
     * plain scalar inner loops.
     *
     * @throws IllegalArgumentException for negative sizes or strides, or an operand that does not
     *     fit its array
     */
    public static void lgemm(int m, int n, int k, long alpha,
                             long[] a, int aOff, int aRowStride, int aColStride,
                             long[] b, int bOff, int bRowStride, int bColStride,
                             long beta, long[] c, int cOff, int cRowStride, int cColStride) {
        check("lgemm", 1, m, n, k, len(a), aOff, aRowStride, aColStride, 0, len(b), bOff, bRowStride, bColStride, 0,
                len(c), cOff, cRowStride, cColStride, 0);
        lgemmRows(true, m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                beta, c, cOff, cRowStride, cColStride);
    }

    /**
     * Batched {@link #lgemm}; arguments as {@link #sgemmBatched}.
     *
     * @throws IllegalArgumentException as {@link #sgemmBatched}
     */
    public static void lgemmBatched(int batch, int m, int n, int k, long alpha,
                                    long[] a, int aOff, int aRowStride, int aColStride,
                                    long[] b, int bOff, int bRowStride, int bColStride,
                                    long beta, long[] c, int cOff, int cRowStride, int cColStride,
                                    int aBatchStride, int bBatchStride, int cBatchStride) {
        check("lgemmBatched", batch, m, n, k, len(a), aOff, aRowStride, aColStride, aBatchStride,
                len(b), bOff, bRowStride, bColStride, bBatchStride, len(c), cOff, cRowStride, cColStride, cBatchStride);
        forEachInBatch(batch, (long) m * n * k, (t, parallel) ->
                lgemmRows(parallel, m, n, k, alpha, a, aOff + t * aBatchStride, aRowStride, aColStride,
                        b, bOff + t * bBatchStride, bRowStride, bColStride,
                        beta, c, cOff + t * cBatchStride, cRowStride, cColStride));
    }

    private static void lgemmRows(boolean parallel, int m, int n, int k, long alpha,
                                  long[] a, int aOff, int aRs, int aCs, long[] b, int bOff, int bRs, int bCs,
                                  long beta, long[] c, int cOff, int cRs, int cCs) {
        if (m == 0 || n == 0) return;
        long work = (long) m * n * Math.max(k, 1);
        int grain = parallel ? (int) Math.max(1, Math.min(m, THREAD_WORK / Math.max(1, work / m))) : m;
        Parallel.parallelFor(m, grain, (s, e) -> {
            for (int i = s; i < e; i++) {
                int ci = cOff + i * cRs;
                if (beta == 0) {
                    for (int j = 0; j < n; j++, ci += cCs) c[ci] = 0;
                } else if (beta != 1) {
                    for (int j = 0; j < n; j++, ci += cCs) c[ci] *= beta;
                }
            }
            if (alpha == 0 || k == 0) return;
            for (int jb = 0; jb < n; jb += LONG_NC) {
                int je = Math.min(n, jb + LONG_NC);
                for (int pb = 0; pb < k; pb += LONG_KC) {
                    int pe = Math.min(k, pb + LONG_KC);
                    for (int i = s; i < e; i++) {
                        int ai = aOff + i * aRs, ci = cOff + i * cRs;
                        for (int p = pb; p < pe; p++) {
                            long x = alpha * a[ai + p * aCs];
                            if (x == 0) continue;
                            int bi = bOff + p * bRs;
                            for (int j = jb; j < je; j++) c[ci + j * cCs] += x * b[bi + j * bCs];
                        }
                    }
                }
            }
        });
    }

    // ---- policy shared by the drivers ----

    /** One product of a batch, run with threads inside it or not. */
    @FunctionalInterface
    private interface BatchItem {
        void run(int t, boolean parallel);
    }

    /** Runs the products of a batch spread over threads by batch, or one by one with threads inside. */
    private static void forEachInBatch(int batch, long work, BatchItem item) {
        boolean byBatch = splitBatch(batch, work);
        Parallel.parallelFor(batch, byBatch ? batchGrain(work) : Math.max(1, batch), (s, e) -> {
            for (int t = s; t < e; t++) item.run(t, !byBatch);
        });
    }

    /**
     * The block of C each task takes, {rows, cols}: C is cut into at most
     * {@link Parallel#chunks} pieces (one when {@code parallel} is false or the product is small),
     * choosing the factorisation of the task count whose blocks, rounded up to whole micro-tiles,
     * are smallest, with a charge for re-packing on the blocks' edges.
     */
    static int[] grid(int m, int n, int k, int mr, int nr, boolean parallel) {
        int tasks = parallel ? Parallel.chunks((long) m * n * k, THREAD_WORK) : 1;
        if (tasks <= 1) return new int[] {m, n};
        int bestM = m, bestN = n;
        long bestCost = Long.MAX_VALUE;
        for (int pm = 1; pm <= tasks; pm++) {
            if (tasks % pm != 0) continue;
            int pn = tasks / pm;
            int bm = roundUp(ceilDiv(m, pm), mr), bn = roundUp(ceilDiv(n, pn), nr);
            long cost = (long) bm * bn + PACK_COST * ((long) bm + bn);
            if (cost < bestCost) {
                bestCost = cost;
                bestM = Math.min(bm, m);
                bestN = Math.min(bn, n);
            }
        }
        return new int[] {bestM, bestN};
    }

    /** Multiply-adds one packed element is worth, when comparing ways to cut C among threads. */
    private static final long PACK_COST = 16;

    /**
     * Whether a batch of products of {@code work} multiply-adds each is better spread over threads
     * by batch (each product on one thread) than by splitting every product: yes when a product
     * alone is too small to split well, or when the batch divides evenly or is long enough that
     * the uneven last round costs little.
     */
    static boolean splitBatch(int batch, long work) {
        int threads = Parallel.numThreads();
        if (batch <= 1 || threads <= 1 || Parallel.inWorker()) return false;
        if (work < 4 * THREAD_WORK) return true;
        return batch % threads == 0 || batch >= 4 * threads;
    }

    /** How many products of {@code work} multiply-adds make one task of a batch split. */
    static int batchGrain(long work) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, THREAD_WORK / Math.max(1, work)));
    }

    /** Whether a product takes the direct loops rather than the packed path (see the constants). */
    static boolean direct(int m, int n, int k, int aCs, int bRs) {
        if ((long) m * n * k < SMALL_WORK) return true;
        int side = Math.min(m, n);
        return side <= DIRECT_SIDE || (side <= DIRECT_DOT_SIDE && aCs == 1 && bRs == 1);
    }

    /**
     * Whether an m×n×k product whose B is not a strided matrix (see {@link GemmFloat.Panels}) is
     * worth the packed path: not tiny and not matrix-vector-like, as {@link #direct} puts it.
     */
    static boolean packs(int m, int n, int k) {
        return (long) m * n * k >= SMALL_WORK && Math.min(m, n) > DIRECT_SIDE;
    }

    /** A block size for {@code total}: at most {@code max}, a multiple of {@code multiple}, splitting evenly. */
    static int evenSplit(int total, int max, int multiple) {
        int blocks = ceilDiv(total, max);
        return Math.min(max, roundUp(ceilDiv(total, blocks), multiple));
    }

    /** The rows (a multiple of {@code multiple}) of a {@code rows×kc} block that fits {@code bytes}. */
    static int blockRows(int bytes, int kc, int elementBytes, int multiple) {
        int rows = bytes / (kc * elementBytes);
        return Math.max(multiple, rows / multiple * multiple);
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    private static int roundUp(int a, int multiple) { return ceilDiv(a, multiple) * multiple; }

    // ---- argument checks ----

    private static final String NULL_OPERAND = "gemm: an operand array is null";

    private static int len(float[] array) { return Objects.requireNonNull(array, NULL_OPERAND).length; }

    private static int len(double[] array) { return Objects.requireNonNull(array, NULL_OPERAND).length; }

    private static int len(long[] array) { return Objects.requireNonNull(array, NULL_OPERAND).length; }

    private static void check(String op, int batch, int m, int n, int k,
                              int aLen, int aOff, int aRs, int aCs, int aBs,
                              int bLen, int bOff, int bRs, int bCs, int bBs,
                              int cLen, int cOff, int cRs, int cCs, int cBs) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": expected non-negative sizes, got batch=" + batch
                    + ", m=" + m + ", n=" + n + ", k=" + k);
        }
        if (batch > 1 && cBs == 0 && m > 0 && n > 0) {
            throw new IllegalArgumentException(op + ": C has batch stride 0, so all " + batch
                    + " results would be written to one matrix");
        }
        if ((cRs == 0 && m > 1) || (cCs == 0 && n > 1)) {
            throw new IllegalArgumentException(op + ": more than one element of C (" + m + "x" + n
                    + ", strides (" + cRs + ", " + cCs + ")) refers to a single memory location");
        }
        operand(op, "A", batch, m, k, aLen, aOff, aRs, aCs, aBs);
        operand(op, "B", batch, k, n, bLen, bOff, bRs, bCs, bBs);
        operand(op, "C", batch, m, n, cLen, cOff, cRs, cCs, cBs);
    }

    private static void operand(String op, String name, int batch, int rows, int cols,
                                int length, int off, int rs, int cs, int bs) {
        if (off < 0 || rs < 0 || cs < 0 || bs < 0) {
            throw new IllegalArgumentException(op + ": " + name + " needs a non-negative offset and strides, got "
                    + "offset " + off + ", strides (" + rs + ", " + cs + "), batch stride " + bs);
        }
        if (batch == 0 || rows == 0 || cols == 0) return;
        long last = off + (long) (batch - 1) * bs + (long) (rows - 1) * rs + (long) (cols - 1) * cs;
        if (last >= length) {
            String shape = (batch > 1 ? batch + "x" : "") + rows + "x" + cols;
            String batchStride = batch > 1 ? ", batch stride " + bs : "";
            throw new IllegalArgumentException(op + ": " + name + " (" + shape + ", offset " + off + ", strides (" + rs
                    + ", " + cs + ")" + batchStride + ") reaches index " + last + " but its array has length " + length);
        }
    }
}
