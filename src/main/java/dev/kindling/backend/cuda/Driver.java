package dev.kindling.backend.cuda;

import dev.kindling.cuda.DeviceMemory;

import java.nio.ByteBuffer;

/**
 * One CUDA device as the backend sees it: raw memory, kernel launches, copies and a GEMM, all
 * ordered on the device's single stream. {@code CudaDevice} implements it over JCuda's driver API;
 * tests implement it in Java to check what the backend asks of a device without a GPU.
 *
 * <p>Ordering: work is queued in call order and runs in that order on the device. Copies to the
 * host return when the data has arrived; everything else may return before the device is done.
 * Memory handed back to the caching allocator may therefore still be read by queued kernels, which
 * is safe because every later user of that memory is queued behind them.
 */
interface Driver extends DeviceMemory {
    /** Fills {@code chunk} (positioned at 0, {@code chunk.remaining()} bytes) with the next bytes to upload. */
    interface HostSource {
        void fill(ByteBuffer chunk, long byteOffset);
    }

    /** Consumes {@code chunk} (positioned at 0), the bytes downloaded from {@code byteOffset} on. */
    interface HostSink {
        void drain(ByteBuffer chunk, long byteOffset);
    }

    /** The device index (cuda:N). */
    int index();

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    String name();

    /** Streaming multiprocessors, for sizing grids. */
    int multiprocessors();

    /** Queues {@code kernel} on a gridX × gridY × gridZ grid of blocks of blockX threads. */
    void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, KernelArgs args);

    /** Copies {@code bytes} to device address {@code dst}, the bytes coming from {@code source} chunk by chunk. */
    void upload(long dst, long bytes, HostSource source);

    /** Copies {@code bytes} from device address {@code src}, handing them to {@code sink} chunk by chunk; waits. */
    void download(long src, long bytes, HostSink sink);

    /** Queues a copy of {@code bytes} between device addresses. */
    void copy(long dst, long src, long bytes);

    /** Queues setting {@code bytes} at {@code dst} to zero. */
    void zero(long dst, long bytes);

    /** Waits until all queued work is done; reports an earlier asynchronous failure. */
    void synchronize();

    /** The matrix products of this device. */
    Gemm gemm();
}
