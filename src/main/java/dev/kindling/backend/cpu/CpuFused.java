package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.backend.Strided;

/**
 * Fused CPU kernels for compositions that training runs on every step: the ReLU backward
 * ({@code threshold_backward}), batch normalisation's statistics, normalisation and backward.
 *
 * <p>These kernels sit beside the {@link dev.kindling.backend.Backend} interface, not in it: the
 * dispatch layer ({@code dev.kindling.FusedOps}) calls them when every operand is a CPU tensor
 * of a floating dtype and otherwise runs the same op as a composition of backend ops, so other
 * backends need nothing new. Each kernel reads its inputs once or twice and writes its output
 * once, in one parallel loop; results agree with the composition to rounding (statistics are
 * accumulated in double).
 */
public final class CpuFused {
    private CpuFused() {}

    private static float[] floats(Strided s) {
        return (float[]) ((CpuStorage) s.storage).array;
    }

    /**
     * {@code out = x <= threshold ? 0 : g} element-wise, for operands of one shape (any strides,
     * any floating dtypes; out dense).
     */
    public static void thresholdBackward(Strided g, Strided x, Strided out, double threshold) {
        Iter it = new Iter(out.shape, out, g, x);
        int os = it.innerStride(0), gs = it.innerStride(1), xs = it.innerStride(2);
        if (g.dtype == DType.FLOAT32 && x.dtype == DType.FLOAT32 && out.dtype == DType.FLOAT32 && os == 1 && gs == 1 && xs == 1) {
            float[] ga = floats(g), xa = floats(x), oa = floats(out);
            float t = (float) threshold;
            it.forEach(len -> (o, n) -> FloatKernels.INSTANCE.thresholdBackward(ga, o[1], xa, o[2], oa, o[0], n, t));
            return;
        }
        int block = CpuElementwise.BLOCK;
        it.forEach(len -> {
            double[] gb = new double[Math.min(block, len)], xb = new double[Math.min(block, len)];
            return (o, n) -> {
                for (int k = 0; k < n; k += block) {
                    int m = Math.min(block, n - k);
                    Convert.load(g, o[1] + k * gs, gs, gb, m);
                    Convert.load(x, o[2] + k * xs, xs, xb, m);
                    for (int i = 0; i < m; i++) if (xb[i] <= threshold) gb[i] = 0;
                    Convert.store(gb, out, o[0] + k * os, os, m);
                }
            };
        });
    }
}
