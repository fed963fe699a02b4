package dev.kindling.backend.cpu;

import java.util.Arrays;

/**
 * The float convolution driver behind {@link Conv}: the {@link Gemm} products for one
 * (sample, group) unit, the operand panels they read, and the choice of how to spread units over
 * threads. Arguments arrive checked. The same code for double ({@code ConvDouble}) is generated
 * from this file by the build (pom.xml, execution double-twins, which rewrites the element type);
 * edit this file only.
 *
 * <p>For unit (b, grp), with {@code cg = c/groups}, {@code og = o/groups}, R = cg·kH·kW and
 * P = oH·oW, the three products are (Note [implicit GEMM] in {@link Conv} says how B is read):
 * <pre>
 *   forward:         out[b, grp]  (og×P) = W[grp] (og×R) · col(x[b, grp]) (R×P)       (+ bias)
 *   backward input:  gIn[b, grp]  (cg×h·w) = Wflip[grp] (cg×og·kH·kW) · col(gOut[b, grp])   stride 1
 *                    col (R×P) = W[grp]^T · gOut[b, grp], then col2im                     otherwise
 *   backward weight: gW[grp] (og×R) = Σ_b gOut[b, grp] (og×P) · col(x[b, grp])^T (P×R)
 * </pre>
 * Products too thin for the packed path (Gemm's direct loops: a side of at most
 * {@link Gemm#DIRECT_SIDE}, or tiny work) unfold the input into an explicit col matrix instead.
 */
final class ConvFloat {
    private ConvFloat() {}

    /**
     * Per-thread scratch, grown on demand and reused across calls: the staged source, the col
     * matrix, and the wide output of Note [shifted columns].
     */
    private static final class Workspace {
        float[] src = new float[0], col = new float[0], wide = new float[0];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private static float[] staging(int size) {
        Workspace ws = WORKSPACE.get();
        if (ws.src.length < size) ws.src = new float[size];
        return ws.src;
    }

    private static float[] wideBuffer(int size) {
        Workspace ws = WORKSPACE.get();
        if (ws.wide.length < size) ws.wide = new float[size];
        return ws.wide;
    }

    private static float[] colBuffer(int size) {
        Workspace ws = WORKSPACE.get();
        if (ws.col.length < size) ws.col = new float[size];
        return ws.col;
    }

    // ---- forward ----

    static void forward(Conv.Geometry g, float[] in, int inOff, float[] wt, int wOff, float[] bias, int biasOff,
                        float[] out, int outOff) {
        Conv.Corr k = Conv.Corr.forward(g);
        int[] taps = taps(k);
        forEachUnit(g, (b, grp, parallel) -> {
            int og = g.og(), outBase = outOff + (b * g.o() + grp * og) * g.colCols();
            int inBase = inOff + (b * g.c() + grp * g.cg()) * g.h() * g.w();
            correlate(k, taps, in, inBase, wt, wOff + grp * og * k.depth(), bias, biasOff + grp * og, out, outBase,
                    parallel);
        });
    }

