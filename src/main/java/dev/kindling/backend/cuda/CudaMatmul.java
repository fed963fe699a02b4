package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.Strided;

/**
 * Batched matrix products on the device: [B, M, K] × [B, K, N] → dense [B, M, N] through the
 * device's {@link Gemm} (cuBLAS, or Kindling's kernels). Each operand is passed as it lies in memory
 * when one of its matrix dims is contiguous (as is, or transposed, with its row stride as leading
 * dimension, and batch stride 0 when it is broadcast); otherwise it is first copied densely.
 * float32, float64 and int64 run natively; float16/bfloat16 compute in float32 and the other
 * integer types in int64, then convert, as on the CPU.
 */
final class CudaMatmul {
    private CudaMatmul() {}

    /** How one operand enters the GEMM: its device address, transposition, leading dim and batch stride. */
    record Operand(long address, boolean trans, int ld, long batchStride) {}

    /**
     * The GEMM view of a [B, R, C] operand, or null when neither matrix dim is contiguous. The rows
     * and columns are those of the matrix as used (R × C); a size-1 dim accepts any stride.
     */
    static Operand view(long address, int[] shape, int[] strides) {
        int r = shape[1], c = shape[2];
        int sr = strides[1], sc = strides[2];
        long batchStride = shape[0] == 1 ? 0 : strides[0];
        if (c == 1 || sc == 1) {
            int ld = r == 1 ? Math.max(1, c) : sr;
            if (ld >= Math.max(1, c)) return new Operand(address, false, ld, batchStride);
        }
        if (r == 1 || sr == 1) {
            int ld = c == 1 ? Math.max(1, r) : sc;
            if (ld >= Math.max(1, r)) return new Operand(address, true, ld, batchStride);
        }
        return null;
    }

    /** The GEMM of out = a × b for operands already in GEMM form. */
    static GemmCall call(Operand a, Operand b, int batch, int m, int n, int k) {
        return new GemmCall(m, n, k, a.trans(), b.trans(), a.ld(), b.ld(), Math.max(1, n),
                a.batchStride(), b.batchStride(), (long) m * n, batch, 1.0, 0.0);
    }

    static void matmul(CudaContext c, Strided a, Strided b, Strided out) {
        if (out.numel() == 0) return;
        DType dt = out.dtype;
        DType compute = dt == DType.FLOAT32 || dt == DType.FLOAT64 || dt == DType.INT64 ? dt
                : dt.isFloatingPoint() ? DType.FLOAT32 : DType.INT64;
        CudaStorage ta = null, tb = null, to = null;
        try {
            Operand oa = a.dtype == compute ? view(Operands.address(a), a.shape, a.strides) : null;
            if (oa == null) {
                ta = c.storage(compute, a.numel());
                Strided d = Operands.dense(ta, a.shape);
                CudaElementwise.copy(c, a, d);
                oa = view(Operands.address(d), d.shape, d.strides);
            }
            Operand ob = b.dtype == compute ? view(Operands.address(b), b.shape, b.strides) : null;
            if (ob == null) {
                tb = c.storage(compute, b.numel());
                Strided d = Operands.dense(tb, b.shape);
                CudaElementwise.copy(c, b, d);
                ob = view(Operands.address(d), d.shape, d.strides);
            }
            Strided target = out;
            if (dt != compute || !out.isContiguous()) {
                to = c.storage(compute, out.numel());
                target = Operands.dense(to, out.shape);
            }
            int batch = out.shape[0], m = out.shape[1], n = out.shape[2], k = a.shape[2];
            c.driver.gemm().run(compute, call(oa, ob, batch, m, n, k), oa.address(), ob.address(), Operands.address(target));
            if (target != out) CudaElementwise.copy(c, target, out);
        } finally {
            if (ta != null) ta.release();
            if (tb != null) tb.release();
            if (to != null) to.release();
        }
    }
}
