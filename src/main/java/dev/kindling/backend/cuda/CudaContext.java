package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.cuda.AllocatorConfig;
import dev.kindling.cuda.CachingAllocator;
import dev.kindling.cuda.MemoryBlock;

/**
 * Everything the backend holds for one CUDA device: its {@link Driver}, its caching allocator (over
 * the driver's raw memory, reclaiming unreachable tensors through {@link DeviceCleaner}) and its
 * {@link CudaBackend}. Created once per device by {@link CudaRuntime}, or by tests over a simulated
 * driver. Also sizes kernel grids and hands out scratch memory.
 */
final class CudaContext {
    /** Threads per block of the element-wise and most other kernels. */
    static final int THREADS = 256;
    /** Resident blocks per multiprocessor a grid-stride launch aims for. */
    static final int BLOCKS_PER_SM = 32;

    final Driver driver;
    final Device device;
    final CachingAllocator allocator;
    final CudaBackend backend;
    private final boolean leakReport;
    /** The largest scratch buffer of unfolded convolution columns; tests lower it to force chunks. */
    long colBufferBytes = CudaConv.COL_BUFFER_BYTES;

    CudaContext(Driver driver, AllocatorConfig config, boolean leakReport) {
        this.driver = driver;
        this.device = Device.cuda(driver.index());
        this.leakReport = leakReport;
        this.allocator = new CachingAllocator(driver, driver.index(), config, DeviceCleaner.INSTANCE::reclaim);
        this.backend = new CudaBackend(this);
    }

    /** A new storage of {@code numel} elements (contents unspecified). */
    CudaStorage storage(DType dtype, long numel) {
        DeviceCleaner.INSTANCE.drain();
        return new CudaStorage(this, dtype, numel, leakReport);
    }

    /** The blocks of a grid-stride launch over {@code n} items with {@code threads} per block. */
    int blocks(long n, int threads) {
        long want = (n + threads - 1) / threads;
        return (int) Math.max(1, Math.min(want, (long) driver.multiprocessors() * BLOCKS_PER_SM));
    }

    /** Scratch device memory for the duration of one backend call; close returns it. */
    Scratch scratch(long bytes) {
        DeviceCleaner.INSTANCE.drain();
        return new Scratch(allocator.allocate(bytes));
    }

    /**
     * A block of device memory for temporaries. Closing it while kernels that use it are still queued
     * is safe: the allocator only hands it out again to work queued after them on the same stream.
     */
    final class Scratch implements AutoCloseable {
        private final MemoryBlock block;
        private boolean closed;

        private Scratch(MemoryBlock block) {
            this.block = block;
        }

        long address() { return block.address(); }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            allocator.free(block);
        }
    }
}
