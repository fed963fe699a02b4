package dev.kindling;

import dev.kindling.backend.cuda.SimulatedCuda;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifetime rules of device tensors (Scopes, TensorScope, Tensor.close) on a simulated CUDA
 * device: a storage is freed when every tensor over it is closed or unreachable, views keep it
 * alive, scopes close what was made inside them except what is kept, and an unreachable temporary
 * over a closed result no longer pins it once collected.
 */
class TensorLifetimeTest {
    static final int[] SHAPE = {256, 256};
    static final long BYTES = 256 * 256 * 4;

    private static Tensor tensor(SimulatedCuda cuda) {
        return new Tensor(cuda.backend().allocate(DType.FLOAT32, 256 * 256), SHAPE.clone());
    }

    @Test
    void closingTheLastTensorOverAStorageFreesItAndViewsKeepIt() {
        SimulatedCuda cuda = new SimulatedCuda();
        Tensor t = tensor(cuda);
        Tensor v = t.view(65536);
        Tensor s = t.narrow(0, 3, 10);
        assertEquals(BYTES, cuda.allocator().memoryAllocated());
        t.close();
        s.close();
        assertEquals(BYTES, cuda.allocator().memoryAllocated(), "a view is still open");
        assertThrows(KindlingException.class, t::strided, "a closed tensor cannot be used");
        v.close();
        v.close();
        assertEquals(0, cuda.allocator().memoryAllocated());
        assertEquals(1, cuda.allocator().memoryStats().get("allocation.all.freed"), "freed once");
    }

    @Test
    void unreachableTemporariesStopPinningAClosedResult() {
        SimulatedCuda cuda = new SimulatedCuda();
        Tensor t = tensor(cuda);
        makeTemporaryViews(t);
        t.close();
        assertEquals(BYTES, cuda.allocator().memoryAllocated(), "the temporaries are not collected yet");
        SimulatedCuda.collect();
        assertEquals(0, cuda.allocator().memoryAllocated(), "collected temporaries dropped their references");
        assertTrue(t.isClosed());
    }

    private static void makeTemporaryViews(Tensor t) {
        for (int i = 0; i < 5; i++) t.view(65536).narrow(0, i, 7);
    }

    @Test
    void tensorsNobodyClosesAreFreedWhenUnreachable() {
        SimulatedCuda cuda = new SimulatedCuda();
        for (int i = 0; i < 8; i++) tensor(cuda).view(128, 512);
        assertEquals(8 * BYTES, cuda.allocator().memoryAllocated());
        SimulatedCuda.collect();
        assertEquals(0, cuda.allocator().memoryAllocated());
    }

    @Test
    void scopesCloseWhatWasMadeInsideExceptWhatIsKept() {
        SimulatedCuda cuda = new SimulatedCuda();
        Tensor outer = tensor(cuda);
        Tensor kept;
        try (TensorScope scope = Torch.scope()) {
            Tensor a = tensor(cuda);
            a.view(65536);
            kept = scope.keep(tensor(cuda));
            try (TensorScope inner = Torch.scope()) {
                tensor(cuda);
                assertEquals(4 * BYTES, cuda.allocator().memoryAllocated());
            }
            assertEquals(3 * BYTES, cuda.allocator().memoryAllocated(), "the inner scope closed its tensor");
        }
        assertEquals(2 * BYTES, cuda.allocator().memoryAllocated(), "outer and kept remain");
        assertTrue(!kept.isClosed() && !outer.isClosed());
        kept.close();
        outer.close();
        assertEquals(0, cuda.allocator().memoryAllocated());
    }

    @Test
    void replacingATensorsDataMovesItsReference() {
        SimulatedCuda cuda = new SimulatedCuda();
        Tensor p = tensor(cuda);
        Tensor q = tensor(cuda);
        p.setData_(q);
        assertEquals(BYTES, cuda.allocator().memoryAllocated(), "p's old storage had no other tensor: freed at once");
        q.close();
        assertEquals(BYTES, cuda.allocator().memoryAllocated(), "p now holds q's storage");
        p.close();
        assertEquals(0, cuda.allocator().memoryAllocated());
    }

    @Test
    void theLeakReportNamesEachTensorTheCollectorHadToFree() {
        SimulatedCuda cuda = new SimulatedCuda(true);
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            tensor(cuda).view(512, 128);
            Tensor closed = tensor(cuda);
            closed.close();
            SimulatedCuda.collect();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString();
        assertEquals(0, cuda.allocator().memoryAllocated());
        assertEquals(1, log.split("never closed", -1).length - 1, "one report, for the tensor nobody closed:\n" + log);
        assertTrue(log.contains("CUDA tensor reclaimed by the garbage collector, never closed: shape [256, 256], torch.float32, "
                + "262144 bytes on cuda:0"), log);
        assertTrue(log.contains("the CUDA storage was allocated here") && log.contains("TensorLifetimeTest.tensor"), log);
    }
}
