package dev.kindling.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results files round-trip, and the JDK 25 run picks libtorch's fastest setting from them. */
class ResultsTest {
    @TempDir Path dir;

    @Test
    void recordsRoundTripWithTabsAndNewlinesFlattened() throws Exception {
        Path file = dir.resolve("sub/r.tsv");
        try (Results r = new Results(file)) {
            r.write("kind", "meta", "note", "a\tb\nc");
            r.write("kind", "time", "id", "x", "median", 12.5);
        }
        List<Map<String, String>> records = Results.read(file);
        assertEquals(2, records.size());
        assertEquals("a b c", records.get(0).get("note"));
        assertEquals("12.5", records.get(1).get("median"));
    }

    @Test
    void bestConfigsTakeTheLowestMedianPerWorkloadAndThreadCount() throws Exception {
        Path file = dir.resolve("main.tsv");
        Files.writeString(file, String.join("\n",
                "kind=time\tid=w\timpl=libtorch\tthreads=2\tconfig=omp 2 blas 2\tmedian=30",
                "kind=time\tid=w\timpl=libtorch\tthreads=2\tconfig=omp 1 blas 2\tmedian=10",
                "kind=time\tid=w\timpl=libtorch\tthreads=2\tconfig=omp 2 blas 1\tmedian=20",
                "kind=time\tid=w\timpl=kindling\tthreads=2\tconfig=threads 2\tmedian=1",
                "kind=time\tid=w\timpl=libtorch\tthreads=1\tconfig=omp 1 blas 1\tmedian=40"));
        Map<String, String> best = BenchMain.bestConfigs(file);
        assertEquals(Map.of("w/2", "omp 1 blas 2", "w/1", "omp 1 blas 1"), best);
    }
}
