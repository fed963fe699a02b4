package dev.kindling.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caching allocator of one CUDA device: hands out device memory to tensors and keeps freed memory
 * cached for reuse, because asking the driver ({@code cuMemAlloc}/{@code cuMemFree}) is slow and
 * synchronises the device. The CUDA backend creates one per device over a {@link DeviceMemory}; tensor
 * storage calls {@link #allocate} and {@link #free}; {@code Cuda} reports its statistics. It is pure
 * policy over that interface, so it is tested against a simulated device.
 *
 * <p>Policy (PyTorch's {@code CUDACachingAllocator}, without streams):
 * <ul>
 *   <li>Every request is rounded up to a multiple of 512 bytes ({@link #MIN_BLOCK_BYTES}), or to a
 *       power-of-two division when {@code roundup_power2_divisions} is configured.
 *   <li>Requests of at most 1 MiB (after rounding) use the small pool, whose segments are 2 MiB; larger
 *       ones use the large pool, whose segments are 20 MiB for requests below 10 MiB and the request
 *       rounded up to 2 MiB otherwise.
 *   <li>A request takes the smallest cached block that fits (the lowest address among equals). A block
 *       larger than the request is split when the remainder is at least 512 bytes (small pool) or more
 *       than 1 MiB (large pool); a freed block merges with free neighbours of its segment.
 *   <li>{@link #emptyCache} returns every cached segment that is wholly free to the device; a segment
 *       with any live block stays.
 *   <li>{@link AllocatorConfig}: {@code max_split_size_mb} (oversize blocks are never split and serve
 *       only requests within 20 MiB of their size), {@code garbage_collection_threshold} and
 *       {@code roundup_power2_divisions}.
 * </ul>
 *
 * <p>An allocation falls back along a ladder (see {@link #allocate}): best fit in the pool, then a new
 * segment from the device, then the device again after releasing cached segments, then the same again
 * after the reclaimer has returned the memory of unreachable tensors, and only then a
 * {@link CudaOutOfMemoryException}. A failed allocation changes no live block, and the allocator stays
 * usable.
 *
 * <p>Locking: one lock per allocator guards all its state and is held across calls into
 * {@link DeviceMemory}; the reclaimer is the one callback run without it, because it frees tensors,
 * which re-enters {@link #free} (from this thread or from a cleaner thread).
 *
 * <p>Statistics use PyTorch's names and meanings ({@link #memoryStats}, {@link #memorySummary}); with
 * no streams, "active" equals "allocated".
 */
public final class CachingAllocator {
    private static final Logger log = LoggerFactory.getLogger(CachingAllocator.class);

    static final long MIB = 1L << 20;
    /** All block sizes are multiples of this: 512 bytes (PyTorch's kMinBlockSize). */
    static final long MIN_BLOCK_BYTES = 512;
    /** The largest request served from the small pool: 1 MiB (kSmallSize). */
    static final long SMALL_SIZE_BYTES = MIB;
    /** The segment size of the small pool: 2 MiB (kSmallBuffer). */
    static final long SMALL_BUFFER_BYTES = 2 * MIB;
    /**
     * The segment size for large requests below {@link #MIN_LARGE_ALLOC_BYTES}, and how far an oversize
     * cached block may exceed the request it serves: 20 MiB (kLargeBuffer).
     */
    static final long LARGE_BUFFER_BYTES = 20 * MIB;
    /** Large requests from this size get a segment of their own size: 10 MiB (kMinLargeAlloc). */
    static final long MIN_LARGE_ALLOC_BYTES = 10 * MIB;
    /** Own-size segments are rounded up to a multiple of this: 2 MiB (kRoundLarge). */
    static final long ROUND_LARGE_BYTES = 2 * MIB;
    /** Requests above this never reach the device: 1 EiB, PyTorch's limit. */
    static final long MAX_REQUEST_BYTES = 1L << 60;
    /** How long the default reclaimer waits for cleaners after {@code System.gc()}: 50 ms. */
    static final long DEFAULT_RECLAIM_WAIT_MILLIS = 50;

    // Indices of the three variants of every statistic, and their names in memoryStats().
    private static final int ALL = 0;
    private static final int SMALL_POOL = 1;
    private static final int LARGE_POOL = 2;
    private static final String[] POOL_NAMES = {"all", "small_pool", "large_pool"};

    private static final Comparator<Block> BY_SIZE_THEN_ADDRESS =
            Comparator.<Block>comparingLong(b -> b.size).thenComparingLong(b -> b.address);

    private final DeviceMemory raw;
    private final int deviceIndex;
    private final AllocatorConfig config;
    private final Runnable reclaimer;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock:
    private final NavigableSet<Block> smallFree = new TreeSet<>(BY_SIZE_THEN_ADDRESS);
    private final NavigableSet<Block> largeFree = new TreeSet<>(BY_SIZE_THEN_ADDRESS);
    private final Set<Block> live = new HashSet<>();
    private final Block searchKey = new Block(false, Long.MIN_VALUE, 0);
    private long freeSequence;

    private final StatArray allocation = new StatArray();
    private final StatArray segment = new StatArray();
    private final StatArray active = new StatArray();
    private final StatArray inactiveSplit = new StatArray();
    private final StatArray allocatedBytes = new StatArray();
    private final StatArray reservedBytes = new StatArray();
    private final StatArray activeBytes = new StatArray();
    private final StatArray inactiveSplitBytes = new StatArray();
    private final StatArray requestedBytes = new StatArray();
    private final Stat oversizeAllocations = new Stat();
    private final Stat oversizeSegments = new Stat();
    private long numAllocRetries;
    private long numOoms;
    private long numDeviceAlloc;
    private long numDeviceFree;

    /** An allocator for device 0, configured from {@code KINDLING_CUDA_ALLOC_CONF}, reclaiming with the GC. */
    public CachingAllocator(DeviceMemory raw) {
        this(raw, 0, AllocatorConfig.fromEnvironment(), CachingAllocator::collectGarbage);
    }

    /**
     * @param raw the device's memory
     * @param deviceIndex the CUDA device index, for messages and the summary
     * @param config the policy options
     * @param reclaimer run when the device is full even after the cache was released: returns the
     *     memory of unreachable tensors (runs the GC and drains the tensor cleaners), then returns. It is
     *     called without the allocator's lock and may call {@link #free}.
     */
    public CachingAllocator(DeviceMemory raw, int deviceIndex, AllocatorConfig config, Runnable reclaimer) {
        if (raw == null || config == null || reclaimer == null) {
            throw new IllegalArgumentException("CachingAllocator: raw device memory, config and reclaimer are required, got "
                    + raw + ", " + config + ", " + reclaimer);
        }
        if (deviceIndex < 0) throw new IllegalArgumentException("CachingAllocator: device index must be >= 0, got " + deviceIndex);
        this.raw = raw;
        this.deviceIndex = deviceIndex;
        this.config = config;
        this.reclaimer = reclaimer;
    }

    /** The default reclaimer: a GC, then a short wait so that cleaners of unreachable tensors can run. */
    private static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(DEFAULT_RECLAIM_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // allocate / free

    /**
     * Allocates at least {@code bytes} of device memory (a request of 0 bytes gets a 512-byte block).
     * The ladder, each step tried only when the ones before found nothing:
     * <ol>
     *   <li>the best-fitting cached block of the request's pool;
     *   <li>a new segment from the device (first releasing least recently freed cached segments when the
     *       reserved memory is above {@code garbage_collection_threshold});
     *   <li>with {@code max_split_size_mb}: release oversize cached blocks, ask the device again;
     *   <li>release every wholly free cached segment ({@link #emptyCache}), ask the device again;
     *   <li>call the reclaimer (without the lock) and run steps 1 to 4 once more;
     *   <li>throw {@link CudaOutOfMemoryException}.
     * </ol>
     *
     * @throws CudaOutOfMemoryException when the device has no room even then
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public MemoryBlock allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("CachingAllocator.allocate: size must be >= 0, got " + bytes
                    + " bytes (device " + deviceIndex + ")");
        }
        if (bytes > MAX_REQUEST_BYTES) throw outOfMemory(bytes, bytes);
        long size = roundSize(bytes);
        long allocSize = allocationSize(size);
        MemoryBlock block = tryAllocate(bytes, size, allocSize);
        if (block != null) return block;
        log.debug("CUDA device {}: no room for {} bytes after releasing the cache; reclaiming unreachable tensors",
                deviceIndex, allocSize);
        reclaimer.run();   // without the lock: it frees tensors, which re-enters free()
        block = tryAllocate(bytes, size, allocSize);
        if (block != null) return block;
        throw outOfMemory(bytes, allocSize);
    }

    /** Steps 1 to 4 of the ladder under the lock: the caller's live block, or null when the device is full. */
    private MemoryBlock tryAllocate(long requested, long size, long allocSize) {
        lock.lock();
        try {
            Block block = findOrCreateBlock(size, allocSize, size <= SMALL_SIZE_BYTES);
            return block == null ? null : handOut(block, size, requested);
        } finally {
            lock.unlock();
        }
    }

    private CudaOutOfMemoryException outOfMemory(long requested, long allocSize) {
        lock.lock();
        try {
            numOoms++;
            long allocated = allocatedBytes.get(ALL).current;
            return new CudaOutOfMemoryException(deviceIndex, requested, allocSize, raw.totalBytes(), raw.freeBytes(),
                    allocated, reservedBytes.get(ALL).current - allocated);
        } finally {
            lock.unlock();
        }
    }

    /** Steps 1 to 4 of the {@link #allocate} ladder: a block for the request, not yet live, or null. */
    private Block findOrCreateBlock(long size, long allocSize, boolean small) {
        NavigableSet<Block> pool = small ? smallFree : largeFree;
        Block block = takeBestFit(pool, size);
        if (block != null) return block;
        if (config.garbageCollectionThreshold() > 0) releaseLeastRecentlyFreed();
        block = allocateSegment(allocSize, small, false);
        if (block != null) return block;
        if (config.maxSplitSize() != Long.MAX_VALUE && releaseOversizeBlocks(pool, size)) {
            block = allocateSegment(allocSize, small, false);
            if (block != null) return block;
        }
        releaseCachedSegments();
        return allocateSegment(allocSize, small, true);
    }

    /**
     * Returns a block to the cache, merging it with free neighbours.
     *
     * @throws IllegalArgumentException when the block is not a live block of this allocator (freed
     *     already, or from another allocator)
     */
    public void free(MemoryBlock block) {
        if (!(block instanceof Allocation) || ((Allocation) block).owner != this) {
            throw new IllegalArgumentException("CachingAllocator.free: " + block
                    + " was not allocated by the caching allocator of CUDA device " + deviceIndex);
        }
        Allocation a = (Allocation) block;
        lock.lock();
        try {
            Block b = a.block;
            if (b.live != a) {
                throw new IllegalArgumentException("CachingAllocator.free: " + a
                        + " of CUDA device " + deviceIndex + " was already freed");
            }
            b.live = null;
            live.remove(b);
            int pool = poolIndex(b.small);
            allocation.decrease(pool, 1);
            allocatedBytes.decrease(pool, b.size);
            if (b.size >= config.maxSplitSize()) oversizeAllocations.decrease(1);
            freeBlock(b);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // sizes

    /** The block size a request of {@code bytes} gets (PyTorch's round_size). */
    long roundSize(long bytes) {
        if (bytes < MIN_BLOCK_BYTES) return MIN_BLOCK_BYTES;
        int divisions = config.roundupPower2Divisions(bytes);
        if (divisions > 1 && bytes > MIN_BLOCK_BYTES * divisions) return roundUpToPowerOfTwoDivision(bytes, divisions);
        return ceilTo(bytes, MIN_BLOCK_BYTES);
    }

    /**
     * Rounds up to the next of {@code divisions} equal steps between the powers of two around
     * {@code bytes}: 1200 with 4 divisions lies between 1024 and 2048, steps 1024, 1280, 1536, 1792,
     * so 1280.
     */
    static long roundUpToPowerOfTwoDivision(long bytes, int divisions) {
        long floor = Long.highestOneBit(bytes);
        if (floor == bytes) return bytes;
        long step = floor / divisions;
        if (step == 0) return floor << 1;
        return ceilTo(bytes, step);
    }

    /** The size of the segment asked of the device for a block of {@code size} (get_allocation_size). */
    static long allocationSize(long size) {
        if (size <= SMALL_SIZE_BYTES) return SMALL_BUFFER_BYTES;
        if (size < MIN_LARGE_ALLOC_BYTES) return LARGE_BUFFER_BYTES;
        return ceilTo(size, ROUND_LARGE_BYTES);
    }

    private static long ceilTo(long bytes, long multiple) {
        return (bytes + multiple - 1) / multiple * multiple;
    }

    // ---------------------------------------------------------------------------------------------
    // blocks and segments; all below run under the lock

    /** The smallest cached block of {@code pool} that fits, removed from the pool; null when none may serve. */
    private Block takeBestFit(NavigableSet<Block> pool, long size) {
        searchKey.size = size;
        Block b = pool.ceiling(searchKey);
        if (b == null) return null;
        long maxSplit = config.maxSplitSize();
        // An oversize block serves only oversize requests, and only those it exceeds by less than 20 MiB.
        if (size < maxSplit && b.size >= maxSplit) return null;
        if (size >= maxSplit && b.size >= size + LARGE_BUFFER_BYTES) return null;
        pool.remove(b);
        return b;
    }

    /** A new segment of {@code allocSize} from the device as one block, or null when the device is full. */
    private Block allocateSegment(long allocSize, boolean small, boolean isRetry) {
        if (isRetry) numAllocRetries++;
        long address = raw.allocate(allocSize);
        if (address == 0) return null;
        numDeviceAlloc++;
        int pool = poolIndex(small);
        segment.increase(pool, 1);
        reservedBytes.increase(pool, allocSize);
        if (allocSize >= config.maxSplitSize()) oversizeSegments.increase(1);
        return new Block(small, address, allocSize);
    }

    /** Marks a block taken from a pool or the device as live, splitting off the remainder when the policy says so. */
    private MemoryBlock handOut(Block block, long size, long requested) {
        int pool = poolIndex(block.small);
        boolean alreadySplit = block.isSplit();
        if (shouldSplit(block, size)) {
            Block remaining = block;
            block = new Block(remaining.small, remaining.address, size);
            block.prev = remaining.prev;
            if (block.prev != null) block.prev.next = block;
            block.next = remaining;
            remaining.prev = block;
            remaining.address += size;
            remaining.size -= size;
            insertFree(remaining);
            if (alreadySplit) {
                inactiveSplitBytes.decrease(pool, size);   // a free split block shrinks by size
            } else {
                inactiveSplitBytes.increase(pool, remaining.size);   // a new free split block
                inactiveSplit.increase(pool, 1);
            }
        } else if (alreadySplit) {
            inactiveSplitBytes.decrease(pool, block.size);   // a free split block becomes live whole
            inactiveSplit.decrease(pool, 1);
        }
        Allocation handle = new Allocation(this, block, block.address, block.size, requested);
        block.live = handle;
        block.requested = requested;
        live.add(block);
        allocation.increase(pool, 1);
        allocatedBytes.increase(pool, block.size);
        active.increase(pool, 1);
        activeBytes.increase(pool, block.size);
        requestedBytes.increase(pool, requested);
        if (block.size >= config.maxSplitSize()) oversizeAllocations.increase(1);
        return handle;
    }

    private boolean shouldSplit(Block block, long size) {
        long remaining = block.size - size;
        if (block.small) return remaining >= MIN_BLOCK_BYTES;
        return size < config.maxSplitSize() && remaining > SMALL_SIZE_BYTES;
    }

    /** Puts a block that is no longer live back in its pool, merged with free neighbours. */
    private void freeBlock(Block block) {
        int pool = poolIndex(block.small);
        long originalSize = block.size;
        long splitBlocksChange = 0;
        long splitBytesChange = 0;
        for (Block neighbour : new Block[] {block.prev, block.next}) {
            long absorbed = tryMerge(block, neighbour);
            if (absorbed > 0) {
                splitBlocksChange -= 1;
                splitBytesChange -= absorbed;
            }
        }
        insertFree(block);
        if (block.isSplit()) {
            splitBlocksChange += 1;
            splitBytesChange += block.size;
        }
        if (splitBlocksChange > 0) inactiveSplit.increase(pool, splitBlocksChange);
        if (splitBlocksChange < 0) inactiveSplit.decrease(pool, -splitBlocksChange);
        if (splitBytesChange > 0) inactiveSplitBytes.increase(pool, splitBytesChange);
        if (splitBytesChange < 0) inactiveSplitBytes.decrease(pool, -splitBytesChange);
        active.decrease(pool, 1);
        activeBytes.decrease(pool, originalSize);
        requestedBytes.decrease(pool, block.requested);
        block.requested = 0;
    }

    /** Absorbs a free neighbour {@code src} into {@code dst}; returns the bytes absorbed, 0 when it is not free. */
    private long tryMerge(Block dst, Block src) {
        if (src == null || src.live != null) return 0;
        poolOf(src).remove(src);
        if (dst.prev == src) {
            dst.address = src.address;
            dst.prev = src.prev;
            if (dst.prev != null) dst.prev.next = dst;
        } else {
            dst.next = src.next;
            if (dst.next != null) dst.next.prev = dst;
        }
        dst.size += src.size;
        return src.size;
    }

    private void insertFree(Block block) {
        block.freedAt = ++freeSequence;
        poolOf(block).add(block);
    }

    /** Returns a wholly free cached segment to the device. */
    private void releaseSegment(Block block) {
        raw.free(block.address);
        numDeviceFree++;
        poolOf(block).remove(block);
        int pool = poolIndex(block.small);
        segment.decrease(pool, 1);
        reservedBytes.decrease(pool, block.size);
        if (block.size >= config.maxSplitSize()) oversizeSegments.decrease(1);
    }

    /** Releases every wholly free cached segment of both pools. */
    private void releaseCachedSegments() {
        for (NavigableSet<Block> pool : List.of(largeFree, smallFree)) {
            for (Block b : new ArrayList<>(pool)) {
                if (!b.isSplit()) releaseSegment(b);
            }
        }
    }

    /**
     * With {@code max_split_size_mb}: releases the smallest oversize cached segment at least as large as
     * the request (or as the split limit), or failing one, oversize segments from the largest down until
     * that much is released. Returns whether that much was released.
     */
    private boolean releaseOversizeBlocks(NavigableSet<Block> pool, long size) {
        long maxSplit = config.maxSplitSize();
        long target = Math.max(size, maxSplit);
        searchKey.size = target;
        for (Block b : pool.tailSet(searchKey, true)) {
            if (!b.isSplit()) {
                releaseSegment(b);
                return true;
            }
        }
        long released = 0;
        for (Block b : new ArrayList<>(pool.descendingSet())) {
            if (released >= target || b.size < maxSplit) break;
            if (b.isSplit()) continue;
            released += b.size;
            releaseSegment(b);
        }
        return released >= target;
    }

    /**
     * With {@code garbage_collection_threshold}: when the reserved memory exceeds that fraction of the
     * device, releases wholly free large-pool segments, least recently freed first, until it no longer
     * does (or none are left). As in PyTorch, the small pool's 2 MiB segments are left alone.
     */
    private void releaseLeastRecentlyFreed() {
        long threshold = (long) (config.garbageCollectionThreshold() * raw.totalBytes());
        long reserved = reservedBytes.get(ALL).current;
        if (reserved <= threshold) return;
        long target = reserved - threshold;
        List<Block> candidates = new ArrayList<>();
        for (Block b : largeFree) {
            if (!b.isSplit()) candidates.add(b);
        }
        candidates.sort(Comparator.comparingLong(b -> b.freedAt));
        long released = 0;
        for (Block b : candidates) {
            if (released >= target) break;
            released += b.size;
            releaseSegment(b);
        }
        log.debug("CUDA device {}: reserved {} bytes exceed the garbage collection threshold, released {} bytes",
                deviceIndex, reserved, released);
    }

    private NavigableSet<Block> poolOf(Block b) { return b.small ? smallFree : largeFree; }

    private static int poolIndex(boolean small) { return small ? SMALL_POOL : LARGE_POOL; }

    // ---------------------------------------------------------------------------------------------
    // cache control and statistics

    /** Returns every cached segment that holds no live block to the device. Live blocks are untouched. */
    public void emptyCache() {
        lock.lock();
        try {
            releaseCachedSegments();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes in live blocks (PyTorch's memory_allocated). */
    public long memoryAllocated() { return current(allocatedBytes); }

    /** Bytes held from the device, live or cached (memory_reserved). */
    public long memoryReserved() { return current(reservedBytes); }

    /** The peak of {@link #memoryAllocated} since creation or {@link #resetPeakMemoryStats}. */
    public long maxMemoryAllocated() { return peak(allocatedBytes); }

    /** The peak of {@link #memoryReserved} since creation or {@link #resetPeakMemoryStats}. */
    public long maxMemoryReserved() { return peak(reservedBytes); }

    private long current(StatArray s) {
        lock.lock();
        try {
            return s.get(ALL).current;
        } finally {
            lock.unlock();
        }
    }

    private long peak(StatArray s) {
        lock.lock();
        try {
            return s.get(ALL).peak;
        } finally {
            lock.unlock();
        }
    }

    /** Sets every peak statistic to its current value. */
    public void resetPeakMemoryStats() {
        lock.lock();
        try {
            for (StatArray a : statArrays().values()) {
                for (int p = 0; p < POOL_NAMES.length; p++) a.get(p).resetPeak();
            }
            oversizeAllocations.resetPeak();
            oversizeSegments.resetPeak();
        } finally {
            lock.unlock();
        }
    }

    private Map<String, StatArray> statArrays() {
        Map<String, StatArray> m = new TreeMap<>();
        m.put("allocation", allocation);
        m.put("segment", segment);
        m.put("active", active);
        m.put("inactive_split", inactiveSplit);
        m.put("allocated_bytes", allocatedBytes);
        m.put("reserved_bytes", reservedBytes);
        m.put("active_bytes", activeBytes);
        m.put("inactive_split_bytes", inactiveSplitBytes);
        m.put("requested_bytes", requestedBytes);
        return m;
    }

    /**
     * The statistics under PyTorch's {@code torch.cuda.memory_stats()} keys, in its (sorted) order:
     * {@code <stat>.{all,small_pool,large_pool}.{current,peak,allocated,freed}} for allocation,
     * segment, active, inactive_split and their {@code _bytes} counterparts plus requested_bytes;
     * {@code oversize_allocations.*}, {@code oversize_segments.*}; and num_alloc_retries, num_ooms,
     * num_device_alloc, num_device_free, num_sync_all_streams (always 0: there are no streams to
     * synchronise) and max_split_size (-1 when unlimited).
     */
    public Map<String, Long> memoryStats() {
        lock.lock();
        try {
            Map<String, Long> m = new TreeMap<>();
            statArrays().forEach((name, a) -> {
                for (int p = 0; p < POOL_NAMES.length; p++) a.get(p).putInto(m, name + "." + POOL_NAMES[p]);
            });
            oversizeAllocations.putInto(m, "oversize_allocations");
            oversizeSegments.putInto(m, "oversize_segments");
            m.put("num_alloc_retries", numAllocRetries);
            m.put("num_ooms", numOoms);
            m.put("num_sync_all_streams", 0L);
            m.put("num_device_alloc", numDeviceAlloc);
            m.put("num_device_free", numDeviceFree);
            m.put("max_split_size", config.maxSplitSize() == Long.MAX_VALUE ? -1L : config.maxSplitSize());
            return Collections.unmodifiableMap(m);
        } finally {
            lock.unlock();
        }
    }

    /** PyTorch's {@code torch.cuda.memory_summary()} table for this device. */
    public String memorySummary() {
        return MemorySummary.format(deviceIndex, memoryStats());
    }

    // ---------------------------------------------------------------------------------------------
    // internal consistency, for tests

    /**
     * Checks every invariant of the block structure against the statistics: segments are contiguous
     * and doubly linked, no two free neighbours are left unmerged, pools hold exactly the free blocks,
     * and the current values of the statistics equal what the blocks add up to.
     *
     * @throws IllegalStateException naming the first violated invariant
     */
    void verifyConsistency() {
        lock.lock();
        try {
            Set<Block> all = Collections.newSetFromMap(new IdentityHashMap<>());
            all.addAll(smallFree);
            all.addAll(largeFree);
            all.addAll(live);
            long[] segments = new long[3], reserved = new long[3], allocs = new long[3], allocBytes = new long[3];
            long[] requested = new long[3], splitFree = new long[3], splitFreeBytes = new long[3];
            int seen = 0;
            for (Block head : all) {
                if (head.prev != null) continue;
                int p = poolIndex(head.small);
                segments[p]++;
                for (Block b = head; b != null; b = b.next) {
                    seen++;
                    check(all.contains(b), "block " + b + " is linked into a segment but neither free nor live");
                    check(b.small == head.small, "segment at " + head.address + " mixes pools");
                    check(b.size > 0 && b.size % MIN_BLOCK_BYTES == 0, "block " + b + " has a bad size");
                    reserved[p] += b.size;
                    if (b.next != null) {
                        check(b.next.prev == b, "broken back link after " + b);
                        check(b.next.address == b.address + b.size, "gap or overlap after " + b);
                        check(b.live != null || b.next.live != null, "unmerged free neighbours " + b + " and " + b.next);
                    }
                    if (b.live != null) {
                        check(live.contains(b) && !poolOf(b).contains(b), "live block " + b + " is in a free pool");
                        check(b.live.address == b.address && b.live.size == b.size, "handle of " + b + " disagrees");
                        allocs[p]++;
                        allocBytes[p] += b.size;
                        requested[p] += b.requested;
                    } else {
                        check(poolOf(b).contains(b), "free block " + b + " missing from its pool");
                        if (b.isSplit()) {
                            splitFree[p]++;
                            splitFreeBytes[p] += b.size;
                        }
                    }
                }
            }
            check(seen == all.size(), "blocks outside any segment: " + (all.size() - seen));
            for (int p = SMALL_POOL; p <= LARGE_POOL; p++) {
                check(segment.get(p).current == segments[p], "segment count of " + POOL_NAMES[p]);
                check(reservedBytes.get(p).current == reserved[p], "reserved bytes of " + POOL_NAMES[p]);
                check(allocation.get(p).current == allocs[p] && active.get(p).current == allocs[p],
                        "allocation count of " + POOL_NAMES[p]);
                check(allocatedBytes.get(p).current == allocBytes[p] && activeBytes.get(p).current == allocBytes[p],
                        "allocated bytes of " + POOL_NAMES[p]);
                check(requestedBytes.get(p).current == requested[p], "requested bytes of " + POOL_NAMES[p]);
                check(inactiveSplit.get(p).current == splitFree[p], "inactive split count of " + POOL_NAMES[p]);
                check(inactiveSplitBytes.get(p).current == splitFreeBytes[p], "inactive split bytes of " + POOL_NAMES[p]);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("CachingAllocator invariant violated: " + what);
    }

    // ---------------------------------------------------------------------------------------------
    // data

    /**
     * A range of one segment, free or live. Segments are doubly linked lists of blocks in address
     * order; a block with neither neighbour is a whole segment.
     */
    private static final class Block {
        final boolean small;
        long address;
        long size;
        long requested;
        Block prev;
        Block next;
        Allocation live;   // the caller's handle while the block is allocated, else null
        long freedAt;      // order of entry into its pool, for least-recently-freed release

        Block(boolean small, long address, long size) {
            this.small = small;
            this.address = address;
            this.size = size;
        }

        boolean isSplit() { return prev != null || next != null; }

        @Override
        public String toString() { return "[0x" + Long.toHexString(address) + ", " + size + " bytes]"; }
    }

    /**
     * The caller's handle on a live block: immutable, and dead once freed (the block then drops it),
     * so a second free is recognised even after the block has been merged or handed out again.
     */
    private static final class Allocation implements MemoryBlock {
        final CachingAllocator owner;
        final Block block;
        final long address;
        final long size;
        final long requested;

        Allocation(CachingAllocator owner, Block block, long address, long size, long requested) {
            this.owner = owner;
            this.block = block;
            this.address = address;
            this.size = size;
            this.requested = requested;
        }

        @Override public long address() { return address; }

        @Override public long size() { return size; }

        @Override public long requestedSize() { return requested; }

        @Override
        public String toString() {
            return "MemoryBlock[address=0x" + Long.toHexString(address) + ", size=" + size
                    + ", requested=" + requested + "]";
        }
    }

    /** One statistic: its current value, peak, and the totals ever added and removed. */
    private static final class Stat {
        long current;
        long peak;
        long allocated;
        long freed;

        void increase(long n) {
            current += n;
            peak = Math.max(peak, current);
            allocated += n;
        }

        void decrease(long n) {
            current -= n;
            freed += n;
        }

        void resetPeak() { peak = current; }

        void putInto(Map<String, Long> m, String prefix) {
            m.put(prefix + ".current", current);
            m.put(prefix + ".peak", peak);
            m.put(prefix + ".allocated", allocated);
            m.put(prefix + ".freed", freed);
        }
    }

    /** A statistic over all pools and per pool, updated together. */
    private static final class StatArray {
        private final Stat[] stats = {new Stat(), new Stat(), new Stat()};

        Stat get(int pool) { return stats[pool]; }

        void increase(int pool, long n) {
            stats[ALL].increase(n);
            stats[pool].increase(n);
        }

        void decrease(int pool, long n) {
            stats[ALL].decrease(n);
            stats[pool].decrease(n);
        }
    }
}
