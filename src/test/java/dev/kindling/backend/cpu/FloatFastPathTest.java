package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 fast paths reached through the tensor API (vector bodies and scalar tails, one
 * thread's chunk and several), against double-precision references: exp, log, tanh and sigmoid,
 * softmax and log_softmax rows with special values and wide ranges, and sums.
 */
class FloatFastPathTest {

    private static final int[] LENGTHS = {1, 7, 16, 31, 64, 100, 1000, 70_001};

    private static float[] floats(Random r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    /** Relative error in float ulps of the reference value (absolute near 0 and for subnormals). */
    private static void assertNear(double expected, double actual, double ulps, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
            return;
        }
        if (Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        double tol = ulps * Math.max(Math.ulp((float) expected), Float.MIN_VALUE);
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + ", got " + actual);
    }

    private static void checkUnary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref, double lo, double hi, double ulps) {
        Random r = new Random(name.hashCode());
        for (int n : LENGTHS) {
            float[] x = floats(r, n, lo, hi);
            if (n > 20) {
                x[1] = Float.NaN;
                x[2] = Float.POSITIVE_INFINITY;
                x[3] = Float.NEGATIVE_INFINITY;
                x[4] = 0f;
            }
            float[] y = op.apply(Tensor.from(x)).toFloatArray();
            for (int i = 0; i < n; i++) assertNear(ref.applyAsDouble(x[i]), y[i], ulps, name + "(" + x[i] + "), n = " + n);
        }
    }

    @Test
    void transcendentals() {
        checkUnary("exp", Tensor::exp, Math::exp, -100, 90, 1);
        checkUnary("log", Tensor::log, Math::log, 0, 50, 1);
        checkUnary("tanh", Tensor::tanh, Math::tanh, -12, 12, 2);
        checkUnary("sigmoid", Tensor::sigmoid, x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)), -100, 100, 3);
    }

    /** softmax or log_softmax of one row in double, with PyTorch's NaN results for NaN or +inf inputs. */
    private static double[] softmaxRef(float[] x, int off, int n, boolean log) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Double.isNaN(x[off + i]) || Double.isNaN(m) ? Double.NaN : Math.max(m, x[off + i]);
        if (m == Double.NEGATIVE_INFINITY) m = 0;
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.exp(x[off + i] - m);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = log ? x[off + i] - m - Math.log(s) : Math.exp(x[off + i] - m) / s;
        return y;
    }

    @Test
    void softmaxRows() {
        Random r = new Random(3);
        for (int n : new int[] {3, 16, 33, 100, 1024}) {
            int rows = 6;
            float[] x = floats(r, rows * n, -4, 4);
            x[n + 2] = Float.NaN;                                   // row 1: NaN
            x[2 * n + 1] = Float.POSITIVE_INFINITY;                 // row 2: +inf
            for (int i = 0; i < n; i++) x[3 * n + i] = Float.NEGATIVE_INFINITY;   // row 3: all -inf
            for (int i = 0; i < n; i += 2) x[4 * n + i] = -150f;    // row 4: exponentials far below 2^-126
            x[5 * n] = 1e30f;                                       // row 5: one huge logit
            for (boolean log : new boolean[] {false, true}) {
                Tensor t = Tensor.from(x).view(rows, n);
                float[] y = (log ? t.logSoftmax(1) : t.softmax(1)).toFloatArray();
                for (int row = 0; row < rows; row++) {
                    double[] ref = softmaxRef(x, row * n, n, log);
                    for (int i = 0; i < n; i++) {
                        // the row's sum is accumulated in float lanes, as PyTorch does: a relative error near 1e-7·√n
                        double tol = log ? 4 * Math.ulp((float) Math.max(1, Math.abs(ref[i]))) : 1e-6 * Math.abs(ref[i]) + 1e-44;
                        String what = (log ? "log_softmax" : "softmax") + " n=" + n + " row " + row + " [" + i + "]";
                        if (Double.isNaN(ref[i])) assertTrue(Float.isNaN(y[row * n + i]), what + " should be NaN");
                        else if (Double.isInfinite(ref[i])) assertEquals(ref[i], y[row * n + i], what);
                        else assertTrue(Math.abs(ref[i] - y[row * n + i]) <= tol, what + ": expected " + ref[i] + ", got " + y[row * n + i]);
                    }
                }
            }
        }
    }

    @Test
    void sumsAcrossChunks() {
        Random r = new Random(4);
        for (int n : new int[] {1, 17, 4096, 100_003, 3_000_001}) {
            float[] x = floats(r, n, 0, 1);
            double ref = 0;
            for (float v : x) ref += v;
            double s = Tensor.from(x).sum().item();
            assertEquals(ref, s, 1e-6 * ref + 1e-6, "sum of " + n);
        }
        assertTrue(Double.isNaN(Tensor.from(new float[] {1, Float.NaN, 2}).sum().item()));
        assertEquals(DType.FLOAT32, Tensor.from(new float[] {1, 2}).sum().dtype());
    }
}
