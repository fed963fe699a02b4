package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.Strided;
import dev.kindling.backend.cpu.CpuBackend;
import dev.kindling.backend.cpu.CpuStorage;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Copies between Java arrays and device memory. Each direction moves the source's own elements
 * once, densely and in its own dtype, through the driver's pinned staging buffers; layout changes,
 * broadcasting and dtype conversion happen on the side that has the destination (a device copy
 * kernel after an upload, the CPU copy kernel after a download). A destination that is dense, of the
 * source's dtype and shape, is written directly.
 */
final class Transfers {
    private Transfers() {}

    /** {@code dst} (on the context's device) = {@code src} (CPU), broadcast and converted as needed. */
    static void upload(CudaContext c, Strided src, Strided dst) {
        if (dst.numel() == 0) return;
        Strided host = src.isContiguous() ? src : denseOnHost(src);
        long bytes = host.numel() * host.dtype.itemSize();
        if (host.dtype == dst.dtype && dst.isContiguous() && Arrays.equals(host.shape, dst.shape)) {
            c.driver.upload(Operands.address(dst), bytes, source(host));
            return;
        }
        CudaStorage tmp = c.storage(host.dtype, host.numel());
        try {
            Strided staged = Operands.dense(tmp, host.shape);
            c.driver.upload(Operands.address(staged), bytes, source(host));
            CudaElementwise.copy(c, staged, dst);
        } finally {
            tmp.release();
        }
    }

    /** {@code dst} (CPU) = {@code src} (on the context's device), broadcast and converted as needed. */
    static void download(CudaContext c, Strided src, Strided dst) {
        if (dst.numel() == 0) return;
        if (!src.isContiguous()) {
            CudaStorage tmp = c.storage(src.dtype, src.numel());
            try {
                Strided dense = Operands.dense(tmp, src.shape);
                CudaElementwise.copy(c, src, dense);
                download(c, dense, dst);
                return;
            } finally {
                tmp.release();
            }
        }
        long bytes = src.numel() * src.dtype.itemSize();
        if (src.dtype == dst.dtype && dst.isContiguous() && Arrays.equals(src.shape, dst.shape)) {
            c.driver.download(Operands.address(src), bytes, sink(dst));
            return;
        }
        Strided host = new Strided(CpuStorage.allocate(src.dtype, src.numel()), 0, src.shape, Operands.contiguous(src.shape));
        c.driver.download(Operands.address(src), bytes, sink(host));
        CpuBackend.INSTANCE.copy(host, dst);
    }

    /** The elements from the operand's first to its last addressable element (strides are never negative). */
    static long extent(Strided s) {
        if (s.numel() == 0) return 0;
        long last = 0;
        for (int d = 0; d < s.shape.length; d++) last += (long) (s.shape[d] - 1) * s.strides[d];
        return last + 1;
    }

    /**
     * A CPU operand laid out as device operand {@code s}, over a host copy of the storage span it
     * covers (for layouts no kernel can walk).
     */
    static Strided downloadSpan(CudaContext c, Strided s) {
        long extent = extent(s);
        if (extent > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("a CUDA tensor spans " + extent + " elements");
        CpuStorage h = CpuStorage.allocate(s.dtype, extent);
        if (extent > 0) c.driver.download(Operands.address(s), extent * s.dtype.itemSize(), sink(Operands.dense(h, new int[] {(int) extent})));
        return new Strided(h, 0, s.shape, s.strides);
    }

    /** Writes a span made by {@link #downloadSpan} back over device operand {@code s}. */
    static void uploadSpan(CudaContext c, Strided span, Strided s) {
        long extent = extent(s);
        if (extent > 0) c.driver.upload(Operands.address(s), extent * s.dtype.itemSize(), source(Operands.dense(span.storage, new int[] {(int) extent})));
    }

    /** A dense CPU copy of a CPU operand, in its dtype. */
    static Strided denseOnHost(Strided s) {
        Strided d = new Strided(CpuStorage.allocate(s.dtype, s.numel()), 0, s.shape, Operands.contiguous(s.shape));
        CpuBackend.INSTANCE.copy(s, d);
        return d;
    }

    /** Reads the dense elements of a contiguous CPU operand from its offset on. */
    private static Driver.HostSource source(Strided s) {
        Object array = ((CpuStorage) s.storage).array;
        int item = s.dtype.itemSize();
        return (chunk, byteOffset) -> {
            int from = s.offset + (int) (byteOffset / item);
            int n = chunk.remaining() / item;
            put(array, s.dtype, from, n, chunk);
        };
    }

    /** Writes into the dense elements of a contiguous CPU operand from its offset on. */
    private static Driver.HostSink sink(Strided s) {
        Object array = ((CpuStorage) s.storage).array;
        int item = s.dtype.itemSize();
        return (chunk, byteOffset) -> {
            int from = s.offset + (int) (byteOffset / item);
            int n = chunk.remaining() / item;
            get(array, s.dtype, from, n, chunk);
        };
    }

    /** Copies n elements of a Java array from {@code from} into the little-endian buffer. */
    static void put(Object array, DType dtype, int from, int n, ByteBuffer b) {
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().put((float[]) array, from, n);
            case FLOAT64 -> b.asDoubleBuffer().put((double[]) array, from, n);
            case INT64 -> b.asLongBuffer().put((long[]) array, from, n);
            case INT32 -> b.asIntBuffer().put((int[]) array, from, n);
            case INT16, FLOAT16, BFLOAT16 -> b.asShortBuffer().put((short[]) array, from, n);
            case INT8, UINT8 -> b.put((byte[]) array, from, n);
            case BOOL -> {
                boolean[] a = (boolean[]) array;
                for (int i = 0; i < n; i++) b.put(i, a[from + i] ? (byte) 1 : 0);
            }
        }
    }

    /** Copies n elements from the little-endian buffer into a Java array at {@code from}. */
    static void get(Object array, DType dtype, int from, int n, ByteBuffer b) {
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().get((float[]) array, from, n);
            case FLOAT64 -> b.asDoubleBuffer().get((double[]) array, from, n);
            case INT64 -> b.asLongBuffer().get((long[]) array, from, n);
            case INT32 -> b.asIntBuffer().get((int[]) array, from, n);
            case INT16, FLOAT16, BFLOAT16 -> b.asShortBuffer().get((short[]) array, from, n);
            case INT8, UINT8 -> b.get((byte[]) array, from, n);
            case BOOL -> {
                boolean[] a = (boolean[]) array;
                for (int i = 0; i < n; i++) a[from + i] = b.get(i) != 0;
            }
        }
    }
}
