package dev.kindling.backend.cuda;

import dev.kindling.backend.Backend;
import dev.kindling.cuda.AllocatorConfig;
import dev.kindling.cuda.CachingAllocator;

/**
 * A CUDA backend over a {@link FakeDriver}, for tests in other packages (the tensor layer's lifetime
 * rules are tested with it, without a GPU). Each instance is a fresh simulated cuda:0.
 */
public final class SimulatedCuda {
    private final CudaContext ctx;

    public SimulatedCuda() { this(false); }

    /** With {@code leakReport}, as if {@code KINDLING_CUDA_LEAK_REPORT=1} were set. */
    public SimulatedCuda(boolean leakReport) {
        ctx = new CudaContext(new FakeDriver(256L << 20, 4096, 4), AllocatorConfig.defaults(), leakReport);
    }

    public Backend backend() { return ctx.backend; }

    public CachingAllocator allocator() { return ctx.allocator; }

    /** Runs the garbage collector and every pending cleaner action. */
    public static void collect() { DeviceCleaner.INSTANCE.reclaim(); }
}
