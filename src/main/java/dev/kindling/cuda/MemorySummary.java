package dev.kindling.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@link CachingAllocator#memoryStats} as the table of PyTorch's
 * {@code torch.cuda.memory_summary()}: 75 columns, one row per statistic with its current, peak,
 * total allocated and total freed values, and large-pool and small-pool sub-rows. Sizes are whole
 * B/KiB/MiB/... and counts whole units/K/M, the unit chosen by the row's "all" value so sub-rows line up.
 */
final class MemorySummary {
    private static final int WIDTH = 75;
    /** A size moves to the next unit from 768 of the current one (PyTorch's choice). */
    private static final double SIZE_UNIT_STEP = 768 * 1024;
    private static final String[] SIZE_UNITS = {"B  ", "KiB", "MiB", "GiB", "TiB", "PiB"};
    /** A count moves to the next unit from 750 thousand. */
    private static final double COUNT_UNIT_STEP = 750 * 1000;
    private static final String[] COUNT_UNITS = {" ", "K", "M"};

    private static final String[][] POOL_ROWS = {
        {"all", null}, {"large_pool", "      from large pool"}, {"small_pool", "      from small pool"}};
    private static final String[][] SIZE_METRICS = {
        {"allocated_bytes", "Allocated memory"},
        {"active_bytes", "Active memory"},
        {"requested_bytes", "Requested memory"},
        {"reserved_bytes", "GPU reserved memory"},
        {"inactive_split_bytes", "Non-releasable memory"},
    };
    private static final String[][] COUNT_METRICS = {
        {"allocation", "Allocations"},
        {"active", "Active allocs"},
        {"segment", "GPU reserved segments"},
        {"inactive_split", "Non-releasable allocs"},
    };
    private static final String[][] OVERSIZE_METRICS = {
        {"oversize_allocations", "Oversize allocations"},
        {"oversize_segments", "Oversize GPU segments"},
    };
    private static final String[] COLUMNS = {"current", "peak", "allocated", "freed"};

    private MemorySummary() {}

    static String format(int device, Map<String, Long> stats) {
        List<String> lines = new ArrayList<>();
        lines.add("=".repeat(WIDTH));
        lines.add(" ".repeat(17) + String.format(Locale.ROOT, "Kindling CUDA memory summary, device ID %-17d ", device));
        lines.add("-".repeat(WIDTH));
        lines.add(String.format(Locale.ROOT, "  %9s CUDA OOMs: %-12d | %6s cudaMalloc retries: %-8d  ",
                "", stats.get("num_ooms"), "", stats.get("num_alloc_retries")));
        lines.add("=".repeat(WIDTH));
        lines.add("        Metric         | Cur Usage  | Peak Usage | Tot Alloc  | Tot Freed  ");
        for (String[] metric : SIZE_METRICS) addPoolRows(lines, stats, metric, true);
        for (String[] metric : COUNT_METRICS) addPoolRows(lines, stats, metric, false);
        for (String[] metric : OVERSIZE_METRICS) {
            lines.add("-".repeat(WIDTH));
            long[] v = values(stats, metric[0]);
            lines.add(row(metric[1], v, v, false));
        }
        lines.add("=".repeat(WIDTH));
        return "|" + String.join("|\n|", lines) + "|\n";
    }

    private static void addPoolRows(List<String> lines, Map<String, Long> stats, String[] metric, boolean sizes) {
        lines.add("-".repeat(WIDTH));
        long[] unitsFrom = values(stats, metric[0] + ".all");
        for (String[] pool : POOL_ROWS) {
            String name = pool[1] == null ? metric[1] : pool[1];
            lines.add(row(name, values(stats, metric[0] + "." + pool[0]), unitsFrom, sizes));
        }
    }

    private static long[] values(Map<String, Long> stats, String prefix) {
        long[] v = new long[COLUMNS.length];
        for (int i = 0; i < COLUMNS.length; i++) v[i] = stats.get(prefix + "." + COLUMNS[i]);
        return v;
    }

    private static String row(String name, long[] v, long[] unitsFrom, boolean sizes) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, " %-21s ", name));
        for (int i = 0; i < v.length; i++) {
            sb.append("| ").append(sizes ? size(v[i], unitsFrom[i]) : count(v[i], unitsFrom[i])).append(' ');
        }
        return sb.toString();
    }

    /** PyTorch's _format_size: whole units, the unit picked by {@code reference}. */
    private static String size(long bytes, double reference) {
        int unit = 0;
        while (unit + 1 < SIZE_UNITS.length && reference >= SIZE_UNIT_STEP) {
            unit++;
            bytes /= 1024;
            reference /= 1024;
        }
        return String.format(Locale.ROOT, "%6d %s", bytes, SIZE_UNITS[unit]);
    }

    /** PyTorch's _format_count: whole units, the unit picked by {@code reference}. */
    private static String count(long n, double reference) {
        int unit = 0;
        while (unit + 1 < COUNT_UNITS.length && reference >= COUNT_UNIT_STEP) {
            unit++;
            n /= 1000;
            reference /= 1000;
        }
        return String.format(Locale.ROOT, "%7d %s ", n, COUNT_UNITS[unit]);
    }
}
