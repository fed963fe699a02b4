package dev.kindling.backend.cuda;

import dev.kindling.KindlingException;
import dev.kindling.backend.Backend;
import dev.kindling.cuda.AllocatorConfig;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entry point of the CUDA backend: finds out once whether CUDA can be used (JCuda present, its
 * native library and the NVIDIA driver loaded, at least one GPU) and creates each device's
 * {@link CudaContext} on first use. {@code dev.kindling.cuda.Cuda} calls it; nothing here runs, and
 * no JCuda class is loaded, until a CUDA device or CUDA's availability is first asked for.
 *
 * <p>A failure to start is never printed: it becomes the one-line {@link #reason()}, such as
 * "libcuda.so.1 not found: no NVIDIA driver", which every attempt to use a device repeats.
 */
public final class CudaRuntime {
    private CudaRuntime() {}

    /** Device contexts are created for indices below this. */
    static final int MAX_DEVICES = 16;

    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("(lib[\\w.+-]*?\\.so(?:\\.\\d+)*|[\\w.+-]+\\.dll|lib[\\w.+-]*?\\.dylib)"
                    + ":? (?:cannot open shared object file|image not found|The specified module could not be found)");

    private record Probe(int devices, String reason) {}

    private static volatile Probe probe;
    private static final CudaContext[] CONTEXTS = new CudaContext[MAX_DEVICES];

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (CudaRuntime.class) {
                if (probe == null) probe = runProbe();
                p = probe;
            }
        }
        return p;
    }

    private static Probe runProbe() {
        try {
            Class.forName("jcuda.driver.JCudaDriver", false, CudaRuntime.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return new Probe(0, "JCuda (org.jcuda:jcuda 12.6.0) is not on the class path");
        }
        try {
            return new Probe(CudaDevice.probe(), "");
        } catch (KindlingException e) {
            return new Probe(0, e.getMessage());
        } catch (LinkageError e) {
            return new Probe(0, reasonForLinkError(e));
        }
    }

    /**
     * A one-line reason for a native library that failed to load: "libcuda.so.1 not found: no NVIDIA
     * driver" when the driver is missing, "libcublas.so.12 not found" for another library, else the
     * first line of the error.
     */
    static String reasonForLinkError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = t.getMessage();
            if (msg == null) continue;
            Matcher m = MISSING_LIBRARY.matcher(msg);
            if (m.find()) {
                String lib = m.group(1);
                boolean driver = lib.startsWith("libcuda.so") || lib.equalsIgnoreCase("nvcuda.dll") || lib.startsWith("libcuda.dylib");
                return lib + " not found" + (driver ? ": no NVIDIA driver" : "");
            }
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = msg.indexOf('\n');
        return "JCuda's native library failed to load: " + (nl < 0 ? msg : msg.substring(0, nl)).trim();
    }

    /** Whether CUDA can be used. Probes (once) on first call. */
    public static boolean isAvailable() { return probe().devices() > 0; }

    /** Why CUDA is unavailable, in one line; empty when it is available. */
    public static String reason() { return probe().reason(); }

    /** The number of CUDA devices (0 when unavailable). */
    public static int deviceCount() { return probe().devices(); }

    /** The backend of device {@code index}, creating the device's context on first use. */
    public static Backend backend(int index) { return context(index).backend; }

    /** The context of device {@code index}, created on first use. */
    static CudaContext context(int index) {
        if (index >= 0 && index < MAX_DEVICES) {
            CudaContext c = CONTEXTS[index];
            if (c != null) return c;
        }
        synchronized (CudaRuntime.class) {
            Probe p = probe();
            if (p.devices() == 0) throw new KindlingException("CUDA is not available: " + p.reason());
            if (index < 0 || index >= p.devices() || index >= MAX_DEVICES) {
                throw new KindlingException("CUDA error: invalid device ordinal (cuda:" + index + " was asked for; "
                        + p.devices() + " device" + (p.devices() == 1 ? "" : "s") + " found)");
            }
            if (CONTEXTS[index] == null) {
                CONTEXTS[index] = new CudaContext(new CudaDevice(index), AllocatorConfig.fromEnvironment(), CudaStorage.LEAK_REPORT);
            }
            return CONTEXTS[index];
        }
    }

    /** The context of device {@code index} if it was created, else null (creates nothing). */
    static CudaContext existing(int index) {
        return index >= 0 && index < MAX_DEVICES ? CONTEXTS[index] : null;
    }

    // ---- the statistics and controls behind dev.kindling.cuda.Cuda ----

    /** The allocator of device {@code index}, or null when the device was never used. */
    public static dev.kindling.cuda.CachingAllocator allocatorIfUsed(int index) {
        DeviceCleaner.INSTANCE.drain();
        CudaContext c = existing(index);
        return c == null ? null : c.allocator;
    }

    /** Waits for all work queued on device {@code index}. */
    public static void synchronize(int index) { context(index).driver.synchronize(); }

    /** The name of device {@code index}. */
    public static String deviceName(int index) { return context(index).driver.name(); }

    /** {free, total} bytes of device {@code index}, as the driver reports them. */
    public static long[] memGetInfo(int index) {
        Driver d = context(index).driver;
        return new long[] {d.freeBytes(), d.totalBytes()};
    }

    /** What runs matrix products on device {@code index}. */
    public static String gemmName(int index) { return context(index).driver.gemm().name(); }
}
