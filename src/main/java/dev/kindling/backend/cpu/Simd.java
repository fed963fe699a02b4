package dev.kindling.backend.cpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the incubating Vector API ({@code jdk.incubator.vector}) is present in this JVM.
 *
 * <p>Classes that use the Vector API are only loaded when {@link #AVAILABLE} is true; every such
 * kernel has a plain-Java twin used otherwise. The module is present when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; without it Kindling logs once, at INFO, how to turn
 * it on. Setting the system property {@code kindling.simd=false} forces the plain-Java kernels.
 */
public final class Simd {
    private Simd() {}

    private static final Logger LOG = LoggerFactory.getLogger(Simd.class);

    public static final boolean AVAILABLE = detect();

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("kindling.simd"))) return false;
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            LOG.info("Kindling: the Vector API is not enabled, so CPU kernels use plain Java loops. "
                    + "Start the JVM with --add-modules jdk.incubator.vector for faster matmul and elementwise ops.");
        }
        return present;
    }

    /** Loads {@code vectorClass} when the Vector API is available, else returns {@code fallback}. */
    public static <T> T choose(String vectorClass, Class<T> type, T fallback) {
        if (!AVAILABLE) return fallback;
        try {
            return type.cast(Class.forName(vectorClass).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.info("Kindling: Vector API kernels unavailable ({}); using plain Java loops.", e.toString());
            return fallback;
        }
    }
}
