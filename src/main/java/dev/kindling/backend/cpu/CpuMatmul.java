package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.backend.Strided;

/**
 * Batched matrix products on the CPU: [B, M, K] × [B, K, N] → dense [B, M, N] through the packed
 * {@link Gemm} kernels. float32, float64 and int64 run natively; the half types compute in float32
 * and the other integer types in int64, then convert.
 */
final class CpuMatmul {
    private CpuMatmul() {}

    static void matmul(Strided a, Strided b, Strided out) {
        DType dt = out.dtype;
        if (dt == DType.FLOAT32 || dt == DType.FLOAT64 || dt == DType.INT64) {
            gemm(a, b, out);
            return;
        }
        DType compute = dt.isFloatingPoint() ? DType.FLOAT32 : DType.INT64;
        Strided ca = dense(a, compute), cb = dense(b, compute);
        Strided co = new Strided(CpuStorage.allocate(compute, out.numel()), 0, out.shape, contiguous(out.shape));
        gemm(ca, cb, co);
        CpuElementwise.copy(co, out);
    }

    private static int[] contiguous(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    private static Strided dense(Strided s, DType dt) {
        Strided d = new Strided(CpuStorage.allocate(dt, s.numel()), 0, s.shape, contiguous(s.shape));
        CpuElementwise.copy(s, d);
        return d;
    }

    private static void gemm(Strided a, Strided b, Strided out) {
        int batch = out.shape[0], m = out.shape[1], n = out.shape[2], k = a.shape[2];
        Object aa = ((CpuStorage) a.storage).array, ba = ((CpuStorage) b.storage).array, ca = ((CpuStorage) out.storage).array;
        int aB = a.shape[0] == 1 ? 0 : a.strides[0], bB = b.shape[0] == 1 ? 0 : b.strides[0];
        switch (out.dtype) {
            case FLOAT32 -> Gemm.sgemmBatched(batch, m, n, k, 1f, (float[]) aa, a.offset, a.strides[1], a.strides[2],
                    (float[]) ba, b.offset, b.strides[1], b.strides[2], 0f, (float[]) ca, out.offset, out.strides[1], out.strides[2],
                    aB, bB, out.strides[0]);
            case FLOAT64 -> Gemm.dgemmBatched(batch, m, n, k, 1.0, (double[]) aa, a.offset, a.strides[1], a.strides[2],
                    (double[]) ba, b.offset, b.strides[1], b.strides[2], 0.0, (double[]) ca, out.offset, out.strides[1], out.strides[2],
                    aB, bB, out.strides[0]);
            case INT64 -> Gemm.lgemmBatched(batch, m, n, k, 1L, (long[]) aa, a.offset, a.strides[1], a.strides[2],
                    (long[]) ba, b.offset, b.strides[1], b.strides[2], 0L, (long[]) ca, out.offset, out.strides[1], out.strides[2],
                    aB, bB, out.strides[0]);
            default -> throw new IllegalStateException("gemm on " + out.dtype);
        }
    }
}
