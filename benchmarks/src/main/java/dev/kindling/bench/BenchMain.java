package dev.kindling.bench;

import dev.kindling.Torch;
import dev.kindling.backend.cpu.Simd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.PointerScope;

/**
 * Runs the workloads of {@link Workloads} on Kindling and libtorch in this JVM and writes the raw
 * results file that {@link Report} turns into the Markdown table. {@code benchmarks/run.sh} calls
 * it once per JDK; it can also be run by hand:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp ... \
 *     dev.kindling.bench.BenchMain --out=benchmarks/results/jdk17.tsv --budget=330 --only='sgemm.*'
 * </pre>
 *
 * <p>Options: {@code --out=FILE} (required); {@code --budget=SECONDS} for all workloads together
 * (default 280; each workload gets an equal share of what is left when it starts, so time a
 * fast workload leaves over goes to the slower ones after it); {@code --threads=1,2};
 * {@code --timing=both|kindling|best:FILE} (with {@code kindling}, libtorch is still loaded for
 * the cross-check but not timed; with {@code best:FILE}, libtorch is timed only under the thread
 * setting that was fastest, per workload and thread count, in the results file FILE, so that a
 * second JVM's run has a libtorch time from the same minutes to compare with);
 * {@code --no-libtorch} (no check, no libtorch); {@code --only=REGEX} on workload ids;
 * {@code --list}.
 *
 * <p>For each workload: the check (both sides at the largest thread count, from the same initial
 * state), a pre-warm of Kindling alone ({@link #PREWARM_SHARE}), then for each thread count the
 * {@link Harness} alternates Kindling with libtorch under each of its thread settings: at
 * {@code n} threads, every (OpenMP, OpenBLAS) pair whose larger member is {@code n}, so that the
 * table can take libtorch at its best; last, Kindling under the {@link HeapProbe}.
 */
public final class BenchMain {
    private BenchMain() {}

    /** Default budget for all workloads, in seconds: leaves room for a JDK 25 run in ten minutes. */
    static final double DEFAULT_BUDGET_SECONDS = 280;
    /** Most iterations the heap probe averages allocation over (it takes one timed batch, at most this). */
    static final int HEAP_PROBE_MAX_ITERATIONS = 10_000;
    /**
     * Kindling runs alone first, for this share of the workload's slice (at least
     * {@link #PREWARM_MIN_SECONDS} and {@link #PREWARM_MIN_ITERATIONS}), so that the JIT has
     * compiled its code before the alternating warm-up and timing begin: on a machine whose cores
     * are shared, the compiler threads get little time and a short warm-up times the interpreter.
     */
    static final double PREWARM_SHARE = 0.1, PREWARM_MIN_SECONDS = 0.5;
    static final int PREWARM_MIN_ITERATIONS = 2;
    /** Smallest slice of the budget a workload gets, in seconds, however late it comes. */
    static final double MIN_SLICE_SECONDS = 2;

