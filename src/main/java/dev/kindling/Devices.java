package dev.kindling;

import dev.kindling.backend.Backend;

/**
 * Finds the backend of a non-CPU device. The CUDA backend is loaded by name on first use, so a
 * CPU-only program never loads a CUDA class.
 */
final class Devices {
    private Devices() {}

    private static volatile Backend[] cuda;

    static Backend cuda(Device device) {
        Backend[] b = cuda;
        if (b == null) {
            synchronized (Devices.class) {
                if (cuda == null) cuda = new Backend[16];
                b = cuda;
            }
        }
        int i = device.index();
        if (i >= b.length) throw new KindlingException("CUDA device index " + i + " is out of range");
        if (b[i] == null) {
            synchronized (Devices.class) {
                if (b[i] == null) b[i] = dev.kindling.cuda.Cuda.backend(i);
            }
        }
        return b[i];
    }
}
