package dev.kindling.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The timing loop: runs several variants of one workload (Kindling, and libtorch under each of
 * its thread settings) alternately in the same JVM, within a time budget, and reports each
 * variant's median time per iteration.
 *
 * <p>Policy, in order:
 * <ol>
 *   <li><b>Warm-up</b>, interleaved across variants, until each has run for its share of
 *       {@link #WARMUP_SHARE} of the budget and at least {@link #MIN_WARMUP_BATCHES} batches
 *       (fewer for a variant slower than its share), and longer while its times still fall
 *       (see {@link #SETTLED}):
 *       the JIT compiles Kindling's kernels and libtorch fills its caches. Batches double until
 *       one lasts {@link #SAMPLE_NANOS}, so sub-microsecond ops are timed in bulk.</li>
 *   <li><b>Samples</b>: each round times one batch of every variant, starting the round at a
 *       different variant each time, so drift in the machine's load hits all alike. The number
 *       of rounds fills the rest of the budget, between {@link #MIN_ROUNDS} and
 *       {@link #MAX_ROUNDS}; a workload slower than its budget still gets a minimum.</li>
 *   <li><b>Statistic</b>: the median of the per-iteration sample times, with the quartiles to
 *       show the noise.</li>
 * </ol>
 * A side with an untimed {@link Side#prepare()} has each iteration timed on its own, the
 * preparation excluded.
 */
final class Harness {
    private Harness() {}

    /** Share of a group's budget spent warming up. */
    static final double WARMUP_SHARE = 0.3;
    /**
     * Warm-up goes on past its share while the last batch is more than this factor slower than
     * the best so far (the JIT is still compiling), up to {@link #WARMUP_CAP} times the share.
     */
    static final double SETTLED = 1.15, WARMUP_CAP = 3;
    /** Fewest warm-up batches per variant; a variant whose batches outlast its warm-up share gets only the second number. */
    static final int MIN_WARMUP_BATCHES = 3, MIN_WARMUP_BATCHES_SLOW = 2;
    /** Target duration of one timed batch, in nanoseconds. */
    static final long SAMPLE_NANOS = 10_000_000L;
    /**
     * Fewest and most timed rounds per group; a group whose {@link #MIN_ROUNDS} rounds would take
     * more than twice the budget left gets {@link #MIN_ROUNDS_SLOW} instead.
     */
    static final int MIN_ROUNDS = 5, MIN_ROUNDS_SLOW = 3, MAX_ROUNDS = 31;

    /** One way of running a workload: a side and the thread setting applied before it runs. */
    record Variant(String impl, String config, int threads, Side side, Runnable applyThreads) {}

    /** A variant's timings, in nanoseconds per iteration. */
    record Stats(Variant variant, double median, double q1, double q3, double min, int samples, int batch) {
        /** Interquartile range over the median: the noise of this measurement. */
        double spread() { return median > 0 ? (q3 - q1) / median : 0; }
    }

    /** Times the variants alternately within {@code budgetNanos}. */
    static List<Stats> alternate(List<Variant> variants, long budgetNanos) {
        int k = variants.size();
        long start = System.nanoTime();
        long warmEach = (long) (budgetNanos * WARMUP_SHARE / k);
        int[] batch = new int[k];
        Arrays.fill(batch, 1);
        double[] estimate = new double[k], best = new double[k];
        Arrays.fill(best, Double.MAX_VALUE);
        long[] warmSpent = new long[k];
        int[] warmBatches = new int[k];
        boolean warming = true;
        while (warming) {
            warming = false;
            for (int v = 0; v < k; v++) {
                boolean enough = warmBatches[v] >= MIN_WARMUP_BATCHES
                        || warmBatches[v] >= MIN_WARMUP_BATCHES_SLOW && warmSpent[v] >= warmEach;
                boolean settled = estimate[v] <= best[v] * SETTLED || warmSpent[v] >= WARMUP_CAP * warmEach;
                if (enough && settled && warmSpent[v] >= warmEach) continue;
                warming = true;
                Variant var = variants.get(v);
                var.applyThreads().run();
                long t0 = System.nanoTime();
                estimate[v] = timeBatch(var.side(), batch[v]);
                best[v] = Math.min(best[v], estimate[v]);
                long spent = System.nanoTime() - t0;
                warmSpent[v] += spent;
                warmBatches[v]++;
                if (spent < SAMPLE_NANOS && batch[v] < Integer.MAX_VALUE / 2) batch[v] *= 2;
            }
        }
        for (int v = 0; v < k; v++) batch[v] = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, Math.round(SAMPLE_NANOS / estimate[v])));
        double roundCost = 0;
        for (int v = 0; v < k; v++) roundCost += batch[v] * estimate[v];
        long left = budgetNanos - (System.nanoTime() - start);
        int fit = (int) Math.min(MAX_ROUNDS, left / Math.max(1, roundCost));
        int rounds = Math.max(fit, roundCost * MIN_ROUNDS > 2.0 * Math.max(left, 0) ? MIN_ROUNDS_SLOW : MIN_ROUNDS);
        double[][] samples = new double[k][rounds];
        int done = 0;
        long hardStop = start + 2 * budgetNanos;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < k; i++) {
                int v = (r + i) % k;
                Variant var = variants.get(v);
                var.applyThreads().run();
                samples[v][r] = timeBatch(var.side(), batch[v]);
            }
            done = r + 1;
            if (done >= MIN_ROUNDS_SLOW && System.nanoTime() > hardStop) break;
        }
        List<Stats> stats = new ArrayList<>();
        for (int v = 0; v < k; v++) {
            double[] s = Arrays.copyOf(samples[v], done);
            Arrays.sort(s);
            stats.add(new Stats(variants.get(v), quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), s[0], done, batch[v]));
        }
        return stats;
    }

    /** Runs {@code n} iterations; returns nanoseconds per iteration (preparation excluded). */
    static double timeBatch(Side side, int n) {
        if (!side.hasPrepare()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) side.run();
            return (System.nanoTime() - t0) / (double) n;
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            side.prepare();
            long t0 = System.nanoTime();
            side.run();
            total += System.nanoTime() - t0;
        }
        return total / (double) n;
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
