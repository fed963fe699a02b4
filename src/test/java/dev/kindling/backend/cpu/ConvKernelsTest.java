package dev.kindling.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The inner kernels of convolution and pooling against naive double-precision references written
 * here, each implementation (Vector API and plain Java) in the same JVM: {@link DotKernel} on
 * ragged shapes with scattered rows of b, {@link PoolKernel} on blocks of windows with ties, NaN
 * and −∞; and {@link Conv}'s stride-1 paths on inputs and output gradients holding infinities
 * and NaN, where the positions that Note [shifted columns] computes and drops must not leak into
 * any result. (Infinite weights are left out: they turn the zero padding into NaN in im2col-based
 * convolutions, PyTorch's included, so no reference is authoritative there.)
 */
class ConvKernelsTest {
    private static final List<DotKernel> DOTS = List.of(
            Simd.choose("dev.kindling.backend.cpu.VectorDotKernel", DotKernel.class, new DotKernel.Scalar()),
            new DotKernel.Scalar());
    private static final List<PoolKernel> POOLS = List.of(Pool.KERNEL, new PoolKernel.Scalar());

    // ---- dot products ----

    @Test
    void dotKernelsMatchNaiveSums() {
        Random r = new Random(7);
        for (DotKernel kern : DOTS) {
            for (int trial = 0; trial < 300; trial++) {
                int m = 1 + r.nextInt(9), n = 1 + r.nextInt(10), k = DotKernel.K_MULTIPLE * (1 + r.nextInt(6));
                int lda = k + r.nextInt(5), aOff = r.nextInt(4), bOff = r.nextInt(4), ldc = n + r.nextInt(3);
                int cOff = r.nextInt(3);
                double[] a = random(aOff + (m - 1) * lda + k, r);
                int bLen = bOff + k + 40;
                int[] rows = new int[n];
                for (int j = 0; j < n; j++) rows[j] = r.nextInt(40);
                double[] b = random(bLen, r), c = random(cOff + (m - 1) * ldc + n + 2, r);
                double[] want = c.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += a[aOff + i * lda + p] * b[bOff + rows[j] + p];
                        want[cOff + i * ldc + j] += s;
                    }
                }
                String what = kern.getClass().getSimpleName() + " m=" + m + " n=" + n + " k=" + k;
                double[] cd = c.clone();
                kern.dots(m, n, k, a, aOff, lda, b, bOff, rows, cd, cOff, ldc);
                near(what + " double", want, cd, 1e-12);
                float[] cf = toFloat(c);
                kern.dots(m, n, k, toFloat(a), aOff, lda, toFloat(b), bOff, rows, cf, cOff, ldc);
                near(what + " float", want, widen(cf), 2e-5 * k);
            }
        }
    }

    // ---- max pooling windows ----

    @Test
    void poolKernelsFollowTheFirstMaximumOrLastNaNRule() {
        Random r = new Random(11);
        for (PoolKernel kern : POOLS) {
            for (int trial = 0; trial < 300; trial++) {
                int kH = 1 + r.nextInt(3), kW = 1 + r.nextInt(3), dH = 1 + r.nextInt(2), dW = 1 + r.nextInt(2);
                int sW = 1 + r.nextInt(3), rows = 1 + r.nextInt(3), w = 20 + r.nextInt(60), hi = 1 + r.nextInt(30);
                int lo = r.nextInt(hi), rowStep = w * (1 + r.nextInt(2)), taps = kW * (1 + r.nextInt(kH));
                int[] tapOff = new int[kH * kW];
                for (int t = 0; t < tapOff.length; t++) tapOff[t] = (t / kW) * dH * w + (t % kW) * dW;
                int plane = r.nextInt(5), base = plane + r.nextInt(3);
                int size = base + (rows - 1) * rowStep + (hi - 1) * sW + tapOff[taps - 1] + 1 + r.nextInt(3);
                double[] x = new double[size];
                for (int i = 0; i < size; i++) {
                    int kind = r.nextInt(20);
                    x[i] = kind == 0 ? Double.NaN : kind == 1 ? Double.NEGATIVE_INFINITY : kind < 8 ? r.nextInt(3) : r.nextGaussian();
                }
                int outStride = hi + r.nextInt(3), outLen = (rows - 1) * outStride + hi;
                double[] want = new double[outLen];
                long[] wantIdx = new long[outLen];
                for (int q = 0; q < rows; q++) {
                    for (int ow = lo; ow < hi; ow++) {
                        int s = base + q * rowStep + ow * sW;
                        double best = Double.NEGATIVE_INFINITY;
                        int bt = 0;
                        for (int t = 0; t < taps; t++) {
                            double v = x[s + tapOff[t]];
                            if (v > best || Double.isNaN(v)) {
                                best = v;
                                bt = t;
                            }
                        }
                        want[q * outStride + ow] = best;
                        wantIdx[q * outStride + ow] = s - plane + tapOff[bt];
                    }
                }
                String what = kern.getClass().getSimpleName() + " rows=" + rows + " lo=" + lo + " hi=" + hi + " sW=" + sW
                        + " taps=" + taps;
                double[] out = new double[outLen];
                long[] idx = new long[outLen];
                kern.maxWindows(x, plane, base, rowStep, rows, tapOff, taps, sW, lo, hi, out, 0, idx, 0, outStride,
                        new double[2 * ((rows - 1) * rowStep + hi * sW)]);
                samePicks(what + " double", want, wantIdx, out, idx, rows, outStride, lo, hi);
                float[] outF = new float[outLen];
                Arrays.fill(idx, 0);
                kern.maxWindows(toFloat(x), plane, base, rowStep, rows, tapOff, taps, sW, lo, hi, outF, 0, idx, 0,
                        outStride, new float[2 * ((rows - 1) * rowStep + hi * sW)]);
                samePicks(what + " float", toFloatWidened(want), wantIdx, widen(outF), idx, rows, outStride, lo, hi);
            }
        }
    }

    private static void samePicks(String what, double[] want, long[] wantIdx, double[] got, long[] idx, int rows,
                                  int stride, int lo, int hi) {
        for (int q = 0; q < rows; q++) {
            for (int ow = lo; ow < hi; ow++) {
                int i = q * stride + ow;
                boolean same = Double.isNaN(want[i]) ? Double.isNaN(got[i]) : want[i] == got[i];
                if (!same || wantIdx[i] != idx[i]) {
                    fail(what + ": output (" + q + ", " + ow + ") is " + got[i] + " at " + idx[i] + ", expected "
                            + want[i] + " at " + wantIdx[i]);
                }
            }
        }
    }

    // ---- convolution with non-finite values ----

    /** Stride-1 geometries whose output rows are narrower than the padded input's. */
    private static final int[][] GEOMETRIES = {
        // n, c, h, w, o, k, pad, dil
        {2, 3, 9, 10, 8, 3, 1, 1},
        {1, 8, 7, 12, 16, 3, 1, 1},
        {2, 4, 11, 9, 12, 3, 2, 2},
    };

    @Test
    void nonFiniteInputsGiveTheNaiveResults() {
        Random r = new Random(3);
        for (int[] g : GEOMETRIES) {
            int n = g[0], c = g[1], h = g[2], w = g[3], o = g[4], k = g[5], pad = g[6], dil = g[7];
            int oH = Conv.outSize(h, k, pad, 1, dil), oW = Conv.outSize(w, k, pad, 1, dil);
            double[] x = random(n * c * h * w, r), wt = random(o * c * k * k, r), gy = random(n * o * oH * oW, r);
            // an infinity in the last input column and a NaN in the first: wrapped windows reach both
            x[(c - 1) * h * w + 2 * w + w - 1] = Double.POSITIVE_INFINITY;
            x[n * c * h * w - w] = Double.NaN;
            // and one in the output gradient, which the input gradient reads padded
            gy[oW - 1] = Double.NEGATIVE_INFINITY;
            String what = Arrays.toString(g);
            double[][] want = naive(x, wt, gy, n, c, h, w, o, k, pad, dil, oH, oW);

            double[] y = new double[n * o * oH * oW], gx = new double[x.length], gw = new double[wt.length];
            Conv.conv2d(x, 0, wt, 0, null, 0, y, 0, n, c, h, w, o, k, k, 1, 1, pad, pad, dil, dil, 1);
            Conv.conv2dBackwardInput(gy, 0, wt, 0, gx, 0, n, c, h, w, o, k, k, 1, 1, pad, pad, dil, dil, 1);
            Conv.conv2dBackwardWeight(gy, 0, x, 0, gw, 0, n, c, h, w, o, k, k, 1, 1, pad, pad, dil, dil, 1);
            near("double forward " + what, want[0], y, 1e-12);
            near("double input gradient " + what, want[1], gx, 1e-12);
            near("double weight gradient " + what, want[2], gw, 1e-12);

            float[] yf = new float[y.length], gxf = new float[gx.length], gwf = new float[gw.length];
            Conv.conv2d(toFloat(x), 0, toFloat(wt), 0, null, 0, yf, 0, n, c, h, w, o, k, k, 1, 1, pad, pad, dil, dil, 1);
            Conv.conv2dBackwardInput(toFloat(gy), 0, toFloat(wt), 0, gxf, 0, n, c, h, w, o, k, k, 1, 1, pad, pad, dil, dil, 1);
            Conv.conv2dBackwardWeight(toFloat(gy), 0, toFloat(x), 0, gwf, 0, n, c, h, w, o, k, k, 1, 1, pad, pad, dil, dil, 1);
            near("float forward " + what, want[0], widen(yf), 1e-4);
            near("float input gradient " + what, want[1], widen(gxf), 1e-4);
            near("float weight gradient " + what, want[2], widen(gwf), 1e-4);
        }
    }

    /**
     * Forward, input gradient and weight gradient of a stride-1 convolution, by their definitions
     * with im2col's semantics: the zero padding takes part in the products (so an infinite output
     * gradient times the padding is NaN in the weight gradient, as in PyTorch).
     */
    private static double[][] naive(double[] x, double[] wt, double[] gy, int n, int c, int h, int w, int o, int k,
                                    int pad, int dil, int oH, int oW) {
        double[] y = new double[n * o * oH * oW], gx = new double[x.length], gw = new double[wt.length];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < oH; oy++) {
                    for (int ox = 0; ox < oW; ox++) {
                        int yi = ((b * o + oc) * oH + oy) * oW + ox;
                        for (int ch = 0; ch < c; ch++) {
                            for (int ki = 0; ki < k; ki++) {
                                for (int kj = 0; kj < k; kj++) {
                                    int iy = oy - pad + ki * dil, ix = ox - pad + kj * dil;
                                    boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                    int xi = ((b * c + ch) * h + iy) * w + ix, wi = ((oc * c + ch) * k + ki) * k + kj;
                                    double xv = inside ? x[xi] : 0;
                                    y[yi] += wt[wi] * xv;
                                    gw[wi] += gy[yi] * xv;
                                    if (inside) gx[xi] += wt[wi] * gy[yi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {y, gx, gw};
    }

    // ---- helpers ----

    private static double[] random(int size, Random r) { return ConvTest.random(size, r); }

    private static float[] toFloat(double[] x) { return ConvTest.toFloat(x); }

    private static double[] toFloatWidened(double[] x) { return widen(toFloat(x)); }

    private static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** Equal within {@code rel·(1 + |want|)}; NaN only where NaN is expected, infinities exactly. */
    private static void near(String what, double[] want, double[] got, double rel) {
        assertEquals(want.length, got.length, what + ": length");
        int nonFinite = 0;
        for (int i = 0; i < want.length; i++) {
            double x = want[i], y = got[i];
            boolean ok = Double.isNaN(x) ? Double.isNaN(y) : Double.isInfinite(x) ? x == y
                    : Math.abs(x - y) <= rel * (1 + Math.abs(x));
            if (!ok) fail(what + ": element " + i + " is " + y + ", expected " + x);
            if (!Double.isFinite(x)) nonFinite++;
        }
        assertTrue(nonFinite < want.length || want.length == 0, what + ": every element is non-finite");
    }
}
