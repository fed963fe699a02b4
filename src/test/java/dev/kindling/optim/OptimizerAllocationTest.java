package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How much memory one optimizer step allocates on the parameters of a 784-512-256-10 MLP
 * (535,818 float32 values, 2.1 MB), summed over all threads. SGD with momentum updates in place
 * and must allocate almost nothing; Adam allocates one parameter-sized tensor, its {@code sqrt}
 * denominator (PyTorch allocates that and the division's result), and nothing for its in-place
 * {@code lerp_}, {@code addcmul_} and {@code addcdiv_}.
 */
class OptimizerAllocationTest {
    private static final int[][] MLP = {{512, 784}, {512}, {256, 512}, {256}, {10, 256}, {10}};
    private static final long PARAM_BYTES = 535_818L * Float.BYTES;

    static long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) sum += b;
        return sum;
    }

    /** Bytes allocated per step, after warm-up steps. */
    private static double bytesPerStep(Function<List<Tensor>, Optimizer> make) {
        Torch.manualSeed(0);
        List<Tensor> params = new ArrayList<>();
        for (int[] s : MLP) {
            Tensor p = Torch.randn(s).requiresGrad_(true);
            p.setGrad(Torch.randn(s).mul(0.01));
            params.add(p);
        }
        Optimizer opt = make.apply(params);
        for (int i = 0; i < 20; i++) opt.step();
        int steps = 20;
        long before = allocatedBytes();
        for (int i = 0; i < steps; i++) opt.step();
        return (allocatedBytes() - before) / (double) steps;
    }

    @Test
    void sgdMomentumStepAllocatesAlmostNothing() {
        double perStep = bytesPerStep(p -> new SGD(p, 0.01).momentum(0.9));
        assertTrue(perStep < 256 * 1024, "SGD momentum allocated " + perStep + " bytes per step");
    }

    @Test
    void adamStepAllocatesOneParameterSize() {
        double perStep = bytesPerStep(p -> new Adam(p, 1e-3));
        assertTrue(perStep < 1.5 * PARAM_BYTES, "Adam allocated " + perStep / PARAM_BYTES + " parameter sizes per step");
    }
}
