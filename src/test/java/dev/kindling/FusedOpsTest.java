package dev.kindling;

import dev.kindling.autograd.GradCheck;
import dev.kindling.nn.functional.F;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    // ---------------------------------------------------------------------------------------
    // batch norm: a double-precision reference over [N, C, S]
    // ---------------------------------------------------------------------------------------

    /** Reference batch norm in training mode: output, batch mean, biased variance; then the gradients for g. */
    private record BnRef(double[] y, double[] mean, double[] var, double[] dx, double[] dw, double[] db) {}

    private static BnRef bnRef(double[] x, double[] w, double[] b, double[] g, int n, int c, int s, double eps) {
        int m = n * s;
        double[] mean = new double[c], var = new double[c], y = new double[x.length], dx = new double[x.length];
        double[] dw = new double[c], db = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < s; k++) sum += x[(i * c + ch) * s + k];
            mean[ch] = sum / m;
            double ss = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < s; k++) ss += Math.pow(x[(i * c + ch) * s + k] - mean[ch], 2);
            var[ch] = ss / m;
            double inv = 1 / Math.sqrt(var[ch] + eps), wc = w == null ? 1 : w[ch], bc = b == null ? 0 : b[ch];
            double sg = 0, sgx = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < s; k++) {
                    int j = (i * c + ch) * s + k;
                    double xhat = (x[j] - mean[ch]) * inv;
                    y[j] = xhat * wc + bc;
                    sg += g[j];
                    sgx += g[j] * xhat;
                }
            }
            db[ch] = sg;
            dw[ch] = sgx;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < s; k++) {
                    int j = (i * c + ch) * s + k;
                    double xhat = (x[j] - mean[ch]) * inv;
                    dx[j] = wc * inv * (g[j] - sg / m - xhat * sgx / m);
                }
            }
        }
        return new BnRef(y, mean, var, dx, dw, db);
    }

    private static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * Math.max(1, scale),
                    what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    private static double[] asFloats(double[] v) {
        return toFloat(v);
    }

    /** Training-mode batch norm in float32 against the double reference: output, running stats, gradients. */
    private static void checkTrainingFloat32(int[] shape, boolean affine, double offset, double tol) {
        Random r = new Random(java.util.Arrays.hashCode(shape));
        int n = shape[0], c = shape[1], s = 1;
        for (int d = 2; d < shape.length; d++) s *= shape[d];
        double[] x = asFloats(random(r, n * c * s, offset - 2, offset + 2));
        double[] w = affine ? asFloats(random(r, c, 0.5, 1.5)) : null, b = affine ? asFloats(random(r, c, -1, 1)) : null;
        double[] g = asFloats(random(r, n * c * s, -1, 1));
        double[] rm0 = asFloats(random(r, c, -1, 1)), rv0 = asFloats(random(r, c, 0.5, 2));
        BnRef ref = bnRef(x, w, b, g, n, c, s, 1e-5);

        Tensor xt = Tensor.from(x).to(DType.FLOAT32).view(shape).requiresGrad_(true);
        Tensor wt = affine ? Tensor.from(w).to(DType.FLOAT32).requiresGrad_(true) : null;
        Tensor bt = affine ? Tensor.from(b).to(DType.FLOAT32).requiresGrad_(true) : null;
        Tensor rm = Tensor.from(rm0).to(DType.FLOAT32), rv = Tensor.from(rv0).to(DType.FLOAT32);
        Tensor y = F.batchNorm(xt, rm, rv, wt, bt, true, 0.1, 1e-5);
        assertEquals("NativeBatchNormBackward0", y.gradFn().name());
        String at = java.util.Arrays.toString(shape);
        assertClose(ref.y(), y.toDoubleArray(), tol, "output " + at);
        double[] rmRef = new double[c], rvRef = new double[c];
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            rmRef[ch] = 0.9 * rm0[ch] + 0.1 * ref.mean()[ch];
            rvRef[ch] = 0.9 * rv0[ch] + 0.1 * ref.var()[ch] * m / (m - 1);
        }
        assertClose(rmRef, rm.toDoubleArray(), 1e-5, "running mean " + at);
        assertClose(rvRef, rv.toDoubleArray(), 1e-5, "running var " + at);
        y.backward(Tensor.from(g).to(DType.FLOAT32).view(shape));
        assertClose(ref.dx(), xt.grad().toDoubleArray(), tol, "input grad " + at);
        if (affine) {
            assertClose(ref.dw(), wt.grad().toDoubleArray(), tol, "weight grad " + at);
            assertClose(ref.db(), bt.grad().toDoubleArray(), tol, "bias grad " + at);
        }
    }

    @Test
    void batchNormTrainingFloat32MatchesReference() {
        checkTrainingFloat32(new int[] {3, 5, 7, 9}, true, 0, 2e-5);      // planes of 63: vector body and tail
        checkTrainingFloat32(new int[] {4, 3, 32, 32}, true, 0, 2e-5);
        checkTrainingFloat32(new int[] {2, 4, 5}, false, 0, 2e-5);        // BatchNorm1d on [N, C, L], no affine
        checkTrainingFloat32(new int[] {64, 40}, true, 0, 2e-5);          // BatchNorm1d on [N, C]
        checkTrainingFloat32(new int[] {4, 3, 6, 6}, true, 1000, 2e-3);   // a large mean: the variance keeps its digits
    }

    @Test
    void batchNormFloat64AndStridedInput() {
        Random r = new Random(7);
        double[] x = random(r, 2 * 3 * 4 * 5, -2, 2), g = random(r, x.length, -1, 1);
        double[] w = random(r, 3, 0.5, 1.5), b = random(r, 3, -1, 1);
        // the input arrives as a permuted view: [N, H, W, C] storage seen as [N, C, H, W]
        Tensor nhwc = Tensor.from(x.clone()).view(2, 4, 5, 3);
        Tensor xt = nhwc.permute(0, 3, 1, 2).detach().requiresGrad_(true);
        double[] xc = xt.detach().contiguous().toDoubleArray();
        BnRef ref = bnRef(xc, w, b, g, 2, 3, 20, 1e-5);
        Tensor wt = Tensor.from(w.clone()).requiresGrad_(true), bt = Tensor.from(b.clone()).requiresGrad_(true);
        Tensor y = F.batchNorm(xt, null, null, wt, bt, true, 0.1, 1e-5);
        assertClose(ref.y(), y.toDoubleArray(), 1e-12, "output");
        y.backward(Tensor.from(g).view(2, 3, 4, 5));
        assertClose(ref.dx(), xt.grad().contiguous().toDoubleArray(), 1e-12, "input grad");
        assertClose(ref.dw(), wt.grad().toDoubleArray(), 1e-12, "weight grad");
        assertClose(ref.db(), bt.grad().toDoubleArray(), 1e-12, "bias grad");
    }

    @Test
    void batchNormEvaluationUsesRunningStatistics() {
        Random r = new Random(9);
        double[] x = asFloats(random(r, 2 * 3 * 8, -2, 2));
        double[] rm = asFloats(random(r, 3, -1, 1)), rv = asFloats(random(r, 3, 0.5, 2)), w = asFloats(random(r, 3, 0.5, 1.5));
        double[] b = asFloats(random(r, 3, -1, 1));
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / 8) % 3;
            expected[i] = (x[i] - rm[ch]) / Math.sqrt(rv[ch] + 1e-5) * w[ch] + b[ch];
        }
        Tensor xt = Tensor.from(x).to(DType.FLOAT32).view(2, 3, 8);
        Tensor wt = Tensor.from(w).to(DType.FLOAT32).requiresGrad_(true), bt = Tensor.from(b).to(DType.FLOAT32).requiresGrad_(true);
        Tensor rmt = Tensor.from(rm).to(DType.FLOAT32), rvt = Tensor.from(rv).to(DType.FLOAT32);
        Tensor fused;
        try (var g = Torch.noGrad()) {
            fused = F.batchNorm(xt, rmt, rvt, wt, bt, false, 0.1, 1e-5);
        }
        assertClose(expected, fused.toDoubleArray(), 2e-6, "eval, no grad");
        Tensor recorded = F.batchNorm(xt, rmt, rvt, wt, bt, false, 0.1, 1e-5);   // composed, so weight and bias get gradients
        assertClose(expected, recorded.toDoubleArray(), 2e-6, "eval, recorded");
        assertTrue(recorded.requiresGrad());
        assertClose(rm, rmt.toDoubleArray(), 0, "running mean unchanged");
    }

    @Test
    void batchNormGradcheckFirstAndSecondOrder() {
        Random r = new Random(11);
        Tensor x = Tensor.from(random(r, 3 * 2 * 2 * 3, -2, 2)).view(3, 2, 2, 3).requiresGrad_(true);
        Tensor w = Tensor.from(random(r, 2, 0.5, 1.5)).requiresGrad_(true);
        Tensor b = Tensor.from(random(r, 2, -1, 1)).requiresGrad_(true);
        GradCheck.Fn1 fn = in -> F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5);
        assertTrue(GradCheck.gradcheck(fn, x, w, b));
        assertTrue(GradCheck.gradgradcheck(fn, x, w, b));
        GradCheck.Fn1 noAffine = in -> F.batchNorm(in[0], null, null, null, null, true, 0.1, 1e-5).mul(in[0]);
        assertTrue(GradCheck.gradgradcheck(noAffine, x));
    }

    /** Adam's composition, written out as FusedOps.adamStep_ documents it. */
    private static void adamComposed(Tensor p, Tensor g, Tensor m, Tensor v, Tensor max, double beta1, double beta2,
                                     double stepSize, double bc2Sqrt, double eps) {
        m.lerp_(g, 1 - beta1);
        v.mul_(beta2).addcmul_(g, g, 1 - beta2);
        Tensor second = max == null ? v : max.copy_(max.maximum(v));
        p.addcdiv_(m, second.sqrt().div_(bc2Sqrt).add_(eps), -stepSize);
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(Float.floatToIntBits(e[i]), Float.floatToIntBits(a[i]), what + " at " + i + ": " + e[i] + " vs " + a[i]);
        }
    }

    @Test
    void adamStepGivesTheCompositionsBitsOverSeveralSteps() {
        Random r = new Random(3);
        for (int n : new int[] {1, 17, 1000, 70_001}) {
            for (boolean amsgrad : new boolean[] {false, true}) {
                for (double beta1 : new double[] {0.9, 0.3}) { // lerp weight below and above 0.5
                    Tensor p = Tensor.from(toFloats(random(r, n, -1, 1))), q = p.clone();
                    Tensor m = Torch.zeros(n), v = Torch.zeros(n), x = amsgrad ? Torch.zeros(n) : null;
                    Tensor m2 = m.clone(), v2 = v.clone(), x2 = amsgrad ? x.clone() : null;
                    int version = p.version();
                    for (int step = 1; step <= 4; step++) {
                        float[] gv = toFloats(random(r, n, -2, 2));
                        if (n > 20 && step == 3) {
                            gv[2] = 0f;
                            gv[7] = 1e-30f;
                        }
                        Tensor g = Tensor.from(gv);
                        double beta2 = 0.999, bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
                        FusedOps.adamStep_(p, g, m, v, x, beta1, beta2, 1e-3 / bc1, Math.sqrt(bc2), 1e-8);
                        adamComposed(q, g, m2, v2, x2, beta1, beta2, 1e-3 / bc1, Math.sqrt(bc2), 1e-8);
                        String what = "n=" + n + " amsgrad=" + amsgrad + " beta1=" + beta1 + " step " + step;
                        assertSameBits(q, p, what + " param");
                        assertSameBits(m2, m, what + " exp_avg");
                        assertSameBits(v2, v, what + " exp_avg_sq");
                        if (amsgrad) assertSameBits(x2, x, what + " max_exp_avg_sq");
                    }
                    assertEquals(version + 4, p.version(), "each step gives the parameter a new version");
                }
            }
        }
    }

    @Test
    void adamStepOnStridedOrDoubleOperandsRunsTheComposition() {
        Random r = new Random(4);
        Tensor base = Tensor.from(toFloats(random(r, 12, -1, 1))).reshape(3, 4);
        Tensor p = base.t(), q = p.clone();                       // strided parameter: the composition
        Tensor g = Tensor.from(toFloats(random(r, 12, -1, 1))).reshape(4, 3);
        Tensor m = Torch.zeros(4, 3), v = Torch.zeros(4, 3), m2 = m.clone(), v2 = v.clone();
        FusedOps.adamStep_(p, g, m, v, null, 0.9, 0.999, 1e-3 / 0.1, Math.sqrt(0.001), 1e-8);
        adamComposed(q, g, m2, v2, null, 0.9, 0.999, 1e-3 / 0.1, Math.sqrt(0.001), 1e-8);
        assertSameBits(q, p, "strided param");
        assertSameBits(q.t().contiguous(), base, "the update reached the base tensor");

        Tensor pd = Torch.randn(new int[] {5}).to(DType.FLOAT64), gd = Torch.randn(new int[] {5}).to(DType.FLOAT64);
        Tensor md = Torch.zeros(5).to(DType.FLOAT64), vd = md.clone();
        double p0 = pd.select(0, 0).item(), g0 = gd.select(0, 0).item();
        FusedOps.adamStep_(pd, gd, md, vd, null, 0.9, 0.999, 1e-3 / 0.1, Math.sqrt(0.001), 1e-8);
        // first step in double: m = 0.1 g, v = 0.001 g^2, p -= 0.01 m / (sqrt(v)/sqrt(0.001) + eps) = 0.001 sign(g)
        double m0 = 0.1 * g0, v0 = 0.001 * g0 * g0;
        assertEquals(p0 - 0.01 * m0 / (Math.sqrt(v0) / Math.sqrt(0.001) + 1e-8), pd.select(0, 0).item(), 1e-15);
        assertEquals(DType.FLOAT64, pd.dtype());
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
