package dev.kindling.cuda;

/**
 * A live allocation handed out by {@link CachingAllocator#allocate}: a range of device memory owned by
 * its caller until it is given back with {@link CachingAllocator#free}. Its values never change; after
 * the free the handle is dead and a second free is rejected.
 */
public interface MemoryBlock {
    /** The device address of the first byte. */
    long address();

    /** The usable size in bytes: the request rounded up to the allocator's block granularity. */
    long size();

    /** The size in bytes that was asked for. */
    long requestedSize();
}
