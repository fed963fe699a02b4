package dev.kindling.backend.cpu;

import java.util.Locale;
import java.util.Random;

/**
 * Throughput of {@link Gemm#sgemm} and {@link Gemm#dgemm} on square row-major products, in
 * GFLOP/s (2·n³ flops per product), best of several timed runs after a warm-up. A main program,
 * not a unit test:
 *
 * <pre>
 * mvn -q -o test-compile
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/*.jar) \
 *     dev.kindling.backend.cpu.GemmBench [threads=2] [sizes=256,512,1024,2048] [transB=false]
 * </pre>
 */
public final class GemmBench {
    private GemmBench() {}

    public static void main(String[] args) {
        int threads = 2;
        String sizes = "256,512,1024,2048";
        boolean transB = false;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "sizes" -> sizes = kv[1];
                case "transB" -> transB = Boolean.parseBoolean(kv[1]);
                default -> throw new IllegalArgumentException("GemmBench: unknown argument " + arg);
            }
        }
        Parallel.setNumThreads(threads);
        System.out.printf(Locale.ROOT, "GemmBench: threads=%d simd=%s kernel=%s transB=%s%n",
                threads, Simd.AVAILABLE, Gemm.KERNEL.getClass().getSimpleName(), transB);
        for (String s : sizes.split(",")) {
            int n = Integer.parseInt(s.trim());
            System.out.printf(Locale.ROOT, "n=%5d  float %7.1f GFLOP/s   double %7.1f GFLOP/s%n",
                    n, floatRun(n, transB), doubleRun(n, transB));
        }
    }

    /** Runs enough products for about a second after warm-up; returns the best GFLOP/s. */
    private static double floatRun(int n, boolean transB) {
        Random r = new Random(1);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = r.nextFloat() - 0.5f; b[i] = r.nextFloat() - 0.5f; }
        int bRs = transB ? 1 : n, bCs = transB ? n : 1;
        double best = 0;
        long deadline = System.nanoTime() + 1_500_000_000L;
        for (int rep = 0; rep < 3 || System.nanoTime() < deadline; rep++) {
            long t = System.nanoTime();
            Gemm.sgemm(n, n, n, 1f, a, 0, n, 1, b, 0, bRs, bCs, 0f, c, 0, n, 1);
            double secs = (System.nanoTime() - t) * 1e-9;
            if (rep >= 2) best = Math.max(best, 2.0 * n * n * n / secs * 1e-9);
            if (rep > 200) break;
        }
        return best;
    }

    private static double doubleRun(int n, boolean transB) {
        Random r = new Random(1);
        double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = r.nextDouble() - 0.5; b[i] = r.nextDouble() - 0.5; }
        int bRs = transB ? 1 : n, bCs = transB ? n : 1;
        double best = 0;
        long deadline = System.nanoTime() + 1_500_000_000L;
        for (int rep = 0; rep < 3 || System.nanoTime() < deadline; rep++) {
            long t = System.nanoTime();
            Gemm.dgemm(n, n, n, 1.0, a, 0, n, 1, b, 0, bRs, bCs, 0.0, c, 0, n, 1);
            double secs = (System.nanoTime() - t) * 1e-9;
            if (rep >= 2) best = Math.max(best, 2.0 * n * n * n / secs * 1e-9);
            if (rep > 200) break;
        }
        return best;
    }
}
