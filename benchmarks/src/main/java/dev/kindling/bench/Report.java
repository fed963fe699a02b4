package dev.kindling.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the results file of the main run (Kindling and libtorch, JDK 17) and, optionally, that
 * of the JDK 25 run (Kindling timed) into the Markdown tables of {@code docs/benchmarks.md}.
 *
 * <pre>
 * java -cp ... dev.kindling.bench.Report results/jdk17.tsv [results/jdk25.tsv] &gt; results/table.md
 * </pre>
 *
 * <p>libtorch's time at n threads is its best (lowest median) over its thread settings at n, and
 * the ratio is Kindling's median over that. The JDK 25 ratio divides by libtorch's time in the
 * JDK 25 run (timed there under the main run's best setting, so that both sides of that ratio come
 * from the same minutes of a shared machine), or by the main run's when that run did not time
 * libtorch. Targets are judged at 2 threads on the main run.
 */
public final class Report {
    private Report() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) throw new IllegalArgumentException("Report: usage: Report MAIN.tsv [JDK25.tsv]");
        List<Map<String, String>> main = Results.read(Path.of(args[0]));
        List<Map<String, String>> second = args.length > 1 && Files.exists(Path.of(args[1])) ? Results.read(Path.of(args[1])) : List.of();
        String md = new Report.Tables(main, second).markdown();
        System.out.print(md);
    }

    private record Tables(List<Map<String, String>> main, List<Map<String, String>> second) {

        String markdown() {
            StringBuilder sb = new StringBuilder();
            Map<String, String> meta = find(main, "meta", null);
            for (var run : List.of(main, second)) {
                Map<String, String> m = find(run, "meta", null), e = find(run, "end", null);
                if (m == null) continue;
                sb.append(String.format(Locale.ROOT, "- %s run (%s): %s, Vector API %s, %s %s CPUs; timed %s for %.0f s of budget%s; "
                                + "load average %s at the start%s, CPU pressure (PSI some avg10/60/300) %s%s.%n",
                        run == main ? "Main" : "Second", m.get("date"), m.get("vm"), "true".equals(m.get("simd")) ? "on" : "off",
                        m.get("cpu"), m.get("cpus"), switch (m.get("timing")) {
                            case "both" -> "Kindling and libtorch (every thread setting)";
                            case "best" -> "Kindling and libtorch (its best setting from the main run)";
                            default -> "Kindling only";
                        },
                        Double.parseDouble(m.get("budget")), e == null ? "" : String.format(Locale.ROOT, ", took %.0f s", Double.parseDouble(e.get("seconds"))),
                        m.get("loadavg"), e == null ? "" : ", " + e.get("loadavg") + " at the end", m.get("cpuPressure"),
                        e == null ? "" : " → " + e.get("cpuPressure")));
            }
            if (meta != null) {
                sb.append(String.format(Locale.ROOT, "- JVM options: `%s`; OMP_WAIT_POLICY=%s, OPENBLAS_THREAD_TIMEOUT=%s, GLIBC_TUNABLES=%s.%n%n",
                        meta.get("jvmArgs"), meta.get("ompWaitPolicy"), meta.get("openblasThreadTimeout"), meta.get("glibcTunables")));
            }
            sb.append("| workload | Kindling 1T | libtorch 1T | ratio 1T | Kindling 2T | libtorch 2T (best: omp/blas) | ratio 2T "
                    + "| target (2T) | met | Kindling JDK 25 1T | JDK 25 2T | JDK 25 ratio 2T |\n");
            sb.append("|---|--:|--:|--:|--:|--:|--:|---|:-:|--:|--:|--:|\n");
            List<String> notes = new ArrayList<>();
            for (Workload w : Workloads.all()) {
                String unit = " " + w.unit().symbol;
                if (w.isMissing()) {
                    sb.append("| ").append(w.title()).append(" | *missing* ||||||| ").append(targetText(w)).append(" | |||| \n");
                    notes.add("*" + w.title() + "*: " + w.missing() + ".");
                    continue;
                }
                Map<String, String> err = find(main, "error", w.id());
                if (err != null) {
                    sb.append("| ").append(w.title()).append(" | *error* ||||||| ").append(targetText(w)).append(" | |||| \n");
                    notes.add("*" + w.title() + "*: " + err.get("message"));
                    continue;
                }
                Double k1 = kindling(main, w, 1), k2 = kindling(main, w, 2);
                Best l1 = libtorch(main, w, 1), l2 = libtorch(main, w, 2);
                Double j1 = kindling(second, w, 1), j2 = kindling(second, w, 2);
                Best s2 = libtorch(second, w, 2);
                sb.append("| ").append(w.title())
                        .append(" | ").append(time(k1, w)).append(" | ").append(time(l1 == null ? null : l1.median, w))
                        .append(" | ").append(ratio(k1, l1))
                        .append(" | ").append(time(k2, w)).append(" | ").append(time(l2 == null ? null : l2.median, w))
                        .append(l2 == null ? "" : " (" + l2.config + ")")
                        .append(" | ").append(ratio(k2, l2))
                        .append(" | ").append(targetText(w)).append(" | ").append(met(w, k2, l2))
                        .append(" | ").append(time(j1, w)).append(" | ").append(time(j2, w)).append(" | ").append(ratio(j2, s2 != null ? s2 : l2))
                        .append(" |\n");
            }
            sb.append("\nTimes are medians in the unit shown; 1T/2T: 1 or 2 threads. libtorch's settings are `omp N blas M`: "
                    + "`torch.set_num_threads(N)`, `blas_set_num_threads(M)`.\n\n");
            sb.append(details());
            if (!notes.isEmpty()) {
                sb.append("\nMissing or failed:\n\n");
                for (String n : notes) sb.append("- ").append(n).append('\n');
            }
            return sb.toString();
        }

        /** The second table: check, heap, throughput, noise; and the MLP backward's overhead. */
        private String details() {
            StringBuilder sb = new StringBuilder();
            sb.append("| workload | check: max diff / scale (tol) | Kindling heap: live → peak | allocated per iteration "
                    + "| GFLOP/s 2T: Kindling / libtorch | noise 2T (IQR/median): Kindling / libtorch |\n");
            sb.append("|---|---|--:|--:|--:|--:|\n");
            for (Workload w : Workloads.all()) {
                if (w.isMissing() || find(main, "error", w.id()) != null) continue;
                Map<String, String> c = find(main, "check", w.id());
                Map<String, String> h = find(main, "heap", w.id());
                Double k2 = kindling(main, w, 2);
                Best l2 = libtorch(main, w, 2);
                String check = c == null ? "—" : String.format(Locale.ROOT, "%s %.1e (%.0e)", "true".equals(c.get("ok")) ? "ok" : "**FAIL**",
                        Double.parseDouble(c.get("error")), Double.parseDouble(c.get("tolerance")));
                if (c != null && !"true".equals(c.get("ok"))) check += " " + c.get("detail");
                String heap = h == null ? "—" : bytes(h.get("live")) + " → " + bytes(h.get("peak"));
                String alloc = h == null ? "—" : bytes(h.get("allocated"));
                String gflops = w.flops() > 0 && k2 != null ? BenchMain.format(w.flops() / k2) + " / " + (l2 == null ? "—" : BenchMain.format(w.flops() / l2.median)) : "";
                Map<String, String> kt = time(main, w.id(), "kindling", 2, null);
                String noise = kt == null ? "" : spread(kt) + " / " + (l2 == null ? "—" : spread(l2.record));
                sb.append("| ").append(w.title()).append(" | ").append(check).append(" | ").append(heap).append(" | ").append(alloc)
                        .append(" | ").append(gflops).append(" | ").append(noise).append(" |\n");
            }
            Workload bw = Workloads.all().stream().filter(x -> x.id().equals("mlp-backward")).findFirst().orElseThrow();
            Workload mm = Workloads.all().stream().filter(x -> x.id().equals("mlp-backward-mm")).findFirst().orElseThrow();
            for (int threads = 1; threads <= 2; threads++) {
                Double kb = kindling(main, bw, threads), km = kindling(main, mm, threads);
                Best lb = libtorch(main, bw, threads), lm = libtorch(main, mm, threads);
                if (kb == null || km == null) continue;
                sb.append(String.format(Locale.ROOT, "%nMLP backward over the matmuls it runs, %d thread%s: Kindling %+.0f%%%s (target < +%.0f%%).%n",
                        threads, threads == 1 ? "" : "s", 100 * (kb / km - 1),
                        lb != null && lm != null ? String.format(Locale.ROOT, ", libtorch %+.0f%%", 100 * (lb.median / lm.median - 1)) : "",
                        100 * bw.target().maxOverhead()));
            }
            return sb.toString();
        }

        private String met(Workload w, Double k2, Best l2) {
            Workload.Target t = w.target();
            Map<String, String> c = find(main, "check", w.id());
            if (c != null && !"true".equals(c.get("ok"))) return "**no: check failed**";
            if (!t.any() || k2 == null) return "";
            List<Boolean> verdicts = new ArrayList<>();
            if (t.maxRatio() != null && l2 != null) verdicts.add(k2 / l2.median <= t.maxRatio());
            if (t.maxTime() != null) verdicts.add(k2 / w.unit().nanos <= t.maxTime());
            if (t.minGflops() != null && w.flops() > 0) verdicts.add(w.flops() / k2 >= t.minGflops());
            if (t.maxOverhead() != null) {
                Workload mm = Workloads.all().stream().filter(x -> x.id().equals("mlp-backward-mm")).findFirst().orElseThrow();
                Double km = kindling(main, mm, 2);
                if (km != null) verdicts.add(k2 / km - 1 <= t.maxOverhead());
            }
            if (verdicts.isEmpty()) return "";
            return verdicts.stream().allMatch(b -> b) ? "yes" : verdicts.stream().anyMatch(b -> b) ? "partly" : "**no**";
        }

        private static String targetText(Workload w) {
            Workload.Target t = w.target();
            if (!t.any()) return "";
            List<String> parts = new ArrayList<>();
            if (t.maxRatio() != null) parts.add("ratio ≤ " + trim(t.maxRatio()));
            if (t.maxTime() != null) parts.add("≤ " + trim(t.maxTime()) + " " + w.unit().symbol);
            if (t.minGflops() != null) parts.add("≥ " + trim(t.minGflops()) + " GFLOP/s");
            if (t.maxOverhead() != null) parts.add("< " + trim(100 * t.maxOverhead()) + "% over its matmuls");
            return String.join(", ", parts) + " (" + t.source() + ")";
        }

        private static String trim(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }

        /** libtorch's best thread setting at n threads. */
        private record Best(double median, String config, Map<String, String> record) {}

        private static Best libtorch(List<Map<String, String>> records, Workload w, int threads) {
            Best best = null;
            for (Map<String, String> r : records) {
                if (!"time".equals(r.get("kind")) || !w.id().equals(r.get("id")) || !"libtorch".equals(r.get("impl"))
                        || Integer.parseInt(r.get("threads")) != threads) continue;
                double m = Double.parseDouble(r.get("median"));
                if (best == null || m < best.median) best = new Best(m, r.get("config").replace("omp ", "").replace(" blas ", "/"), r);
            }
            return best;
        }

        private static Double kindling(List<Map<String, String>> records, Workload w, int threads) {
            Map<String, String> r = time(records, w.id(), "kindling", threads, null);
            return r == null ? null : Double.parseDouble(r.get("median"));
        }

        private static Map<String, String> time(List<Map<String, String>> records, String id, String impl, int threads, String config) {
            for (Map<String, String> r : records) {
                if ("time".equals(r.get("kind")) && id.equals(r.get("id")) && impl.equals(r.get("impl"))
                        && Integer.parseInt(r.get("threads")) == threads && (config == null || config.equals(r.get("config")))) return r;
            }
            return null;
        }

        private static Map<String, String> find(List<Map<String, String>> records, String kind, String id) {
            for (Map<String, String> r : records) if (kind.equals(r.get("kind")) && (id == null || id.equals(r.get("id")))) return r;
            return null;
        }

        private static String time(Double nanos, Workload w) { return nanos == null ? "—" : BenchMain.format(nanos / w.unit().nanos); }

        private static String ratio(Double k, Best l) { return k == null || l == null ? "—" : String.format(Locale.ROOT, "%.2f", k / l.median); }

        private static String spread(Map<String, String> r) {
            double m = Double.parseDouble(r.get("median"));
            return String.format(Locale.ROOT, "%.0f%%", 100 * (Double.parseDouble(r.get("q3")) - Double.parseDouble(r.get("q1"))) / m);
        }

        /** A byte count in B, KiB or MiB. */
        private static String bytes(String count) {
            long b = Long.parseLong(count);
            if (b < 1024) return b + " B";
            if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
    }
}
