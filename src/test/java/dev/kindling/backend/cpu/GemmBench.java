package dev.kindling.backend.cpu;

import java.util.Locale;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Throughput of {@link Gemm#sgemm} and {@link Gemm#dgemm} on square row-major products, in
 * GFLOP/s (2·n³ flops per product), best of the timed runs in about 2 s after a warm-up;
 * with {@code torch=true} also libtorch's {@code mm} (its own BLAS) on the same sizes and thread
 * count, side by side; with {@code small=true} instead the time per call of the packed path and
 * of the direct loops on tiny single-threaded products (the measurement behind
 * {@code Gemm.SMALL_WORK}). A main program, not a unit test:
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/test.cp) \
 *     dev.kindling.backend.cpu.GemmBench threads=2 sizes=256,512,1024,2048 transB=false torch=false
 * </pre>
 */
public final class GemmBench {
    private GemmBench() {}

    /** Timed seconds per size and dtype; the best run is reported. */
    private static final double SECONDS = 2.0;

    public static void main(String[] args) {
        int threads = 2;
        String sizes = "256,512,1024,2048";
        boolean transB = false, withTorch = false, small = false;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "sizes" -> sizes = kv[1];
                case "transB" -> transB = Boolean.parseBoolean(kv[1]);
                case "torch" -> withTorch = Boolean.parseBoolean(kv[1]);
                case "small" -> small = Boolean.parseBoolean(kv[1]);
                default -> throw new IllegalArgumentException("GemmBench: unknown argument " + arg);
            }
        }
        if (small) {
            smallProducts();
            return;
        }
        Parallel.setNumThreads(threads);
        System.out.printf(Locale.ROOT, "GemmBench: threads=%d simd=%s kernel=%s transB=%s%n",
                threads, Simd.AVAILABLE, Gemm.KERNEL.getClass().getSimpleName(), transB);
        if (withTorch) torch.set_num_threads(threads);
        // warm-up: let C2 compile the kernels and drivers before anything is timed
        long warm = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warm) {
            floatRun(192, transB, 0);
            doubleRun(192, transB, 0);
        }
        for (String s : sizes.split(",")) {
            int n = Integer.parseInt(s.trim());
            System.out.printf(Locale.ROOT, "n=%5d  float %7.1f GFLOP/s   double %7.1f GFLOP/s", n,
                    floatRun(n, transB, SECONDS), doubleRun(n, transB, SECONDS));
            if (withTorch) {
                System.out.printf(Locale.ROOT, "   | libtorch mm: float %7.1f   double %7.1f",
                        torchRun(n, transB, torch.ScalarType.Float, SECONDS),
                        torchRun(n, transB, torch.ScalarType.Double, SECONDS));
            }
            System.out.println();
        }
    }

    /** Nanoseconds per call, packed path against direct loops, for tiny square float products on one thread. */
    private static void smallProducts() {
        Parallel.setNumThreads(1);
        System.out.printf(Locale.ROOT, "GemmBench small products: one thread, kernel=%s%n",
                Gemm.KERNEL.getClass().getSimpleName());
        for (int n : new int[] {2, 3, 4, 5, 6, 8, 12, 16, 32}) {
            float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
            for (int i = 0; i < a.length; i++) { a[i] = i % 7; b[i] = i % 5; }
            double packed = Double.MAX_VALUE, direct = Double.MAX_VALUE;
            int calls = Math.max(1000, 4_000_000 / (n * n * n));
            for (int rep = 0; rep < 40; rep++) {
                long t = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    GemmFloat.blocked(Gemm.KERNEL, n, n, n, 1f, a, 0, n, 1, b, 0, n, 1, 0f, c, 0, n, 1);
                }
                packed = Math.min(packed, (System.nanoTime() - t) / (double) calls);
                t = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    GemmFloat.direct(Gemm.KERNEL, n, n, n, 1f, a, 0, n, 1, b, 0, n, 1, 0f, c, 0, n, 1);
                }
                direct = Math.min(direct, (System.nanoTime() - t) / (double) calls);
            }
            System.out.printf(Locale.ROOT, "%2d x %2d x %2d: packed %7.0f ns   direct %7.0f ns%n", n, n, n, packed, direct);
        }
    }

    /** libtorch's {@code mm} on the same shapes: the reference the numbers above compare with. */
    private static double torchRun(int n, boolean transB, torch.ScalarType type, double seconds) {
        TensorOptions options = new TensorOptions(type);
        Tensor a = torch.rand(new long[] {n, n}, options), b = torch.rand(new long[] {n, n}, options);
        if (transB) b = b.t();
        double best = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        for (int rep = 0; rep < 3 || System.nanoTime() < deadline; rep++) {
            long t = System.nanoTime();
            torch.mm(a, b);
            double secs = (System.nanoTime() - t) * 1e-9;
            if (rep >= 2) best = Math.max(best, 2.0 * n * n * n / secs * 1e-9);
            if (rep > 200) break;
        }
        return best;
    }

    /** Runs enough products for about a second after warm-up; returns the best GFLOP/s. */
    private static double floatRun(int n, boolean transB, double seconds) {
        Random r = new Random(1);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = r.nextFloat() - 0.5f; b[i] = r.nextFloat() - 0.5f; }
        int bRs = transB ? 1 : n, bCs = transB ? n : 1;
        double best = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        for (int rep = 0; rep < 3 || System.nanoTime() < deadline; rep++) {
            long t = System.nanoTime();
            Gemm.sgemm(n, n, n, 1f, a, 0, n, 1, b, 0, bRs, bCs, 0f, c, 0, n, 1);
            double secs = (System.nanoTime() - t) * 1e-9;
            if (rep >= 2) best = Math.max(best, 2.0 * n * n * n / secs * 1e-9);
            if (rep > 200) break;
        }
        return best;
    }

    private static double doubleRun(int n, boolean transB, double seconds) {
        Random r = new Random(1);
        double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = r.nextDouble() - 0.5; b[i] = r.nextDouble() - 0.5; }
        int bRs = transB ? 1 : n, bCs = transB ? n : 1;
        double best = 0;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
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
