package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.backend.ReduceOp;
import dev.kindling.backend.ReduceGroup;
import dev.kindling.backend.Strided;


/**
 * The CPU reduction kernel: any {@link ReduceOp} over any set of dimensions of a strided input.
 *
 * <p>The input's dims are split into kept and reduced groups, each coalesced where memory allows.
 * Three layouts follow: <em>inner</em> (the reduced elements of one output are one contiguous run:
 * each output reduces a run, and a lone output splits its run across threads and combines
 * partials), <em>outer</em> (the innermost kept dim is contiguous: whole rows are accumulated into
 * a row of accumulators, the shape of a bias gradient), and a generic walk. Floating input
 * accumulates in double; SUM, PROD, MAX and MIN of integral input accumulate exactly in long.
 */
final class CpuReduce {
    private CpuReduce() {}

    private static final int BLOCK = 512;

    private static boolean exactLong(ReduceOp op, DType dt) {
        return !dt.isFloatingPoint() && (op == ReduceOp.SUM || op == ReduceOp.PROD || op == ReduceOp.MAX || op == ReduceOp.MIN);
    }

    static void reduce(ReduceOp op, Strided x, boolean[] reduced, Strided out, double p) {
        ReduceGroup kept = ReduceGroup.of(x, out, reduced, false);
        ReduceGroup red = ReduceGroup.of(x, out, reduced, true);
        int nOut = (int) kept.count();
        int nRed = (int) red.count();
        boolean useLong = exactLong(op, x.dtype);
        Acc acc = useLong ? new LongAcc(op) : new DoubleAcc(op, p);

        if (red.sizes().length <= 1 && (red.sizes().length == 0 || red.xStrides()[0] == 1)) {
            inner(x, out, kept, nRed, acc);
        } else if (kept.sizes().length >= 1 && kept.xStrides()[kept.sizes().length - 1] == 1
                && kept.outStrides()[kept.sizes().length - 1] == 1 && kept.sizes()[kept.sizes().length - 1] >= 16) {
            outer(x, out, kept, red, acc);
        } else {
            generic(x, out, kept, red, acc);
        }
    }

    // ---- accumulators: one state per output, fed blocks, finished into the output dtype ----

    private abstract static sealed class Acc permits DoubleAcc, LongAcc {
        final ReduceOp op;

        Acc(ReduceOp op) { this.op = op; }

        abstract Acc copy();
    }

    private static final class DoubleAcc extends Acc {
        final double p;
        private double[] buf;

        /** A scratch block of at least min(n, BLOCK) elements, allocated on first use. */
        double[] buf(int n) {
            int want = Math.min(Math.max(n, 1), BLOCK);
            if (buf == null || buf.length < want) buf = new double[want];
            return buf;
        }

        DoubleAcc(ReduceOp op, double p) {
            super(op);
            this.p = p;
        }

        @Override
        Acc copy() { return new DoubleAcc(op, p); }

        double init() {
            return switch (op) {
                case PROD, ALL -> 1;
                case MAX -> Double.NEGATIVE_INFINITY;
                case MIN -> Double.POSITIVE_INFINITY;
                case NORM -> p == Double.NEGATIVE_INFINITY ? Double.POSITIVE_INFINITY : 0;
                default -> 0;
            };
        }

