package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * Matrix products on cuBLAS through JCublas ({@code libcublas.so.12} must load): float32 and float64
 * with {@code cublas<t>gemmStridedBatched} on the device's stream, int64 on {@link KernelGemm}.
 *
 * <p>cuBLAS is column-major. A row-major [r, c] matrix with row stride ld is, read column-major, its
 * transpose with the same leading dimension, so the row-major product C = op(A) op(B) is computed
 * as the column-major Cᵀ = op(B)ᵀ op(A)ᵀ: the operands swap places, m and n swap, and each keeps its
 * own transposition flag and leading dimension. TF32 stays off (cuBLAS's default math mode), so
 * float32 products are full float32 as on the CPU.
 */
final class CublasGemm implements Gemm {
    private final CudaDevice device;
    private final cublasHandle handle = new cublasHandle();
    private final KernelGemm int64;
    private final String name;

    private CublasGemm(CudaDevice device) {
        this.device = device;
        this.int64 = new KernelGemm(device);
        device.makeCurrent();
        check(JCublas2.cublasCreate(handle), "cublasCreate");
        check(JCublas2.cublasSetStream(handle, new cudaStream_t(device.stream())), "cublasSetStream");
        int[] version = {0};
        JCublas2.cublasGetVersion(handle, version);
        this.name = "cuBLAS " + version[0] / 10000 + "." + (version[0] / 100) % 100 + "." + version[0] % 100;
    }

    /**
     * @throws LinkageError when JCublas or libcublas.so.12 cannot be loaded
     * @throws KindlingException when cuBLAS loads but cannot start
     */
    static CublasGemm create(CudaDevice device) {
        JCublas2.initialize();
        return new CublasGemm(device);
    }

    private static void check(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new KindlingException("cuBLAS error: " + cublasStatus.stringFor(status) + " in " + call);
        }
    }

    @Override
    public String name() { return name; }

    @Override
    public void run(DType dtype, GemmCall g, long a, long b, long c) {
        if (g.batch() == 0 || g.m() == 0 || g.n() == 0) return;
        if (dtype == DType.INT64) {
            int64.run(dtype, g, a, b, c);
            return;
        }
        device.makeCurrent();
        int opA = g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        Pointer pa = CudaDevice.pointer(a), pb = CudaDevice.pointer(b), pc = CudaDevice.pointer(c);
        if (dtype == DType.FLOAT32) {
            check(JCublas2.cublasSgemmStridedBatched(handle, opB, opA, g.n(), g.m(), g.k(),
                    Pointer.to(new float[] {(float) g.alpha()}), pb, g.ldb(), g.strideB(), pa, g.lda(), g.strideA(),
                    Pointer.to(new float[] {(float) g.beta()}), pc, g.ldc(), g.strideC(), g.batch()), "cublasSgemmStridedBatched");
        } else if (dtype == DType.FLOAT64) {
            check(JCublas2.cublasDgemmStridedBatched(handle, opB, opA, g.n(), g.m(), g.k(),
                    Pointer.to(new double[] {g.alpha()}), pb, g.ldb(), g.strideB(), pa, g.lda(), g.strideA(),
                    Pointer.to(new double[] {g.beta()}), pc, g.ldc(), g.strideC(), g.batch()), "cublasDgemmStridedBatched");
        } else {
            throw new IllegalStateException("gemm on " + dtype);
        }
    }
}
