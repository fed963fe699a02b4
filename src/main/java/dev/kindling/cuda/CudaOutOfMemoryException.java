package dev.kindling.cuda;

import dev.kindling.KindlingException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Thrown when a CUDA device allocation fails after every fallback of the caching allocator: cached
 * blocks released, unreachable tensors reclaimed, and the device asked again.
 *
 * <p>The message has PyTorch's shape, so a search for it finds the same advice: the size asked of the
 * device and the caller's request, the device's capacity and free memory, the memory held by live
 * tensors versus the memory cached but unused, and hints for the usual causes. Sizes are written as
 * PyTorch's {@code format_size} writes them ("512 bytes", "1.50 KiB", "70.00 MiB", "79.19 GiB"). The
 * same numbers are available from the getters. The allocator that threw is unchanged apart from having released cached memory, and
 * remains usable.
 */
public class CudaOutOfMemoryException extends KindlingException {
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private final int device;
    private final long requested;
    private final long rounded;
    private final long total;
    private final long free;
    private final long allocated;
    private final long reservedUnallocated;

    /**
     * @param device the CUDA device index
     * @param requested the bytes the caller asked for
     * @param rounded the bytes asked of the device for it: the request rounded up to the block
     *     granularity and the segment size of its pool
     * @param total the device's capacity in bytes
     * @param free the bytes free on the device when the allocation failed
     * @param allocated the bytes in live blocks of the caching allocator
     * @param reservedUnallocated the bytes the caching allocator holds from the device but has not
     *     handed out (cached blocks that could not be released, being parts of partly used segments)
     */
    public CudaOutOfMemoryException(int device, long requested, long rounded, long total, long free,
                                    long allocated, long reservedUnallocated) {
        super(message(device, requested, rounded, total, free, allocated, reservedUnallocated));
        this.device = device;
        this.requested = requested;
        this.rounded = rounded;
        this.total = total;
        this.free = free;
        this.allocated = allocated;
        this.reservedUnallocated = reservedUnallocated;
    }

    private static String message(int device, long requested, long rounded, long total, long free,
                                  long allocated, long reservedUnallocated) {
        return "CUDA out of memory. Tried to allocate " + formatSize(rounded)
                + " (request " + formatSize(requested) + "). GPU " + device
                + " has a total capacity of " + formatSize(total)
                + " of which " + formatSize(free) + " is free. Of the allocated memory "
                + formatSize(allocated) + " is allocated by Kindling, and "
                + formatSize(reservedUnallocated) + " is reserved by Kindling but unallocated."
                + " If reserved but unallocated memory is large try setting "
                + AllocatorConfig.ENV_VAR + "=max_split_size_mb:128 (any size of at least "
                + AllocatorConfig.MIN_MAX_SPLIT_SIZE_MB + " MiB) to avoid fragmentation."
                + " Other common causes: a tensor that keeps an autograd graph alive across iterations"
                + " (accumulate a loss with total += loss.item(), not total = total.add(loss));"
                + " temporaries held past their use (close() them, or create them inside"
                + " try (var scope = Torch.scope()) { ... }); a batch size too large for this GPU.";
    }

    /**
     * Writes a byte count as PyTorch's {@code format_size} does: up to 1024 as {@code "N bytes"}, then
     * KiB up to 1 MiB, MiB up to 1 GiB, GiB above, with two decimals rounded half-even on the exact
     * binary value (as C's printf rounds).
     */
    static String formatSize(long bytes) {
        if (bytes <= KIB) return bytes + " bytes";
        if (bytes <= MIB) return twoDecimals(bytes, KIB) + " KiB";
        if (bytes <= GIB) return twoDecimals(bytes, MIB) + " MiB";
        return twoDecimals(bytes, GIB) + " GiB";
    }

    private static String twoDecimals(long bytes, long unit) {
        return new BigDecimal((double) bytes / unit).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** The CUDA device index. */
    public int device() { return device; }

    /** The bytes the caller asked for. */
    public long requested() { return requested; }

    /** The bytes asked of the device for the request (the request rounded up to its segment size). */
    public long rounded() { return rounded; }

    /** The device's capacity in bytes. */
    public long total() { return total; }

    /** The bytes free on the device when the allocation failed. */
    public long free() { return free; }

    /** The bytes in live blocks of the caching allocator. */
    public long allocated() { return allocated; }

    /** The bytes the caching allocator holds from the device but has not handed out. */
    public long reservedUnallocated() { return reservedUnallocated; }
}
