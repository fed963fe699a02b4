package dev.kindling.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What CPU users pay for CUDA, checked in fresh JVMs: a CPU-only program loads no JCuda class and
 * no class of the CUDA backend, and asking whether CUDA is available prints nothing at all.
 */
class CudaClassLoadingTest {

    private static List<String> run(String mainClass, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child JVM timed out");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank() && !l.startsWith("WARNING: Using incubator modules")) lines.add(l);
        }
        return lines;
    }

    @Test
    void aCpuOnlyProgramLoadsNoCudaClass() throws Exception {
        List<String> lines = run(CpuOnlyProgram.class.getName(), "-verbose:class");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cpu-only-done true")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("dev.kindling.Tensor ")), "-verbose:class lists loaded classes");
        List<String> cuda = lines.stream().filter(l -> l.contains("jcuda.") || l.contains("dev.kindling.backend.cuda.")
                || l.contains("dev.kindling.cuda.Cuda ") || l.contains("dev.kindling.cuda.CachingAllocator ")).toList();
        assertEquals(List.of(), cuda, "classes a CPU-only program must not load");
    }

    @Test
    void askingForCudaPrintsNothing() throws Exception {
        List<String> lines = run(CudaProbeProgram.class.getName());
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("probe-done available="), lines.get(0));
        assertTrue(lines.get(0).contains(" reason-lines=" + (lines.get(0).contains("available=true") ? "0" : "1")), lines.get(0));
    }
}
