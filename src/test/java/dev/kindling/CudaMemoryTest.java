package dev.kindling;

import dev.kindling.cuda.Cuda;
import dev.kindling.cuda.CudaOutOfMemoryException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kindling.CudaRef.CUDA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device memory on a real GPU: close and scopes return blocks at once, a 1,000-step training loop
 * returns to its baseline after every step, unclosed tensors are reclaimed when the device fills,
 * and an out-of-memory error explains itself and leaves everything usable. Needs a GPU.
 */
@Tag("cuda")
class CudaMemoryTest {
    static final long MIB = 1L << 20;

    @BeforeAll
    static void gpu() { CudaRef.assumeRealDevice(); }

    @Test
    void closeReturnsMemoryAtOnceAndViewsKeepTheirStorage() {
        long base = Cuda.memoryAllocated();
        Tensor x = Torch.empty(new int[] {1 << 20}, DType.FLOAT32, CUDA);
        assertEquals(base + 4 * MIB, Cuda.memoryAllocated());
        Tensor v = x.view(1024, 1024);
        x.close();
        assertEquals(base + 4 * MIB, Cuda.memoryAllocated(), "a view keeps the storage");
        v.close();
        assertEquals(base, Cuda.memoryAllocated());
        assertThrows(KindlingException.class, v::sum);
        assertTrue(Cuda.memoryReserved() >= 4 * MIB, "the block stays cached");
        Cuda.emptyCache();
    }

    @Test
    void scopesCloseEverythingButWhatIsKept() {
        long base = Cuda.memoryAllocated();
        Tensor kept;
        try (TensorScope scope = Torch.scope()) {
            Tensor a = Torch.randn(1000, 1000).to(CUDA);
            Tensor b = a.mul(2).add(1).relu();
            kept = scope.keep(b.sum());
            assertTrue(Cuda.memoryAllocated() > base + 8 * MIB);
        }
        assertEquals(base + 512, Cuda.memoryAllocated(), "only the kept scalar's 512-byte block is live");
        assertTrue(kept.item() > 0);
        kept.close();
        assertEquals(base, Cuda.memoryAllocated());
    }

    @Test
    void aThousandTrainingStepsReturnToTheBaselineAfterEveryStep() {
        Torch.manualSeed(5);
        Tensor x = Torch.randn(256, 64).to(CUDA);
        Tensor target = Torch.randint(0, 10, 256, 1).to(CUDA);
        Tensor w1 = Torch.randn(64, 128).mul(0.1).to(CUDA).requiresGrad_(true), b1 = Torch.zeros(128).to(CUDA).requiresGrad_(true);
        Tensor w2 = Torch.randn(128, 10).mul(0.1).to(CUDA).requiresGrad_(true), b2 = Torch.zeros(10).to(CUDA).requiresGrad_(true);
        List<Tensor> params = List.of(w1, b1, w2, b2);
        long baseline = Cuda.memoryAllocated();
        double first = 0, last = 0;
        for (int step = 0; step < 1000; step++) {
            try (TensorScope scope = Torch.scope()) {
                Tensor logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
                Tensor loss = logits.logSoftmax(1).gather(1, target).neg().mean();
                loss.backward();
                try (var g = Torch.noGrad()) {
                    for (Tensor p : params) p.sub_(p.grad().mul(0.5));
                }
                for (Tensor p : params) p.setGrad(null);
                last = loss.item();
                if (step == 0) first = last;
            }
            assertEquals(baseline, Cuda.memoryAllocated(), "device memory after step " + step);
        }
        assertTrue(last < first * 0.5, "the loss fell from " + first + " to " + last);
        assertTrue(Cuda.maxMemoryAllocated() > baseline);
    }

    @Test
    void unclosedTensorsAreReclaimedWhenTheDeviceFills() {
        long total = Cuda.memGetInfo(0)[1];
        int chunk = (int) Math.min(Integer.MAX_VALUE - 8, total / 6 / 4);
        long retries = Cuda.memoryStats().getOrDefault("num_alloc_retries", 0L);
        for (int i = 0; i < 24; i++) {
            Tensor t = Torch.empty(new int[] {chunk}, DType.FLOAT32, CUDA);  // about three device-fulls in all, never closed
            t.fill_(i);
        }
        Map<String, Long> stats = Cuda.memoryStats();
        assertTrue(stats.get("num_alloc_retries") > retries, "the allocator had to reclaim: " + stats);
        Cuda.emptyCache();
    }

    @Test
    void outOfMemoryIsExplainedAndChangesNothing() {
        Tensor keep = Torch.full(3.0, 1000).to(CUDA);
        long base = Cuda.memoryAllocated();
        long ooms = Cuda.memoryStats().getOrDefault("num_ooms", 0L);
        java.util.List<Tensor> held = new java.util.ArrayList<>();
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> {
            for (int i = 0; i < 1000; i++) held.add(Torch.empty(new int[] {Integer.MAX_VALUE - 8}, DType.INT64, CUDA));
        });
        assertTrue(!held.isEmpty(), "at least one 16 GiB tensor fits");
        assertTrue(e.getMessage().startsWith("CUDA out of memory. Tried to allocate 16.00 GiB (request 16.00 GiB). GPU 0 has a total "
                + "capacity of "), e.getMessage());
        assertTrue(e.getMessage().contains("is allocated by Kindling"), e.getMessage());
        assertEquals(ooms + 1, Cuda.memoryStats().get("num_ooms"));
        assertEquals(3000.0, keep.sum().item(), "live tensors are untouched");
        for (Tensor t : held) t.close();
        assertEquals(base, Cuda.memoryAllocated());
        Tensor after = Torch.ones(1 << 20).to(CUDA);
        assertEquals(1 << 20, after.sum().item(), "the allocator is usable after the error");
        Cuda.emptyCache();
    }

    @Test
    void statisticsUsePyTorchsKeys() {
        Torch.ones(10).to(CUDA).close();
        Map<String, Long> s = Cuda.memoryStats();
        for (String k : List.of("allocated_bytes.all.current", "allocated_bytes.all.peak", "reserved_bytes.all.current",
                "active_bytes.small_pool.current", "requested_bytes.all.allocated", "num_device_alloc", "num_ooms")) {
            assertTrue(s.containsKey(k), k);
        }
        assertTrue(Cuda.memorySummary().contains("Kindling CUDA memory summary, device ID 0"));
        Cuda.resetPeakMemoryStats();
        assertEquals(Cuda.memoryAllocated(), Cuda.maxMemoryAllocated());
    }
}
