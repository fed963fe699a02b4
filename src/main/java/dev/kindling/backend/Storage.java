package dev.kindling.backend;

import dev.kindling.DType;
import dev.kindling.Device;

/**
 * The memory behind one or more tensors: a flat run of elements of one dtype on one device.
 *
 * <p>Created by a {@link Backend} (allocation) or by wrapping a caller's Java array; consumed by
 * kernels, which reach the elements through the concrete subclass ({@code CpuStorage} holds a Java
 * array, a CUDA storage holds a device block). Views share one storage; a storage never changes
 * its dtype or size.
 */
public abstract class Storage {
    private final DType dtype;

    protected Storage(DType dtype) {
        this.dtype = dtype;
    }

    public final DType dtype() { return dtype; }

    public abstract Device device();

    /** The number of elements. */
    public abstract long size();

    /** The backend that runs kernels on this storage. */
    public abstract Backend backend();

    private final java.util.concurrent.atomic.AtomicInteger refs = new java.util.concurrent.atomic.AtomicInteger();

    /** Adds a tensor reference (device storage only; CPU storage is not counted). */
    public final void retain() { refs.incrementAndGet(); }

    /** Drops a tensor reference; the last one returns the memory. */
    public final void releaseRef() {
        if (refs.decrementAndGet() == 0) release();
    }

    /**
     * Returns device memory early (CUDA); CPU storage is left to the garbage collector.
     * Called when the last tensor that uses the storage is closed.
     */
    public void release() {}

    /** True once {@link #release()} has returned the memory. */
    public boolean isReleased() { return false; }
}