        double feed(double a, double[] v, int n) {
            switch (op) {
                case SUM -> { double s0 = 0, s1 = 0, s2 = 0, s3 = 0; int i = 0; for (; i + 4 <= n; i += 4) { s0 += v[i]; s1 += v[i + 1]; s2 += v[i + 2]; s3 += v[i + 3]; } for (; i < n; i++) s0 += v[i]; return a + ((s0 + s1) + (s2 + s3)); }
                case PROD -> { for (int i = 0; i < n; i++) a *= v[i]; return a; }
                case MAX -> { for (int i = 0; i < n; i++) { double e = v[i]; if (e != e) return e; if (e > a) a = e; } return a; }
                case MIN -> { for (int i = 0; i < n; i++) { double e = v[i]; if (e != e) return e; if (e < a) a = e; } return a; }
                case ALL -> { for (int i = 0; i < n; i++) if (v[i] == 0) return 0; return a; }
                case ANY -> { for (int i = 0; i < n; i++) if (v[i] != 0) return 1; return a; }
                case COUNT_NONZERO -> { for (int i = 0; i < n; i++) if (v[i] != 0) a++; return a; }
                case NORM -> {
                    if (p == 2) { for (int i = 0; i < n; i++) a += v[i] * v[i]; }
                    else if (p == 1) { for (int i = 0; i < n; i++) a += Math.abs(v[i]); }
                    else if (p == Double.POSITIVE_INFINITY) { for (int i = 0; i < n; i++) { double e = Math.abs(v[i]); if (e != e) return e; a = Math.max(a, e); } }
                    else if (p == Double.NEGATIVE_INFINITY) { for (int i = 0; i < n; i++) { double e = Math.abs(v[i]); if (e != e) return e; a = Math.min(a, e); } }
                    else if (p == 0) { for (int i = 0; i < n; i++) if (v[i] != 0) a++; }
                    else { for (int i = 0; i < n; i++) a += Math.pow(Math.abs(v[i]), p); }
                    return a;
                }
                default -> throw new IllegalStateException(op + " is not a plain reduction");
            }
        }

        /** Combines two partial states (for a run split across threads). */
        double combine(double a, double b) {
            return switch (op) {
                case SUM, COUNT_NONZERO -> a + b;
                case PROD -> a * b;
                case MAX -> (a != a || b != b) ? Double.NaN : Math.max(a, b);
                case MIN -> (a != a || b != b) ? Double.NaN : Math.min(a, b);
                case ALL -> (a != 0 && b != 0) ? 1 : 0;
                case ANY -> (a != 0 || b != 0) ? 1 : 0;
                case NORM -> p == Double.POSITIVE_INFINITY ? Math.max(a, b) : p == Double.NEGATIVE_INFINITY ? Math.min(a, b) : a + b;
                default -> throw new IllegalStateException(op.toString());
            };
        }

        double finish(double a) {
            if (op == ReduceOp.NORM && p != 0 && p != 1 && !Double.isInfinite(p)) {
                return p == 2 ? Math.sqrt(a) : Math.pow(a, 1.0 / p);
            }
            return a;
        }
    }

    private static final class LongAcc extends Acc {
        private long[] buf;

        long[] buf(int n) {
            int want = Math.min(Math.max(n, 1), BLOCK);
            if (buf == null || buf.length < want) buf = new long[want];
            return buf;
        }

        LongAcc(ReduceOp op) { super(op); }

        @Override
        Acc copy() { return new LongAcc(op); }

        long init() {
            return switch (op) {
                case PROD -> 1;
                case MAX -> Long.MIN_VALUE;
                case MIN -> Long.MAX_VALUE;
                default -> 0;
            };
        }

        long feed(long a, long[] v, int n) {
            switch (op) {
                case SUM -> { for (int i = 0; i < n; i++) a += v[i]; }
                case PROD -> { for (int i = 0; i < n; i++) a *= v[i]; }
                case MAX -> { for (int i = 0; i < n; i++) a = Math.max(a, v[i]); }
                case MIN -> { for (int i = 0; i < n; i++) a = Math.min(a, v[i]); }
                default -> throw new IllegalStateException(op.toString());
            }
            return a;
        }

        long combine(long a, long b) {
            return switch (op) {
                case SUM -> a + b;
                case PROD -> a * b;
                case MAX -> Math.max(a, b);
                case MIN -> Math.min(a, b);
                default -> throw new IllegalStateException(op.toString());
            };
        }
    }

    // ---- output offsets of kept-index k ----

    private static int keptOffset(ReduceGroup kept, int k, int[] strides, int base) {
        int off = base;
        for (int d = kept.sizes().length - 1; d >= 0; d--) {
            int i = k % kept.sizes()[d];
            k /= kept.sizes()[d];
            off += i * strides[d];
        }
        return off;
    }

    private static void storeD(Strided out, int off, double v) {
        double[] one = {v};
        Convert.store(one, out, off, 1, 1);
    }

