package dev.kindling.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A fake device address space for allocator tests: a capacity, a bump pointer (so every allocation gets
 * a fresh, higher address and ranges can never overlap), counts of every call, the sizes and addresses
 * asked and freed, and failures on demand. Freeing an address that is not a live allocation is an
 * error, which catches allocator bugs. Thread-safe.
 */
final class SimulatedDevice implements DeviceMemory {
    static final long BASE_ADDRESS = 0x7f00_0000_0000L;

    private final long capacity;
    private final TreeMap<Long, Long> live = new TreeMap<>();
    private long nextAddress = BASE_ADDRESS;
    private long used;
    private long driverOverhead;
    private int failNext;

    int allocateCalls;
    int failedAllocations;
    int freeCalls;
    final List<Long> allocatedSizes = new ArrayList<>();
    final List<Long> freedAddresses = new ArrayList<>();

    SimulatedDevice(long capacity) { this.capacity = capacity; }

    @Override
    public synchronized long allocate(long bytes) {
        allocateCalls++;
        if (failNext > 0 || used + bytes > capacity - driverOverhead) {
            if (failNext > 0) failNext--;
            failedAllocations++;
            return 0;
        }
        long address = nextAddress;
        nextAddress += bytes;
        live.put(address, bytes);
        used += bytes;
        allocatedSizes.add(bytes);
        return address;
    }

    @Override
    public synchronized void free(long address) {
        Long size = live.remove(address);
        if (size == null) throw new AssertionError("free of 0x" + Long.toHexString(address) + ", not a live allocation");
        used -= size;
        freeCalls++;
        freedAddresses.add(address);
    }

    @Override public long totalBytes() { return capacity; }

    @Override public synchronized long freeBytes() { return capacity - driverOverhead - used; }

    /** The next {@code n} allocations fail whatever the free memory. */
    synchronized void failNextAllocations(int n) { failNext = n; }

    /** Memory the driver holds outside any allocation: it lowers free memory, not capacity. */
    synchronized void setDriverOverhead(long bytes) { driverOverhead = bytes; }

    synchronized long usedBytes() { return used; }

    synchronized int liveAllocations() { return live.size(); }
}
