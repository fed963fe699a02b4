package dev.kindling;

import dev.kindling.cuda.Cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Helpers of the GPU suite: the same tensor built in the same memory layout on the CPU and on
 * cuda:0, and comparison of a CUDA result with the CPU backend's result for the same op (the CPU
 * backend is the reference implementation of every kernel contract).
 */
final class CudaRef {
    private CudaRef() {}

    /**
     * {@code -Dkindling.cuda.dryRun=true} runs the GPU suite with the CPU standing in for cuda:0: it
     * proves nothing about CUDA, but finds mistakes in the tests themselves before GPU time is spent.
     */
    static final boolean DRY_RUN = Boolean.getBoolean("kindling.cuda.dryRun");

    static final Device CUDA = DRY_RUN ? Device.CPU : Device.cuda(0);

    static void assumeCuda() {
        if (DRY_RUN) return;
        assumeTrue(Cuda.isAvailable(), "no CUDA device: " + Cuda.reason());
    }

    /** Skips tests that measure the device itself (memory, timing) in a dry run. */
    static void assumeRealDevice() {
        assumeTrue(!DRY_RUN, "needs a real CUDA device");
        assumeCuda();
    }

    /**
     * A layout: a dense base tensor made from the values, and the view ops that turn it into the
     * logical tensor (applied on each device after the base is copied there).
     */
    record Layout(String name, int[] shape, Function<double[], Tensor> base, UnaryOperator<Tensor> view) {
        @Override
        public String toString() { return name + Shapes.str(shape); }

        /** {cpu, cuda} tensors of dtype dt with this layout, holding the logical values v. */
        Tensor[] make(double[] v, DType dt) {
            Tensor b = base.apply(v).to(dt);
            return new Tensor[] {view.apply(b), view.apply(b.to(CUDA))};
        }
    }

    /** Contiguous, transposed, stepped, offset and row-broadcast layouts of [rows, cols]. */
    static List<Layout> layouts2d(int rows, int cols) {
        List<Layout> out = new ArrayList<>();
        int[] shape = {rows, cols};
        int n = rows * cols;
        out.add(new Layout("contiguous", shape, v -> Tensor.from(v.clone()), t -> t.view(rows, cols)));
        out.add(new Layout("transposed", shape, v -> {
            double[] t = new double[n];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = v[i * cols + j];
            return Tensor.from(t);
        }, t -> t.view(cols, rows).t()));
        out.add(new Layout("step2", shape, v -> {
            double[] t = new double[n * 2];
            for (int i = 0; i < n; i++) t[2 * i] = v[i];
            return Tensor.from(t);
        }, t -> t.view(rows, cols * 2).slice(1, 0, cols * 2, 2)));
        out.add(new Layout("offset", shape, v -> {
            double[] t = new double[n + 7];
            System.arraycopy(v, 0, t, 7, n);
            return Tensor.from(t);
        }, t -> t.narrow(0, 7, n).view(rows, cols)));
        out.add(new Layout("rowBroadcast", shape, v -> Tensor.from(java.util.Arrays.copyOf(v, cols)), t -> t.view(1, cols).expand(rows, cols)));
        return out;
    }

    static Layout large(int rows, int cols) {
        return new Layout("large", new int[] {rows, cols}, v -> Tensor.from(v.clone()), t -> t.view(rows, cols));
    }

    static double[] random(Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    static double[] randomInts(Random r, int n, int lo, int hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + r.nextInt(hi - lo);
        return v;
    }

    /** Relative tolerance of one dtype's results against the CPU's. */
    static double rtol(DType dt) {
        return switch (dt) {
            case FLOAT64 -> 1e-10;
            case FLOAT32 -> 2e-5;
            case FLOAT16 -> 2e-3;
            case BFLOAT16 -> 1.6e-2;
            default -> 0;
        };
    }

    /** Checks a CUDA result against the CPU result: device, dtype, shape, then values. */
    static void assertSame(Tensor cpu, Tensor cuda, double rtol, double atol, String what) {
        assertEquals(CUDA, cuda.device(), what + ": result device");
        assertEquals(cpu.dtype(), cuda.dtype(), what + ": dtype");
        assertArrayEquals(cpu.shape(), cuda.shape(), what + ": shape");
        double[] e = cpu.detach().to(DType.FLOAT64).contiguous().toDoubleArray();
        double[] a = cuda.detach().cpu().to(DType.FLOAT64).contiguous().toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : e[i] == a[i] || Math.abs(e[i] - a[i]) <= atol + rtol * Math.abs(e[i]);
            if (!ok) fail(what + ": element " + i + " expected " + e[i] + " but CUDA gave " + a[i]);
        }
    }

    static void assertExact(Tensor cpu, Tensor cuda, String what) {
        assertSame(cpu, cuda, 0, 0, what);
    }

    static void assertTrueOnCuda(Tensor t) {
        assertTrue(t.isCuda(), "expected a CUDA tensor, got one on " + t.device());
    }
}
