package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.backend.Strided;

/**
 * Batched matrix products on the CPU: [B, M, K] × [B, K, N] → dense [B, M, N]. Floating dtypes
 * other than float32/float64 and integral dtypes compute in double / long and convert.
 */
final class CpuMatmul {
    private CpuMatmul() {}

    static void matmul(Strided a, Strided b, Strided out) {
        int batch = out.shape[0], m = out.shape[1], n = out.shape[2], k = a.shape[2];
        int aB = a.strides[0], aR = a.strides[1], aC = a.strides[2];
        int bB = b.strides[0], bR = b.strides[1], bC = b.strides[2];
        int oB = out.strides[0], oR = out.strides[1], oC = out.strides[2];
        if (a.dtype == DType.FLOAT32 && b.dtype == DType.FLOAT32 && out.dtype == DType.FLOAT32) {
            float[] x = arr(a), y = arr(b), z = arr(out);
            Parallel.parallelFor(batch * m, Math.max(1, 16_384 / Math.max(1, n * k)), (s, e) -> {
                for (int r = s; r < e; r++) {
                    int bi = r / m, i = r % m;
                    int zo = out.offset + bi * oB + i * oR;
                    for (int j = 0; j < n; j++) z[zo + j * oC] = 0f;
                    for (int p = 0; p < k; p++) {
                        float av = x[a.offset + bi * aB + i * aR + p * aC];
                        int yo = b.offset + bi * bB + p * bR;
                        for (int j = 0; j < n; j++) z[zo + j * oC] += av * y[yo + j * bC];
                    }
                }
            });
            return;
        }
        boolean floating = out.dtype.isFloatingPoint();
        Parallel.parallelFor(batch * m, Math.max(1, 16_384 / Math.max(1, n * k)), (s, e) -> {
            double[] rowA = new double[k], colB = new double[k], res = new double[n];
            long[] rowAL = new long[k], colBL = new long[k], resL = new long[n];
            for (int r = s; r < e; r++) {
                int bi = r / m, i = r % m;
                if (floating) {
                    Convert.load(a, a.offset + bi * aB + i * aR, aC, rowA, k);
                    for (int j = 0; j < n; j++) {
                        Convert.load(b, b.offset + bi * bB + j * bC, bR, colB, k);
                        double acc = 0;
                        for (int p = 0; p < k; p++) acc += rowA[p] * colB[p];
                        res[j] = acc;
                    }
                    Convert.store(res, out, out.offset + bi * oB + i * oR, oC, n);
                } else {
                    Convert.load(a, a.offset + bi * aB + i * aR, aC, rowAL, k);
                    for (int j = 0; j < n; j++) {
                        Convert.load(b, b.offset + bi * bB + j * bC, bR, colBL, k);
                        long acc = 0;
                        for (int p = 0; p < k; p++) acc += rowAL[p] * colBL[p];
                        resL[j] = acc;
                    }
                    Convert.store(resL, out, out.offset + bi * oB + i * oR, oC, n);
                }
            }
        });
    }

    private static float[] arr(Strided s) {
        return (float[]) ((CpuStorage) s.storage).array;
    }
}
