package dev.kindling.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job on the bundled Fashion-MNIST subset for one epoch: a smoke test, not a timed one. */
class MainJobTest {

    @Test
    void trainsOneEpochOnTheBundledSubset(@TempDir Path out) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Main.main(new String[] {"--data", "src/examples/resources/fashion-mnist-subset", "--epochs", "1", "--out", out.toString()});
        } finally {
            System.setOut(old);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        String last = lines.get(lines.size() - 1);
        Matcher m = Pattern.compile("test accuracy: (\\d+\\.\\d)%").matcher(last);
        assertTrue(m.matches(), "last line: " + last);
        assertTrue(Double.parseDouble(m.group(1)) > 70, "one epoch on 6,000 images learns something: " + last);
        assertTrue(text.contains("CPU threads"), text);
        try (var runs = Files.list(out)) {
            Path run = runs.findFirst().orElseThrow();
            assertTrue(Files.size(run.resolve("model.safetensors")) > 1_000_000);
            assertTrue(Files.size(run.resolve("curves.png")) > 1_000);
        }
    }
}