    public static void main(String[] args) throws IOException {
        Path out = null;
        double budget = DEFAULT_BUDGET_SECONDS;
        int[] threads = {1, 2};
        boolean timeLibtorch = true, libtorch = true, list = false;
        Map<String, String> onlyConfigs = null;
        Pattern only = null;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            String v = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "--out" -> out = Path.of(v);
                case "--budget" -> budget = Double.parseDouble(v);
                case "--threads" -> threads = java.util.Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                case "--timing" -> {
                    if (v.startsWith("best:")) {
                        onlyConfigs = bestConfigs(Path.of(v.substring("best:".length())));
                    } else if (v.equals("both") || v.equals("kindling")) {
                        timeLibtorch = v.equals("both");
                    } else {
                        throw new IllegalArgumentException("BenchMain: --timing is both, kindling or best:FILE, got " + v);
                    }
                }
                case "--no-libtorch" -> libtorch = false;
                case "--only" -> only = Pattern.compile(v);
                case "--list" -> list = true;
                default -> throw new IllegalArgumentException("BenchMain: unknown argument " + arg);
            }
        }
        List<Workload> workloads = new ArrayList<>();
        for (Workload w : Workloads.all()) if (only == null || only.matcher(w.id()).matches()) workloads.add(w);
        if (list) {
            for (Workload w : workloads) System.out.printf("%-18s %s%s%n", w.id(), w.title(), w.isMissing() ? "  [missing: " + w.missing() + "]" : "");
            return;
        }
        if (out == null) throw new IllegalArgumentException("BenchMain: --out=FILE is required");
        // JavaCPP otherwise checks the process size on every native allocation
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        new BenchMain.Run(out, budget, threads, libtorch, libtorch && timeLibtorch, onlyConfigs).execute(workloads);
    }

    /** The fastest libtorch thread setting per workload and thread count in a results file, keyed "id/threads". */
    static Map<String, String> bestConfigs(Path results) throws IOException {
        Map<String, String> best = new HashMap<>();
        Map<String, Double> time = new HashMap<>();
        for (Map<String, String> r : Results.read(results)) {
            if (!"time".equals(r.get("kind")) || !"libtorch".equals(r.get("impl"))) continue;
            String key = r.get("id") + "/" + r.get("threads");
            double m = Double.parseDouble(r.get("median"));
            if (!time.containsKey(key) || m < time.get(key)) {
                time.put(key, m);
                best.put(key, r.get("config"));
            }
        }
        return best;
    }

    /** One run over the selected workloads. */
    private record Run(Path out, double budgetSeconds, int[] threads, boolean libtorch, boolean timeLibtorch,
                       Map<String, String> onlyConfigs) {

        void execute(List<Workload> workloads) throws IOException {
            long start = System.nanoTime();
            try (Results results = new Results(out)) {
                String libtorchConfig = "";
                if (libtorch) {
                    long t0 = System.nanoTime();
                    Lt.setThreads(1, 1);
                    libtorchConfig = Lt.config();
                    log("libtorch loaded in %.1f s", (System.nanoTime() - t0) * 1e-9);
                }
                results.write("kind", "meta", "date", Instant.now(), "java", System.getProperty("java.version"),
                        "vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                        "vendor", System.getProperty("java.vendor"), "simd", Simd.AVAILABLE,
                        "cpus", Runtime.getRuntime().availableProcessors(), "cpu", cpuModel(),
                        "maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20,
                        "ompWaitPolicy", String.valueOf(System.getenv("OMP_WAIT_POLICY")),
                        "openblasThreadTimeout", String.valueOf(System.getenv("OPENBLAS_THREAD_TIMEOUT")),
                        "glibcTunables", String.valueOf(System.getenv("GLIBC_TUNABLES")),
                        "jvmArgs", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()),
                        "maxPhysicalBytes", System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes"),
                        "loadavg", loadAverage(), "cpuPressure", cpuPressure(), "budget", budgetSeconds, "timing", !timeLibtorch ? "kindling" : onlyConfigs != null ? "best" : "both", "libtorch", libtorchConfig);
                log("java %s, Vector API %s, %d CPUs, budget %.0f s, OMP_WAIT_POLICY=%s", System.getProperty("java.version"),
                        Simd.AVAILABLE ? "on" : "OFF", Runtime.getRuntime().availableProcessors(), budgetSeconds, System.getenv("OMP_WAIT_POLICY"));
                if (libtorch && !"PASSIVE".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"))) {
                    log("warning: OMP_WAIT_POLICY is not PASSIVE: libtorch's OpenMP threads spin and steal Kindling's cores");
                }
                if (libtorch && System.getenv("OPENBLAS_THREAD_TIMEOUT") == null) {
                    log("warning: OPENBLAS_THREAD_TIMEOUT is not set: OpenBLAS's idle threads spin and steal Kindling's cores");
                }
                long deadline = start + (long) (budgetSeconds * 1e9);
                int remaining = (int) workloads.stream().filter(w -> !w.isMissing()).count();
                for (Workload w : workloads) {
                    if (w.isMissing()) {
                        results.write("kind", "missing", "id", w.id(), "reason", w.missing());
                        log("%-18s missing: %s", w.id(), w.missing());
                        continue;
                    }
                    long slice = Math.max((long) (MIN_SLICE_SECONDS * 1e9), (deadline - System.nanoTime()) / remaining--);
                    try {
                        measure(w, slice, results);
                    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                        results.write("kind", "error", "id", w.id(), "message", e.toString());
                        log("%-18s ERROR %s", w.id(), e);
                        e.printStackTrace(System.out);
                    }
                    System.gc();
                }
                results.write("kind", "end", "seconds", (System.nanoTime() - start) * 1e-9, "loadavg", loadAverage(), "cpuPressure", cpuPressure());
            }
            log("done in %.0f s; results in %s", (System.nanoTime() - start) * 1e-9, out);
        }

        @SuppressWarnings("try") // the scope frees the libtorch tensors the workload's set-up created
        private void measure(Workload w, long sliceNanos, Results results) {
            long t0 = System.nanoTime();
            int maxThreads = java.util.Arrays.stream(threads).max().orElse(1);
            try (PointerScope setup = libtorch ? new PointerScope() : null) {
                Workload.Sides sides = w.factory().apply(new Inputs(w.id()));
                Side k = sides.kindling();
                Side l = libtorch ? sides.libtorch().get() : null;
                Torch.setNumThreads(maxThreads);
                if (l != null) {
                    Lt.setThreads(maxThreads, maxThreads);
                    Check c = Check.compare(k.check(), l.check(), w.tolerance());
                    results.write("kind", "check", "id", w.id(), "ok", c.ok(), "error", c.error(), "tolerance", c.tolerance(), "detail", c.detail());
                    log("%-18s check %s", w.id(), c.summary());
                }
                // the JIT compiles Kindling's code for this workload before any variant is timed
                long prewarmEnd = System.nanoTime() + Math.max((long) (PREWARM_MIN_SECONDS * 1e9), (long) (sliceNanos * PREWARM_SHARE));
                Torch.setNumThreads(threads[0]);
                for (int i = 0; i < PREWARM_MIN_ITERATIONS || System.nanoTime() < prewarmEnd; i++) {
                    if (k.hasPrepare()) k.prepare();
                    k.run();
                }
                long timing = Math.max(sliceNanos / 2, sliceNanos - (System.nanoTime() - t0));
                int totalVariants = 0;
                for (int n : threads) totalVariants += variants(w, n, k, l).size();
                int kindlingBatch = 1;
                for (int n : threads) {
                    List<Harness.Variant> vs = variants(w, n, k, l);
                    for (Harness.Stats s : Harness.alternate(vs, timing * vs.size() / totalVariants)) {
                        Harness.Variant v = s.variant();
                        if (v.side() == k) kindlingBatch = Math.max(kindlingBatch, s.batch());
                        results.write("kind", "time", "id", w.id(), "impl", v.impl(), "threads", v.threads(), "config", v.config(),
                                "median", s.median(), "q1", s.q1(), "q3", s.q3(), "min", s.min(), "samples", s.samples(), "batch", s.batch());
                        log("%-18s %-8s %-10s %12s %s  (IQR %4.1f%%, %d×%d)", w.id(), v.impl(), v.config(), format(s.median() / w.unit().nanos),
                                w.unit().symbol, 100 * s.spread(), s.samples(), s.batch());
                    }
                }
                // after timing: cold Vector API code allocates a heap object per vector operation
                Torch.setNumThreads(maxThreads);
                HeapProbe.Usage u = HeapProbe.measure(k, Math.min(kindlingBatch, HEAP_PROBE_MAX_ITERATIONS));
                results.write("kind", "heap", "id", w.id(), "threads", maxThreads, "live", u.live(), "peak", u.peak(), "allocated", u.allocated());
            }
        }

        /**
         * Kindling at {@code n} threads, and libtorch under each (OpenMP, OpenBLAS) pair whose larger
         * member is n (or only the one named in {@link #onlyConfigs}).
         */
        private List<Harness.Variant> variants(Workload w, int n, Side k, Side l) {
            List<Harness.Variant> vs = new ArrayList<>();
            vs.add(new Harness.Variant("kindling", "threads " + n, n, k, () -> Torch.setNumThreads(n)));
            if (l != null && timeLibtorch) {
                for (int omp = 1; omp <= n; omp++) {
                    for (int blas = 1; blas <= n; blas++) {
                        String config = "omp " + omp + " blas " + blas;
                        if (Math.max(omp, blas) != n) continue;
                        if (onlyConfigs != null && !config.equals(onlyConfigs.get(w.id() + "/" + n))) continue;
                        int o = omp, b = blas;
                        vs.add(new Harness.Variant("libtorch", config, n, l, () -> Lt.setThreads(o, b)));
                    }
                }
            }
            return vs;
        }
    }

    static String format(double v) {
        if (v >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (v >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's architecture below
        }
        return System.getProperty("os.arch");
    }

    /** The 1-, 5- and 15-minute load averages (other processes compete for the same cores). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The share of time some runnable task waited for a CPU over the last 10 s, 60 s and 300 s (Linux PSI). */
    static String cpuPressure() {
        try {
            String some = Files.readAllLines(Path.of("/proc/pressure/cpu")).get(0);
            return some.replaceAll("^some |total=\\d+", "").trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
