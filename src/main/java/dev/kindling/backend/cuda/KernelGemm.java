package dev.kindling.backend.cuda;

import dev.kindling.DType;

/**
 * Matrix products on Kindling's own tiled kernels ({@code src/main/cuda/gemm.cu}): used for every
 * dtype when cuBLAS is unavailable (such as on a machine with only CUDA 13 libraries), and for int64
 * always. Each block computes one output tile of one matrix of the batch.
 */
final class KernelGemm implements Gemm {
    /** Threads per block of the GEMM kernels ({@code __launch_bounds__(256)}). */
    static final int THREADS = 256;
    /** Output tile edge of the float32 kernel. */
    static final int TILE_F32 = 128;
    /** Output tile edge of the float64 and int64 kernels. */
    static final int TILE_64 = 64;
    /** Most batch entries per launch in grid z (CUDA's limit is 65535; the kernel loops over the rest). */
    static final int MAX_GRID_Z = 65535;

    private final Driver driver;

    KernelGemm(Driver driver) {
        this.driver = driver;
    }

    @Override
    public String name() { return "Kindling's GEMM kernels"; }

    @Override
    public void run(DType dtype, GemmCall g, long a, long b, long c) {
        if (g.batch() == 0 || g.m() == 0 || g.n() == 0) return;
        Kernel kernel = switch (dtype) {
            case FLOAT32 -> Kernel.GEMM_F32;
            case FLOAT64 -> Kernel.GEMM_F64;
            case INT64 -> Kernel.GEMM_I64;
            default -> throw new IllegalStateException("gemm on " + dtype);
        };
        int tile = dtype == DType.FLOAT32 ? TILE_F32 : TILE_64;
        int gx = (g.n() + tile - 1) / tile, gy = (g.m() + tile - 1) / tile;
        driver.launch(kernel, gx, gy, Math.min(g.batch(), MAX_GRID_Z), THREADS, new KernelArgs().gemm(g).ptr(a).ptr(b).ptr(c));
    }
}
