package dev.kindling.backend.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA kernels themselves, run on the host: {@code src/test/cuda/run-kernel-tests.sh} compiles
 * every {@code src/main/cuda/*.cu} with a C++20 compiler and an emulation of CUDA's execution model
 * (blocks of real threads meeting at barriers), and checks conversions, element-wise ops, split
 * reductions, arg-extremes, scans, softmax, gather/scatter/put, im2col/col2im (as adjoints),
 * pooling and the tiled GEMMs against references. Skipped where no C++ compiler is installed.
 */
class KernelEmulationTest {

    @Test
    void theKernelsPassTheirHostChecks() throws Exception {
        String cxx = System.getenv().getOrDefault("CXX", "g++");
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, cxx))) found = true;
        }
        assumeTrue(found, cxx + " is not installed");
        Process p = new ProcessBuilder(List.of("bash", "src/test/cuda/run-kernel-tests.sh")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the kernel checks timed out");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) of (\\d+) kernel checks failed").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(0, Integer.parseInt(m.group(1)), out);
        assertTrue(Integer.parseInt(m.group(2)) >= 200, "the harness ran its checks: " + out);
        assertEquals(0, p.exitValue(), out);
    }
}
