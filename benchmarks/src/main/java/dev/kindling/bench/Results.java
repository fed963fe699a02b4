package dev.kindling.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's raw results file: one record per line, each a tab-separated list of {@code key=value}
 * fields. {@link BenchMain} writes it as it goes (a run cut short keeps what it measured);
 * {@link Report} reads one or two of them into the Markdown table.
 *
 * <p>Record kinds ({@code kind=}): {@code meta} (the machine and JVM), {@code time} (one variant's
 * timing), {@code check}, {@code heap}, {@code missing} and {@code error}.
 */
final class Results implements AutoCloseable {
    private final Writer out;

    Results(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** Writes one record from alternating keys and values. */
    synchronized void write(Object... keyValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) sb.append('\t');
            String v = String.valueOf(keyValues[i + 1]).replace('\t', ' ').replace('\n', ' ');
            sb.append(keyValues[i]).append('=').append(v);
        }
        try {
            out.write(sb.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Results: cannot write", e);
        }
    }

    @Override public void close() throws IOException { out.close(); }

    /** Every record of a results file, in order. */
    static List<Map<String, String>> read(Path file) throws IOException {
        List<Map<String, String>> records = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<String, String> r = new LinkedHashMap<>();
            for (String field : line.split("\t")) {
                int eq = field.indexOf('=');
                if (eq > 0) r.put(field.substring(0, eq), field.substring(eq + 1));
            }
            records.add(r);
        }
        return records;
    }
}
