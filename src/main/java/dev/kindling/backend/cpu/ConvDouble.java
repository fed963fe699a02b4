package dev.kindling.backend.cpu;

import java.util.Arrays;

/**
 * The double convolution driver behind {@link Conv}: the twin of {@link ConvFloat} for double,
 * kept line for line in step with it; see that class for the method.
 *
 * <p>For unit (b, grp), with {@code cg = c/groups}, {@code og = o/groups}, R = cg·kH·kW rows and
 * P = oH·oW columns of the unfolded input {@code col}:
 * <pre>
 *   forward:         out[b, grp]  (og×P) = W[grp] (og×R) · col (R×P)           (+ bias)
 *   backward input:  col          (R×P)  = W[grp]^T (R×og) · gOut[b, grp] (og×P), then col2im
 *   backward weight: gW[grp]      (og×R) = Σ_b gOut[b, grp] (og×P) · col^T (P×R)
 * </pre>
 * Transposes are strides given to {@link GemmDouble#gemm}; nothing is copied but col.
 */
final class ConvDouble {
    private ConvDouble() {}

    static void forward(Conv.Geometry g, double[] in, int inOff, double[] wt, int wOff, double[] bias, int biasOff,
                        double[] out, int outOff) {
        forEachUnit(g, (b, grp, col, parallel) ->
                forwardUnit(g, b, grp, in, inOff, wt, wOff, bias, biasOff, out, outOff, col, parallel));
    }

    /** One (sample, group) unit, given its scratch buffer (null when pointwise) and whether it may fork. */
    @FunctionalInterface
    private interface Unit {
        void run(int b, int grp, double[] col, boolean parallel);
    }

    /**
     * Runs every (sample, group) unit: spread over threads by unit when units are small or many,
     * else one after another with threads inside each. One col buffer per task.
     */
    private static void forEachUnit(Conv.Geometry g, Unit unit) {
        int units = g.n() * g.groups();
        boolean byUnit = Gemm.splitBatch(units, g.unitWork());
        Parallel.parallelFor(units, byUnit ? Gemm.batchGrain(g.unitWork()) : Math.max(1, units), (s, e) -> {
            double[] col = g.pointwise() ? null : new double[g.colRows() * g.colCols()];
            for (int u = s; u < e; u++) unit.run(u / g.groups(), u % g.groups(), col, !byUnit);
        });
    }

    private static void forwardUnit(Conv.Geometry g, int b, int grp, double[] in, int inOff, double[] wt, int wOff,
                                    double[] bias, int biasOff, double[] out, int outOff, double[] col,
                                    boolean parallel) {
        int og = g.og(), rows = g.colRows(), cols = g.colCols();
        int outBase = outOff + (b * g.o() + grp * og) * cols;
        double beta = 0d;
        if (bias != null) {
            for (int j = 0; j < og; j++) {
                Arrays.fill(out, outBase + j * cols, outBase + (j + 1) * cols, bias[biasOff + grp * og + j]);
            }
            beta = 1d;
        }
        int inBase = inOff + (b * g.c() + grp * g.cg()) * g.h() * g.w();
        double[] src = in;
        int srcOff = inBase;
        if (col != null) {
            im2col(g, in, inBase, col, parallel);
            src = col;
            srcOff = 0;
        }
        GemmDouble.gemm(Gemm.KERNEL, parallel, og, cols, rows, 1d, wt, wOff + grp * og * rows, rows, 1,
                src, srcOff, cols, 1, beta, out, outBase, cols, 1);
    }

    static void backwardInput(Conv.Geometry g, double[] gOut, int goOff, double[] wt, int wOff,
                              double[] gIn, int giOff) {
        forEachUnit(g, (b, grp, col, parallel) ->
                backwardInputUnit(g, b, grp, gOut, goOff, wt, wOff, gIn, giOff, col, parallel));
    }

    private static void backwardInputUnit(Conv.Geometry g, int b, int grp, double[] gOut, int goOff,
                                          double[] wt, int wOff, double[] gIn, int giOff, double[] col,
                                          boolean parallel) {
        int og = g.og(), rows = g.colRows(), cols = g.colCols();
        int goBase = goOff + (b * g.o() + grp * og) * cols;
        int giBase = giOff + (b * g.c() + grp * g.cg()) * g.h() * g.w();
        int wBase = wOff + grp * og * rows;
        if (col == null) {
            GemmDouble.gemm(Gemm.KERNEL, parallel, rows, cols, og, 1d, wt, wBase, 1, rows,
                    gOut, goBase, cols, 1, 0d, gIn, giBase, cols, 1);
        } else {
            GemmDouble.gemm(Gemm.KERNEL, parallel, rows, cols, og, 1d, wt, wBase, 1, rows,
                    gOut, goBase, cols, 1, 0d, col, 0, cols, 1);
            col2im(g, col, gIn, giBase, parallel);
        }
    }

