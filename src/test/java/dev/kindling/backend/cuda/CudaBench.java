package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.Tensor;
import dev.kindling.TensorScope;
import dev.kindling.Torch;
import dev.kindling.cuda.Cuda;

import java.util.List;
import java.util.Locale;

/**
 * GPU benchmarks, run on a machine with a GPU as a plain program:
 * <pre>
 *   ../shared/device/bundle        # then, on the GPU machine:
 *   .device/jre/bin/java --add-modules jdk.incubator.vector -cp ".device/classes:.device/test-classes:.device/lib/*" \
 *       dev.kindling.backend.cuda.CudaBench
 * </pre>
 * Prints a Markdown table: element-wise add bandwidth (out of place and in place, against a device
 * copy as the ceiling), a 4096³ float32 GEMM on cuBLAS (when it loads) and on Kindling's own kernel
 * with the largest difference between the two, and one training step of a 784-512-512-10 MLP at
 * batch 256 on the GPU and on the CPU. Every timing synchronises the device before the clock stops.
 */
public final class CudaBench {
    private CudaBench() {}

    static final Device CUDA = Device.cuda(0);

    private static void row(String what, String value, String note) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", what, value, note);
    }

    /** Seconds per call of {@code body}, after {@code warmup} calls, over {@code iters} calls. */
    private static double time(int warmup, int iters, Runnable body) {
        for (int i = 0; i < warmup; i++) body.run();
        Cuda.synchronize();
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) body.run();
        Cuda.synchronize();
        return (System.nanoTime() - t0) / 1e9 / iters;
    }

    private static long address(Tensor t) {
        return ((CudaStorage) t.storage()).address() + (long) t.storageOffset() * t.dtype().itemSize();
    }

    public static void main(String[] args) {
        if (!Cuda.isAvailable()) {
            System.out.println("CUDA is not available: " + Cuda.reason());
            return;
        }
        System.out.println("Device: " + Cuda.deviceName(0) + ", matrix products on " + Cuda.gemmBackend(0));
        System.out.println();
        System.out.println("| benchmark | result | notes |");
        System.out.println("| --- | --- | --- |");

        // ---- element-wise add bandwidth ----
        int n = 1 << 26;
        Tensor a = Torch.rand(n).to(CUDA), b = Torch.rand(n).to(CUDA);
        double outOfPlace = time(5, 50, () -> {
            try (TensorScope s = Torch.scope()) {
                a.add(b);
            }
        });
        double inPlace = time(5, 50, () -> a.add_(b));
        double copy = time(5, 50, () -> {
            try (TensorScope s = Torch.scope()) {
                a.clone();
            }
        });
        double bytes = 4.0 * n;
        row("add, float32, 2^26 elements, out of place", String.format(Locale.ROOT, "%.0f GB/s", 3 * bytes / outOfPlace / 1e9),
                String.format(Locale.ROOT, "%.3f ms per add (2 reads + 1 write)", outOfPlace * 1e3));
        row("add_, float32, 2^26 elements, in place", String.format(Locale.ROOT, "%.0f GB/s", 3 * bytes / inPlace / 1e9),
                String.format(Locale.ROOT, "%.3f ms", inPlace * 1e3));
        row("clone (device copy), 2^26 float32", String.format(Locale.ROOT, "%.0f GB/s", 2 * bytes / copy / 1e9), "cuMemcpyDtoD: the ceiling");
        a.close();
        b.close();

        // ---- 4096^3 sgemm ----
        int m = 4096;
        Tensor x = Torch.randn(m, m).to(CUDA), y = Torch.randn(m, m).to(CUDA);
        Tensor viaBackend = Torch.empty(new int[] {m, m}, DType.FLOAT32, CUDA), viaKernel = Torch.empty(new int[] {m, m}, DType.FLOAT32, CUDA);
        CudaContext ctx = CudaRuntime.context(0);
        GemmCall call = new GemmCall(m, m, m, false, false, m, m, m, 0, 0, 0, 1, 1, 0);
        Gemm chosen = ctx.driver.gemm();
        KernelGemm own = new KernelGemm(ctx.driver);
        double flops = 2.0 * m * m * m;
        double tChosen = time(3, 20, () -> chosen.run(DType.FLOAT32, call, address(x), address(y), address(viaBackend)));
        double tOwn = time(3, 20, () -> own.run(DType.FLOAT32, call, address(x), address(y), address(viaKernel)));
        double maxDiff = viaBackend.sub(viaKernel).abs().max().item();
        row("sgemm 4096x4096x4096, " + chosen.name(), String.format(Locale.ROOT, "%.1f TFLOP/s", flops / tChosen / 1e12),
                String.format(Locale.ROOT, "%.2f ms", tChosen * 1e3));
        row("sgemm 4096x4096x4096, " + own.name(), String.format(Locale.ROOT, "%.1f TFLOP/s", flops / tOwn / 1e12),
                String.format(Locale.ROOT, "%.2f ms; %.0f%% of the first; max |difference| %.2e", tOwn * 1e3, 100 * tChosen / tOwn, maxDiff));
        double tMatmul = time(3, 20, () -> {
            try (TensorScope s = Torch.scope()) {
                x.matmul(y);
            }
        });
        row("Tensor.matmul 4096x4096 float32", String.format(Locale.ROOT, "%.1f TFLOP/s", flops / tMatmul / 1e12), "through the tensor API");
        for (Tensor t : List.of(x, y, viaBackend, viaKernel)) t.close();

        // ---- MLP training step ----
        double gpuStep = mlpStep(CUDA, 20, 200);
        double cpuStep = mlpStep(Device.CPU, 3, 10);
        row("MLP 784-512-512-10 training step, batch 256, GPU", String.format(Locale.ROOT, "%.2f ms", gpuStep * 1e3),
                String.format(Locale.ROOT, "%.1fx the CPU's %.1f ms (%d threads)", cpuStep / gpuStep, cpuStep * 1e3, Torch.getNumThreads()));
        System.out.println();
        System.out.println("Peak device memory: " + Cuda.maxMemoryAllocated() / (1 << 20) + " MiB allocated, "
                + Cuda.maxMemoryReserved() / (1 << 20) + " MiB reserved");
    }

    /** Seconds per SGD step (forward, cross-entropy, backward, update) of a 784-512-512-10 MLP. */
    static double mlpStep(Device dev, int warmup, int steps) {
        Torch.manualSeed(1);
        Tensor x = Torch.randn(256, 784).to(dev);
        Tensor target = Torch.randint(0, 10, 256, 1).to(dev);
        Tensor w1 = Torch.randn(784, 512).mul(0.05).to(dev).requiresGrad_(true), b1 = Torch.zeros(512).to(dev).requiresGrad_(true);
        Tensor w2 = Torch.randn(512, 512).mul(0.05).to(dev).requiresGrad_(true), b2 = Torch.zeros(512).to(dev).requiresGrad_(true);
        Tensor w3 = Torch.randn(512, 10).mul(0.05).to(dev).requiresGrad_(true), b3 = Torch.zeros(10).to(dev).requiresGrad_(true);
        List<Tensor> params = List.of(w1, b1, w2, b2, w3, b3);
        Runnable step = () -> {
            try (TensorScope s = Torch.scope()) {
                Tensor h = x.matmul(w1).add(b1).relu().matmul(w2).add(b2).relu();
                Tensor loss = h.matmul(w3).add(b3).logSoftmax(1).gather(1, target).neg().mean();
                loss.backward();
                try (var g = Torch.noGrad()) {
                    for (Tensor p : params) p.sub_(p.grad().mul(0.01));
                }
                for (Tensor p : params) p.setGrad(null);
            }
        };
        if (dev.isCpu()) {
            for (int i = 0; i < warmup; i++) step.run();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) step.run();
            return (System.nanoTime() - t0) / 1e9 / steps;
        }
        return time(warmup, steps, step);
    }
}
