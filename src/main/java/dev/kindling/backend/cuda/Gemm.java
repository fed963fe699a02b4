package dev.kindling.backend.cuda;

import dev.kindling.DType;

/**
 * Runs {@link GemmCall}s on one device's stream: cuBLAS when it loads ({@code CublasGemm}), else
 * Kindling's own kernels ({@link KernelGemm}). Chosen once per device by the driver.
 */
interface Gemm {
    /** Runs {@code call} on device pointers a, b and c of dtype FLOAT32, FLOAT64 or INT64. */
    void run(DType dtype, GemmCall call, long a, long b, long c);

    /** What runs the products, for logs and benchmarks ("cuBLAS 12.x" or "Kindling kernels"). */
    String name();
}
