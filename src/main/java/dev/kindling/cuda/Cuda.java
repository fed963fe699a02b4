package dev.kindling.cuda;

import dev.kindling.KindlingException;
import dev.kindling.backend.Backend;

/**
 * The public CUDA face: availability, and per-device memory statistics of the caching allocator.
 * Nothing here loads a native library until a CUDA device is first used.
 */
public final class Cuda {
    private Cuda() {}

    /** Whether a CUDA device can be used. */
    public static boolean isAvailable() { return false; }

    /** Why CUDA is unavailable, in one line (empty when it is available). */
    public static String reason() { return "this build of Kindling has no CUDA backend"; }

    /** The backend of device {@code index}; throws with {@link #reason()} when CUDA is unavailable. */
    public static Backend backend(int index) {
        throw new KindlingException("CUDA is not available: " + reason());
    }
}
