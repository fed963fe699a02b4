package dev.kindling.cuda;

/**
 * Raw memory of one CUDA device, as the driver hands it out ({@code cuMemAlloc} / {@code cuMemFree},
 * {@code cuMemGetInfo}).
 *
 * <p>The CUDA backend implements it over JCuda and gives it to a {@link CachingAllocator}; tests give
 * the allocator a simulated device instead. The allocator calls it while holding its own lock, one call
 * at a time, so an implementation needs no locking of its own for the allocator's sake.
 */
public interface DeviceMemory {
    /**
     * Allocates {@code bytes} of device memory.
     *
     * @return the device address of the new allocation, or 0 when the device has no room for it
     *     (any other failure is thrown)
     */
    long allocate(long bytes);

    /** Returns an allocation made by {@link #allocate} to the device. */
    void free(long address);

    /** The device's capacity in bytes. */
    long totalBytes();

    /** The bytes free on the device now. */
    long freeBytes();
}
