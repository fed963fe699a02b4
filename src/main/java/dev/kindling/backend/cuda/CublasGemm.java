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
 * cuBLAS is column-major; {@link ColumnMajorGemm} restates each row-major call. TF32 stays off
 * (cuBLAS's default math mode), so float32 products are full float32 as on the CPU.
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
        ColumnMajorGemm cm = ColumnMajorGemm.of(g);
        int opX = cm.transX() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opY = cm.transY() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        Pointer x = CudaDevice.pointer(b), y = CudaDevice.pointer(a), pc = CudaDevice.pointer(c);
        if (dtype == DType.FLOAT32) {
            check(JCublas2.cublasSgemmStridedBatched(handle, opX, opY, cm.m(), cm.n(), cm.k(),
                    Pointer.to(new float[] {(float) g.alpha()}), x, cm.ldx(), cm.strideX(), y, cm.ldy(), cm.strideY(),
                    Pointer.to(new float[] {(float) g.beta()}), pc, cm.ldc(), cm.strideC(), cm.batch()), "cublasSgemmStridedBatched");
        } else if (dtype == DType.FLOAT64) {
            check(JCublas2.cublasDgemmStridedBatched(handle, opX, opY, cm.m(), cm.n(), cm.k(),
                    Pointer.to(new double[] {g.alpha()}), x, cm.ldx(), cm.strideX(), y, cm.ldy(), cm.strideY(),
                    Pointer.to(new double[] {g.beta()}), pc, cm.ldc(), cm.strideC(), cm.batch()), "cublasDgemmStridedBatched");
        } else {
            throw new IllegalStateException("gemm on " + dtype);
        }
    }
}
