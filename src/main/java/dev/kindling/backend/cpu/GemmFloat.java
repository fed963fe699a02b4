package dev.kindling.backend.cpu;

/**
 * The float GEMM driver behind {@link Gemm}: argument checks are done by {@link Gemm};
 * this class chooses between the direct loop and the packed, cache-blocked path, splits C among
 * threads, packs panels into per-thread buffers and calls the {@link GemmKernel} micro-kernel.
 * The same code for double ({@code GemmDouble}) is generated from this file by the build (pom.xml,
 * execution double-twins, which rewrites the element type); edit this file only.
 *
 * <p>Layout and loop order follow Note [GEMM packing] in {@link Gemm}. Results are deterministic
 * for a given thread count: every element of C is accumulated by one thread in a fixed order.
 */
final class GemmFloat {
    private GemmFloat() {}

    /**
     * A source of the B operand for the packed path that is not a strided matrix (an implicit
     * im2col of an image, see {@link ConvFloat}): packs the kc×nc block of B whose top-left
     * element is B(pc, jc) into NR-column micro-panels laid out as {@link #packB} lays them out,
     * the last panel zero-padded. Called concurrently from several threads, each with its own
     * {@code dst}, so it must not write shared state.
     */
    @FunctionalInterface
    interface Panels {
        void pack(int pc, int kc, int jc, int nc, int nr, float[] dst);
    }

    /** A strided matrix B as a {@link Panels} source. */
    private record StridedPanels(float[] b, int bOff, int bRs, int bCs) implements Panels {
        @Override
        public void pack(int pc, int kc, int jc, int nc, int nr, float[] dst) {
            packB(kc, nc, nr, b, bOff + pc * bRs + jc * bCs, bRs, bCs, dst);
        }
    }

