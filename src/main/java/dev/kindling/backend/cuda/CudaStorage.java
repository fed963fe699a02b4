package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.backend.Backend;
import dev.kindling.backend.Storage;
import dev.kindling.cuda.CachingAllocator;
import dev.kindling.cuda.MemoryBlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The elements of CUDA tensors: one block of device memory from the device's
 * {@link CachingAllocator}, holding {@link #size()} elements of one dtype.
 *
 * <p>Created by {@link CudaBackend#allocate}; kernels reach the memory through {@link #address()}.
 * The block goes back to the allocator exactly once: when the last tensor using the storage is
 * closed ({@link #release()}, through {@code Storage.releaseRef}), or, as a safety net, when the
 * storage becomes unreachable ({@link DeviceCleaner}). With {@code KINDLING_CUDA_LEAK_REPORT=1} the
 * safety net logs a warning for each storage it reclaims, with the shape of the first tensor that
 * used it, its size, and the stack trace of its allocation.
 */
public final class CudaStorage extends Storage {
    private static final Logger log = LoggerFactory.getLogger(CudaStorage.class);

    /** The environment variable that turns the leak report on ({@code 1}). */
    public static final String LEAK_REPORT_ENV = "KINDLING_CUDA_LEAK_REPORT";
    static final boolean LEAK_REPORT = "1".equals(System.getenv(LEAK_REPORT_ENV));

    private final CudaContext context;
    private final long size;
    private final MemoryBlock block;
    private final Release release;
    private final DeviceCleaner.Handle handle;
    private volatile boolean released;

    CudaStorage(CudaContext context, DType dtype, long size, boolean leakReport) {
        super(dtype);
        this.context = context;
        this.size = size;
        this.block = context.allocator.allocate(size * dtype.itemSize());
        this.release = new Release(context, block, dtype, size,
                leakReport ? new Throwable("the CUDA storage was allocated here") : null);
        this.handle = DeviceCleaner.INSTANCE.register(this, release);
    }

    /** The device address of element 0. */
    public long address() {
        return block.address();
    }

    /** Records the shape of the first tensor over this storage, for the leak report. */
    public void noteShape(int[] shape) {
        if (release.stack != null && release.shape == null) release.shape = shape.clone();
    }

    @Override
    public Device device() { return context.device; }

    @Override
    public long size() { return size; }

    @Override
    public Backend backend() { return context.backend; }

    @Override
    public void release() {
        if (released) return;
        released = true;
        handle.clean();
    }

    @Override
    public boolean isReleased() { return released; }

    CudaContext context() { return context; }

    /** Frees the block; holds everything the report needs, and nothing that keeps the storage alive. */
    static final class Release implements DeviceCleaner.Action {
        private final CudaContext context;
        private final MemoryBlock block;
        private final DType dtype;
        private final long size;
        final Throwable stack;
        volatile int[] shape;

        Release(CudaContext context, MemoryBlock block, DType dtype, long size, Throwable stack) {
            this.context = context;
            this.block = block;
            this.dtype = dtype;
            this.size = size;
            this.stack = stack;
        }

        @Override
        public void run(boolean unreachable) {
            context.allocator.free(block);
            if (unreachable && stack != null) log.warn(leakMessage(context.device, shape, dtype, size), stack);
        }
    }

    /** The leak report's line for one reclaimed storage. */
    static String leakMessage(Device device, int[] shape, DType dtype, long size) {
        return "CUDA tensor reclaimed by the garbage collector, never closed: shape "
                + (shape == null ? "unknown (no tensor was created over it)" : Arrays.toString(shape)) + ", " + dtype + ", "
                + size * dtype.itemSize() + " bytes on " + device + "; close it, or create it inside Torch.scope()";
    }
}
