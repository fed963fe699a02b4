package dev.kindling.bench;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One benchmarked computation: its name, the unit its times are reported in, the targets the
 * issues set for it, the tolerance of the cross-check, and a factory that builds its Kindling
 * and libtorch {@link Side}s from the same {@link Inputs}.
 *
 * <p>A workload whose Kindling side cannot be written yet (its API is not in the library) has no
 * factory and a {@link #missing} reason; it is listed as missing, never replaced by a stand-in.
 *
 * @param id        stable key, used in result files ({@code sgemm-1024})
 * @param title     the name shown in the table
 * @param unit      the unit times are shown in
 * @param flops     floating-point operations per iteration, for GFLOP/s (0 when not reported)
 * @param target    the issues' goals for this workload (all at 2 threads, JDK 17)
 * @param tolerance largest accepted difference between the sides, relative to the largest
 *                  magnitude of libtorch's values, per compared part
 * @param factory   builds both sides, or null when the workload is missing
 * @param missing   why the Kindling side does not exist yet (null when it does)
 */
record Workload(String id, String title, Unit unit, double flops, Target target, double tolerance,
                Function<Inputs, Sides> factory, String missing) {

    /** The unit a workload's times are shown in. */
    enum Unit {
        MS("ms", 1e6), US("µs", 1e3);

        final String symbol;
        final double nanos;

        Unit(String symbol, double nanos) {
            this.symbol = symbol;
            this.nanos = nanos;
        }
    }

    /**
     * The goals set for a workload; each null when the issues set none.
     *
     * @param maxRatio    Kindling's time over libtorch's, at most
     * @param maxTime     Kindling's time in the workload's unit, at most
     * @param minGflops   Kindling's throughput, at least
     * @param maxOverhead for the MLP backward: its time over the matmuls it runs, minus 1, at most
     * @param source      where the goals come from ("issue 7", "issues 2 and 7")
     */
    record Target(Double maxRatio, Double maxTime, Double minGflops, Double maxOverhead, String source) {
        static final Target NONE = new Target(null, null, null, null, null);

        static Target ratio(double r, String source) { return new Target(r, null, null, null, source); }

        Target time(double t) { return new Target(maxRatio, t, minGflops, maxOverhead, source); }

        Target gflops(double g) { return new Target(maxRatio, maxTime, g, maxOverhead, source); }

        static Target overhead(double o, String source) { return new Target(null, null, null, o, source); }

        static Target time(double t, String source) { return new Target(null, t, null, null, source); }

        boolean any() { return maxRatio != null || maxTime != null || minGflops != null || maxOverhead != null; }
    }

    /** Both sides of a workload; the libtorch side is built only when libtorch is loaded. */
    record Sides(Side kindling, Supplier<Side> libtorch) {}

    boolean isMissing() { return factory == null; }
}
