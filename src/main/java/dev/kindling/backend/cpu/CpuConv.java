package dev.kindling.backend.cpu;

import dev.kindling.backend.Conv2dParams;
import dev.kindling.backend.Pool2dParams;
import dev.kindling.backend.Strided;

/**
 * Adapts the backend's convolution and pooling calls to the {@link Conv} and {@link Pool} kernels
 * on float32 or float64 arrays (operands are dense, as the backend contract promises).
 */
final class CpuConv {
    private CpuConv() {}

    private static Object arr(Strided s) {
        return s == null ? null : ((CpuStorage) s.storage).array;
    }

    private static int off(Strided s) {
        return s == null ? 0 : s.offset;
    }

    static void conv2d(Strided in, Strided w, Strided bias, Strided out, Conv2dParams p) {
        if (arr(in) instanceof float[] x) {
            Conv.conv2d(x, in.offset, (float[]) arr(w), w.offset, (float[]) arr(bias), off(bias), (float[]) arr(out), out.offset,
                    p.n(), p.c(), p.h(), p.w(), p.o(), p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
                    p.dilH(), p.dilW(), p.groups());
        } else {
            Conv.conv2d((double[]) arr(in), in.offset, (double[]) arr(w), w.offset, (double[]) arr(bias), off(bias),
                    (double[]) arr(out), out.offset, p.n(), p.c(), p.h(), p.w(), p.o(), p.kH(), p.kW(), p.strideH(), p.strideW(),
                    p.padH(), p.padW(), p.dilH(), p.dilW(), p.groups());
        }
    }

    static void backwardInput(Strided go, Strided w, Strided gi, Conv2dParams p) {
        if (arr(go) instanceof float[] g) {
            Conv.conv2dBackwardInput(g, go.offset, (float[]) arr(w), w.offset, (float[]) arr(gi), gi.offset,
                    p.n(), p.c(), p.h(), p.w(), p.o(), p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
                    p.dilH(), p.dilW(), p.groups());
        } else {
            Conv.conv2dBackwardInput((double[]) arr(go), go.offset, (double[]) arr(w), w.offset, (double[]) arr(gi), gi.offset,
                    p.n(), p.c(), p.h(), p.w(), p.o(), p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
                    p.dilH(), p.dilW(), p.groups());
        }
    }

    static void backwardWeight(Strided go, Strided in, Strided gw, Conv2dParams p) {
        if (arr(go) instanceof float[] g) {
            Conv.conv2dBackwardWeight(g, go.offset, (float[]) arr(in), in.offset, (float[]) arr(gw), gw.offset,
                    p.n(), p.c(), p.h(), p.w(), p.o(), p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
                    p.dilH(), p.dilW(), p.groups());
        } else {
            Conv.conv2dBackwardWeight((double[]) arr(go), go.offset, (double[]) arr(in), in.offset, (double[]) arr(gw), gw.offset,
                    p.n(), p.c(), p.h(), p.w(), p.o(), p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
                    p.dilH(), p.dilW(), p.groups());
        }
    }

    private static boolean adaptive(Pool2dParams p) {
        return p.kH() == 0;
    }

    static void maxPool(Strided in, Strided out, Strided idx, Pool2dParams p) {
        long[] ia = (long[]) arr(idx);
        if (arr(in) instanceof float[] x) {
            if (adaptive(p)) Pool.adaptiveMaxPool2d(x, in.offset, (float[]) arr(out), out.offset, ia, idx.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
            else Pool.maxPool2d(x, in.offset, (float[]) arr(out), out.offset, ia, idx.offset, p.n(), p.c(), p.h(), p.w(),
                    p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilH(), p.dilW(), p.ceilMode());
        } else {
            double[] x = (double[]) arr(in);
            if (adaptive(p)) Pool.adaptiveMaxPool2d(x, in.offset, (double[]) arr(out), out.offset, ia, idx.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
            else Pool.maxPool2d(x, in.offset, (double[]) arr(out), out.offset, ia, idx.offset, p.n(), p.c(), p.h(), p.w(),
                    p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilH(), p.dilW(), p.ceilMode());
        }
    }

    static void maxPoolBackward(Strided go, Strided idx, Strided gi, Pool2dParams p) {
        long[] ia = (long[]) arr(idx);
        if (arr(go) instanceof float[] g) {
            Pool.maxPool2dBackward(g, go.offset, ia, idx.offset, (float[]) arr(gi), gi.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
        } else {
            Pool.maxPool2dBackward((double[]) arr(go), go.offset, ia, idx.offset, (double[]) arr(gi), gi.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
        }
    }

    static void avgPool(Strided in, Strided out, Pool2dParams p) {
        if (arr(in) instanceof float[] x) {
            if (adaptive(p)) Pool.adaptiveAvgPool2d(x, in.offset, (float[]) arr(out), out.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
            else Pool.avgPool2d(x, in.offset, (float[]) arr(out), out.offset, p.n(), p.c(), p.h(), p.w(), p.kH(), p.kW(),
                    p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), p.countIncludePad(), p.divisorOverride());
        } else {
            double[] x = (double[]) arr(in);
            if (adaptive(p)) Pool.adaptiveAvgPool2d(x, in.offset, (double[]) arr(out), out.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
            else Pool.avgPool2d(x, in.offset, (double[]) arr(out), out.offset, p.n(), p.c(), p.h(), p.w(), p.kH(), p.kW(),
                    p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), p.countIncludePad(), p.divisorOverride());
        }
    }

    static void avgPoolBackward(Strided go, Strided gi, Pool2dParams p) {
        if (arr(go) instanceof float[] g) {
            if (adaptive(p)) Pool.adaptiveAvgPool2dBackward(g, go.offset, (float[]) arr(gi), gi.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
            else Pool.avgPool2dBackward(g, go.offset, (float[]) arr(gi), gi.offset, p.n(), p.c(), p.h(), p.w(), p.kH(), p.kW(),
                    p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), p.countIncludePad(), p.divisorOverride());
        } else {
            double[] g = (double[]) arr(go);
            if (adaptive(p)) Pool.adaptiveAvgPool2dBackward(g, go.offset, (double[]) arr(gi), gi.offset, p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW());
            else Pool.avgPool2dBackward(g, go.offset, (double[]) arr(gi), gi.offset, p.n(), p.c(), p.h(), p.w(), p.kH(), p.kW(),
                    p.strideH(), p.strideW(), p.padH(), p.padW(), p.ceilMode(), p.countIncludePad(), p.divisorOverride());
        }
    }
}