    /**
     * out (m×P) = weights (m×depth, row-major) · col(source) + bias for one unit (bias null: none):
     * implicitly over the source staged with its padding, through {@link ShiftPanels} for stride 1
     * and {@link ImagePanels} otherwise, or through an explicit col matrix when the product is too
     * thin for the packed path. {@code taps} is {@link #taps} of k, or null when k has stride
     * above 1.
     */
    private static void correlate(Conv.Corr k, int[] taps, float[] src, int srcOff, float[] wt, int wOff,
                                  float[] bias, int biasOff, float[] out, int outOff, boolean parallel) {
        int m = k.m(), n = k.cols(), depth = k.depth();
        boolean shifted = taps != null && !k.pointwise() && Gemm.packs(m, n, depth);
        float beta = 0f;
        if (bias != null && !shifted) {
            for (int j = 0; j < m; j++) Arrays.fill(out, outOff + j * n, outOff + (j + 1) * n, bias[biasOff + j]);
            beta = 1f;
        }
        if (k.pointwise()) {
            GemmFloat.gemm(Gemm.KERNEL, parallel, m, n, depth, 1f, wt, wOff, depth, 1, src, srcOff, n, 1,
                    beta, out, outOff, n, 1);
            return;
        }
        if (!Gemm.packs(m, n, depth)) {
            float[] col = colBuffer(depth * n);
            im2col(k, src, srcOff, col, parallel);
            GemmFloat.gemm(Gemm.KERNEL, parallel, m, n, depth, 1f, wt, wOff, depth, 1, col, 0, n, 1,
                    beta, out, outOff, n, 1);
            return;
        }
        float[] s = src;
        int sOff = srcOff;
        if (k.staged()) {
            s = staging(k.cs() * k.hp() * k.wp());
            sOff = 0;
            window(src, srcOff, k.cs(), k.h(), k.w(), k.padH(), k.padW(), k.hp(), k.wp(), s);
        }
        if (!shifted) {
            GemmFloat.packed(Gemm.KERNEL, parallel, m, n, depth, 1f, wt, wOff, depth, 1,
                    new ImagePanels(k, s, sOff), beta, out, outOff, n, 1);
            return;
        }
        // Note [shifted columns]
        int wp = k.wp(), oW = k.oW(), wide = (k.oH() - 1) * wp + oW;
        float[] c = wideBuffer(m * wide);
        GemmFloat.packed(Gemm.KERNEL, parallel, m, wide, depth, 1f, wt, wOff, depth, 1,
                new ShiftPanels(taps, s, sOff), 0f, c, 0, wide, 1);
        // copy out the valid columns, adding the bias: channels spread over threads like the product
        GemmKernel kern = Gemm.KERNEL;
        int oH = k.oH();
        Parallel.Range copyOut = (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float add = bias == null ? 0f : bias[biasOff + i];
                for (int oy = 0; oy < oH; oy++) {
                    int from = i * wide + oy * wp, to = outOff + i * n + oy * oW;
                    if (bias == null) System.arraycopy(c, from, out, to, oW);
                    else kern.floatAddRow(c, from, add, out, to, oW);
                }
            }
        };
        if (parallel) Parallel.parallelFor(m, Math.max(1, Iter.GRAIN / n), copyOut);
        else copyOut.run(0, m);
    }

    /**
     * Offsets in the staged source of each row r = (ch·kH + ki)·kW + kj of the unfolding of a
     * stride-1 correlation (Note [shifted columns]), or null for a strided one.
     */
    private static int[] taps(Conv.Corr k) {
        if (k.sH() != 1 || k.sW() != 1) return null;
        int[] t = new int[k.depth()];
        int plane = k.hp() * k.wp(), r = 0;
        for (int ch = 0; ch < k.cs(); ch++) {
            for (int ki = 0; ki < k.kH(); ki++) {
                for (int kj = 0; kj < k.kW(); kj++) t[r++] = ch * plane + ki * k.dH() * k.wp() + kj * k.dW();
            }
        }
        return t;
    }

    /**
     * The unfolding of a stride-1 correlation over output positions laid out with the staged
     * source's row length (Note [shifted columns]): B(r, j) is {@code src[srcOff + taps[r] + j]},
     * so every panel row is one contiguous run.
     */
    private record ShiftPanels(int[] taps, float[] src, int srcOff) implements GemmFloat.Panels {
        @Override
        public void pack(int pc, int kc, int jc, int nc, int nr, float[] dst) {
            GemmKernel kern = Gemm.KERNEL;
            for (int q = 0; q < nc; q += nr) {
                int cols = Math.min(nr, nc - q), d = q * kc, s = srcOff + jc + q;
                if (cols == nr && nr == kern.floatNr()) {
                    for (int p = 0; p < kc; p++, d += nr) kern.floatPanelRow(src, s + taps[pc + p], dst, d);
                    continue;
                }
                for (int p = 0; p < kc; p++, d += nr) {
                    System.arraycopy(src, s + taps[pc + p], dst, d, cols);
                    for (int c = cols; c < nr; c++) dst[d + c] = 0f;
                }
            }
        }
    }

