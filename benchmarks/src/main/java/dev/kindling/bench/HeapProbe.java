package dev.kindling.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Java-heap use of one iteration of a Kindling side: the heap's high-water mark while it runs
 * and the bytes it allocates.
 *
 * <p>Method: a full GC leaves only live data (the workload's inputs, model and, for a
 * backward-only workload, the prepared graph); the heap pools' peak counters are reset; one
 * iteration runs; the peak is the sum of the pools' peaks. When no collection happens during the
 * iteration this is exactly the live data plus everything the iteration allocated; when one does,
 * the pools peak at different moments and the sum is an upper bound. Allocation counts every
 * thread (the kernel pool's workers too), and for a side with an untimed preparation only the
 * timed part.
 */
final class HeapProbe {
    private HeapProbe() {}

    /**
     * One iteration's heap figures, in bytes.
     *
     * @param live      heap in use after the full GC, before the iteration
     * @param peak      the heap's high-water mark during the iteration (includes {@code live})
     * @param allocated bytes allocated by all threads during the iteration
     */
    record Usage(long live, long peak, long allocated) {}

    private static final List<MemoryPoolMXBean> HEAP = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).toList();

    /**
     * Peak over one iteration; allocation averaged over {@code iterations} (a tiny op allocates a
     * few hundred bytes, less than the harness's own noise in a single iteration).
     */
    static Usage measure(Side side, int iterations) {
        if (side.hasPrepare()) side.prepare();
        System.gc();
        long live = 0;
        for (MemoryPoolMXBean p : HEAP) {
            p.resetPeakUsage();
            live += p.getUsage().getUsed();
        }
        long before = allocatedBytes();
        side.run();
        long allocated = allocatedBytes() - before;
        long peak = 0;
        for (MemoryPoolMXBean p : HEAP) peak += p.getPeakUsage().getUsed();
        if (iterations > 1) {
            long prepared = 0, start = allocatedBytes();
            for (int i = 1; i < iterations; i++) {
                if (side.hasPrepare()) {
                    long p0 = allocatedBytes();
                    side.prepare();
                    prepared += allocatedBytes() - p0;
                }
                side.run();
            }
            allocated = (allocated + allocatedBytes() - start - prepared) / iterations;
        }
        return new Usage(live, Math.max(peak, live), Math.max(0, allocated));
    }

    /** Bytes allocated so far by all live threads, or 0 when the JVM cannot tell. */
    static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
                || !t.isThreadAllocatedMemorySupported() || !t.isThreadAllocatedMemoryEnabled()) {
            return 0;
        }
        long sum = 0;
        for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) if (b > 0) sum += b;
        return sum;
    }
}
