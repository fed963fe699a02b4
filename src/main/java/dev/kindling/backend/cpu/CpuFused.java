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

    /**
     * One Adam step in place over dense float32 operands of one size (see
     * {@code FloatKernels.adam}); {@code vmax} may be null. The caller checks the operands.
     */
    public static void adam(Strided p, Strided g, Strided m, Strided v, Strided vmax, double w1, double beta2, double w2,
                            double bc2Sqrt, double eps, double negStep) {
        float[] pa = floats(p), ga = floats(g), ma = floats(m), va = floats(v), xa = vmax == null ? null : floats(vmax);
        int n = Math.toIntExact(p.numel()), xo = vmax == null ? 0 : vmax.offset;
        float fw1 = (float) w1, fb2 = (float) beta2, fw2 = (float) w2, fbc = (float) bc2Sqrt, feps = (float) eps, fstep = (float) negStep;
        Parallel.parallelFor(n, Iter.GRAIN, (s, e) -> FloatKernels.INSTANCE.adam(pa, p.offset + s, ga, g.offset + s, ma, m.offset + s,
                va, v.offset + s, xa, xo + s, e - s, fw1, fb2, fw2, fbc, feps, fstep));
    }

    // ---------------------------------------------------------------------------------------
    // batch normalisation over dense [N, C, S] operands (S: the product of the trailing dims)
    // ---------------------------------------------------------------------------------------

    /** Channels per parallel task such that a task covers at least {@link Iter#GRAIN} elements. */
    private static int channelGrain(long perChannel) {
        return (int) Math.max(1, Iter.GRAIN / Math.max(1, perChannel));
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    private static int planeSize(Strided x) {
        long s = 1;
        for (int d = 2; d < x.shape.length; d++) s *= x.shape[d];
        return (int) s;
    }

    /** Plane (n, ch)'s offset in a dense [N, C, S] operand. */
    private static int plane(Strided t, int n, int ch, int c, int s) {
        return t.offset + (n * c + ch) * s;
    }

    /**
     * Per-channel mean and biased variance of a dense {@code [N, C, *]} tensor over N and the
     * trailing dims, in double: a pass for the mean, then one for the squared deviations from it
     * (corrected by the deviations' sum, so a mean rounded to float costs nothing).
     */
    public static void batchNormStats(Strided x, double[] mean, double[] var) {
        int n = x.shape[0], c = x.shape[1], s = planeSize(x);
        long m = (long) n * s;
        boolean f32 = x.dtype == DType.FLOAT32;
        if (f32 && s == 1) {
            rowStats(x, n, c, mean, var);
            return;
        }
        Parallel.parallelFor(c, channelGrain(m), (c0, c1) -> {
            double[] acc = new double[2];
            double[] buf = f32 ? null : new double[Math.min(CpuElementwise.BLOCK, s)];
            for (int ch = c0; ch < c1; ch++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    int off = plane(x, i, ch, c, s);
                    if (f32) {
                        sum += FloatKernels.INSTANCE.sum(floats(x), off, s);
                    } else {
                        for (int b = 0; b < s; b += buf.length) {
                            int len = Math.min(buf.length, s - b);
                            Convert.load(x, off + b, 1, buf, len);
                            for (int k = 0; k < len; k++) sum += buf[k];
                        }
                    }
                }
                double mu = sum / m;
                acc[0] = 0;
                acc[1] = 0;
                for (int i = 0; i < n; i++) {
                    int off = plane(x, i, ch, c, s);
                    if (f32) {
                        FloatKernels.INSTANCE.centeredMoments(floats(x), off, s, (float) mu, acc);
                    } else {
                        for (int b = 0; b < s; b += buf.length) {
                            int len = Math.min(buf.length, s - b);
                            Convert.load(x, off + b, 1, buf, len);
                            for (int k = 0; k < len; k++) {
                                double d = buf[k] - mu;
                                acc[0] += d;
                                acc[1] += d * d;
                            }
                        }
                    }
                }
                double center = f32 ? (float) mu : mu;
                mean[ch] = center + acc[0] / m;
                var[ch] = Math.max(0, (acc[1] - acc[0] * acc[0] / m) / m);
            }
        });
    }

    /** {@link #batchNormStats} of a float32 [N, C] matrix: channels are columns, accumulated row by row. */
    private static void rowStats(Strided x, int n, int c, double[] mean, double[] var) {
        float[] xa = floats(x);
        Parallel.parallelFor(c, channelGrain(n), (c0, c1) -> {
            double[] s1 = new double[c1 - c0], s2 = new double[c1 - c0];
            for (int i = 0; i < n; i++) {
                int row = x.offset + i * c;
                for (int ch = c0; ch < c1; ch++) s1[ch - c0] += xa[row + ch];
            }
            for (int ch = c0; ch < c1; ch++) mean[ch] = s1[ch - c0] / n;
            for (int i = 0; i < n; i++) {
                int row = x.offset + i * c;
                for (int ch = c0; ch < c1; ch++) {
                    double d = xa[row + ch] - mean[ch];
                    s2[ch - c0] += d * d;
                }
            }
            for (int ch = c0; ch < c1; ch++) var[ch] = s2[ch - c0] / n;
        });
    }

    /** {@code y = x·scale[ch] + shift[ch]} for a dense {@code [N, C, *]} x, into a dense y of its shape. */
    public static void channelAffine(Strided x, double[] scale, double[] shift, Strided y) {
        int n = x.shape[0], c = x.shape[1], s = planeSize(x);
        if (x.dtype == DType.FLOAT32 && y.dtype == DType.FLOAT32 && s == 1) {
            float[] xa = floats(x), ya = floats(y), sc = toFloats(scale), sh = toFloats(shift);
            Parallel.parallelFor(n, channelGrain(c), (r0, r1) -> {
                for (int i = r0; i < r1; i++) {
                    int xo = x.offset + i * c, yo = y.offset + i * c;
                    for (int ch = 0; ch < c; ch++) ya[yo + ch] = xa[xo + ch] * sc[ch] + sh[ch];
                }
            });
            return;
        }
        if (x.dtype == DType.FLOAT32 && y.dtype == DType.FLOAT32) {
            float[] xa = floats(x), ya = floats(y);
            Parallel.parallelFor(n * c, channelGrain(s), (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    int ch = p % c;
                    FloatKernels.INSTANCE.affine(xa, x.offset + p * s, ya, y.offset + p * s, s, (float) scale[ch], (float) shift[ch]);
                }
            });
            return;
        }
        Parallel.parallelFor(n * c, channelGrain(s), (p0, p1) -> {
            double[] buf = new double[Math.min(CpuElementwise.BLOCK, s)];
            for (int p = p0; p < p1; p++) {
                int ch = p % c;
                for (int b = 0; b < s; b += buf.length) {
                    int len = Math.min(buf.length, s - b);
                    Convert.load(x, x.offset + p * s + b, 1, buf, len);
                    for (int k = 0; k < len; k++) buf[k] = buf[k] * scale[ch] + shift[ch];
                    Convert.store(buf, y, y.offset + p * s + b, 1, len);
                }
            }
        });
    }

    /**
     * The reductions of batch norm's backward, per channel of dense {@code [N, C, *]} g and x:
     * {@code sumG[ch] = Σ g} and {@code sumGX[ch] = Σ g·(x − mean[ch])}.
     */
    public static void batchNormBackwardSums(Strided g, Strided x, double[] mean, double[] sumG, double[] sumGX) {
        int n = x.shape[0], c = x.shape[1], s = planeSize(x);
        boolean f32 = x.dtype == DType.FLOAT32 && g.dtype == DType.FLOAT32;
        if (f32 && s == 1) {
            float[] ga = floats(g), xa = floats(x);
            Parallel.parallelFor(c, channelGrain(n), (c0, c1) -> {
                double[] s0 = new double[c1 - c0], s1 = new double[c1 - c0];
                for (int i = 0; i < n; i++) {
                    int go = g.offset + i * c, xo = x.offset + i * c;
                    for (int ch = c0; ch < c1; ch++) {
                        double gi = ga[go + ch];
                        s0[ch - c0] += gi;
                        s1[ch - c0] += gi * (xa[xo + ch] - mean[ch]);
                    }
                }
                System.arraycopy(s0, 0, sumG, c0, c1 - c0);
                System.arraycopy(s1, 0, sumGX, c0, c1 - c0);
            });
            return;
        }
        Parallel.parallelFor(c, channelGrain((long) n * s), (c0, c1) -> {
            double[] acc = new double[2];
            double[] gb = f32 ? null : new double[Math.min(CpuElementwise.BLOCK, s)];
            double[] xb = f32 ? null : new double[Math.min(CpuElementwise.BLOCK, s)];
            for (int ch = c0; ch < c1; ch++) {
                acc[0] = 0;
                acc[1] = 0;
                float mf = (float) mean[ch];
                for (int i = 0; i < n; i++) {
                    int go = plane(g, i, ch, c, s), xo = plane(x, i, ch, c, s);
                    if (f32) {
                        FloatKernels.INSTANCE.sumAndCenteredDot(floats(g), go, floats(x), xo, s, mf, acc);
                    } else {
                        for (int b = 0; b < s; b += gb.length) {
                            int len = Math.min(gb.length, s - b);
                            Convert.load(g, go + b, 1, gb, len);
                            Convert.load(x, xo + b, 1, xb, len);
                            for (int k = 0; k < len; k++) {
                                acc[0] += gb[k];
                                acc[1] += gb[k] * (xb[k] - mean[ch]);
                            }
                        }
                    }
                }
                sumG[ch] = acc[0];
                // for float32 the deviations were taken from the mean rounded to float
                sumGX[ch] = f32 ? acc[1] - acc[0] * (mean[ch] - mf) : acc[1];
            }
        });
    }

    /** {@code out = a[ch]·g + b[ch]·x + k[ch]} over dense {@code [N, C, *]} g and x, into a dense out. */
    public static void channelAffine2(Strided g, Strided x, double[] a, double[] b, double[] k, Strided out) {
        int n = x.shape[0], c = x.shape[1], s = planeSize(x);
        if (g.dtype == DType.FLOAT32 && x.dtype == DType.FLOAT32 && out.dtype == DType.FLOAT32 && s == 1) {
            float[] ga = floats(g), xa = floats(x), oa = floats(out), af = toFloats(a), bf = toFloats(b), kf = toFloats(k);
            Parallel.parallelFor(n, channelGrain(c), (r0, r1) -> {
                for (int i = r0; i < r1; i++) {
                    int go = g.offset + i * c, xo = x.offset + i * c, oo = out.offset + i * c;
                    for (int ch = 0; ch < c; ch++) oa[oo + ch] = af[ch] * ga[go + ch] + (bf[ch] * xa[xo + ch] + kf[ch]);
                }
            });
            return;
        }
        if (g.dtype == DType.FLOAT32 && x.dtype == DType.FLOAT32 && out.dtype == DType.FLOAT32) {
            float[] ga = floats(g), xa = floats(x), oa = floats(out);
            Parallel.parallelFor(n * c, channelGrain(s), (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    int ch = p % c;
                    FloatKernels.INSTANCE.affine2(ga, g.offset + p * s, xa, x.offset + p * s, oa, out.offset + p * s, s,
                            (float) a[ch], (float) b[ch], (float) k[ch]);
                }
            });
            return;
        }
        Parallel.parallelFor(n * c, channelGrain(s), (p0, p1) -> {
            double[] gb = new double[Math.min(CpuElementwise.BLOCK, s)], xb = new double[gb.length];
            for (int p = p0; p < p1; p++) {
                int ch = p % c;
                for (int q = 0; q < s; q += gb.length) {
                    int len = Math.min(gb.length, s - q);
                    Convert.load(g, g.offset + p * s + q, 1, gb, len);
                    Convert.load(x, x.offset + p * s + q, 1, xb, len);
                    for (int i = 0; i < len; i++) gb[i] = a[ch] * gb[i] + b[ch] * xb[i] + k[ch];
                    Convert.store(gb, out, out.offset + p * s + q, 1, len);
                }
            }
        });
    }
}
