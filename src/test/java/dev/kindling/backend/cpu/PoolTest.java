package dev.kindling.backend.cpu;

import static dev.kindling.backend.cpu.ConvPoolTorch.backward;
import static dev.kindling.backend.cpu.ConvPoolTorch.doubles;
import static dev.kindling.backend.cpu.ConvPoolTorch.floats;
import static dev.kindling.backend.cpu.ConvPoolTorch.leaf;
import static dev.kindling.backend.cpu.ConvPoolTorch.longs;
import static dev.kindling.backend.cpu.ConvPoolTorch.shape;
import static dev.kindling.backend.cpu.ConvPoolTorch.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Pool} against libtorch, float and double: max pooling values, int64 indices and
 * gradients (stride, padding, dilation 2, ceil mode including the last-window rule, non-square,
 * ties and NaN); average pooling with and without count_include_pad, ceil mode and
 * divisor_override; adaptive average and max pooling with overlapping windows and outputs larger
 * than the input; libtorch's gradients come from autograd. Also PyTorch's error texts.
 */
class PoolTest {
    /** max_pool2d: input [n, c, h, w], window, stride, padding, dilation, ceil mode. */
    record MaxCfg(int n, int c, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW,
                  boolean ceil) {
        int oH() { return Pool.outSize(h, kH, pH, sH, dH, ceil); }

        int oW() { return Pool.outSize(w, kW, pW, sW, dW, ceil); }
    }

    static Stream<MaxCfg> maxConfigs() {
        return Stream.of(
                new MaxCfg(2, 3, 8, 8, 2, 2, 2, 2, 0, 0, 1, 1, false),
                new MaxCfg(2, 3, 9, 7, 3, 3, 2, 2, 1, 1, 1, 1, false),      // padding
                new MaxCfg(1, 2, 10, 11, 3, 2, 2, 1, 1, 1, 2, 2, false),    // dilation 2
                new MaxCfg(2, 3, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, true),       // ceil mode
                new MaxCfg(1, 2, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, true),       // ceil mode drops a window in the padding
                new MaxCfg(2, 2, 9, 12, 2, 4, 1, 3, 0, 2, 1, 1, true),      // non-square
                new MaxCfg(1, 3, 11, 9, 3, 3, 3, 2, 1, 0, 2, 3, true),      // dilation and ceil mode
                new MaxCfg(4, 16, 32, 32, 3, 3, 2, 2, 1, 1, 1, 1, false),  // planes over threads
                // wide enough for the vector kernel: one row per call, blocks of rows, the overlapping last vector
                new MaxCfg(2, 3, 37, 70, 2, 2, 2, 2, 0, 0, 1, 1, false),    // wide rows, stride 2
                new MaxCfg(3, 5, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1, false),    // narrow rows in blocks
                new MaxCfg(2, 3, 40, 45, 3, 3, 1, 1, 1, 1, 1, 1, false),    // stride 1, padded edges
                new MaxCfg(2, 2, 33, 35, 3, 3, 2, 2, 1, 1, 1, 1, true),     // ceil mode with padding
                new MaxCfg(1, 2, 40, 41, 3, 3, 2, 1, 1, 1, 2, 2, false),    // dilation 2
                new MaxCfg(2, 2, 12, 100, 1, 5, 1, 3, 0, 2, 1, 1, false));  // one row per window, stride 3
    }

