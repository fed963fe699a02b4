package dev.kindling.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed PTX resources against their CUDA sources: each PTX records the SHA-256 of the
 * sources it was compiled from (a changed .cu without a recompile fails here, with or without a
 * CUDA toolkit); its ISA version and target are ones that CUDA 12 and 13 drivers load; where ptxas
 * exists, every module assembles for sm_75 and sm_90; and where the same nvcc exists, a fresh run of
 * {@code compile-ptx.sh} reproduces the committed files byte for byte.
 */
class PtxResourcesTest {
    /** The newest PTX ISA every CUDA 12.x driver loads (CUDA 12.0 shipped ISA 8.0). */
    static final double MAX_ISA = 8.0;

    private static final Path RESOURCES = Path.of("src/main/resources/dev/kindling/backend/cuda");
    private static final Pattern HASH = Pattern.compile("// kindling-source-sha256: ([0-9a-f]{64})");
    private static final Pattern NVCC = Pattern.compile("// kindling-nvcc: (.*)");

    private static String name(Kernel.Module m) { return m.name().toLowerCase(Locale.ROOT); }

    static String sourceHash(Kernel.Module m) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(CudaSources.DIR.resolve("kindling.cuh")));
        md.update(Files.readAllBytes(CudaSources.DIR.resolve(name(m) + ".cu")));
        return HexFormat.of().formatHex(md.digest());
    }

    private static String header(String ptx, Pattern p) {
        Matcher m = p.matcher(ptx);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void everyPtxWasCompiledFromTheCurrentSources() throws Exception {
        for (Kernel.Module m : Kernel.Module.values()) {
            String ptx = Ptx.text(m);
            assertEquals(sourceHash(m), header(ptx, HASH), m.resource() + " is out of date with src/main/cuda/" + name(m)
                    + ".cu or kindling.cuh: run src/main/cuda/compile-ptx.sh and commit the PTX");
        }
    }

    @Test
    void ptxTargetsWhatCuda12And13DriversLoad() {
        for (Kernel.Module m : Kernel.Module.values()) {
            String ptx = Ptx.text(m);
            Matcher v = Pattern.compile("(?m)^\\.version (\\d+\\.\\d+)$").matcher(ptx);
            assertTrue(v.find(), m.resource() + " has no .version");
            assertTrue(Double.parseDouble(v.group(1)) <= MAX_ISA, m.resource() + " needs PTX ISA " + v.group(1));
            assertTrue(ptx.contains("\n.target sm_75\n"), m.resource() + " must target sm_75 (compute_75)");
            assertTrue(ptx.contains("\n.address_size 64\n"), m.resource());
        }
    }

    static Path tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        try (var s = Files.list(Path.of("/usr/local"))) {
            return s.filter(d -> d.getFileName().toString().startsWith("cuda")).map(d -> d.resolve("bin").resolve(name))
                    .filter(Files::isExecutable).sorted().reduce((a, b) -> b).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String run(List<String> cmd, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) pb.directory(dir.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(cmd + " timed out");
        }
        if (p.exitValue() != 0) fail(cmd + " failed (" + p.exitValue() + "):\n" + out);
        return out;
    }

    @Test
    void ptxasAssemblesEveryModuleForTuringAndHopper() throws Exception {
        Path ptxas = tool("ptxas");
        assumeTrue(ptxas != null, "ptxas is not installed");
        for (Kernel.Module m : Kernel.Module.values()) {
            for (String sm : new String[] {"sm_75", "sm_90"}) {
                run(List.of(ptxas.toString(), "-arch=" + sm, "-o", "/dev/null", RESOURCES.resolve(m.resource()).toString()), null);
            }
        }
    }

    @Test
    void aFreshCompilationReproducesTheCommittedPtx() throws Exception {
        Path nvcc = tool("nvcc");
        assumeTrue(nvcc != null, "nvcc is not installed");
        String version = run(List.of(nvcc.toString(), "--version"), null);
        Matcher vm = Pattern.compile("release [0-9.]*, V[0-9.]*").matcher(version);
        assumeTrue(vm.find(), "unrecognised nvcc --version");
        for (Kernel.Module m : Kernel.Module.values()) {
            assumeTrue(vm.group().equals(header(Ptx.text(m), NVCC)),
                    "the PTX was made by " + header(Ptx.text(m), NVCC) + ", this machine has " + vm.group());
        }
        Path out = Files.createTempDirectory("kindling-ptx");
        try {
            run(List.of("bash", CudaSources.DIR.resolve("compile-ptx.sh").toString(), out.toString()), null);
            List<String> differ = new ArrayList<>();
            for (Kernel.Module m : Kernel.Module.values()) {
                if (!Files.readString(out.resolve(m.resource())).equals(Ptx.text(m))) differ.add(m.resource());
            }
            assertEquals(List.of(), differ, "committed PTX differs from a fresh compilation: run src/main/cuda/compile-ptx.sh");
        } finally {
            try (var s = Files.list(out)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(out);
        }
    }
}