    /**
     * col(source) of a correlation as GEMM panels: B(r, j) for r = (ch·kH + ki)·kW + kj and
     * output position j = oy·oW + ox is {@code src[ch][oy·sH + ki·dH][ox·sW + kj·dW]} of the
     * staged (already padded) source of hp×wp planes. A panel row is copied as runs along output
     * rows when those are long and unit-stride, else gathered through a table of column offsets.
     */
    private record ImagePanels(Conv.Corr k, float[] src, int srcOff) implements GemmFloat.Panels {
        @Override
        public void pack(int pc, int kc, int jc, int nc, int nr, float[] dst) {
            int kH = k.kH(), kW = k.kW(), wp = k.wp(), oW = k.oW(), sW = k.sW();
            int rowStep = k.sH() * wp, tapH = k.dH() * wp, tapW = k.dW(), plane = k.hp() * wp;
            boolean runs = sW == 1 && oW >= LONG_RUN;
            int[] colOff = runs ? null : new int[nr];
            for (int q = 0; q < nc; q += nr) {
                int cols = Math.min(nr, nc - q), d0 = q * kc;
                int oy0 = (jc + q) / oW, ox0 = (jc + q) - oy0 * oW;
                if (!runs) {
                    for (int c = 0, oy = oy0, ox = ox0; c < cols; c++) {
                        colOff[c] = oy * rowStep + ox * sW;
                        if (++ox == oW) {
                            ox = 0;
                            oy++;
                        }
                    }
                }
                int khw = kH * kW, ch = pc / khw, t = pc - ch * khw, ki = t / kW, kj = t - ki * kW;
                for (int p = 0; p < kc; p++) {
                    int base = srcOff + ch * plane + ki * tapH + kj * tapW, d = d0 + p * nr;
                    if (runs) {
                        base += oy0 * rowStep;
                        for (int c = 0, ox = ox0; c < cols; ox = 0, base += rowStep) {
                            int len = Math.min(cols - c, oW - ox);
                            System.arraycopy(src, base + ox, dst, d + c, len);
                            c += len;
                        }
                    } else {
                        for (int c = 0; c < cols; c++) dst[d + c] = src[base + colOff[c]];
                    }
                    for (int c = cols; c < nr; c++) dst[d + c] = 0f;
                    if (++kj == kW) {
                        kj = 0;
                        if (++ki == kH) {
                            ki = 0;
                            ch++;
                        }
                    }
                }
            }
        }
    }

    // ---- backward input ----

    /**
     * Fewest input channels per group for which a stride-1 input gradient runs as a correlation:
     * its product has that many rows, and below a micro-tile's height (8) most of each tile would
     * be padding, while the GEMM + col2im product has c/groups·kH·kW rows.
     */
    private static final int CORRELATION_MIN_CHANNELS = 8;

    static void backwardInput(Conv.Geometry g, float[] gOut, int goOff, float[] wt, int wOff,
                              float[] gIn, int giOff) {
        if (g.strideH() == 1 && g.strideW() == 1 && g.cg() >= CORRELATION_MIN_CHANNELS) {
            // Note [input gradient as a correlation]
            Conv.Corr k = Conv.Corr.backwardInput(g);
            float[] flipped = flip(g, wt, wOff);
            int[] taps = taps(k);
            forEachUnit(g, (b, grp, parallel) -> {
                int goBase = goOff + (b * g.o() + grp * g.og()) * g.colCols();
                int giBase = giOff + (b * g.c() + grp * g.cg()) * g.h() * g.w();
                correlate(k, taps, gOut, goBase, flipped, grp * g.cg() * k.depth(), null, 0, gIn, giBase, parallel);
            });
            return;
        }
        forEachUnit(g, (b, grp, parallel) -> {
            int og = g.og(), rows = g.colRows(), cols = g.colCols();
            int goBase = goOff + (b * g.o() + grp * og) * cols;
            int giBase = giOff + (b * g.c() + grp * g.cg()) * g.h() * g.w();
            float[] col = colBuffer(rows * cols);
            GemmFloat.gemm(Gemm.KERNEL, parallel, rows, cols, og, 1f, wt, wOff + grp * og * rows, 1, rows,
                    gOut, goBase, cols, 1, 0f, col, 0, cols, 1);
            col2im(g, col, gIn, giBase, parallel);
        });
    }

