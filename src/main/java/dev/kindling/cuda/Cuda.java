package dev.kindling.cuda;

import dev.kindling.KindlingException;
import dev.kindling.backend.Backend;
import dev.kindling.backend.cuda.CudaRuntime;

import java.util.Map;
import java.util.TreeMap;

/**
 * The public CUDA face, as {@code torch.cuda}: availability, devices, synchronisation, and the
 * memory statistics and controls of each device's {@link CachingAllocator}.
 *
 * <pre>{@code
 * if (Cuda.isAvailable()) {
 *     Tensor x = Torch.randn(1024, 1024).cuda();
 *     Cuda.memoryAllocated();        // 4194304
 *     System.out.println(Cuda.memorySummary());
 * } else {
 *     System.out.println(Cuda.reason());   // e.g. "libcuda.so.1 not found: no NVIDIA driver"
 * }
 * }</pre>
 *
 * <p>Nothing is loaded or printed when this class loads. {@link #isAvailable()}, {@link #reason()}
 * and {@link #deviceCount()} look for JCuda, the NVIDIA driver and a GPU once, on first call; a
 * failure is never thrown or printed there but reported as the one-line {@link #reason()}, which
 * every attempt to use a device (such as {@code tensor.cuda()}) throws as a
 * {@link KindlingException}. The memory statistics, as in PyTorch, report zeros for a device that
 * was never used and start nothing. Methods without a device argument use device 0.
 */
public final class Cuda {
    private Cuda() {}

    /** Whether a CUDA device can be used. */
    public static boolean isAvailable() { return CudaRuntime.isAvailable(); }

    /** Why CUDA is unavailable, in one line (empty when it is available). */
    public static String reason() { return CudaRuntime.reason(); }

    /** The number of CUDA devices; 0 when CUDA is unavailable. */
    public static int deviceCount() { return CudaRuntime.deviceCount(); }

    /** The name of a device, such as "NVIDIA H100 80GB HBM3"; throws when it cannot be used. */
    public static String deviceName(int device) { return CudaRuntime.deviceName(device); }

    /** What runs matrix products on a device: cuBLAS when it loads, else Kindling's own kernels. */
    public static String gemmBackend(int device) { return CudaRuntime.gemmName(device); }

    /** Waits until all work queued on device 0 is done; reports an earlier kernel failure. */
    public static void synchronize() { synchronize(0); }

    /** Waits until all work queued on {@code device} is done; reports an earlier kernel failure. */
    public static void synchronize(int device) { CudaRuntime.synchronize(device); }

    /**
     * The backend of device {@code index}, for the tensor layer; throws {@link KindlingException}
     * with {@link #reason()} when CUDA is unavailable.
     */
    public static Backend backend(int index) { return CudaRuntime.backend(index); }

    /**
     * {free, total} bytes of a device as the driver sees them ({@code torch.cuda.mem_get_info}):
     * free memory includes neither Kindling's cached blocks nor other processes' use.
     */
    public static long[] memGetInfo(int device) { return CudaRuntime.memGetInfo(device); }

    // ---- memory (torch.cuda.memory_allocated and friends) ----

    private static CachingAllocator allocator(int device) {
        if (device < 0) throw new IllegalArgumentException("Cuda: device index must be >= 0, got " + device);
        return CudaRuntime.allocatorIfUsed(device);
    }

    /** Bytes held by live tensors on device 0 ({@code torch.cuda.memory_allocated()}). */
    public static long memoryAllocated() { return memoryAllocated(0); }

    public static long memoryAllocated(int device) {
        CachingAllocator a = allocator(device);
        return a == null ? 0 : a.memoryAllocated();
    }

    /** Bytes the caching allocator holds from device 0, live or cached ({@code memory_reserved()}). */
    public static long memoryReserved() { return memoryReserved(0); }

    public static long memoryReserved(int device) {
        CachingAllocator a = allocator(device);
        return a == null ? 0 : a.memoryReserved();
    }

    /** The peak of {@link #memoryAllocated()} since start or {@link #resetPeakMemoryStats()}. */
    public static long maxMemoryAllocated() { return maxMemoryAllocated(0); }

    public static long maxMemoryAllocated(int device) {
        CachingAllocator a = allocator(device);
        return a == null ? 0 : a.maxMemoryAllocated();
    }

    /** The peak of {@link #memoryReserved()} since start or {@link #resetPeakMemoryStats()}. */
    public static long maxMemoryReserved() { return maxMemoryReserved(0); }

    public static long maxMemoryReserved(int device) {
        CachingAllocator a = allocator(device);
        return a == null ? 0 : a.maxMemoryReserved();
    }

    /** Returns the cached, unused memory of device 0 to the driver ({@code torch.cuda.empty_cache()}). */
    public static void emptyCache() { emptyCache(0); }

    public static void emptyCache(int device) {
        CachingAllocator a = allocator(device);
        if (a != null) a.emptyCache();
    }

    /** Starts the peaks of device 0 again from the current values. */
    public static void resetPeakMemoryStats() { resetPeakMemoryStats(0); }

    public static void resetPeakMemoryStats(int device) {
        CachingAllocator a = allocator(device);
        if (a != null) a.resetPeakMemoryStats();
    }

    /** The allocator statistics of device 0 with PyTorch's keys ({@code torch.cuda.memory_stats()}); empty if unused. */
    public static Map<String, Long> memoryStats() { return memoryStats(0); }

    public static Map<String, Long> memoryStats(int device) {
        CachingAllocator a = allocator(device);
        return a == null ? new TreeMap<>() : a.memoryStats();
    }

    /** PyTorch's memory summary table of device 0 ({@code torch.cuda.memory_summary()}). */
    public static String memorySummary() { return memorySummary(0); }

    public static String memorySummary(int device) {
        CachingAllocator a = allocator(device);
        if (a != null) return a.memorySummary();
        return new CachingAllocator(Unused.INSTANCE, device, AllocatorConfig.defaults(), () -> { }).memorySummary();
    }

    /** The memory of a device that was never used: nothing allocated, nothing to allocate from. */
    private enum Unused implements DeviceMemory {
        INSTANCE;

        @Override public long allocate(long bytes) { return 0; }

        @Override public void free(long address) { throw new IllegalStateException("nothing was allocated"); }

        @Override public long totalBytes() { return 0; }

        @Override public long freeBytes() { return 0; }
    }
}
