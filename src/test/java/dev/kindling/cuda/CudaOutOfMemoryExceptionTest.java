package dev.kindling.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The out-of-memory message and PyTorch's format_size. */
class CudaOutOfMemoryExceptionTest {
    private static final long KiB = 1L << 10;
    private static final long MiB = 1L << 20;
    private static final long GiB = 1L << 30;

    @Test
    void formatSizeWritesBytesKiBMiBGiBLikePyTorch() {
        assertEquals("0 bytes", CudaOutOfMemoryException.formatSize(0));
        assertEquals("1024 bytes", CudaOutOfMemoryException.formatSize(KiB));
        assertEquals("1.00 KiB", CudaOutOfMemoryException.formatSize(KiB + 1));
        assertEquals("1.12 KiB", CudaOutOfMemoryException.formatSize(1152), "1.125 rounds half to even, as printf");
        assertEquals("1.38 KiB", CudaOutOfMemoryException.formatSize(1408), "1.375 rounds half to even, as printf");
        assertEquals("1.13 KiB", CudaOutOfMemoryException.formatSize(1160));
        assertEquals("1024.00 KiB", CudaOutOfMemoryException.formatSize(MiB));
        assertEquals("1.00 MiB", CudaOutOfMemoryException.formatSize(MiB + 1));
        assertEquals("69.99 MiB", CudaOutOfMemoryException.formatSize(73_389_000));
        assertEquals("1024.00 MiB", CudaOutOfMemoryException.formatSize(GiB));
        assertEquals("1.00 GiB", CudaOutOfMemoryException.formatSize(GiB + 1));
        assertEquals("79.19 GiB", CudaOutOfMemoryException.formatSize(85_031_714_816L));
        assertEquals("1536.00 GiB", CudaOutOfMemoryException.formatSize(1536 * GiB));
    }

    @Test
    void messageHasPyTorchsShapeWithKindlingsHints() {
        CudaOutOfMemoryException e = new CudaOutOfMemoryException(0, 73_389_000, 70 * MiB, 85_031_714_816L,
                12 * MiB, 83_860_000_000L, 512 * MiB);
        assertEquals("CUDA out of memory. Tried to allocate 70.00 MiB (request 69.99 MiB). GPU 0 has a total capacity"
                + " of 79.19 GiB of which 12.00 MiB is free. Of the allocated memory 78.10 GiB is allocated by Kindling,"
                + " and 512.00 MiB is reserved by Kindling but unallocated. If reserved but unallocated memory is large"
                + " try setting KINDLING_CUDA_ALLOC_CONF=max_split_size_mb:128 (any size of at least 20 MiB) to avoid"
                + " fragmentation. Other common causes: a tensor that keeps an autograd graph alive across iterations"
                + " (accumulate a loss with total += loss.item(), not total = total.add(loss)); temporaries held past"
                + " their use (close() them, or create them inside try (var scope = Torch.scope()) { ... }); a batch"
                + " size too large for this GPU.", e.getMessage());
        assertEquals(0, e.device());
        assertEquals(73_389_000, e.requested());
        assertEquals(70 * MiB, e.rounded());
        assertEquals(85_031_714_816L, e.total());
        assertEquals(12 * MiB, e.free());
        assertEquals(83_860_000_000L, e.allocated());
        assertEquals(512 * MiB, e.reservedUnallocated());
    }
}