    private static void storeL(Strided out, int off, long v) {
        long[] one = {v};
        Convert.store(one, out, off, 1, 1);
    }

    /** Reduces the contiguous (or single-dim stride-1) run of each output. */
    private static void inner(Strided x, Strided out, ReduceGroup kept, int nRed, Acc proto) {
        int nOut = (int) kept.count();
        if (nOut == 1 && nRed > Iter.GRAIN) {
            innerSplit(x, out, nRed, proto);
            return;
        }
        long work = (long) nOut * Math.max(nRed, 1);
        int grain = (int) Math.max(1, Iter.GRAIN / Math.max(nRed, 1));
        if (work < Iter.GRAIN) grain = Math.max(nOut, 1);
        Parallel.parallelFor(nOut, grain, (s, e) -> {
            Acc acc = proto.copy();
            for (int k = s; k < e; k++) {
                int xo = keptOffset(kept, k, kept.xStrides(), x.offset);
                int oo = keptOffset(kept, k, kept.outStrides(), out.offset);
                if (acc instanceof DoubleAcc da) storeD(out, oo, da.finish(runD(da, x, xo, nRed)));
                else { LongAcc la = (LongAcc) acc; storeL(out, oo, runL(la, x, xo, nRed)); }
            }
        });
    }

    private static double runD(DoubleAcc acc, Strided x, int off, int n) {
        if (x.dtype == DType.FLOAT32 && n > 0) {
            float[] a = (float[]) ((CpuStorage) x.storage).array;
            if (acc.op == ReduceOp.SUM) return FloatKernels.INSTANCE.sum(a, off, n);
            if (acc.op == ReduceOp.MAX) return FloatKernels.INSTANCE.extreme(a, off, n, true);
            if (acc.op == ReduceOp.MIN) return FloatKernels.INSTANCE.extreme(a, off, n, false);
        }
        double v = acc.init();
        double[] buf = acc.buf(n);
        for (int b = 0; b < n; b += BLOCK) {
            int m = Math.min(BLOCK, n - b);
            Convert.load(x, off + b, 1, buf, m);
            v = acc.feed(v, buf, m);
        }
        return v;
    }

    private static long runL(LongAcc acc, Strided x, int off, int n) {
        long v = acc.init();
        long[] buf = acc.buf(n);
        for (int b = 0; b < n; b += BLOCK) {
            int m = Math.min(BLOCK, n - b);
            Convert.load(x, off + b, 1, buf, m);
            v = acc.feed(v, buf, m);
        }
        return v;
    }

    /**
     * Elements per piece when one output reduces a long run: pieces are pulled by the threads as
     * they come free (see {@link Iter#dynamicFor}) and combined in order, so the result does not
     * depend on the thread count or on which thread ran which piece.
     */
    static final int SPLIT_PIECE = 1 << 18;

    private static void innerSplit(Strided x, Strided out, int nRed, Acc proto) {
        int pieces = (int) (((long) nRed + SPLIT_PIECE - 1) / SPLIT_PIECE);
        if (proto instanceof DoubleAcc) {
            double[] partial = new double[pieces];
            Iter.dynamicFor(pieces, c -> {
                int from = c * SPLIT_PIECE, to = (int) Math.min(nRed, (long) from + SPLIT_PIECE);
                partial[c] = runD((DoubleAcc) proto.copy(), x, x.offset + from, to - from);
            });
            DoubleAcc da = (DoubleAcc) proto;
            double v = partial[0];
            for (int c = 1; c < pieces; c++) v = da.combine(v, partial[c]);
            storeD(out, out.offset, da.finish(v));
        } else {
            long[] partial = new long[pieces];
            Iter.dynamicFor(pieces, c -> {
                int from = c * SPLIT_PIECE, to = (int) Math.min(nRed, (long) from + SPLIT_PIECE);
                partial[c] = runL((LongAcc) proto.copy(), x, x.offset + from, to - from);
            });
            LongAcc la = (LongAcc) proto;
            long v = partial[0];
            for (int c = 1; c < pieces; c++) v = la.combine(v, partial[c]);
            storeL(out, out.offset, v);
        }
    }

