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
 * Each tensor over it holds one reference ({@link #track}), dropped when the tensor is closed or,
 * as a safety net, when the tensor becomes unreachable ({@link DeviceCleaner}). The block goes back
 * to the allocator exactly once, when the last reference is dropped ({@link #release()}, through
 * {@code Storage.releaseRef}), or when a storage no tensor ever used becomes unreachable. With
 * {@code KINDLING_CUDA_LEAK_REPORT=1} each storage freed by the safety net is logged as a warning
 * with the shape of the first tensor over it, its size, and the stack trace of its allocation.
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

    /**
     * Takes a reference for {@code tensor} (with its shape, for the leak report): the returned action
     * drops it, once; if the tensor becomes unreachable first, the cleaner drops it instead. So a
     * storage is freed when every tensor over it is closed or unreachable, and temporaries that an op
     * creates over its result stop holding it as soon as they are collected.
     */
    public Runnable track(Object tensor, int[] shape) {
        retain();
        noteShape(shape);
        DeviceCleaner.Handle h = DeviceCleaner.INSTANCE.register(tensor, new TensorReference(this));
        return h::clean;
    }

    /** A tensor's reference on a storage; holds the storage, not the tensor. */
    private record TensorReference(CudaStorage storage) implements DeviceCleaner.Action {
        @Override
        public void run(boolean unreachable) {
            boolean wasReleased = storage.isReleased();
            storage.releaseRef();
            if (unreachable && !wasReleased && storage.isReleased() && storage.release.stack != null) {
                Release r = storage.release;
                log.warn(leakMessage(storage.context.device, r.shape, storage.dtype(), storage.size), r.stack);
            }
        }
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
