package dev.kindling;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused ops of {@link FusedOps} against plain-Java double references written here: float32
 * and float64, contiguous and strided operands, lengths that exercise vector bodies and tails,
 * and the composition that runs where no fused kernel applies.
 */
class FusedOpsTest {

    private static double[] random(Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    /** PyTorch's threshold_backward: 0 where x <= t (NaN x passes the gradient). */
    private static double[] thresholdBackwardRef(double[] g, double[] x, double t) {
        double[] out = new double[g.length];
        for (int i = 0; i < g.length; i++) out[i] = x[i] <= t ? 0 : g[i];
        return out;
    }

    @Test
    void thresholdBackwardFloat32AcrossLengthsAndSpecials() {
        Random r = new Random(1);
        for (int n : new int[] {1, 15, 16, 17, 100, 70_001}) {
            double[] g = random(r, n, -3, 3), x = random(r, n, -1, 1);
            if (n > 20) {
                x[3] = Double.NaN;          // passes the gradient
                g[5] = Double.NaN;
                x[5] = -0.5;                // NaN gradient below the threshold gives 0
                x[7] = 0.25;                // exactly at the threshold gives 0
                g[9] = Double.POSITIVE_INFINITY;
                x[9] = 0.9;
            }
            Tensor out = FusedOps.thresholdBackward(Tensor.from(g).to(DType.FLOAT32), Tensor.from(x).to(DType.FLOAT32), 0.25);
            assertEquals(DType.FLOAT32, out.dtype());
            double[] ref = thresholdBackwardRef(toFloat(g), toFloat(x), 0.25);
            assertArrayEquals(ref, out.toDoubleArray(), 0.0, "n = " + n);
        }
    }

    @Test
    void thresholdBackwardFloat64Strided() {
        Random r = new Random(2);
        double[] g = random(r, 12, -1, 1), x = random(r, 12, -1, 1);
        Tensor gt = Tensor.from(g).view(3, 4).t();   // [4, 3], column-major
        Tensor xt = Tensor.from(x).view(3, 4).t();
        Tensor out = FusedOps.thresholdBackward(gt, xt, 0);
        double[] gc = gt.contiguous().toDoubleArray(), xc = xt.contiguous().toDoubleArray();
        assertArrayEquals(thresholdBackwardRef(gc, xc, 0), out.toDoubleArray(), 0.0);
        assertArrayEquals(new int[] {4, 3}, out.shape());
    }

    @Test
    void thresholdBackwardBroadcastsThroughTheComposition() {
        Tensor g = Tensor.from(new double[] {1, 2, 3, 4, 5, 6}).view(2, 3);
        Tensor x = Tensor.from(new double[] {-1, 0.5, Double.NaN});
        Tensor out = FusedOps.thresholdBackward(g, x, 0);
        assertArrayEquals(new double[] {0, 2, 3, 0, 5, 6}, out.toDoubleArray(), 0.0);
    }

    @Test
    void reluBackwardUsesThresholdBackward() {
        Tensor x = Tensor.from(new float[] {-1, 0, 2, Float.NaN}).requiresGrad_(true);
        Tensor y = x.relu();
        Tensor g = Tensor.from(new float[] {10, 20, 30, 40});
        y.backward(g);
        // relu(NaN) is NaN, which is not <= 0: the gradient passes, as in PyTorch
        assertArrayEquals(new double[] {0, 0, 30, 40}, x.grad().toDoubleArray(), 0.0);
    }

    private static double[] toFloat(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
        return out;
    }
}