    /**
     * The weight of the correlation that gives a stride-1 convolution's input gradient, per group
     * a cg×(og·kH·kW) matrix: {@code flipped[grp][ch][(oc·kH + ki)·kW + kj] =
     * W[grp·og + oc][ch][kH−1−ki][kW−1−kj]}.
     */
    private static float[] flip(Conv.Geometry g, float[] wt, int wOff) {
        int og = g.og(), cg = g.cg(), kH = g.kH(), kW = g.kW(), khw = kH * kW;
        float[] f = new float[(int) g.weightSize()];
        for (int oc = 0; oc < g.o(); oc++) {
            int grp = oc / og, o = oc - grp * og;
            for (int ch = 0; ch < cg; ch++) {
                int src = wOff + (oc * cg + ch) * khw, dst = ((grp * cg + ch) * og + o) * khw;
                for (int t = 0; t < khw; t++) f[dst + khw - 1 - t] = wt[src + t];
            }
        }
        return f;
    }

    // ---- backward weight ----

    /** How a weight gradient runs (see {@link #backwardWeight}). */
    private enum WeightPath { DOTS, TAPS, EXPLICIT }

    /** The dot-product kernel of {@link WeightPath#DOTS}: Vector API when available, plain Java otherwise. */
    private static final DotKernel DOTS = Simd.choose("dev.kindling.backend.cpu.VectorDotKernel",
            DotKernel.class, new DotKernel.Scalar());

    /** Output positions per call of the dot-product kernel: its rows of the output gradient stay in L2. */
    private static final int DOT_K_BLOCK = 2048;

    /**
     * gW = Σ_b gOut[b] · col(x[b])^T per group. Stride 1: {@link WeightPath#DOTS}, dot products of
     * the output gradient's rows with shifted rows of the staged input (Note [shifted columns]),
     * no packing at all. Strided: {@link WeightPath#TAPS}, the packed GEMM over a channels-last
     * staging, accumulated with columns in (ki, kj, ch) order and permuted at the end. Products
     * too thin to pack: {@link WeightPath#EXPLICIT}, an explicit col matrix.
     */
    static void backwardWeight(Conv.Geometry g, float[] gOut, int goOff, float[] in, int inOff,
                               float[] gW, int gwOff) {
        int n = g.n(), groups = g.groups(), size = (int) g.weightSize();
        if (n == 0 || g.colCols() == 0) {
            Arrays.fill(gW, gwOff, gwOff + size, 0f);
            return;
        }
        WeightPath path = g.strideH() == 1 && g.strideW() == 1 ? WeightPath.DOTS
                : Gemm.packs(g.og(), g.colRows(), g.colCols()) ? WeightPath.TAPS : WeightPath.EXPLICIT;
        int[] taps = path == WeightPath.DOTS ? taps(Conv.Corr.forward(g)) : null;
        float[] acc = path == WeightPath.TAPS ? new float[size] : gW;
        int accOff = path == WeightPath.TAPS ? 0 : gwOff;
        long sampleWork = g.unitWork() * groups;
        if (Gemm.splitBatch(groups, g.unitWork() * n)) {
            // each group's slice of the gradient on one thread
            Parallel.parallelFor(groups, Gemm.batchGrain(g.unitWork() * n), (s, e) -> {
                for (int grp = s; grp < e; grp++) {
                    for (int b = 0; b < n; b++) {
                        weightUnit(g, path, taps, b, grp, gOut, goOff, in, inOff, acc, accOff, b == 0, false);
                    }
                }
            });
        } else if (Gemm.splitBatch(n, sampleWork)) {
            // a contiguous run of samples per task, each into its own buffer, summed in task order
            int tasks = Parallel.chunks(n, Gemm.batchGrain(sampleWork));
            float[][] partial = new float[tasks][];
            Parallel.parallelFor(tasks, 1, (s, e) -> {
                for (int t = s; t < e; t++) {
                    float[] dst = t == 0 ? acc : new float[size];
                    int dstOff = t == 0 ? accOff : 0;
                    int b0 = (int) ((long) n * t / tasks), b1 = (int) ((long) n * (t + 1) / tasks);
                    for (int grp = 0; grp < groups; grp++) {
                        for (int b = b0; b < b1; b++) {
                            weightUnit(g, path, taps, b, grp, gOut, goOff, in, inOff, dst, dstOff, b == b0, false);
                        }
                    }
                    partial[t] = dst;
                }
            });
            for (int t = 1; t < tasks; t++) {
                float[] p = partial[t];
                for (int i = 0; i < size; i++) acc[accOff + i] += p[i];
            }
        } else {
            for (int grp = 0; grp < groups; grp++) {
                for (int b = 0; b < n; b++) {
                    weightUnit(g, path, taps, b, grp, gOut, goOff, in, inOff, acc, accOff, b == 0, true);
                }
            }
        }
        if (path == WeightPath.TAPS) unpermute(g, acc, gW, gwOff);
    }

