package dev.kindling.backend.cpu;

import java.util.Arrays;

/**
 * The float pooling loops behind {@link Pool}, one input plane at a time, planes spread over
 * threads. Arguments arrive checked. Window bounds and tie/NaN rules mirror PyTorch's CPU kernels
 * (see {@link Pool}). The same code for double ({@code PoolDouble}) is generated from this file by
 * the build (pom.xml, execution double-twins, which rewrites the element type); edit this file only.
 */
final class PoolFloat {
    private PoolFloat() {}

    static void maxPool(Pool.Geometry g, float[] in, int inOff, float[] out, int outOff, long[] idx, int idxOff) {
        int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), ip = g.inPlane(), op = g.outPlane();
        int sH = g.strideH(), sW = g.strideW(), dH = g.dilH(), kH = g.kH(), kW = g.kW();
        // output columns [lo, hi) and rows [top, bottom) have every tap inside the input: the kernel's interior
        int lo = Math.min(oW, (g.padW() + sW - 1) / sW);
        int hi = Math.max(lo, Math.min(oW, Math.floorDiv(w - 1 + g.padW() - (kW - 1) * g.dilW(), sW) + 1));
        int top = Math.min(oH, (g.padH() + sH - 1) / sH);
        int bottom = Math.max(top, Math.min(oH, Math.floorDiv(h - 1 + g.padH() - (kH - 1) * dH, sH) + 1));
        int[] tapOff = new int[kH * kW];
        for (int t = 0; t < tapOff.length; t++) tapOff[t] = (t / kW) * dH * w + (t % kW) * g.dilW();
        int rowStep = sH * w, block = Pool.kernelRows(hi - lo, sW, rowStep);
        Parallel.parallelFor(g.planes(), Conv.grain((long) op * kH * kW), (s, e) -> {
            float[] work = new float[2 * ((block - 1) * rowStep + hi * sW)];
            for (int p = s; p < e; p++) {
                int src = inOff + p * ip, dst = outOff + p * op, id = idxOff + p * op;
                for (int oh = 0; oh < oH; ) {
                    boolean inside = oh >= top && oh < bottom;
                    int rows = inside ? Math.min(block, bottom - oh) : 1;
                    int ih0 = oh * sH - g.padH(), ih1 = Math.min(ih0 + (kH - 1) * dH + 1, h);
                    while (ih0 < 0) ih0 += dH;
                    int taps = (ih1 > ih0 ? (ih1 - ih0 + dH - 1) / dH : 0) * kW;
                    Pool.KERNEL.maxWindows(in, src, src + ih0 * w - g.padW(), rowStep, rows, tapOff, taps, sW, lo, hi,
                            out, dst + oh * oW, idx, id + oh * oW, oW, work);
                    for (int r = oh; r < oh + rows; r++) {
                        int r0 = r * sH - g.padH(), r1 = Math.min(r0 + (kH - 1) * dH + 1, h);
                        while (r0 < 0) r0 += dH;
                        maxColumns(g, in, src, r0, r1, 0, lo, out, dst + r * oW, idx, id + r * oW);
                        maxColumns(g, in, src, r0, r1, hi, oW, out, dst + r * oW, idx, id + r * oW);
                    }
                    oh += rows;
                }
            }
        });
    }

    /** Output columns [ow0, ow1) of one output row, with each window clipped to the input. */
    private static void maxColumns(Pool.Geometry g, float[] in, int src, int ih0, int ih1, int ow0, int ow1,
                                   float[] out, int o, long[] idx, int x) {
        int w = g.w(), sW = g.strideW(), dH = g.dilH(), dW = g.dilW();
        for (int ow = ow0; ow < ow1; ow++) {
            int iw0 = ow * sW - g.padW(), iw1 = Math.min(iw0 + (g.kW() - 1) * dW + 1, w);
            while (iw0 < 0) iw0 += dW;
            int maxIndex = ih0 * w + iw0;
            float maxVal = Float.NEGATIVE_INFINITY;
            for (int ih = ih0; ih < ih1; ih += dH) {
                for (int iw = iw0; iw < iw1; iw += dW) {
                    float v = in[src + ih * w + iw];
                    if (v > maxVal || v != v) {
                        maxVal = v;
                        maxIndex = ih * w + iw;
                    }
                }
            }
            out[o + ow] = maxVal;
            idx[x + ow] = maxIndex;
        }
    }

    static void maxBackward(Pool.Geometry g, float[] gOut, int goOff, long[] idx, int idxOff,
                            float[] gIn, int giOff) {
        int ip = g.inPlane(), op = g.outPlane();
        Parallel.parallelFor(g.planes(), Conv.grain((long) ip + op), (s, e) -> {
            for (int p = s; p < e; p++) {
                int dst = giOff + p * ip, src = goOff + p * op, id = idxOff + p * op;
                Arrays.fill(gIn, dst, dst + ip, 0f);
                for (int j = 0; j < op; j++) {
                    long k = idx[id + j];
                    if (k < 0 || k >= ip) {
                        throw new IllegalArgumentException("max_pool2d_backward: found an invalid max index " + k
                                + " for an input plane of " + g.h() + "x" + g.w());
                    }
                    gIn[dst + (int) k] += gOut[src + j];
                }
            }
        });
    }

    static void avgPool(Pool.Geometry g, float[] in, int inOff, float[] out, int outOff,
                        boolean countIncludePad, int divisorOverride) {
        int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), ip = g.inPlane(), op = g.outPlane();
        Parallel.parallelFor(g.planes(), Conv.grain((long) op * g.kH() * g.kW()), (s, e) -> {
            for (int p = s; p < e; p++) {
                int src = inOff + p * ip, dst = outOff + p * op;
                for (int oh = 0; oh < oH; oh++) {
                    int ih0 = oh * g.strideH() - g.padH(), ih1 = Math.min(ih0 + g.kH(), h + g.padH());
                    for (int ow = 0; ow < oW; ow++) {
                        int iw0 = ow * g.strideW() - g.padW(), iw1 = Math.min(iw0 + g.kW(), w + g.padW());
                        int poolSize = (ih1 - ih0) * (iw1 - iw0);
                        int y0 = Math.max(ih0, 0), x0 = Math.max(iw0, 0), y1 = Math.min(ih1, h), x1 = Math.min(iw1, w);
                        if (y0 >= y1 || x0 >= x1) {
                            out[dst + oh * oW + ow] = 0f;
                            continue;
                        }
                        double sum = 0;
                        for (int ih = y0; ih < y1; ih++) {
                            for (int iw = x0; iw < x1; iw++) sum += in[src + ih * w + iw];
                        }
                        int divisor = divisorOverride != 0 ? divisorOverride
                                : countIncludePad ? poolSize : (y1 - y0) * (x1 - x0);
                        out[dst + oh * oW + ow] = (float) (sum / divisor);
                    }
                }
            }
        });
    }

    static void avgBackward(Pool.Geometry g, float[] gOut, int goOff, float[] gIn, int giOff,
                            boolean countIncludePad, int divisorOverride) {
        int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), ip = g.inPlane(), op = g.outPlane();
        Parallel.parallelFor(g.planes(), Conv.grain((long) op * g.kH() * g.kW() + ip), (s, e) -> {
            for (int p = s; p < e; p++) {
                int dst = giOff + p * ip, src = goOff + p * op;
                Arrays.fill(gIn, dst, dst + ip, 0f);
                for (int oh = 0; oh < oH; oh++) {
                    int ih0 = oh * g.strideH() - g.padH(), ih1 = Math.min(ih0 + g.kH(), h + g.padH());
                    for (int ow = 0; ow < oW; ow++) {
                        int iw0 = ow * g.strideW() - g.padW(), iw1 = Math.min(iw0 + g.kW(), w + g.padW());
                        int poolSize = (ih1 - ih0) * (iw1 - iw0);
                        int y0 = Math.max(ih0, 0), x0 = Math.max(iw0, 0), y1 = Math.min(ih1, h), x1 = Math.min(iw1, w);
                        if (y0 >= y1 || x0 >= x1) continue;
                        int divisor = divisorOverride != 0 ? divisorOverride
                                : countIncludePad ? poolSize : (y1 - y0) * (x1 - x0);
                        float delta = gOut[src + oh * oW + ow] / divisor;
                        for (int ih = y0; ih < y1; ih++) {
                            for (int iw = x0; iw < x1; iw++) gIn[dst + ih * w + iw] += delta;
                        }
                    }
                }
            }
        });
    }

    static void adaptiveAvg(Pool.Geometry g, float[] in, int inOff, float[] out, int outOff) {
        int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), ip = g.inPlane(), op = g.outPlane();
        Parallel.parallelFor(g.planes(), Conv.grain((long) ip + op), (s, e) -> {
            for (int p = s; p < e; p++) {
                int src = inOff + p * ip, dst = outOff + p * op;
                for (int oh = 0; oh < oH; oh++) {
                    int ih0 = Pool.adaptiveStart(oh, oH, h), ih1 = Pool.adaptiveEnd(oh, oH, h);
                    for (int ow = 0; ow < oW; ow++) {
                        int iw0 = Pool.adaptiveStart(ow, oW, w), iw1 = Pool.adaptiveEnd(ow, oW, w);
                        double sum = 0;
                        for (int ih = ih0; ih < ih1; ih++) {
                            for (int iw = iw0; iw < iw1; iw++) sum += in[src + ih * w + iw];
                        }
                        out[dst + oh * oW + ow] = (float) (sum / ((ih1 - ih0) * (iw1 - iw0)));
                    }
                }
            }
        });
    }

    static void adaptiveAvgBackward(Pool.Geometry g, float[] gOut, int goOff, float[] gIn, int giOff) {
        int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), ip = g.inPlane(), op = g.outPlane();
        Parallel.parallelFor(g.planes(), Conv.grain((long) ip + op), (s, e) -> {
            for (int p = s; p < e; p++) {
                int dst = giOff + p * ip, src = goOff + p * op;
                Arrays.fill(gIn, dst, dst + ip, 0f);
                for (int oh = 0; oh < oH; oh++) {
                    int ih0 = Pool.adaptiveStart(oh, oH, h), ih1 = Pool.adaptiveEnd(oh, oH, h);
                    for (int ow = 0; ow < oW; ow++) {
                        int iw0 = Pool.adaptiveStart(ow, oW, w), iw1 = Pool.adaptiveEnd(ow, oW, w);
                        float delta = gOut[src + oh * oW + ow] / ((ih1 - ih0) * (iw1 - iw0));
                        for (int ih = ih0; ih < ih1; ih++) {
                            for (int iw = iw0; iw < iw1; iw++) gIn[dst + ih * w + iw] += delta;
                        }
                    }
                }
            }
        });
    }

    static void adaptiveMax(Pool.Geometry g, float[] in, int inOff, float[] out, int outOff, long[] idx, int idxOff) {
        int h = g.h(), w = g.w(), oH = g.oH(), oW = g.oW(), ip = g.inPlane(), op = g.outPlane();
        Parallel.parallelFor(g.planes(), Conv.grain((long) ip + op), (s, e) -> {
            for (int p = s; p < e; p++) {
                int src = inOff + p * ip, dst = outOff + p * op, id = idxOff + p * op;
                for (int oh = 0; oh < oH; oh++) {
                    int ih0 = Pool.adaptiveStart(oh, oH, h), ih1 = Pool.adaptiveEnd(oh, oH, h);
                    for (int ow = 0; ow < oW; ow++) {
                        int iw0 = Pool.adaptiveStart(ow, oW, w), iw1 = Pool.adaptiveEnd(ow, oW, w);
                        int maxIndex = ih0 * w + iw0;
                        float maxVal = Float.NEGATIVE_INFINITY;
                        for (int ih = ih0; ih < ih1; ih++) {
                            for (int iw = iw0; iw < iw1; iw++) {
                                float v = in[src + ih * w + iw];
                                if (v > maxVal || v != v) {
                                    maxVal = v;
                                    maxIndex = ih * w + iw;
                                }
                            }
                        }
                        out[dst + oh * oW + ow] = maxVal;
                        idx[id + oh * oW + ow] = maxIndex;
                    }
                }
            }
        });
    }
}
