package dev.kindling.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.backend.TernaryOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optimizers' ternary kernels (addcmul, addcdiv, lerp with a weight per element or one weight):
 * the Vector API bodies give the scalar kernels' results bit for bit (same order of operations, no
 * fused multiply-adds), over lengths with and without tails, offsets, special values and weights on
 * both sides of 0.5; the scalar kernels follow PyTorch's formulas, written out here.
 */
class TernaryKernelTest {
    private static final int[] LENGTHS = {1, 5, 16, 17, 63, 257, 1000};

    private static float[] values(Random r, int n) {
        float[] v = new float[n + 3];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 3);
        if (n > 10) {
            v[4] = Float.NaN;
            v[5] = Float.POSITIVE_INFINITY;
            v[6] = -0f;
            v[7] = 1e-40f;
        }
        return v;
    }

    private static float expected(TernaryOp op, float x, float y, float z, float p) {
        return switch (op) {
            case ADDCMUL -> x + p * y * z;
            case ADDCDIV -> x + p * y / z;
            default -> Math.abs(z) < 0.5f ? x + z * (y - x) : y - (y - x) * (1 - z);
        };
    }

    @Test
    void vectorBodiesMatchScalarKernelsBitForBit() {
        assumeTrue(Simd.AVAILABLE, "the Vector API is not available");
        FloatKernels vector = new VectorFloatKernels(), scalar = new ScalarFloatKernels();
        Random r = new Random(7);
        for (TernaryOp op : new TernaryOp[] {TernaryOp.ADDCMUL, TernaryOp.ADDCDIV, TernaryOp.LERP}) {
            for (int n : LENGTHS) {
                float[] a = values(r, n), b = values(r, n), c = values(r, n);
                if (op == TernaryOp.LERP) for (int i = 0; i < c.length; i++) c[i] = (float) r.nextDouble() * 1.4f - 0.2f;
                float p = -0.37f;
                int[][] strides = op == TernaryOp.LERP ? new int[][] {{1, 1, 1}, {1, 1, 0}} : new int[][] {{1, 1, 1}};
                for (int[] s : strides) {
                    for (float w : op == TernaryOp.LERP && s[2] == 0 ? new float[] {0.1f, 0.5f, 0.9f, Float.NaN} : new float[] {0f}) {
                        if (s[2] == 0) c[2] = w;
                        float[] ov = new float[n], os = new float[n];
                        vector.ternary(op, a, 1, s[0], b, 2, s[1], c, 2, s[2], ov, 0, n, p);
                        scalar.ternary(op, a, 1, s[0], b, 2, s[1], c, 2, s[2], os, 0, n, p);
                        for (int i = 0; i < n; i++) {
                            String what = op + " n=" + n + " strides " + s[2] + " at " + i;
                            assertEquals(Float.floatToIntBits(os[i]), Float.floatToIntBits(ov[i]), what);
                            float e = expected(op, a[1 + i], b[2 + i], c[2 + i * s[2]], p);
                            assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(os[i]), what);
                        }
                    }
                }
            }
        }
    }
}
