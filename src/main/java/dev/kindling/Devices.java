package dev.kindling;

import dev.kindling.backend.Backend;

/**
 * Finds the backend of a non-CPU device for the dispatch layer ({@link Torch#backend}). The CUDA
 * backend is reached through {@code dev.kindling.cuda.Cuda} on the first use of a CUDA device, so a
 * CPU-only program never loads a CUDA class; when CUDA cannot be used, that first use throws a
 * {@link KindlingException} with the one-line reason ({@code Cuda.reason()}), and so does every
 * later one. Backends are cached per device index.
 */
final class Devices {
    private Devices() {}

    /** Device indices below this are cached; CUDA machines rarely have more GPUs. */
    static final int CACHED_DEVICES = 16;

    private static final Backend[] CUDA = new Backend[CACHED_DEVICES];

    static Backend cuda(Device device) {
        int i = device.index();
        if (i < 0 || i >= CACHED_DEVICES) return dev.kindling.cuda.Cuda.backend(i);
        Backend b = CUDA[i];
        if (b == null) {
            synchronized (CUDA) {
                b = CUDA[i];
                if (b == null) {
                    b = dev.kindling.cuda.Cuda.backend(i);
                    CUDA[i] = b;
                }
            }
        }
        return b;
    }
}