    /**
     * The innermost kept dim is contiguous in input and output: for each outer kept index, walk the
     * reduced indices and fold whole rows into a row of accumulators.
     */
    private static void outer(Strided x, Strided out, ReduceGroup kept, ReduceGroup red, Acc proto) {
        int nk = kept.sizes().length;
        int rowLen = kept.sizes()[nk - 1];
        ReduceGroup outerKept = new ReduceGroup(java.util.Arrays.copyOf(kept.sizes(), nk - 1), java.util.Arrays.copyOf(kept.xStrides(), nk - 1),
                java.util.Arrays.copyOf(kept.outStrides(), nk - 1), kept.count() / rowLen);
        int nOuter = (int) outerKept.count();
        int nRed = (int) red.count();
        // split the columns of each row into tiles so both threads have work when nOuter is small
        int tile = Math.max(64, Math.min(rowLen, 4096));
        int tilesPerRow = (rowLen + tile - 1) / tile;
        int tasks = nOuter * tilesPerRow;
        int grain = (int) Math.max(1, Iter.GRAIN / Math.max(1L, (long) tile * nRed));
        Parallel.parallelFor(tasks, grain, (s, e) -> {
            Acc accProto = proto.copy();
            for (int t = s; t < e; t++) {
                int ko = t / tilesPerRow, col = (t % tilesPerRow) * tile;
                int len = Math.min(tile, rowLen - col);
                int xBase = keptOffset(outerKept, ko, outerKept.xStrides(), x.offset) + col;
                int oBase = keptOffset(outerKept, ko, outerKept.outStrides(), out.offset) + col;
                if (accProto instanceof DoubleAcc da) outerTileD(da, x, xBase, red, nRed, len, out, oBase);
                else outerTileL((LongAcc) accProto, x, xBase, red, nRed, len, out, oBase);
            }
        });
    }

    private static void outerTileD(DoubleAcc da, Strided x, int xBase, ReduceGroup red, int nRed, int len, Strided out, int oBase) {
        double[] acc = new double[len];
        java.util.Arrays.fill(acc, da.init());
        double[] row = new double[len];
        boolean fastSum = da.op == ReduceOp.SUM && x.dtype == DType.FLOAT32;
        float[] xf = fastSum ? (float[]) ((CpuStorage) x.storage).array : null;
        for (int r = 0; r < nRed; r++) {
            int off = keptOffset(red, r, red.xStrides(), xBase);
            if (fastSum) {
                FloatKernels.INSTANCE.accumulate(xf, off, acc, len);
                continue;
            }
            Convert.load(x, off, 1, row, len);
            combineRows(da, acc, row, len);
        }
        for (int i = 0; i < len; i++) acc[i] = da.finish(acc[i]);
        Convert.store(acc, out, oBase, 1, len);
    }

    private static void combineRows(DoubleAcc da, double[] acc, double[] row, int n) {
        double p = da.p;
        switch (da.op) {
            case SUM -> { for (int i = 0; i < n; i++) acc[i] += row[i]; }
            case PROD -> { for (int i = 0; i < n; i++) acc[i] *= row[i]; }
            case MAX -> { for (int i = 0; i < n; i++) { double e = row[i]; if (e != e || e > acc[i]) acc[i] = e != e ? e : (acc[i] != acc[i] ? acc[i] : e); } }
            case MIN -> { for (int i = 0; i < n; i++) { double e = row[i]; if (e != e || e < acc[i]) acc[i] = e != e ? e : (acc[i] != acc[i] ? acc[i] : e); } }
            case ALL -> { for (int i = 0; i < n; i++) if (row[i] == 0) acc[i] = 0; }
            case ANY -> { for (int i = 0; i < n; i++) if (row[i] != 0) acc[i] = 1; }
            case COUNT_NONZERO -> { for (int i = 0; i < n; i++) if (row[i] != 0) acc[i]++; }
            case NORM -> {
                for (int i = 0; i < n; i++) {
                    double e = Math.abs(row[i]);
                    if (p == 2) acc[i] += e * e;
                    else if (p == 1) acc[i] += e;
                    else if (p == Double.POSITIVE_INFINITY) acc[i] = (e != e || acc[i] != acc[i]) ? Double.NaN : Math.max(acc[i], e);
                    else if (p == Double.NEGATIVE_INFINITY) acc[i] = (e != e || acc[i] != acc[i]) ? Double.NaN : Math.min(acc[i], e);
                    else if (p == 0) acc[i] += e != 0 ? 1 : 0;
                    else acc[i] += Math.pow(e, p);
                }
            }
            default -> throw new IllegalStateException(da.op.toString());
        }
    }