    /** Per-thread pack buffers, grown on demand and reused across calls. */
    private static final class Workspace {
        float[] a = new float[0], b = new float[0], tile = new float[0];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * C = alpha·A·B + beta·C with arguments already checked. {@code parallel} false keeps the
     * whole call on the current thread (used when the caller already parallelises, e.g. over a
     * batch).
     */
    static void gemm(GemmKernel kern, boolean parallel, int m, int n, int k, float alpha,
                     float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                     float beta, float[] c, int cOff, int cRs, int cCs) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, cRs, cCs);
            return;
        }
        if (Gemm.direct(m, n, k, aCs, bRs)) {
            directParallel(kern, parallel, m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, bCs,
                    beta, c, cOff, cRs, cCs);
            return;
        }
        packed(kern, parallel, m, n, k, alpha, a, aOff, aRs, aCs, new StridedPanels(b, bOff, bRs, bCs),
                beta, c, cOff, cRs, cCs);
    }

    /**
     * C = alpha·A·B + beta·C on the packed path, with B given by a {@link Panels} source; C split
     * among threads as {@link Gemm#grid} says (none when {@code parallel} is false). Sizes are
     * positive; the caller has ruled out the direct path.
     */
    static void packed(GemmKernel kern, boolean parallel, int m, int n, int k, float alpha,
                       float[] a, int aOff, int aRs, int aCs, Panels b,
                       float beta, float[] c, int cOff, int cRs, int cCs) {
        int mr = kern.floatMr(), nr = kern.floatNr();
        int[] grid = Gemm.grid(m, n, k, mr, nr, parallel);
        int bm = grid[0], bn = grid[1];
        int mb = (m + bm - 1) / bm, nb = (n + bn - 1) / bn;
        if (mb * nb == 1) {
            blocked(kern, m, n, k, alpha, a, aOff, aRs, aCs, b, 0, beta, c, cOff, cRs, cCs);
            return;
        }
        Parallel.parallelFor(mb * nb, 1, (s, e) -> {
            for (int t = s; t < e; t++) {
                int i0 = (t / nb) * bm, j0 = (t % nb) * bn;
                int rows = Math.min(bm, m - i0), cols = Math.min(bn, n - j0);
                blocked(kern, rows, cols, k, alpha, a, aOff + i0 * aRs, aRs, aCs, b, j0,
                        beta, c, cOff + i0 * cRs + j0 * cCs, cRs, cCs);
            }
        });
    }

    /** C = beta·C, writing zeros (not reading C) when beta is 0. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int cRs, int cCs) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * cRs;
            if (beta == 0f) {
                for (int j = 0; j < n; j++, ci += cCs) c[ci] = 0f;
            } else {
                for (int j = 0; j < n; j++, ci += cCs) c[ci] *= beta;
            }
        }
    }

    // ---- the packed, cache-blocked path (one thread, one block of C) ----

    static void blocked(GemmKernel kern, int m, int n, int k, float alpha,
                        float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                        float beta, float[] c, int cOff, int cRs, int cCs) {
        blocked(kern, m, n, k, alpha, a, aOff, aRs, aCs, new StridedPanels(b, bOff, bRs, bCs), 0,
                beta, c, cOff, cRs, cCs);
    }

    /** The five loops on one block of C, whose B columns start at column {@code j0} of {@code b}. */
    private static void blocked(GemmKernel kern, int m, int n, int k, float alpha,
                                float[] a, int aOff, int aRs, int aCs, Panels b, int j0,
                                float beta, float[] c, int cOff, int cRs, int cCs) {
        int mr = kern.floatMr(), nr = kern.floatNr();
        int kcMax = Gemm.evenSplit(k, Gemm.KC, 1);
        int mcMax = Gemm.evenSplit(m, Gemm.blockRows(Gemm.MC_BYTES, kcMax, Float.BYTES, mr), mr);
        int ncMax = Gemm.evenSplit(n, Gemm.blockRows(Gemm.NC_BYTES, kcMax, Float.BYTES, nr), nr);
        Workspace ws = WORKSPACE.get();
        if (ws.a.length < mcMax * kcMax) ws.a = new float[mcMax * kcMax];
        if (ws.b.length < kcMax * ncMax) ws.b = new float[kcMax * ncMax];
        if (ws.tile.length < mr * nr) ws.tile = new float[mr * nr];
        float[] ap = ws.a, bp = ws.b, tile = ws.tile;
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float betaNow = pc == 0 ? beta : 1f;
                b.pack(pc, kc, j0 + jc, nc, nr, bp);
                for (int ic = 0; ic < m; ic += mcMax) {
                    int mc = Math.min(mcMax, m - ic);
                    packA(mc, kc, mr, a, aOff + ic * aRs + pc * aCs, aRs, aCs, ap);
                    int cBlock = cOff + ic * cRs + jc * cCs;
                    for (int jr = 0; jr < nc; jr += nr) {
                        int nrNow = Math.min(nr, nc - jr), bpOff = jr * kc;
                        for (int ir = 0; ir < mc; ir += mr) {
                            kern.floatTile(kc, ap, ir * kc, bp, bpOff, alpha, betaNow,
                                    c, cBlock + ir * cRs + jr * cCs, cRs, cCs, Math.min(mr, mc - ir), nrNow, tile);
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs the mc×kc block of A at {@code aOff} into MR-row micro-panels:
     * {@code dst[(i / mr) * mr * kc + p * mr + i % mr] = A(i, p)}, the last panel zero-padded.
     */
    static void packA(int mc, int kc, int mr, float[] a, int aOff, int aRs, int aCs, float[] dst) {
        for (int i = 0; i < mc; i += mr) {
            int rows = Math.min(mr, mc - i), d = i * kc, src = aOff + i * aRs;
            if (aRs == 1 && aCs != 1) {
                // columns of A are contiguous: copy a run of rows per step of k
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, src + p * aCs, dst, d + p * mr, rows);
                    for (int r = rows; r < mr; r++) dst[d + p * mr + r] = 0f;
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int s = src + r * aRs, o = d + r;
                    for (int p = 0; p < kc; p++, o += mr) dst[o] = a[s + p * aCs];
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0, o = d + r; p < kc; p++, o += mr) dst[o] = 0f;
                }
            }
        }
    }

    /**
     * Packs the kc×nc block of B at {@code bOff} into NR-column micro-panels:
     * {@code dst[(j / nr) * nr * kc + p * nr + j % nr] = B(p, j)}, the last panel zero-padded.
     */
    static void packB(int kc, int nc, int nr, float[] b, int bOff, int bRs, int bCs, float[] dst) {
        GemmKernel kern = Gemm.KERNEL;
        for (int j = 0; j < nc; j += nr) {
            int cols = Math.min(nr, nc - j), d = j * kc, src = bOff + j * bCs;
            if (bCs == 1 && cols == nr && nr == kern.floatNr()) {
                for (int p = 0; p < kc; p++) kern.floatPanelRow(b, src + p * bRs, dst, d + p * nr);
            } else if (bCs == 1) {
                // rows of B are contiguous: copy a run of columns per step of k
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, src + p * bRs, dst, d + p * nr, cols);
                    for (int q = cols; q < nr; q++) dst[d + p * nr + q] = 0f;
                }
            } else {
                for (int q = 0; q < cols; q++) {
                    int s = src + q * bCs, o = d + q;
                    for (int p = 0; p < kc; p++, o += nr) dst[o] = b[s + p * bRs];
                }
                for (int q = cols; q < nr; q++) {
                    for (int p = 0, o = d + q; p < kc; p++, o += nr) dst[o] = 0f;
                }
            }
        }
    }

    // ---- the direct path: small problems and matrix-vector shapes ----

    /** Splits the direct path over rows of C (or over columns when C is one row). */
    private static void directParallel(GemmKernel kern, boolean parallel, int m, int n, int k, float alpha,
                                       float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                                       float beta, float[] c, int cOff, int cRs, int cCs) {
        long work = (long) m * n * k;
        int chunks = parallel ? Parallel.chunks(work, Gemm.THREAD_WORK) : 1;
        if (chunks <= 1) {
            direct(kern, m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, bCs, beta, c, cOff, cRs, cCs);
        } else if (m >= n) {
            Parallel.parallelFor(m, Math.max(1, m / chunks), (s, e) ->
                    direct(kern, e - s, n, k, alpha, a, aOff + s * aRs, aRs, aCs, b, bOff, bRs, bCs,
                            beta, c, cOff + s * cRs, cRs, cCs));
        } else {
            Parallel.parallelFor(n, Math.max(1, n / chunks), (s, e) ->
                    direct(kern, m, e - s, k, alpha, a, aOff, aRs, aCs, b, bOff + s * bCs, bRs, bCs,
                            beta, c, cOff + s * cCs, cRs, cCs));
        }
    }

    /**
     * C = alpha·A·B + beta·C by plain loops, in the orientation (C or its transpose) that gives
     * unit-stride inner loops: rows of C updated by axpy from rows of B, or dot products of rows of
     * A with columns of B. The ladder: long axpy rows, long transposed axpy rows, dot products,
     * short axpy rows either way, and a strided loop for whatever is left.
     */
    static void direct(GemmKernel kern, int m, int n, int k, float alpha,
                       float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                       float beta, float[] c, int cOff, int cRs, int cCs) {
        // strides of a dimension of size 1 never matter: make them unit so the tests below hold
        if (m == 1) { aRs = 1; cRs = 1; }
        if (n == 1) { bCs = 1; cCs = 1; }
        scale(m, n, beta, c, cOff, cRs, cCs);
        boolean axpy = bCs == 1 && cCs == 1, axpyT = aRs == 1 && cRs == 1, dot = aCs == 1 && bRs == 1;
        if (axpy && n >= Gemm.AXPY_MIN_LENGTH) {
            axpyRows(kern, m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs);
        } else if (axpyT && m >= Gemm.AXPY_MIN_LENGTH) {
            // C^T = B^T·A^T: swap the operands and every stride pair
            axpyRows(kern, n, m, k, alpha, b, bOff, bCs, bRs, a, aOff, aCs, c, cOff, cCs);
        } else if (dot && m <= n) {
            // few rows of A, kept in cache while each column of B streams past once
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * bCs;
                for (int i = 0; i < m; i++) {
                    c[cOff + i * cRs + j * cCs] += alpha * kern.floatDot(k, a, aOff + i * aRs, b, bj);
                }
            }
        } else if (dot) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * aRs;
                for (int j = 0; j < n; j++) {
                    c[cOff + i * cRs + j * cCs] += alpha * kern.floatDot(k, a, ai, b, bOff + j * bCs);
                }
            }
        } else if (axpy) {
            axpyRows(kern, m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, cRs);
        } else if (axpyT) {
            axpyRows(kern, n, m, k, alpha, b, bOff, bCs, bRs, a, aOff, aCs, c, cOff, cCs);
        } else {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * aRs;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * bCs;
                    float s = 0f;
                    for (int p = 0; p < k; p++) s += a[ai + p * aCs] * b[bj + p * bRs];
                    c[cOff + i * cRs + j * cCs] += alpha * s;
                }
            }
        }
    }

    /** C += alpha·A·B where rows of B and of C are contiguous. */
    private static void axpyRows(GemmKernel kern, int m, int n, int k, float alpha, float[] a, int aOff, int aRs,
                                 int aCs, float[] b, int bOff, int bRs, float[] c, int cOff, int cRs) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * cRs, ai = aOff + i * aRs;
            for (int p = 0; p < k; p++) kern.floatAxpy(n, alpha * a[ai + p * aCs], b, bOff + p * bRs, c, ci);
        }
    }
}