    /** Inputs with ties (small integers), and NaN and -inf when {@code special}. */
    private static double[] values(int size, Random r, boolean special) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = r.nextInt(4) == 0 ? r.nextInt(3) : r.nextDouble() * 2 - 1;
            if (special && r.nextInt(40) == 0) x[i] = r.nextBoolean() ? Double.NaN : Double.NEGATIVE_INFINITY;
        }
        return x;
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** Equal within {@code rel·(1 + |want|)}, NaN matching NaN and infinities matching exactly. */
    static void close(String what, double[] want, double[] got, double rel) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double x = want[i], y = got[i];
            boolean ok = Double.isNaN(x) ? Double.isNaN(y) : Double.isInfinite(x) ? x == y
                    : Math.abs(x - y) <= rel * (1 + Math.abs(x));
            if (!ok) fail(what + ": element " + i + " is " + y + ", libtorch gives " + x);
        }
    }

    // ---- max pooling ----

    @ParameterizedTest
    @MethodSource("maxConfigs")
    void maxPoolMatchesLibtorch(MaxCfg t) {
        Random r = new Random(t.hashCode());
        int in = t.n() * t.c() * t.h() * t.w(), out = t.n() * t.c() * t.oH() * t.oW();
        long[] inShape = {t.n(), t.c(), t.h(), t.w()}, outShape = {t.n(), t.c(), t.oH(), t.oW()};
        for (boolean special : new boolean[] {false, true}) {
            double[] x = values(in, r, special), gy = values(out, r, false);
            String where = t + (special ? " with NaN and -inf" : "");

            Tensor tx = leaf(toFloat(x), inShape);
            T_TensorTensor_T res = torch.max_pool2d_with_indices(tx, new long[] {t.kH(), t.kW()},
                    new long[] {t.sH(), t.sW()}, new long[] {t.pH(), t.pW()}, new long[] {t.dH(), t.dW()}, t.ceil());
            assertArrayEquals(outShape, shape(res.get0()), where);
            backward(res.get0(), tensor(toFloat(gy), outShape));
            float[] y = new float[out + 1];
            long[] idx = new long[out + 2];
            Pool.maxPool2d(toFloat(x), 0, y, 1, idx, 2, t.n(), t.c(), t.h(), t.w(), t.kH(), t.kW(), t.sH(), t.sW(),
                    t.pH(), t.pW(), t.dH(), t.dW(), t.ceil());
            close("float values " + where, widen(floats(res.get0())), widen(java.util.Arrays.copyOfRange(y, 1, out + 1)), 0);
            assertArrayEquals(longs(res.get1()), java.util.Arrays.copyOfRange(idx, 2, out + 2), "float indices " + where);
            float[] gx = new float[in];
            Pool.maxPool2dBackward(toFloat(gy), 0, idx, 2, gx, 0, t.n(), t.c(), t.h(), t.w(), t.oH(), t.oW());
            close("float gradient " + where, widen(floats(tx.grad())), widen(gx), 1e-6);

            Tensor dx = leaf(x, inShape);
            res = torch.max_pool2d_with_indices(dx, new long[] {t.kH(), t.kW()}, new long[] {t.sH(), t.sW()},
                    new long[] {t.pH(), t.pW()}, new long[] {t.dH(), t.dW()}, t.ceil());
            backward(res.get0(), tensor(gy, outShape));
            double[] yd = new double[out];
            long[] idxd = new long[out];
            Pool.maxPool2d(x, 0, yd, 0, idxd, 0, t.n(), t.c(), t.h(), t.w(), t.kH(), t.kW(), t.sH(), t.sW(),
                    t.pH(), t.pW(), t.dH(), t.dW(), t.ceil());
            close("double values " + where, doubles(res.get0()), yd, 0);
            assertArrayEquals(longs(res.get1()), idxd, "double indices " + where);
            double[] gxd = new double[in];
            Pool.maxPool2dBackward(gy, 0, idxd, 0, gxd, 0, t.n(), t.c(), t.h(), t.w(), t.oH(), t.oW());
            close("double gradient " + where, doubles(dx.grad()), gxd, 1e-14);
        }
    }

    @Test
    void outSizeFollowsPyTorchIncludingTheLastWindowRule() {
        assertEquals(4, Pool.outSize(8, 2, 0, 2, 1, false));
        assertEquals(3, Pool.outSize(7, 3, 0, 2, 1, true));
        assertEquals(4, Pool.outSize(6, 2, 1, 2, 1, true));   // 6+2-1-1 = 6, ceil(6/2)+1 = 4; last start 6 < 7
        assertEquals(3, Pool.outSize(5, 2, 1, 2, 1, true));   // ceil gives 4, but window 3 would start at 6 >= 5+1
        assertEquals(3, Pool.outSize(5, 2, 1, 2, 1, false));
        assertEquals(0, Pool.outSize(2, 3, 0, 1, 1, false));
    }

    @Test
    void maxBackwardRejectsIndicesOutsideThePlane() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pool.maxPool2dBackward(new float[1], 0, new long[] {9}, 0, new float[4], 0, 1, 1, 2, 2, 1, 1));
        assertEquals("max_pool2d_backward: found an invalid max index 9 for an input plane of 2x2", e.getMessage());
    }

    // ---- average pooling ----

    /** avg_pool2d: window, stride, padding, ceil mode, count_include_pad, divisor_override (0: none). */
    record AvgCfg(int n, int c, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW, boolean ceil,
                  boolean countPad, int divisor) {
        int oH() { return Pool.outSize(h, kH, pH, sH, 1, ceil); }

        int oW() { return Pool.outSize(w, kW, pW, sW, 1, ceil); }
    }

    static Stream<AvgCfg> avgConfigs() {
        return Stream.of(
                new AvgCfg(2, 3, 8, 8, 2, 2, 2, 2, 0, 0, false, true, 0),
                new AvgCfg(2, 3, 9, 7, 3, 3, 2, 2, 1, 1, false, true, 0),     // padding counted
                new AvgCfg(2, 3, 9, 7, 3, 3, 2, 2, 1, 1, false, false, 0),    // padding not counted
                new AvgCfg(1, 2, 5, 5, 2, 2, 2, 2, 1, 1, true, true, 0),      // ceil mode, last-window rule
                new AvgCfg(1, 2, 6, 7, 3, 3, 2, 2, 1, 1, true, true, 0),      // ceil window past the padding
                new AvgCfg(1, 2, 6, 7, 3, 3, 2, 2, 1, 1, true, false, 0),
                new AvgCfg(2, 2, 7, 9, 3, 2, 2, 3, 1, 1, false, true, 3),     // divisor_override
                new AvgCfg(2, 2, 7, 9, 3, 2, 2, 3, 1, 0, true, false, -2),    // negative divisor, as PyTorch allows
                new AvgCfg(4, 16, 32, 32, 3, 3, 2, 2, 1, 1, false, true, 0)); // planes over threads
    }

    @ParameterizedTest
    @MethodSource("avgConfigs")
    void avgPoolMatchesLibtorch(AvgCfg t) {
        Random r = new Random(t.hashCode());
        int in = t.n() * t.c() * t.h() * t.w(), out = t.n() * t.c() * t.oH() * t.oW();
        long[] inShape = {t.n(), t.c(), t.h(), t.w()}, outShape = {t.n(), t.c(), t.oH(), t.oW()};
        double[] x = values(in, r, false), gy = values(out, r, false);
        LongOptional divisor = t.divisor() == 0 ? new LongOptional() : new LongOptional(t.divisor());
        long[] k = {t.kH(), t.kW()}, s = {t.sH(), t.sW()}, p = {t.pH(), t.pW()};

        Tensor tx = leaf(toFloat(x), inShape);
        Tensor ty = torch.avg_pool2d(tx, k, s, p, t.ceil(), t.countPad(), divisor);
        assertArrayEquals(outShape, shape(ty), t.toString());
        backward(ty, tensor(toFloat(gy), outShape));
        float[] y = new float[out], gx = new float[in];
        Pool.avgPool2d(toFloat(x), 0, y, 0, t.n(), t.c(), t.h(), t.w(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(),
                t.ceil(), t.countPad(), t.divisor());
        close("float forward " + t, widen(floats(ty)), widen(y), 1e-6);
        Pool.avgPool2dBackward(toFloat(gy), 0, gx, 0, t.n(), t.c(), t.h(), t.w(), t.kH(), t.kW(), t.sH(), t.sW(),
                t.pH(), t.pW(), t.ceil(), t.countPad(), t.divisor());
        close("float gradient " + t, widen(floats(tx.grad())), widen(gx), 1e-6);

        Tensor dx = leaf(x, inShape);
        Tensor dy = torch.avg_pool2d(dx, k, s, p, t.ceil(), t.countPad(), divisor);
        backward(dy, tensor(gy, outShape));
        double[] yd = new double[out], gxd = new double[in];
        Pool.avgPool2d(x, 0, yd, 0, t.n(), t.c(), t.h(), t.w(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(),
                t.ceil(), t.countPad(), t.divisor());
        close("double forward " + t, doubles(dy), yd, 1e-14);
        Pool.avgPool2dBackward(gy, 0, gxd, 0, t.n(), t.c(), t.h(), t.w(), t.kH(), t.kW(), t.sH(), t.sW(),
                t.pH(), t.pW(), t.ceil(), t.countPad(), t.divisor());
        close("double gradient " + t, doubles(dx.grad()), gxd, 1e-14);
    }

    // ---- adaptive pooling ----

    static Stream<int[]> adaptiveConfigs() {
        // {n, c, h, w, oH, oW}
        return Stream.of(new int[] {2, 3, 8, 8, 4, 4}, new int[] {2, 3, 10, 7, 3, 5}, new int[] {1, 2, 5, 5, 7, 6},
                new int[] {2, 3, 9, 9, 1, 1}, new int[] {1, 2, 13, 4, 5, 3}, new int[] {4, 16, 33, 31, 7, 7});
    }

    @ParameterizedTest
    @MethodSource("adaptiveConfigs")
    void adaptivePoolingMatchesLibtorch(int[] t) {
        int n = t[0], c = t[1], h = t[2], w = t[3], oH = t[4], oW = t[5];
        String where = java.util.Arrays.toString(t);
        Random r = new Random(where.hashCode());
        int in = n * c * h * w, out = n * c * oH * oW;
        long[] inShape = {n, c, h, w}, outShape = {n, c, oH, oW};
        double[] x = values(in, r, false), gy = values(out, r, false);

        // average, float and double
        Tensor tx = leaf(toFloat(x), inShape);
        Tensor ty = torch.adaptive_avg_pool2d(tx, oH, oW);
        backward(ty, tensor(toFloat(gy), outShape));
        float[] y = new float[out], gx = new float[in];
        Pool.adaptiveAvgPool2d(toFloat(x), 0, y, 0, n, c, h, w, oH, oW);
        close("float adaptive avg " + where, widen(floats(ty)), widen(y), 1e-6);
        Pool.adaptiveAvgPool2dBackward(toFloat(gy), 0, gx, 0, n, c, h, w, oH, oW);
        close("float adaptive avg gradient " + where, widen(floats(tx.grad())), widen(gx), 1e-6);

        Tensor dx = leaf(x, inShape);
        Tensor dy = torch.adaptive_avg_pool2d(dx, oH, oW);
        backward(dy, tensor(gy, outShape));
        double[] yd = new double[out], gxd = new double[in];
        Pool.adaptiveAvgPool2d(x, 0, yd, 0, n, c, h, w, oH, oW);
        close("double adaptive avg " + where, doubles(dy), yd, 1e-14);
        Pool.adaptiveAvgPool2dBackward(gy, 0, gxd, 0, n, c, h, w, oH, oW);
        close("double adaptive avg gradient " + where, doubles(dx.grad()), gxd, 1e-14);

        // max, with ties, NaN and -inf
        double[] xs = values(in, r, true);
        Tensor mx = leaf(toFloat(xs), inShape);
        T_TensorTensor_T res = torch.adaptive_max_pool2d(mx, oH, oW);
        backward(res.get0(), tensor(toFloat(gy), outShape));
        long[] idx = new long[out];
        Pool.adaptiveMaxPool2d(toFloat(xs), 0, y, 0, idx, 0, n, c, h, w, oH, oW);
        close("float adaptive max " + where, widen(floats(res.get0())), widen(y), 0);
        assertArrayEquals(longs(res.get1()), idx, "float adaptive max indices " + where);
        Pool.maxPool2dBackward(toFloat(gy), 0, idx, 0, gx, 0, n, c, h, w, oH, oW);
        close("float adaptive max gradient " + where, widen(floats(mx.grad())), widen(gx), 1e-6);

        Tensor mdx = leaf(xs, inShape);
        res = torch.adaptive_max_pool2d(mdx, oH, oW);
        backward(res.get0(), tensor(gy, outShape));
        Pool.adaptiveMaxPool2d(xs, 0, yd, 0, idx, 0, n, c, h, w, oH, oW);
        close("double adaptive max " + where, doubles(res.get0()), yd, 0);
        assertArrayEquals(longs(res.get1()), idx, "double adaptive max indices " + where);
        Pool.maxPool2dBackward(gy, 0, idx, 0, gxd, 0, n, c, h, w, oH, oW);
        close("double adaptive max gradient " + where, doubles(mdx.grad()), gxd, 1e-14);
    }

    @Test
    void emptyBatchAndEmptyOutputAreAllowed() {
        Pool.maxPool2d(new float[0], 0, new float[0], 0, new long[0], 0, 0, 3, 4, 5, 2, 2, 1, 1, 0, 0, 1, 1, false);
        Pool.adaptiveAvgPool2d(new double[6], 0, new double[0], 0, 1, 1, 2, 3, 0, 3);
        double[] gx = {7, 7, 7, 7, 7, 7};
        Pool.adaptiveAvgPool2dBackward(new double[0], 0, gx, 0, 1, 1, 2, 3, 0, 3);
        assertArrayEquals(new double[6], gx);
    }

    // ---- errors ----

    /** Our message is libtorch's, prefixed by the routine where libtorch's is not. */
    private static void sameError(String prefix, Runnable ours, Runnable theirs) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ours::run);
        RuntimeException t = assertThrows(RuntimeException.class, theirs::run);
        assertEquals(prefix + t.getMessage().split("\n")[0], e.getMessage());
    }

    @Test
    void errorsUsePyTorchWording() {
        float[] big = new float[1000];
        long[] idx = new long[1000];
        Tensor x = tensor(new float[12], 1, 3, 2, 2), x5 = tensor(new float[75], 1, 3, 5, 5);
        Tensor empty = tensor(new float[0], 1, 3, 0, 5);
        String max = "max_pool2d: ";
        sameError(max, () -> Pool.maxPool2d(big, 0, big, 0, idx, 0, 1, 3, 2, 2, 3, 3, 1, 1, 0, 0, 1, 1, false),
                () -> torch.max_pool2d_with_indices(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {0, 0},
                        new long[] {1, 1}, false));
        sameError(max, () -> Pool.maxPool2d(big, 0, big, 0, idx, 0, 1, 3, 5, 5, 2, 2, 1, 1, 2, 2, 1, 1, false),
                () -> torch.max_pool2d_with_indices(x5, new long[] {2, 2}, new long[] {1, 1}, new long[] {2, 2},
                        new long[] {1, 1}, false));
        sameError(max, () -> Pool.maxPool2d(big, 0, big, 0, idx, 0, 1, 3, 5, 5, 2, 2, 1, 1, 2, 2, 3, 3, false),
                () -> torch.max_pool2d_with_indices(x5, new long[] {2, 2}, new long[] {1, 1}, new long[] {2, 2},
                        new long[] {3, 3}, false));
        sameError(max, () -> Pool.maxPool2d(big, 0, big, 0, idx, 0, 1, 3, 5, 5, 3, 3, -1, -1, 0, 0, 1, 1, false),
                () -> torch.max_pool2d_with_indices(x5, new long[] {3, 3}, new long[] {-1, -1}, new long[] {0, 0},
                        new long[] {1, 1}, false));
        sameError(max, () -> Pool.maxPool2d(big, 0, big, 0, idx, 0, 1, 3, 5, 5, 2, 2, 1, 1, 0, 0, 0, 1, false),
                () -> torch.max_pool2d_with_indices(x5, new long[] {2, 2}, new long[] {1, 1}, new long[] {0, 0},
                        new long[] {0, 1}, false));
        sameError(max, () -> Pool.maxPool2d(big, 0, big, 0, idx, 0, 1, 3, 5, 5, 0, 2, 1, 1, 0, 0, 1, 1, false),
                () -> torch.max_pool2d_with_indices(x5, new long[] {0, 2}, new long[] {1, 1}, new long[] {0, 0},
                        new long[] {1, 1}, false));
        sameError(max, () -> Pool.maxPool2d(big, 0, big, 0, idx, 0, 1, 3, 0, 5, 1, 1, 1, 1, 0, 0, 1, 1, false),
                () -> torch.max_pool2d_with_indices(empty, new long[] {1, 1}, new long[] {1, 1}, new long[] {0, 0},
                        new long[] {1, 1}, false));
        sameError("avg_pool2d: ", () -> Pool.avgPool2d(big, 0, big, 0, 1, 3, 2, 2, 3, 3, 1, 1, 0, 0, false, true, 0),
                () -> torch.avg_pool2d(x, new long[] {3, 3}, new long[] {1, 1}, new long[] {0, 0}, false, true,
                        new LongOptional()));
        sameError("", () -> Pool.adaptiveAvgPool2d(big, 0, big, 0, 1, 3, 5, 5, -1, 2),
                () -> torch.adaptive_avg_pool2d(x5, -1, 2));
        sameError("", () -> Pool.adaptiveAvgPool2d(big, 0, big, 0, 1, 3, 0, 5, 2, 2),
                () -> torch.adaptive_avg_pool2d(empty, 2, 2));
        sameError("", () -> Pool.adaptiveMaxPool2d(big, 0, big, 0, idx, 0, 1, 3, 0, 5, 2, 2),
                () -> torch.adaptive_max_pool2d(empty, 2, 2));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pool.avgPool2d(new float[10], 0, big, 0, 1, 3, 5, 5, 2, 2, 1, 1, 0, 0, false, true, 0));
        assertEquals("avg_pool2d: input needs 75 elements from offset 0 but its array has length 10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Pool.maxPool2dBackward(big, 0, new long[3], 0, big, 0, 1, 1, 4, 4, 2, 2));
        assertTrue(e.getMessage().startsWith("max_pool2d_backward: indices needs 4 elements"), e.getMessage());
    }
}
