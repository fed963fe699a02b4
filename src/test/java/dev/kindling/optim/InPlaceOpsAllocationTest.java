package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.Tensor;
import dev.kindling.Torch;

import org.junit.jupiter.api.Test;

/**
 * The in-place ternary ops the optimizers rely on ({@code addcmul_}, {@code addcdiv_},
 * {@code lerp_}) write into their tensor without a full-size temporary: Adam-style optimizers
 * make three such calls per parameter and step.
 */
class InPlaceOpsAllocationTest {
    @Test
    void ternaryInPlaceOpsDoNotAllocateTheirResult() {
        Tensor a = Torch.randn(1 << 20), b = Torch.randn(1 << 20), c = Torch.rand(1 << 20).add(1);
        long bytes = (long) Float.BYTES << 20;
        try (var g = Torch.noGrad()) {
            for (int i = 0; i < 5; i++) {
                a.addcmul_(b, b, 1e-3);
                a.addcdiv_(b, c, 1e-3);
                a.lerp_(b, 0.1);
            }
            long before = OptimizerAllocationTest.allocatedBytes();
            a.addcmul_(b, b, 1e-3);
            a.addcdiv_(b, c, 1e-3);
            a.lerp_(b, 0.1);
            long allocated = OptimizerAllocationTest.allocatedBytes() - before;
            assertTrue(allocated < bytes / 4, "three in-place ops allocated " + allocated + " bytes for a " + bytes + "-byte tensor");
        }
    }
}
