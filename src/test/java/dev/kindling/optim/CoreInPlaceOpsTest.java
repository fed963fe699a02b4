package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.Tensor;
import dev.kindling.Torch;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A reproducer for the core: {@code addcmul_}, {@code addcdiv_} and {@code lerp_} compute an
 * out-of-place result and copy it back (the generic {@code Ops.inplace} path), so each call
 * allocates a temporary the size of its tensor. Adam-style optimizers make three such calls per
 * parameter and step. Enable once the core writes these in place.
 */
class CoreInPlaceOpsTest {
    @Test
    @Disabled("core: addcmul_/addcdiv_/lerp_ allocate a full-size temporary (Ops.inplace); see the optim report")
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