    private static void outerTileL(LongAcc la, Strided x, int xBase, ReduceGroup red, int nRed, int len, Strided out, int oBase) {
        long[] acc = new long[len];
        java.util.Arrays.fill(acc, la.init());
        long[] row = new long[len];
        for (int r = 0; r < nRed; r++) {
            int off = keptOffset(red, r, red.xStrides(), xBase);
            Convert.load(x, off, 1, row, len);
            switch (la.op) {
                case SUM -> { for (int i = 0; i < len; i++) acc[i] += row[i]; }
                case PROD -> { for (int i = 0; i < len; i++) acc[i] *= row[i]; }
                case MAX -> { for (int i = 0; i < len; i++) acc[i] = Math.max(acc[i], row[i]); }
                case MIN -> { for (int i = 0; i < len; i++) acc[i] = Math.min(acc[i], row[i]); }
                default -> throw new IllegalStateException(la.op.toString());
            }
        }
        Convert.store(acc, out, oBase, 1, len);
    }

    /** Any layout: for each output, walk its reduced elements one innermost run at a time. */
    private static void generic(Strided x, Strided out, ReduceGroup kept, ReduceGroup red, Acc proto) {
        int nOut = (int) kept.count();
        int nr = red.sizes().length;
        int innerLen = nr == 0 ? 1 : red.sizes()[nr - 1];
        int innerStride = nr == 0 ? 0 : red.xStrides()[nr - 1];
        int outerRuns = (int) (red.count() / Math.max(innerLen, 1));
        ReduceGroup redOuter = nr == 0 ? red : new ReduceGroup(java.util.Arrays.copyOf(red.sizes(), nr - 1),
                java.util.Arrays.copyOf(red.xStrides(), nr - 1), java.util.Arrays.copyOf(red.outStrides(), nr - 1), outerRuns);
        int grain = (int) Math.max(1, Iter.GRAIN / Math.max(1L, red.count()));
        Parallel.parallelFor(nOut, grain, (s, e) -> {
            Acc acc = proto.copy();
            for (int k = s; k < e; k++) {
                int xo = keptOffset(kept, k, kept.xStrides(), x.offset);
                int oo = keptOffset(kept, k, kept.outStrides(), out.offset);
                if (acc instanceof DoubleAcc da) {
                    double v = da.init();
                    double[] buf = da.buf(innerLen);
                    for (int r = 0; r < outerRuns; r++) {
                        int base = keptOffset(redOuter, r, redOuter.xStrides(), xo);
                        for (int b = 0; b < innerLen; b += BLOCK) {
                            int m = Math.min(BLOCK, innerLen - b);
                            Convert.load(x, base + b * innerStride, innerStride, buf, m);
                            v = da.feed(v, buf, m);
                        }
                    }
                    storeD(out, oo, da.finish(v));
                } else {
                    LongAcc la = (LongAcc) acc;
                    long v = la.init();
                    long[] buf = la.buf(innerLen);
                    for (int r = 0; r < outerRuns; r++) {
                        int base = keptOffset(redOuter, r, redOuter.xStrides(), xo);
                        for (int b = 0; b < innerLen; b += BLOCK) {
                            int m = Math.min(BLOCK, innerLen - b);
                            Convert.load(x, base + b * innerStride, innerStride, buf, m);
                            v = la.feed(v, buf, m);
                        }
                    }
                    storeL(out, oo, v);
                }
            }
        });
    }
}