    /**
     * gW[grp] (+)= gOut[b, grp] · col(x[b, grp])^T, overwriting when {@code first}, by the given
     * path; a DOTS unit whose input holds an infinity or NaN runs EXPLICIT instead (the dot
     * products would multiply it by the zeros at the wrapped positions and make NaN).
     */
    private static void weightUnit(Conv.Geometry g, WeightPath path, int[] taps, int b, int grp, float[] gOut,
                                   int goOff, float[] in, int inOff, float[] gW, int gwOff, boolean first,
                                   boolean parallel) {
        int og = g.og(), rows = g.colRows(), cols = g.colCols();
        int goBase = goOff + (b * g.o() + grp * og) * cols;
        int inBase = inOff + (b * g.c() + grp * g.cg()) * g.h() * g.w();
        int cOff = gwOff + grp * og * rows;
        float beta = first ? 0f : 1f;
        Conv.Corr k = Conv.Corr.forward(g);
        if (path == WeightPath.DOTS && weightDots(k, taps, gOut, goBase, in, inBase, gW, cOff, first, parallel)) {
            return;
        }
        if (path == WeightPath.TAPS) {
            float[] s = staging(k.cs() * k.hp() * k.wp());
            channelsLast(in, inBase, k.cs(), k.h(), k.w(), k.padH(), k.padW(), k.hp(), k.wp(), s);
            GemmFloat.packed(Gemm.KERNEL, parallel, og, rows, cols, 1f, gOut, goBase, cols, 1,
                    new TapPanels(k, s), beta, gW, cOff, rows, 1);
            return;
        }
        float[] src = in;
        int srcOff = inBase;
        if (!g.pointwise()) {
            float[] col = colBuffer(rows * cols);
            im2col(k, in, inBase, col, parallel);
            src = col;
            srcOff = 0;
        }
        GemmFloat.gemm(Gemm.KERNEL, parallel, og, rows, cols, 1f, gOut, goBase, cols, 1,
                src, srcOff, 1, cols, beta, gW, cOff, rows, 1);
    }

