package dev.kindling.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The caching allocator's policy against a simulated device. Expected sizes, addresses and statistics
 * are worked out by hand from PyTorch's rules (512-byte rounding, 1 MiB small/large boundary, 2 MiB and
 * 20 MiB segments, best fit, split thresholds) and written here as literals.
 */
class CachingAllocatorTest {
    private static final long KiB = 1L << 10;
    private static final long MiB = 1L << 20;
    private static final long GiB = 1L << 30;

    private static CachingAllocator allocator(SimulatedDevice dev) {
        return allocator(dev, AllocatorConfig.defaults());
    }

    private static CachingAllocator allocator(SimulatedDevice dev, AllocatorConfig config) {
        return new CachingAllocator(dev, 0, config, () -> { });
    }

    private static long stat(CachingAllocator a, String key) {
        Long v = a.memoryStats().get(key);
        if (v == null) throw new AssertionError("no statistic " + key);
        return v;
    }

    // ---------------------------------------------------------------------------------------------
    // sizes and pools

    @Test
    void requestsAreRoundedUpTo512Bytes() {
        CachingAllocator a = allocator(new SimulatedDevice(GiB));
        long[][] cases = {{0, 512}, {1, 512}, {511, 512}, {512, 512}, {513, 1024}, {1000, 1024},
            {MiB, MiB}, {MiB + 1, MiB + 512}, {10 * MiB - 513, 10 * MiB - 512}};
        for (long[] c : cases) {
            MemoryBlock b = a.allocate(c[0]);
            assertEquals(c[1], b.size(), "size for a request of " + c[0]);
            assertEquals(c[0], b.requestedSize());
            assertEquals(0, b.address() % 512, "addresses stay 512-byte aligned");
        }
        a.verifyConsistency();
    }

    @Test
    void poolAndSegmentSizeFollowTheRequest() {
        // {request, segment asked of the device, 1 if small pool}
        long[][] cases = {
            {1, 2 * MiB, 1},
            {MiB, 2 * MiB, 1},                     // 1 MiB is still small
            {MiB + 1, 20 * MiB, 0},                // rounds to 1 MiB + 512: large, packed in 20 MiB
            {10 * MiB - 513, 20 * MiB, 0},         // rounds to 10 MiB - 512, still below 10 MiB
            {10 * MiB - 1, 10 * MiB, 0},           // rounds to 10 MiB: a segment of its own
            {21 * MiB + 1, 22 * MiB, 0},           // rounded up to 2 MiB
            {40 * MiB, 40 * MiB, 0},
        };
        for (long[] c : cases) {
            SimulatedDevice dev = new SimulatedDevice(GiB);
            CachingAllocator a = allocator(dev);
            a.allocate(c[0]);
            assertEquals(List.of(c[1]), dev.allocatedSizes, "segment for a request of " + c[0]);
            String pool = c[2] == 1 ? "small_pool" : "large_pool";
            String other = c[2] == 1 ? "large_pool" : "small_pool";
            assertEquals(1, stat(a, "segment." + pool + ".current"), "pool for " + c[0]);
            assertEquals(0, stat(a, "segment." + other + ".current"));
            assertEquals(c[1], stat(a, "reserved_bytes." + pool + ".current"));
        }
    }