    static void backwardWeight(Conv.Geometry g, double[] gOut, int goOff, double[] in, int inOff,
                               double[] gW, int gwOff) {
        int n = g.n(), groups = g.groups(), size = (int) g.weightSize();
        if (n == 0 || g.colCols() == 0) {
            Arrays.fill(gW, gwOff, gwOff + size, 0d);
            return;
        }
        long sampleWork = g.unitWork() * groups;
        if (Gemm.splitBatch(groups, g.unitWork() * n)) {
            // each group's slice of the gradient on one thread
            Parallel.parallelFor(groups, Gemm.batchGrain(g.unitWork() * n), (s, e) -> {
                double[] col = g.pointwise() ? null : new double[g.colRows() * g.colCols()];
                for (int grp = s; grp < e; grp++) {
                    for (int b = 0; b < n; b++) {
                        backwardWeightUnit(g, b, grp, gOut, goOff, in, inOff, gW, gwOff, b == 0, col, false);
                    }
                }
            });
        } else if (Gemm.splitBatch(n, sampleWork)) {
            // a contiguous run of samples per task, each into its own buffer, summed in task order
            int tasks = Parallel.chunks(n, Gemm.batchGrain(sampleWork));
            double[][] partial = new double[tasks][];
            Parallel.parallelFor(tasks, 1, (s, e) -> {
                double[] col = g.pointwise() ? null : new double[g.colRows() * g.colCols()];
                for (int t = s; t < e; t++) {
                    double[] dst = t == 0 ? gW : new double[size];
                    int dstOff = t == 0 ? gwOff : 0;
                    int b0 = (int) ((long) n * t / tasks), b1 = (int) ((long) n * (t + 1) / tasks);
                    for (int grp = 0; grp < groups; grp++) {
                        for (int b = b0; b < b1; b++) {
                            backwardWeightUnit(g, b, grp, gOut, goOff, in, inOff, dst, dstOff, b == b0, col, false);
                        }
                    }
                    partial[t] = dst;
                }
            });
            for (int t = 1; t < tasks; t++) {
                double[] p = partial[t];
                for (int i = 0; i < size; i++) gW[gwOff + i] += p[i];
            }
        } else {
            double[] col = g.pointwise() ? null : new double[g.colRows() * g.colCols()];
            for (int grp = 0; grp < groups; grp++) {
                for (int b = 0; b < n; b++) {
                    backwardWeightUnit(g, b, grp, gOut, goOff, in, inOff, gW, gwOff, b == 0, col, true);
                }
            }
        }
    }

    /** gW[grp] (+)= gOut[b, grp] · col(b, grp)^T; overwrites when {@code first}. */
    private static void backwardWeightUnit(Conv.Geometry g, int b, int grp, double[] gOut, int goOff,
                                           double[] in, int inOff, double[] gW, int gwOff, boolean first,
                                           double[] col, boolean parallel) {
        int og = g.og(), rows = g.colRows(), cols = g.colCols();
        int goBase = goOff + (b * g.o() + grp * og) * cols;
        int inBase = inOff + (b * g.c() + grp * g.cg()) * g.h() * g.w();
        double[] src = in;
        int srcOff = inBase;
        if (col != null) {
            im2col(g, in, inBase, col, parallel);
            src = col;
            srcOff = 0;
        }
        GemmDouble.gemm(Gemm.KERNEL, parallel, og, rows, cols, 1d, gOut, goBase, cols, 1,
                src, srcOff, 1, cols, first ? 0d : 1d, gW, gwOff + grp * og * rows, rows, 1);
    }

    // ---- unfolding ----

    /**
     * Unfolds the cg input planes at {@code inOff} into {@code col} (R×P, row-major): row
     * {@code (ch·kH + ki)·kW + kj}, column {@code oy·oW + ox} holds input
     * {@code (ch, oy·sH − padH + ki·dilH, ox·sW − padW + kj·dilW)}, or 0 in the padding.
     */
    static void im2col(Conv.Geometry g, double[] in, int inOff, double[] col, boolean parallel) {
        int cg = g.cg();
        int grain = parallel ? Conv.grain((long) g.kH() * g.kW() * g.colCols()) : Math.max(1, cg);
        Parallel.parallelFor(cg, grain, (s, e) -> {
            int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), sH = g.strideH(), sW = g.strideW();
            for (int ch = s; ch < e; ch++) {
                int plane = inOff + ch * h * w;
                for (int ki = 0; ki < g.kH(); ki++) {
                    int dy = ki * g.dilH() - g.padH();
                    for (int kj = 0; kj < g.kW(); kj++) {
                        int dx = kj * g.dilW() - g.padW();
                        int lo = Conv.firstInside(dx, sW, oW), hi = Math.max(lo, Conv.endInside(dx, w, sW, oW));
                        int row = ((ch * g.kH() + ki) * g.kW() + kj) * oH * oW;
                        for (int oy = 0; oy < oH; oy++) {
                            int iy = oy * sH + dy, d = row + oy * oW;
                            if (iy < 0 || iy >= h) {
                                Arrays.fill(col, d, d + oW, 0d);
                                continue;
                            }
                            int src = plane + iy * w + dx;
                            Arrays.fill(col, d, d + lo, 0d);
                            if (sW == 1) {
                                System.arraycopy(in, src + lo, col, d + lo, hi - lo);
                            } else {
                                for (int ox = lo; ox < hi; ox++) col[d + ox] = in[src + ox * sW];
                            }
                            Arrays.fill(col, d + hi, d + oW, 0d);
                        }
                    }
                }
            }
        });
    }

    /** The inverse of {@link #im2col}: zeroes the cg planes at {@code outOff} and sums col into them. */
    static void col2im(Conv.Geometry g, double[] col, double[] out, int outOff, boolean parallel) {
        int cg = g.cg();
        int grain = parallel ? Conv.grain((long) g.kH() * g.kW() * g.colCols()) : Math.max(1, cg);
        Parallel.parallelFor(cg, grain, (s, e) -> {
            int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), sH = g.strideH(), sW = g.strideW();
            for (int ch = s; ch < e; ch++) {
                int plane = outOff + ch * h * w;
                Arrays.fill(out, plane, plane + h * w, 0d);
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
}
