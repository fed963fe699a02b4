package dev.kindling.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Eight threads allocating and freeing at once on a device too small for all of them, so the fallback
 * ladder (cache release, reclaimer, out-of-memory) runs concurrently with frees. Every live block is
 * recorded in a shared address map, so two blocks handed out over the same bytes are caught when the
 * second is inserted. At the end everything is freed and the books must balance.
 */
class CachingAllocatorConcurrencyTest {
    private static final long MiB = 1L << 20;
    private static final int THREADS = 8;
    private static final int OPERATIONS_PER_THREAD = 3000;
    private static final int MAX_HELD_PER_THREAD = 12;

    @Test
    void eightThreadsKeepTheAllocatorConsistent() throws Exception {
        SimulatedDevice dev = new SimulatedDevice(256 * MiB);
        AtomicInteger reclaims = new AtomicInteger();
        CachingAllocator a = new CachingAllocator(dev, 0, AllocatorConfig.parse("garbage_collection_threshold:0.9"),
                reclaims::incrementAndGet);
        ConcurrentSkipListMap<Long, Long> liveRanges = new ConcurrentSkipListMap<>();   // address -> end
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger ooms = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = 1234 + t;
            Thread thread = new Thread(() -> {
                Random rnd = new Random(seed);
                List<MemoryBlock> held = new ArrayList<>();
                try {
                    start.await();
                    for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
                        if (!held.isEmpty() && (held.size() >= MAX_HELD_PER_THREAD || rnd.nextInt(100) < 45)) {
                            MemoryBlock b = held.remove(rnd.nextInt(held.size()));
                            liveRanges.remove(b.address());
                            a.free(b);
                        } else {
                            long bytes = randomSize(rnd);
                            try {
                                MemoryBlock b = a.allocate(bytes);
                                if (b.size() < bytes || b.requestedSize() != bytes) problems.add("bad block " + b);
                                checkNoOverlap(liveRanges, b, problems);
                                held.add(b);
                            } catch (CudaOutOfMemoryException e) {
                                ooms.incrementAndGet();
                                if (e.requested() != bytes) problems.add("OOM for the wrong request: " + e.getMessage());
                            }
                        }
                        if (op % 500 == 0) a.emptyCache();
                        if (op % 250 == 0) a.verifyConsistency();
                        if (op % 700 == 0) a.memorySummary();
                    }
                    for (MemoryBlock b : held) {
                        liveRanges.remove(b.address());
                        a.free(b);
                    }
                } catch (Throwable e) {
                    problems.add(Thread.currentThread().getName() + ": " + e);
                }
            }, "alloc-" + t);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(60_000);
            assertTrue(!thread.isAlive(), thread.getName() + " did not finish: deadlock?");
        }

        assertEquals(List.of(), new ArrayList<>(problems));
        assertTrue(liveRanges.isEmpty());
        a.verifyConsistency();
        Map<String, Long> stats = a.memoryStats();
        assertEquals(0, a.memoryAllocated());
        assertEquals(0, stats.get("allocation.all.current"));
        assertEquals(0, stats.get("requested_bytes.all.current"));
        assertEquals(0, stats.get("inactive_split.all.current"), "every segment merged back whole");
        assertEquals(stats.get("allocation.all.allocated"), stats.get("allocation.all.freed"));
        assertEquals(ooms.get(), stats.get("num_ooms"));
        // Each OOM ran the reclaimer first; other reclaims were followed by a successful retry because
        // another thread freed memory in the meantime.
        assertTrue(reclaims.get() >= ooms.get(), reclaims.get() + " reclaims for " + ooms.get() + " OOMs");
        assertTrue(ooms.get() > 0, "the device was small enough to exercise the out-of-memory ladder");
        assertTrue(stats.get("allocation.all.allocated") > THREADS * OPERATIONS_PER_THREAD / 3);
        assertEquals(dev.usedBytes(), a.memoryReserved(), "the allocator's books match the device");
        a.emptyCache();
        assertEquals(0, a.memoryReserved());
        assertEquals(0, dev.liveAllocations());
        assertEquals(stats.get("num_device_alloc"), (long) dev.allocatedSizes.size());
    }

    /** Mostly small requests, some between 1 and 10 MiB, a few large ones. */
    private static long randomSize(Random rnd) {
        int kind = rnd.nextInt(100);
        if (kind < 65) return 1 + rnd.nextInt((int) MiB);
        if (kind < 93) return MiB + 1 + rnd.nextInt((int) (9 * MiB));
        return 10 * MiB + rnd.nextInt((int) (30 * MiB));
    }

    private static void checkNoOverlap(ConcurrentSkipListMap<Long, Long> live, MemoryBlock b,
                                       ConcurrentLinkedQueue<String> problems) {
        long start = b.address();
        long end = start + b.size();
        if (live.putIfAbsent(start, end) != null) {
            problems.add("two live blocks at 0x" + Long.toHexString(start));
            return;
        }
        Map.Entry<Long, Long> below = live.lowerEntry(start);
        Map.Entry<Long, Long> above = live.higherEntry(start);
        if (below != null && below.getValue() > start) problems.add("block " + b + " overlaps one below it");
        if (above != null && above.getKey() < end) problems.add("block " + b + " overlaps one above it");
    }
}