    @Test
    void smallRequestsShareOneSegment() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock first = a.allocate(1000);
        MemoryBlock second = a.allocate(3000);
        assertEquals(1, dev.allocateCalls);
        assertEquals(SimulatedDevice.BASE_ADDRESS, first.address());
        assertEquals(first.address() + 1024, second.address(), "the second block follows the first");
        assertEquals(3072, second.size());
    }

    // ---------------------------------------------------------------------------------------------
    // best fit, split and merge

    @Test
    void bestFitTakesTheSmallestBlockThatFits() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock x = a.allocate(12 * MiB);
        MemoryBlock y = a.allocate(14 * MiB);
        MemoryBlock z = a.allocate(16 * MiB);
        a.free(z);
        a.free(x);
        a.free(y);
        int calls = dev.allocateCalls;
        MemoryBlock b = a.allocate(13 * MiB);
        assertEquals(y.address(), b.address(), "14 MiB is the smallest free block of at least 13 MiB");
        assertEquals(14 * MiB, b.size(), "a 1 MiB remainder is not split off in the large pool");
        assertEquals(calls, dev.allocateCalls, "served from the cache");
    }

    @Test
    void bestFitBreaksTiesByLowestAddress() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock low = a.allocate(12 * MiB);
        MemoryBlock high = a.allocate(12 * MiB);
        assertTrue(low.address() < high.address());
        a.free(high);   // freed first, so an insertion-order pool would hand it out first
        a.free(low);
        assertEquals(low.address(), a.allocate(11 * MiB).address());
        assertEquals(high.address(), a.allocate(11 * MiB).address());
    }

    @Test
    void smallPoolSplitsAnyRemainderOf512BytesOrMore() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock first = a.allocate(MiB);               // remainder 1 MiB: split
        MemoryBlock second = a.allocate(MiB - 512);        // remainder 512 bytes: split
        assertEquals(MiB - 512, second.size());
        assertEquals(1, stat(a, "inactive_split.small_pool.current"));
        assertEquals(512, stat(a, "inactive_split_bytes.small_pool.current"));
        MemoryBlock third = a.allocate(100);               // takes the last 512 bytes exactly
        assertEquals(first.address() + 2 * MiB - 512, third.address());
        assertEquals(512, third.size());
        assertEquals(1, dev.allocateCalls, "one 2 MiB segment held all three");
        assertEquals(0, stat(a, "inactive_split.small_pool.current"));
        a.verifyConsistency();
    }

    @Test
    void largePoolSplitsOnlyRemaindersAboveOneMiB() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock exact = a.allocate(19 * MiB);            // 20 MiB segment, 1 MiB left: not split
        assertEquals(20 * MiB, exact.size());
        assertEquals(19 * MiB, exact.requestedSize());
        assertEquals(0, stat(a, "inactive_split.large_pool.current"));
        MemoryBlock split = a.allocate(19 * MiB - 512);      // 20 MiB segment, 1 MiB + 512 left: split
        assertEquals(19 * MiB - 512, split.size());
        assertEquals(1, stat(a, "inactive_split.large_pool.current"));
        assertEquals(MiB + 512, stat(a, "inactive_split_bytes.large_pool.current"));
        MemoryBlock small5 = a.allocate(5 * MiB);            // 20 MiB segment, 15 MiB left: split
        assertEquals(5 * MiB, small5.size());
        assertEquals(List.of(20 * MiB, 20 * MiB, 20 * MiB), dev.allocatedSizes);
        a.verifyConsistency();
    }

    @Test
    void freeMergesWithBothNeighbours() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock x = a.allocate(512);
        MemoryBlock y = a.allocate(512);
        MemoryBlock z = a.allocate(512);
        assertEquals(x.address() + 512, y.address());
        assertEquals(y.address() + 512, z.address());
        a.free(x);
        a.free(z);   // merges with the free rest of the segment
        assertEquals(2, stat(a, "inactive_split.small_pool.current"), "x, and z merged with the tail");
        assertEquals(2 * MiB - 512, stat(a, "inactive_split_bytes.small_pool.current"));
        a.free(y);   // merges with x before it and z + tail after it: the segment is whole again
        assertEquals(0, stat(a, "inactive_split.small_pool.current"));
        assertEquals(0, stat(a, "inactive_split_bytes.small_pool.current"));
        a.verifyConsistency();
        MemoryBlock whole = a.allocate(MiB);
        assertEquals(x.address(), whole.address(), "the merged block starts where x did");
        a.free(whole);
        a.emptyCache();
        assertEquals(List.of(x.address()), dev.freedAddresses, "a whole segment can be released");
    }

    @Test
    void freedBlocksAreReusedWithoutADeviceCall() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock b = a.allocate(1000);
        MemoryBlock big = a.allocate(30 * MiB);
        a.free(b);
        a.free(big);
        assertEquals(2, dev.allocateCalls);
        assertEquals(b.address(), a.allocate(1000).address());
        assertEquals(big.address(), a.allocate(30 * MiB).address());
        assertEquals(2, dev.allocateCalls);
        assertEquals(0, dev.freeCalls);
        assertEquals(2, stat(a, "num_device_alloc"));
    }

    // ---------------------------------------------------------------------------------------------
    // emptyCache and the fallback ladder

    @Test
    void emptyCacheReleasesOnlyWhollyFreeSegments() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock small = a.allocate(1000);        // 2 MiB segment, split, in use
        MemoryBlock x = a.allocate(12 * MiB);        // 12 MiB segment of its own
        MemoryBlock y = a.allocate(5 * MiB);         // 20 MiB segment, split, in use
        a.free(x);
        a.emptyCache();
        assertEquals(List.of(x.address()), dev.freedAddresses);
        assertEquals(2 * MiB + 20 * MiB, a.memoryReserved());
        a.free(y);
        a.emptyCache();
        assertEquals(List.of(x.address(), y.address()), dev.freedAddresses);
        assertEquals(2 * MiB, a.memoryReserved(), "the small segment still holds a live block");
        assertEquals(1000, small.requestedSize());
        assertEquals(2, stat(a, "num_device_free"));
        a.free(small);
        a.emptyCache();
        assertEquals(0, a.memoryReserved());
        assertEquals(0, dev.liveAllocations());
    }

    @Test
    void deviceFailureReleasesTheCacheAndRetries() {
        SimulatedDevice dev = new SimulatedDevice(40 * MiB);
        AtomicInteger reclaims = new AtomicInteger();
        CachingAllocator a = new CachingAllocator(dev, 0, AllocatorConfig.defaults(), reclaims::incrementAndGet);
        MemoryBlock x = a.allocate(15 * MiB);        // 16 MiB segment
        a.free(x);                                    // cached, too small for the next request
        MemoryBlock y = a.allocate(30 * MiB);        // 16 + 30 > 40: fails, cache released, retried
        assertEquals(30 * MiB, y.size());
        assertEquals(List.of(x.address()), dev.freedAddresses);
        assertEquals(3, dev.allocateCalls, "16 MiB, 30 MiB failed, 30 MiB again");
        assertEquals(1, dev.failedAllocations);
        assertEquals(1, stat(a, "num_alloc_retries"));
        assertEquals(2, stat(a, "num_device_alloc"));
        assertEquals(1, stat(a, "num_device_free"));
        assertEquals(0, reclaims.get(), "releasing the cache was enough");
        assertEquals(30 * MiB, a.memoryReserved());
    }

    @Test
    void reclaimerRunsWithoutTheLockAndTheLadderIsRetried() throws Exception {
        SimulatedDevice dev = new SimulatedDevice(40 * MiB);
        List<MemoryBlock> held = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        AtomicInteger reclaims = new AtomicInteger();
        CachingAllocator[] self = new CachingAllocator[1];
        Runnable reclaimer = () -> {
            reclaims.incrementAndGet();
            // Free from another thread, as a cleaner thread would: it blocks if the lock is held here.
            Thread cleaner = new Thread(() -> self[0].free(held.remove(0)));
            cleaner.start();
            try {
                cleaner.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (cleaner.isAlive()) problems.add("free() from another thread blocked during the reclaimer");
        };
        CachingAllocator a = new CachingAllocator(dev, 0, AllocatorConfig.defaults(), reclaimer);
        self[0] = a;
        MemoryBlock tensor = a.allocate(30 * MiB);
        held.add(tensor);
        MemoryBlock b = a.allocate(20 * MiB);        // device full, cache empty: only the reclaimer helps
        assertEquals(List.of(), problems);
        assertEquals(1, reclaims.get());
        assertEquals(tensor.address(), b.address(), "served from the reclaimed tensor's segment");
        assertEquals(20 * MiB, b.size());
        assertEquals(3, dev.allocateCalls, "30 MiB, then 20 MiB failed twice (before and after releasing the cache)");
        assertEquals(1, stat(a, "num_alloc_retries"));
        assertEquals(0, stat(a, "num_ooms"));
        assertEquals(20 * MiB, a.memoryAllocated());
        a.verifyConsistency();
    }

    @Test
    void reclaimerMayFreeOnItsOwnThread() {
        SimulatedDevice dev = new SimulatedDevice(40 * MiB);
        List<MemoryBlock> held = new ArrayList<>();
        CachingAllocator[] self = new CachingAllocator[1];
        CachingAllocator a = new CachingAllocator(dev, 0, AllocatorConfig.defaults(),
                () -> self[0].free(held.remove(0)));
        self[0] = a;
        held.add(a.allocate(30 * MiB));
        assertEquals(20 * MiB, a.allocate(20 * MiB).size());
        assertTrue(held.isEmpty());
    }

    @Test
    void outOfMemoryExplainsItselfAndLeavesTheAllocatorUsable() {
        SimulatedDevice dev = new SimulatedDevice(64 * MiB);
        dev.setDriverOverhead(MiB);
        AtomicInteger reclaims = new AtomicInteger();
        CachingAllocator a = new CachingAllocator(dev, 1, AllocatorConfig.defaults(), reclaims::incrementAndGet);
        MemoryBlock big = a.allocate(40 * MiB);       // 40 MiB segment
        MemoryBlock mid = a.allocate(5 * MiB);        // 20 MiB segment, 15 MiB cached but not releasable
        Map<String, Long> before = a.memoryStats();

        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(16 * MiB + 1));
        assertEquals("CUDA out of memory. Tried to allocate 18.00 MiB (request 16.00 MiB). GPU 1 has a total"
                + " capacity of 64.00 MiB of which 3.00 MiB is free. Of the allocated memory 45.00 MiB is allocated"
                + " by Kindling, and 15.00 MiB is reserved by Kindling but unallocated. If reserved but unallocated"
                + " memory is large try setting KINDLING_CUDA_ALLOC_CONF=max_split_size_mb:128 (any size of at least"
                + " 20 MiB) to avoid fragmentation. Other common causes: a tensor that keeps an autograd graph alive"
                + " across iterations (accumulate a loss with total += loss.item(), not total = total.add(loss));"
                + " temporaries held past their use (close() them, or create them inside"
                + " try (var scope = Torch.scope()) { ... }); a batch size too large for this GPU.", e.getMessage());
        assertEquals(1, e.device());
        assertEquals(16 * MiB + 1, e.requested());
        assertEquals(18 * MiB, e.rounded());
        assertEquals(64 * MiB, e.total());
        assertEquals(3 * MiB, e.free());
        assertEquals(45 * MiB, e.allocated());
        assertEquals(15 * MiB, e.reservedUnallocated());
        assertTrue(e instanceof dev.kindling.KindlingException);

        assertEquals(1, reclaims.get());
        assertEquals(6, dev.allocateCalls, "2 segments, then 18 MiB tried twice per pass, two passes");
        Map<String, Long> after = a.memoryStats();
        assertEquals(1, after.get("num_ooms"));
        assertEquals(2, after.get("num_alloc_retries"));
        for (String key : before.keySet()) {
            if (!key.equals("num_ooms") && !key.equals("num_alloc_retries")) {
                assertEquals(before.get(key), after.get(key), key + " changed by a failed allocation");
            }
        }
        a.verifyConsistency();

        // Still usable: freeing the 40 MiB tensor makes room for the same request.
        a.free(big);
        MemoryBlock retry = a.allocate(16 * MiB + 1);
        assertEquals(big.address(), retry.address());
        assertEquals(16 * MiB + 512, retry.size());
        assertEquals(6, dev.allocateCalls, "served from the cache");
        a.free(mid);
        a.free(retry);
        assertEquals(0, a.memoryAllocated());
        a.verifyConsistency();
    }

    @Test
    void requestsAboveOneExbibyteAreOutOfMemoryWithoutAskingTheDevice() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        AtomicInteger reclaims = new AtomicInteger();
        CachingAllocator a = new CachingAllocator(dev, 0, AllocatorConfig.defaults(), reclaims::incrementAndGet);
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, e.requested());
        assertEquals(0, dev.allocateCalls);
        assertEquals(0, reclaims.get());
        assertEquals(1, stat(a, "num_ooms"));
        assertEquals(512, a.allocate(1).size(), "still usable");
    }

    // ---------------------------------------------------------------------------------------------
    // misuse

    @Test
    void doubleFreeAndForeignBlocksAreRejected() {
        CachingAllocator a = allocator(new SimulatedDevice(GiB));
        CachingAllocator other = allocator(new SimulatedDevice(GiB));
        MemoryBlock b = a.allocate(1000);
        a.free(b);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> a.free(b));
        assertTrue(twice.getMessage().contains("already freed"), twice.getMessage());
        assertTrue(twice.getMessage().contains(Long.toHexString(b.address())), twice.getMessage());

        // The same block object handed out again must not make the stale handle valid.
        MemoryBlock again = a.allocate(1000);
        assertEquals(b.address(), again.address());
        assertThrows(IllegalArgumentException.class, () -> a.free(b));
        assertEquals(1024, a.memoryAllocated(), "the rejected free changed nothing");

        MemoryBlock foreign = other.allocate(1000);
        IllegalArgumentException wrongOwner = assertThrows(IllegalArgumentException.class, () -> a.free(foreign));
        assertTrue(wrongOwner.getMessage().contains("not allocated by"), wrongOwner.getMessage());
        MemoryBlock fake = new MemoryBlock() {
            @Override public long address() { return again.address(); }
            @Override public long size() { return 1024; }
            @Override public long requestedSize() { return 1000; }
        };
        assertThrows(IllegalArgumentException.class, () -> a.free(fake));
        assertThrows(IllegalArgumentException.class, () -> a.free(null));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> a.allocate(-1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        a.free(again);
        assertEquals(0, a.memoryAllocated());
        a.verifyConsistency();
    }

    @Test
    void defaultConstructorUsesDeviceZeroTheEnvironmentAndTheGarbageCollector() {
        assumeTrue(System.getenv(AllocatorConfig.ENV_VAR) == null, "runs with KINDLING_CUDA_ALLOC_CONF unset");
        SimulatedDevice dev = new SimulatedDevice(8 * MiB);
        CachingAllocator a = new CachingAllocator(dev);
        assertEquals(-1, stat(a, "max_split_size"));
        long start = System.nanoTime();
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(9 * MiB));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, e.device());
        assertTrue(e.getMessage().contains("GPU 0 has a total capacity of 8.00 MiB"), e.getMessage());
        assertTrue(waitedMillis >= 50, "the default reclaimer waits 50 ms for cleaners, waited " + waitedMillis);
    }

    @Test
    void constructorRejectsMissingPartsAndNegativeDevices() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        AllocatorConfig c = AllocatorConfig.defaults();
        Runnable none = () -> { };
        assertThrows(IllegalArgumentException.class, () -> new CachingAllocator(null, 0, c, none));
        assertThrows(IllegalArgumentException.class, () -> new CachingAllocator(dev, 0, null, none));
        assertThrows(IllegalArgumentException.class, () -> new CachingAllocator(dev, 0, c, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CachingAllocator(dev, -1, c, none));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // statistics

    /** {current, peak, allocated, freed} for all, small_pool and large_pool. */
    private static void expect(Map<String, Long> m, String stat, long[]... pools) {
        String[] poolNames = {"all", "small_pool", "large_pool"};
        String[] fields = {"current", "peak", "allocated", "freed"};
        for (int p = 0; p < 3; p++) {
            for (int f = 0; f < 4; f++) m.put(stat + "." + poolNames[p] + "." + fields[f], pools[p][f]);
        }
    }

    @Test
    void everyStatisticAfterAScriptedSequence() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev);
        MemoryBlock s1 = a.allocate(1000);             // small: 1024 of a new 2 MiB segment, split
        MemoryBlock l1 = a.allocate(5 * MiB);          // large: 5 MiB of a new 20 MiB segment, split
        MemoryBlock l2 = a.allocate(3 * MiB + 1);      // 3 MiB + 512 from the 15 MiB remainder, split again
        a.free(l1);                                     // a free split block before l2
        a.free(l2);                                     // merges both neighbours: whole 20 MiB segment
        MemoryBlock s2 = a.allocate(1000);             // 1024 from the small remainder, no device call
        a.emptyCache();                                 // releases the 20 MiB segment only
        a.free(s1);                                     // free split block before s2
        assertEquals(s1.address() + 1024, s2.address());
        assertEquals(List.of(2 * MiB, 20 * MiB), dev.allocatedSizes);

        Map<String, Long> expected = new TreeMap<>();
        expect(expected, "allocation", new long[] {1, 3, 4, 3}, new long[] {1, 2, 2, 1}, new long[] {0, 2, 2, 2});
        expect(expected, "active", new long[] {1, 3, 4, 3}, new long[] {1, 2, 2, 1}, new long[] {0, 2, 2, 2});
        expect(expected, "allocated_bytes", new long[] {1024, 8390144, 8391168, 8390144},
                new long[] {1024, 2048, 2048, 1024}, new long[] {0, 8389120, 8389120, 8389120});
        expect(expected, "active_bytes", new long[] {1024, 8390144, 8391168, 8390144},
                new long[] {1024, 2048, 2048, 1024}, new long[] {0, 8389120, 8389120, 8389120});
        expect(expected, "requested_bytes", new long[] {1000, 8389609, 8390609, 8389609},
                new long[] {1000, 2000, 2000, 1000}, new long[] {0, 8388609, 8388609, 8388609});
        expect(expected, "segment", new long[] {1, 2, 2, 1}, new long[] {1, 1, 1, 0}, new long[] {0, 1, 1, 1});
        expect(expected, "reserved_bytes", new long[] {2097152, 23068672, 23068672, 20971520},
                new long[] {2097152, 2097152, 2097152, 0}, new long[] {0, 20971520, 20971520, 20971520});
        expect(expected, "inactive_split", new long[] {2, 3, 4, 2}, new long[] {2, 2, 2, 0}, new long[] {0, 2, 2, 2});
        expect(expected, "inactive_split_bytes", new long[] {2096128, 19921408, 23068672, 20972544},
                new long[] {2096128, 2096128, 2097152, 1024}, new long[] {0, 17825280, 20971520, 20971520});
        for (String s : new String[] {"oversize_allocations", "oversize_segments"}) {
            for (String f : new String[] {"current", "peak", "allocated", "freed"}) expected.put(s + "." + f, 0L);
        }
        expected.put("num_alloc_retries", 0L);
        expected.put("num_ooms", 0L);
        expected.put("num_sync_all_streams", 0L);
        expected.put("num_device_alloc", 2L);
        expected.put("num_device_free", 1L);
        expected.put("max_split_size", -1L);

        Map<String, Long> actual = a.memoryStats();
        assertEquals(expected, actual);
        List<String> keys = new ArrayList<>(actual.keySet());
        assertEquals(122, keys.size());
        assertEquals("active.all.allocated", keys.get(0));
        assertEquals("active.all.current", keys.get(1));
        assertEquals("segment.small_pool.peak", keys.get(keys.size() - 1));
        for (int i = 1; i < keys.size(); i++) {
            assertTrue(keys.get(i - 1).compareTo(keys.get(i)) < 0, "keys in sorted order at " + keys.get(i));
        }
        assertEquals(1024, a.memoryAllocated());
        assertEquals(8390144, a.maxMemoryAllocated());
        assertEquals(2 * MiB, a.memoryReserved());
        assertEquals(22 * MiB, a.maxMemoryReserved());
        a.verifyConsistency();
    }

    @Test
    void resetPeakMemoryStatsSetsPeaksToCurrentValues() {
        CachingAllocator a = allocator(new SimulatedDevice(GiB));
        MemoryBlock x = a.allocate(30 * MiB);
        MemoryBlock y = a.allocate(1000);
        a.free(x);
        assertEquals(30 * MiB + 1024, a.maxMemoryAllocated());
        a.resetPeakMemoryStats();
        assertEquals(1024, a.maxMemoryAllocated());
        assertEquals(32 * MiB, a.maxMemoryReserved(), "30 MiB cached + 2 MiB small segment are still reserved");
        Map<String, Long> m = a.memoryStats();
        for (Map.Entry<String, Long> e : m.entrySet()) {
            if (e.getKey().endsWith(".peak")) {
                String current = e.getKey().replace(".peak", ".current");
                assertEquals(m.get(current), e.getValue(), e.getKey());
            }
        }
        assertEquals(30 * MiB + 1024, m.get("allocated_bytes.all.allocated"), "totals are not reset");
        MemoryBlock z = a.allocate(5000);
        assertEquals(1024 + 5120, a.maxMemoryAllocated());
        a.free(y);
        a.free(z);
        assertEquals(1024 + 5120, a.maxMemoryAllocated());
    }

    // ---------------------------------------------------------------------------------------------
    // configuration-driven behaviour

    @Test
    void oversizeBlocksAreNeitherSplitNorUsedForSmallerRequests() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev, AllocatorConfig.parse("max_split_size_mb:20"));
        assertEquals(20 * MiB, stat(a, "max_split_size"));
        MemoryBlock x = a.allocate(30 * MiB);
        assertEquals(1, stat(a, "oversize_allocations.current"));
        assertEquals(1, stat(a, "oversize_segments.current"));
        a.free(x);
        assertEquals(0, stat(a, "oversize_allocations.current"));

        MemoryBlock below = a.allocate(12 * MiB);      // below the limit: the oversize block is not used
        assertNotEquals(x.address(), below.address());
        assertEquals(12 * MiB, dev.allocatedSizes.get(1));

        MemoryBlock within = a.allocate(25 * MiB);     // oversize, 30 < 25 + 20: served whole, not split
        assertEquals(x.address(), within.address());
        assertEquals(30 * MiB, within.size());
        assertEquals(25 * MiB, within.requestedSize());
        assertEquals(2, dev.allocateCalls);
        assertEquals(0, stat(a, "inactive_split.all.current"));
        a.verifyConsistency();
    }

    @Test
    void oversizeBlocksServeOnlyRequestsWithin20MiB() {
        SimulatedDevice dev = new SimulatedDevice(GiB);
        CachingAllocator a = allocator(dev, AllocatorConfig.parse("max_split_size_mb:20"));
        MemoryBlock big = a.allocate(50 * MiB);
        a.free(big);
        MemoryBlock far = a.allocate(22 * MiB);        // 50 >= 22 + 20: a new segment
        assertNotEquals(big.address(), far.address());
        MemoryBlock near = a.allocate(31 * MiB);       // 50 < 31 + 20: the cached block
        assertEquals(big.address(), near.address());
        assertEquals(50 * MiB, near.size());
    }

    @Test
    void oversizeCachedBlocksAreReleasedBeforeTheWholeCache() {
        SimulatedDevice dev = new SimulatedDevice(40 * MiB);
        CachingAllocator a = allocator(dev, AllocatorConfig.parse("max_split_size_mb:20"));
        MemoryBlock x = a.allocate(30 * MiB);
        a.free(x);
        MemoryBlock y = a.allocate(8 * MiB);           // 20 MiB segment does not fit beside 30 MiB cached
        assertEquals(List.of(x.address()), dev.freedAddresses);
        assertEquals(8 * MiB, y.size(), "a 20 MiB segment below the limit is split");
        assertEquals(0, stat(a, "num_alloc_retries"), "released as oversize, not by the full cache release");
        assertEquals(20 * MiB, a.memoryReserved());
    }

    @Test
    void garbageCollectionThresholdReleasesLeastRecentlyFreedSegments() {
        SimulatedDevice dev = new SimulatedDevice(100 * MiB);
        CachingAllocator a = allocator(dev, AllocatorConfig.parse("garbage_collection_threshold:0.5"));
        MemoryBlock x = a.allocate(12 * MiB);
        MemoryBlock y = a.allocate(12 * MiB);
        MemoryBlock z = a.allocate(12 * MiB);
        a.free(y);
        a.free(x);
        a.free(z);                                      // freed order: y, x, z
        a.allocate(14 * MiB);                           // reserved 36 <= 50 MiB: no release, now 50
        a.allocate(16 * MiB);                           // reserved 50 <= 50 MiB: no release, now 66
        assertEquals(List.of(), dev.freedAddresses);
        a.allocate(18 * MiB);                           // 66 > 50: release 16 MiB, oldest first: y, x
        assertEquals(List.of(y.address(), x.address()), dev.freedAddresses);
        assertEquals((12 + 14 + 16 + 18) * MiB, a.memoryReserved());
        int calls = dev.allocateCalls;
        assertEquals(z.address(), a.allocate(12 * MiB).address(), "the most recently freed segment stayed cached");
        assertEquals(calls, dev.allocateCalls);
        a.verifyConsistency();
    }

    @Test
    void withoutGarbageCollectionThresholdCachedSegmentsStay() {
        SimulatedDevice dev = new SimulatedDevice(100 * MiB);
        CachingAllocator a = allocator(dev);
        a.free(a.allocate(12 * MiB));
        a.free(a.allocate(12 * MiB));
        a.allocate(14 * MiB);
        a.allocate(16 * MiB);
        a.allocate(18 * MiB);
        assertEquals(List.of(), dev.freedAddresses);
        assertEquals((12 + 14 + 16 + 18) * MiB, a.memoryReserved());
    }

    @Test
    void roundupPower2DivisionsRoundsToDivisionSteps() {
        CachingAllocator four = allocator(new SimulatedDevice(GiB), AllocatorConfig.parse("roundup_power2_divisions:4"));
        long[][] cases = {
            {1200, 1536},                 // not above 512 * 4: plain 512-byte rounding
            {5000, 5120},                 // 4096 .. 8192 in steps of 1024
            {4096, 4096},                 // a power of two stays
            {MiB + 1, MiB + 256 * KiB},
            {3 * MiB, 3 * MiB},
            {3 * MiB + 1, 3 * MiB + 512 * KiB},
        };
        for (long[] c : cases) assertEquals(c[1], four.roundSize(c[0]), "round " + c[0] + " with 4 divisions");
        MemoryBlock b = four.allocate(5000);
        assertEquals(5120, b.size());
        assertEquals(5000, b.requestedSize());

        CachingAllocator list = allocator(new SimulatedDevice(GiB),
                AllocatorConfig.parse("roundup_power2_divisions:[256:1,512:2,1024:4,>:8]"));
        long[][] listCases = {
            {100 * MiB + 1, 100 * MiB + 512},      // 1 division: no power-of-two rounding
            {300 * MiB + 1, 384 * MiB},            // 2 divisions between 256 and 512 MiB
            {600 * MiB + 1, 640 * MiB},            // 4 divisions between 512 MiB and 1 GiB
            {2 * GiB + 1, 2 * GiB + 256 * MiB},    // 8 divisions above
            {512 * MiB, 512 * MiB},
        };
        for (long[] c : listCases) assertEquals(c[1], list.roundSize(c[0]), "round " + c[0] + " with the list");
    }

    // ---------------------------------------------------------------------------------------------
    // summary

    @Test
    void memorySummaryIsPyTorchsTable() {
        CachingAllocator a = allocator(new SimulatedDevice(GiB));
        a.allocate(1000);
        a.allocate(5 * MiB);
        String expected = String.join("\n",
                "|===========================================================================|",
                "|                 Kindling CUDA memory summary, device ID 0                 |",
                "|---------------------------------------------------------------------------|",
                "|            CUDA OOMs: 0            |        cudaMalloc retries: 0         |",
                "|===========================================================================|",
                "|        Metric         | Cur Usage  | Peak Usage | Tot Alloc  | Tot Freed  |",
                "|---------------------------------------------------------------------------|",
                "| Allocated memory      |   5121 KiB |   5121 KiB |   5121 KiB |      0 B   |",
                "|       from large pool |   5120 KiB |   5120 KiB |   5120 KiB |      0 B   |",
                "|       from small pool |      1 KiB |      1 KiB |      1 KiB |      0 B   |",
                "|---------------------------------------------------------------------------|",
                "| Active memory         |   5121 KiB |   5121 KiB |   5121 KiB |      0 B   |",
                "|       from large pool |   5120 KiB |   5120 KiB |   5120 KiB |      0 B   |",
                "|       from small pool |      1 KiB |      1 KiB |      1 KiB |      0 B   |",
                "|---------------------------------------------------------------------------|",
                "| Requested memory      |   5120 KiB |   5120 KiB |   5120 KiB |      0 B   |",
                "|       from large pool |   5120 KiB |   5120 KiB |   5120 KiB |      0 B   |",
                "|       from small pool |      0 KiB |      0 KiB |      0 KiB |      0 B   |",
                "|---------------------------------------------------------------------------|",
                "| GPU reserved memory   |  22528 KiB |  22528 KiB |  22528 KiB |      0 B   |",
                "|       from large pool |  20480 KiB |  20480 KiB |  20480 KiB |      0 B   |",
                "|       from small pool |   2048 KiB |   2048 KiB |   2048 KiB |      0 B   |",
                "|---------------------------------------------------------------------------|",
                "| Non-releasable memory |  17407 KiB |  17407 KiB |  17407 KiB |      0 B   |",
                "|       from large pool |  15360 KiB |  15360 KiB |  15360 KiB |      0 B   |",
                "|       from small pool |   2047 KiB |   2047 KiB |   2047 KiB |      0 B   |",
                "|---------------------------------------------------------------------------|",
                "| Allocations           |       2    |       2    |       2    |       0    |",
                "|       from large pool |       1    |       1    |       1    |       0    |",
                "|       from small pool |       1    |       1    |       1    |       0    |",
                "|---------------------------------------------------------------------------|",
                "| Active allocs         |       2    |       2    |       2    |       0    |",
                "|       from large pool |       1    |       1    |       1    |       0    |",
                "|       from small pool |       1    |       1    |       1    |       0    |",
                "|---------------------------------------------------------------------------|",
                "| GPU reserved segments |       2    |       2    |       2    |       0    |",
                "|       from large pool |       1    |       1    |       1    |       0    |",
                "|       from small pool |       1    |       1    |       1    |       0    |",
                "|---------------------------------------------------------------------------|",
                "| Non-releasable allocs |       2    |       2    |       2    |       0    |",
                "|       from large pool |       1    |       1    |       1    |       0    |",
                "|       from small pool |       1    |       1    |       1    |       0    |",
                "|---------------------------------------------------------------------------|",
                "| Oversize allocations  |       0    |       0    |       0    |       0    |",
                "|---------------------------------------------------------------------------|",
                "| Oversize GPU segments |       0    |       0    |       0    |       0    |",
                "|===========================================================================|",
                "");
        assertEquals(expected, a.memorySummary());
    }

    @Test
    void memorySummaryPicksEachColumnsUnitFromTheAllRow() {
        SimulatedDevice dev = new SimulatedDevice(64 * GiB);
        CachingAllocator a = new CachingAllocator(dev, 3, AllocatorConfig.defaults(), () -> { });
        MemoryBlock big = a.allocate(800 * MiB);
        a.allocate(700 * MiB);
        a.free(big);
        a.allocate(1000);
        String summary = a.memorySummary();
        // all row: current 700 MiB + 1 KiB stays in KiB (below 768 MiB); peak and total 1500 MiB and
        // freed 800 MiB move to MiB. Sub-rows use the all row's units, floored.
        String expectedRows = String.join("\n",
                "| Allocated memory      | 716801 KiB |   1500 MiB |   1500 MiB |    800 MiB |",
                "|       from large pool | 716800 KiB |   1500 MiB |   1500 MiB |    800 MiB |",
                "|       from small pool |      1 KiB |      0 MiB |      0 MiB |      0 MiB |");
        assertTrue(summary.contains(expectedRows), summary);
        assertTrue(summary.contains("|                 Kindling CUDA memory summary, device ID 3                 |"),
                summary);
        for (String line : summary.split("\n")) assertEquals(77, line.length(), line);
    }
}