    /**
     * One unit of {@link WeightPath#DOTS}: stages the input with its padding (and zeros past its
     * end, up to a whole number of kernel steps), lays the output gradient's rows out on the
     * staged row length with zeros at the wrapped positions, and adds their dot products with
     * the shifted input rows to the gradient. Returns false, having changed nothing, when the
     * staged input is not all finite.
     */
    private static boolean weightDots(Conv.Corr k, int[] taps, float[] gOut, int goBase, float[] in, int inBase,
                                      float[] gW, int cOff, boolean first, boolean parallel) {
        int m = k.m(), rows = k.depth(), wp = k.wp(), oW = k.oW(), oH = k.oH();
        int wide = (oH - 1) * wp + oW, kk = (wide + DotKernel.K_MULTIPLE - 1) / DotKernel.K_MULTIPLE * DotKernel.K_MULTIPLE;
        int srcSize = k.cs() * k.hp() * wp;
        float[] s = staging(srcSize + kk - wide);
        window(in, inBase, k.cs(), k.h(), k.w(), k.padH(), k.padW(), k.hp(), wp, s);
        if (!finite(s, srcSize)) return false;
        Arrays.fill(s, srcSize, srcSize + kk - wide, 0f);
        float[] a = wideBuffer(m * kk);
        for (int i = 0; i < m; i++) {
            int d = i * kk;
            for (int oy = 0; oy < oH; oy++, d += wp) {
                System.arraycopy(gOut, goBase + (i * oH + oy) * oW, a, d, oW);
                for (int x = d + oW, end = oy == oH - 1 ? (i + 1) * kk : d + wp; x < end; x++) a[x] = 0f;
            }
        }
        if (first) Arrays.fill(gW, cOff, cOff + m * rows, 0f);
        for (int p0 = 0; p0 < kk; p0 += DOT_K_BLOCK) {
            int len = Math.min(DOT_K_BLOCK, kk - p0), from = p0;
            Parallel.parallelFor(rows, parallel ? Conv.grain((long) m * len) : rows, (j0, j1) -> {
                int[] t = j0 == 0 && j1 == rows ? taps : Arrays.copyOfRange(taps, j0, j1);
                DOTS.dots(m, j1 - j0, len, a, from, kk, s, from, t, gW, cOff + j0, rows);
            });
        }
        return true;
    }

