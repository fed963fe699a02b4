package dev.kindling.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The float32 kernels give the same bits whether the JIT has compiled them or not, so a program
 * run twice with the same seed computes the same numbers (a JIT-compiled loop and the same loop
 * interpreted must agree; the JDK's SVML-backed {@code lanewise(EXP)} does not, which is why
 * {@link VectorMath} uses its own lanes by default). A child JVM computes a fingerprint of the
 * transcendental ops, softmax, sums and a small matrix product with the interpreter only
 * ({@code -Xint}); this JVM computes it after enough repetitions for C2 to compile the loops.
 */
class TierDeterminismTest {

    /** The bits of every result, folded into one number. */
    static long fingerprint() {
        Torch.manualSeed(11);
        Tensor x = Torch.randn(64, 256).mul(4);
        Tensor w = Torch.randn(256, 48);
        Tensor[] outs = {x.exp(), x.tanh(), x.sigmoid(), x.abs().add(1e-3).log(), x.softmax(1), x.logSoftmax(1),
                x.sum(1), x.mm(w)};
        long h = 1125899906842597L;
        for (Tensor t : outs) {
            for (float f : t.contiguous().toFloatArray()) h = 31 * h + Float.floatToRawIntBits(f);
        }
        return h;
    }

    /** Entry point of the interpreted child JVM: prints the fingerprint. */
    public static void main(String[] args) {
        System.out.println("fingerprint " + fingerprint());
    }

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        assumeTrue(Simd.AVAILABLE, "the Vector API is not enabled");
        long compiled = 0;
        long until = System.nanoTime() + 3_000_000_000L;   // let C2 compile the kernels' loops
        for (int i = 0; i < 400 || System.nanoTime() < until; i++) compiled = fingerprint();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path")));
        String lanes = System.getProperty("kindling.vectorMath");
        if (lanes != null) cmd.add("-Dkindling.vectorMath=" + lanes);
        cmd.add(TierDeterminismTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "the interpreted JVM did not finish");
        String line = out.lines().filter(l -> l.startsWith("fingerprint ")).findFirst()
                .orElseThrow(() -> new AssertionError("no fingerprint from the interpreted JVM:\n" + out));
        assertEquals(compiled, Long.parseLong(line.substring("fingerprint ".length())),
                "the interpreted kernels computed other bits than the compiled ones");
    }
}