    /** Whether the first {@code n} elements of {@code x} are all finite. */
    private static boolean finite(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[i])) return false;
        }
        return true;
    }

    /**
     * col(x)^T as GEMM panels over a channels-last staging {@code src[(y·wp + x)·cs + ch]}:
     * B(j, r) for output position j = oy·oW + ox and column r = (ki·kW + kj)·cs + ch is
     * {@code src[((oy·sH + ki·dH)·wp + ox·sW + kj·dW)·cs + ch]}. A panel row is copied as runs of
     * consecutive channels when there are many channels, else gathered through a table of column
     * offsets.
     */
    private record TapPanels(Conv.Corr k, float[] src) implements GemmFloat.Panels {
        @Override
        public void pack(int pc, int kc, int jc, int nc, int nr, float[] dst) {
            int cs = k.cs(), kW = k.kW(), wp = k.wp(), oW = k.oW();
            boolean runs = cs >= LONG_RUN;
            int[] colOff = new int[nr + 1], runCol = new int[nr + 1], runLen = new int[nr + 1];
            for (int q = 0; q < nc; q += nr) {
                int cols = Math.min(nr, nc - q), d0 = q * kc, n = 0;
                int tap = (jc + q) / cs, ch = (jc + q) - tap * cs;
                for (int c = 0; c < cols; ) {
                    int len = runs ? Math.min(cols - c, cs - ch) : 1, ki = tap / kW, kj = tap - ki * kW;
                    colOff[n] = (ki * k.dH() * wp + kj * k.dW()) * cs + ch;
                    runCol[n] = c;
                    runLen[n++] = len;
                    c += len;
                    if ((ch += len) == cs) {
                        ch = 0;
                        tap++;
                    }
                }
                int oy = pc / oW, ox = pc - oy * oW;
                for (int p = 0; p < kc; p++) {
                    int base = (oy * k.sH() * wp + ox * k.sW()) * cs, d = d0 + p * nr;
                    if (runs) {
                        for (int i = 0; i < n; i++) System.arraycopy(src, base + colOff[i], dst, d + runCol[i], runLen[i]);
                    } else {
                        for (int c = 0; c < cols; c++) dst[d + c] = src[base + colOff[c]];
                    }
                    for (int c = cols; c < nr; c++) dst[d + c] = 0f;
                    if (++ox == oW) {
                        ox = 0;
                        oy++;
                    }
                }
            }
        }
    }

    /** Moves a gradient accumulated with columns in (ki, kj, ch) order into gW's (ch, ki, kj) order. */
    private static void unpermute(Conv.Geometry g, float[] acc, float[] gW, int gwOff) {
        int cg = g.cg(), khw = g.kH() * g.kW(), rows = g.colRows();
        for (int oc = 0; oc < g.o(); oc++) {
            int base = oc * rows;
            for (int ch = 0; ch < cg; ch++) {
                for (int t = 0; t < khw; t++) gW[gwOff + base + ch * khw + t] = acc[base + t * cg + ch];
            }
        }
    }

    // ---- staging ----

    /**
     * Shortest run (output row, or channels at one tap) that panels copy with System.arraycopy;
     * shorter ones are gathered element by element through a table of offsets.
     */
    private static final int LONG_RUN = 16;

    /**
     * Copies cs planes of h×w at {@code inOff} into {@code dst} as planes of hp×wp whose element
     * (y, x) is input (y − top, x − left), or 0 outside the input: zero padding for positive
     * offsets, cropping for negative ones.
     */
    static void window(float[] in, int inOff, int cs, int h, int w, int top, int left, int hp, int wp, float[] dst) {
        int y0 = Math.max(0, top), y1 = Math.min(hp, h + top), x0 = Math.max(0, left), x1 = Math.min(wp, w + left);
        for (int ch = 0; ch < cs; ch++) {
            int plane = ch * hp * wp, src = inOff + ch * h * w;
            if (y0 >= y1 || x0 >= x1) {
                Arrays.fill(dst, plane, plane + hp * wp, 0f);
                continue;
            }
            Arrays.fill(dst, plane, plane + y0 * wp, 0f);
            for (int y = y0; y < y1; y++) {
                int d = plane + y * wp;
                for (int x = 0; x < x0; x++) dst[d + x] = 0f;
                System.arraycopy(in, src + (y - top) * w + x0 - left, dst, d + x0, x1 - x0);
                for (int x = x1; x < wp; x++) dst[d + x] = 0f;
            }
            Arrays.fill(dst, plane + y1 * wp, plane + hp * wp, 0f);
        }
    }

    /**
     * Copies cs planes of h×w at {@code inOff} into {@code dst} channels-last and zero-padded:
     * {@code dst[(y·wp + x)·cs + ch]} is input (ch, y − padH, x − padW), or 0 in the padding.
     * One row of all channels at a time: the input row is read in order and the rows it writes
     * (w·cs elements) stay in L1, where reading all channels at one x would step through the
     * input a plane apart and, with planes of a power-of-two size, thrash one cache set.
     */
    static void channelsLast(float[] in, int inOff, int cs, int h, int w, int padH, int padW, int hp, int wp,
                             float[] dst) {
        Arrays.fill(dst, 0, padH * wp * cs, 0f);
        Arrays.fill(dst, (padH + h) * wp * cs, hp * wp * cs, 0f);
        for (int y = 0; y < h; y++) {
            int row = (y + padH) * wp * cs;
            Arrays.fill(dst, row, row + padW * cs, 0f);
            Arrays.fill(dst, row + (padW + w) * cs, row + wp * cs, 0f);
            int d0 = row + padW * cs;
            for (int ch = 0; ch < cs; ch++) {
                int s = inOff + ch * h * w + y * w;
                for (int x = 0, d = d0 + ch; x < w; x++, d += cs) dst[d] = in[s + x];
            }
        }
    }

    // ---- explicit unfolding, for products too thin to pack ----

    /**
     * Unfolds the cs source planes at {@code inOff} into {@code col} (depth×P, row-major): row
     * {@code (ch·kH + ki)·kW + kj}, column {@code oy·oW + ox} holds source
     * {@code (ch, oy·sH − padH + ki·dH, ox·sW − padW + kj·dW)}, or 0 outside it.
     */
    static void im2col(Conv.Corr k, float[] in, int inOff, float[] col, boolean parallel) {
        int cs = k.cs();
        int grain = parallel ? Conv.grain((long) k.kH() * k.kW() * k.cols()) : Math.max(1, cs);
        Parallel.parallelFor(cs, grain, (s, e) -> {
            int h = k.h(), w = k.w(), oH = k.oH(), oW = k.oW(), sH = k.sH(), sW = k.sW();
            for (int ch = s; ch < e; ch++) {
                int plane = inOff + ch * h * w;
                for (int ki = 0; ki < k.kH(); ki++) {
                    int dy = ki * k.dH() - k.padH();
                    for (int kj = 0; kj < k.kW(); kj++) {
                        int dx = kj * k.dW() - k.padW();
                        int lo = Conv.firstInside(dx, sW, oW), hi = Math.max(lo, Conv.endInside(dx, w, sW, oW));
                        int row = ((ch * k.kH() + ki) * k.kW() + kj) * oH * oW;
                        for (int oy = 0; oy < oH; oy++) {
                            int iy = oy * sH + dy, d = row + oy * oW;
                            if (iy < 0 || iy >= h) {
                                Arrays.fill(col, d, d + oW, 0f);
                                continue;
                            }
                            int src = plane + iy * w + dx;
                            for (int ox = 0; ox < lo; ox++) col[d + ox] = 0f;
                            if (sW == 1) {
                                System.arraycopy(in, src + lo, col, d + lo, hi - lo);
                            } else {
                                for (int ox = lo; ox < hi; ox++) col[d + ox] = in[src + ox * sW];
                            }
                            for (int ox = hi; ox < oW; ox++) col[d + ox] = 0f;
                        }
                    }
                }
            }
        });
    }

    /** The inverse of {@link #im2col} for a convolution's input: zeroes the cg planes at {@code outOff} and sums col into them. */
    static void col2im(Conv.Geometry g, float[] col, float[] out, int outOff, boolean parallel) {
        int cg = g.cg();
        int grain = parallel ? Conv.grain((long) g.kH() * g.kW() * g.colCols()) : Math.max(1, cg);
        Parallel.parallelFor(cg, grain, (s, e) -> {
            int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), sH = g.strideH(), sW = g.strideW();
            for (int ch = s; ch < e; ch++) {
                int plane = outOff + ch * h * w;
                Arrays.fill(out, plane, plane + h * w, 0f);
                for (int ki = 0; ki < g.kH(); ki++) {
                    int dy = ki * g.dilH() - g.padH();
                    for (int kj = 0; kj < g.kW(); kj++) {
                        int dx = kj * g.dilW() - g.padW();
                        int lo = Conv.firstInside(dx, sW, oW), hi = Conv.endInside(dx, w, sW, oW);
                        int row = ((ch * g.kH() + ki) * g.kW() + kj) * oH * oW;
                        for (int oy = 0; oy < oH; oy++) {
                            int iy = oy * sH + dy;
                            if (iy < 0 || iy >= h) continue;
                            int dst = plane + iy * w + dx, d = row + oy * oW;
                            if (sW == 1) {
                                for (int ox = lo; ox < hi; ox++) out[dst + ox] += col[d + ox];
                            } else {
                                for (int ox = lo; ox < hi; ox++) out[dst + ox * sW] += col[d + ox];
                            }
                        }
                    }
                }
            }
        });
    }

    // ---- threads ----

    /** One (sample, group) unit, and whether it may use threads itself. */
    @FunctionalInterface
    private interface Unit {
        void run(int b, int grp, boolean parallel);
    }

    /**
     * Runs every (sample, group) unit: spread over threads by unit when units are small or many,
     * else one after another with threads inside each.
     */
    private static void forEachUnit(Conv.Geometry g, Unit unit) {
        int units = g.n() * g.groups();
        boolean byUnit = Gemm.splitBatch(units, g.unitWork());
        Parallel.parallelFor(units, byUnit ? Gemm.batchGrain(g.unitWork()) : Math.max(1, units), (s, e) -> {
            for (int u = s; u < e; u++) unit.run(u / g.groups(), u % g.groups(), !byUnit);
        });
    }
}
