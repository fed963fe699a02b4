package dev.kindling.backend.cpu;

import static dev.kindling.backend.cpu.ConvPoolTorch.backward;
import static dev.kindling.backend.cpu.ConvPoolTorch.doubles;
import static dev.kindling.backend.cpu.ConvPoolTorch.floats;
import static dev.kindling.backend.cpu.ConvPoolTorch.leaf;
import static dev.kindling.backend.cpu.ConvPoolTorch.shape;
import static dev.kindling.backend.cpu.ConvPoolTorch.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Conv} against libtorch: forward, input, weight and bias gradients (libtorch's through
 * autograd) for float and double on strided, padded, dilated, grouped, depthwise, pointwise and
 * non-square configurations, with one and two threads; transposed convolution (with
 * output_padding) as {@link Conv#conv2dBackwardInput}; and PyTorch's error texts. Arrays are
 * passed at non-zero offsets inside larger arrays whose other elements must stay untouched.
 */
class ConvTest {
    /** One convolution: input [n, c, h, w], weight [o, c/groups, kH, kW], optional bias. */
    record Cfg(int n, int c, int h, int w, int o, int kH, int kW, int sH, int sW, int pH, int pW,
               int dH, int dW, int groups, boolean bias) {
        int oH() { return Conv.outSize(h, kH, pH, sH, dH); }

        int oW() { return Conv.outSize(w, kW, pW, sW, dW); }

        int inSize() { return n * c * h * w; }

        int wSize() { return o * (c / groups) * kH * kW; }

        int outSize() { return n * o * oH() * oW(); }

        long[] inShape() { return new long[] {n, c, h, w}; }

        long[] wShape() { return new long[] {o, c / groups, kH, kW}; }

        long[] outShape() { return new long[] {n, o, oH(), oW()}; }
    }

    static Stream<Cfg> configs() {
        return Stream.of(
                new Cfg(2, 3, 8, 9, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1, true),       // plain 3×3
                new Cfg(2, 4, 11, 10, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),     // stride 2, padding 1
                new Cfg(1, 3, 12, 13, 5, 3, 3, 1, 1, 2, 2, 2, 2, 1, false),    // dilation 2
                new Cfg(3, 4, 7, 8, 6, 3, 2, 1, 2, 1, 0, 1, 1, 2, true),       // groups 2, non-square
                new Cfg(2, 6, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 6, true),      // depthwise, multiplier 2
                new Cfg(2, 3, 10, 7, 4, 5, 2, 3, 1, 2, 1, 1, 2, 1, true),      // everything non-square
                new Cfg(4, 8, 5, 6, 16, 1, 1, 1, 1, 0, 0, 1, 1, 1, true),      // pointwise (no im2col)
                new Cfg(2, 8, 5, 5, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, false),      // grouped pointwise
                new Cfg(2, 4, 7, 7, 3, 1, 1, 2, 2, 0, 0, 1, 1, 1, true),       // 1×1 stride 2 (im2col)
                new Cfg(4, 16, 20, 20, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),   // blocked GEMM, by-sample threads
                new Cfg(1, 32, 30, 30, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),   // batch 1: threads inside GEMM
                new Cfg(3, 8, 40, 33, 16, 3, 3, 2, 1, 1, 0, 1, 1, 1, false),   // batch 3 of 2 threads
                new Cfg(2, 3, 2, 2, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),       // kernel as large as padded input
                new Cfg(2, 2, 4, 5, 2, 3, 3, 1, 1, 0, 0, 1, 1, 1, false),      // one output column
                // the implicit paths: shifted columns, correlation input gradient, dot-product weight gradient
                new Cfg(2, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),   // rows narrower than a panel
                new Cfg(2, 8, 12, 13, 16, 3, 3, 1, 1, 2, 2, 2, 2, 1, true),    // dilation 2, stride 1
                new Cfg(1, 8, 6, 7, 8, 3, 3, 1, 1, 3, 3, 1, 1, 1, false),      // padding past the kernel: cropped
                new Cfg(2, 16, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 2, true),     // groups of 8 channels
                new Cfg(3, 3, 33, 31, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),    // first layer: 27 taps, 20 outputs
                new Cfg(2, 16, 15, 15, 24, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),   // stride 2: packed panels
                new Cfg(2, 32, 9, 9, 48, 1, 1, 1, 1, 0, 0, 1, 1, 1, true),     // pointwise, packed
                new Cfg(4, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1, true),    // LeNet's second layer
                new Cfg(4, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 1, 1, 1, true),     // LeNet's first layer
                new Cfg(2, 8, 10, 11, 12, 2, 4, 1, 1, 1, 2, 1, 1, 1, false));  // even, non-square kernel
    }

    private int savedThreads;

    @BeforeEach
    void saveThreads() { savedThreads = Parallel.numThreads(); }

    @AfterEach
    void restoreThreads() { Parallel.setNumThreads(savedThreads); }

    /** Uniform values in [-1, 1). Shared with the kernel tests of this package. */
    static double[] random(int size, Random r) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) x[i] = r.nextDouble() * 2 - 1;
        return x;
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    /** Where an array argument sits inside its larger backing array. */
    private static final int OFF = 3, TAIL = 2;

    private static float[] embed(float[] x) {
        float[] a = new float[OFF + x.length + TAIL];
        Arrays.fill(a, Float.NaN);
        System.arraycopy(x, 0, a, OFF, x.length);
        return a;
    }

    private static double[] embed(double[] x) {
        double[] a = new double[OFF + x.length + TAIL];
        Arrays.fill(a, Double.NaN);
        System.arraycopy(x, 0, a, OFF, x.length);
        return a;
    }

    /** Compares {@code got[OFF..]} with {@code want} and checks the NaN guards around it. */
    static void close(String what, double[] want, double[] got, double rel) {
        assertEquals(OFF + want.length + TAIL, got.length, what + ": length");
        for (int i = 0; i < got.length; i++) {
            if (i < OFF || i >= OFF + want.length) {
                assertTrue(Double.isNaN(got[i]), what + ": element " + i + " outside the output was written");
                continue;
            }
            double x = want[i - OFF], y = got[i];
            if (!(Math.abs(x - y) <= rel * (1 + Math.abs(x)))) {
                fail(what + ": element " + (i - OFF) + " is " + y + ", libtorch gives " + x);
            }
        }
    }

    static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void floatMatchesLibtorch(Cfg t) {
        Random r = new Random(t.hashCode());
        float[] x = toFloat(random(t.inSize(), r)), wt = toFloat(random(t.wSize(), r));
        float[] b = toFloat(random(t.o(), r)), gy = toFloat(random(t.outSize(), r));

        Tensor tx = leaf(x, t.inShape()), tw = leaf(wt, t.wShape()), tb = leaf(b, t.o());
        Tensor ty = torch.conv2d(tx, tw, t.bias() ? new TensorOptional(tb) : new TensorOptional(),
                new long[] {t.sH(), t.sW()}, new long[] {t.pH(), t.pW()}, new long[] {t.dH(), t.dW()}, t.groups());
        assertArrayEquals(t.outShape(), shape(ty));
        backward(ty, tensor(gy, t.outShape()));

        for (int threads : new int[] {1, 2}) {
            Parallel.setNumThreads(threads);
            String where = t + " threads=" + threads;
            float[] y = embed(new float[t.outSize()]);
            Conv.conv2d(embed(x), OFF, embed(wt), OFF, t.bias() ? embed(b) : null, OFF, y, OFF,
                    t.n(), t.c(), t.h(), t.w(), t.o(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(), t.dH(), t.dW(),
                    t.groups());
            close("forward " + where, widen(floats(ty)), widen(y), 1e-5);

            float[] gx = embed(new float[t.inSize()]);
            Conv.conv2dBackwardInput(embed(gy), OFF, embed(wt), OFF, gx, OFF,
                    t.n(), t.c(), t.h(), t.w(), t.o(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(), t.dH(), t.dW(),
                    t.groups());
            close("grad input " + where, widen(floats(tx.grad())), widen(gx), 1e-5);

            float[] gw = embed(new float[t.wSize()]);
            Conv.conv2dBackwardWeight(embed(gy), OFF, embed(x), OFF, gw, OFF,
                    t.n(), t.c(), t.h(), t.w(), t.o(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(), t.dH(), t.dW(),
                    t.groups());
            close("grad weight " + where, widen(floats(tw.grad())), widen(gw), 2e-5);

            if (t.bias()) {
                float[] gb = embed(new float[t.o()]);
                Conv.conv2dBackwardBias(embed(gy), OFF, gb, OFF, t.n(), t.o(), t.oH(), t.oW());
                close("grad bias " + where, widen(floats(tb.grad())), widen(gb), 1e-5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void doubleMatchesLibtorch(Cfg t) {
        Random r = new Random(t.hashCode() + 1);
        double[] x = random(t.inSize(), r), wt = random(t.wSize(), r), b = random(t.o(), r);
        double[] gy = random(t.outSize(), r);

        Tensor tx = leaf(x, t.inShape()), tw = leaf(wt, t.wShape()), tb = leaf(b, t.o());
        Tensor ty = torch.conv2d(tx, tw, t.bias() ? new TensorOptional(tb) : new TensorOptional(),
                new long[] {t.sH(), t.sW()}, new long[] {t.pH(), t.pW()}, new long[] {t.dH(), t.dW()}, t.groups());
        backward(ty, tensor(gy, t.outShape()));

        for (int threads : new int[] {1, 2}) {
            Parallel.setNumThreads(threads);
            String where = t + " threads=" + threads;
            double[] y = embed(new double[t.outSize()]);
            Conv.conv2d(embed(x), OFF, embed(wt), OFF, t.bias() ? embed(b) : null, OFF, y, OFF,
                    t.n(), t.c(), t.h(), t.w(), t.o(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(), t.dH(), t.dW(),
                    t.groups());
            close("forward " + where, doubles(ty), y, 1e-12);

            double[] gx = embed(new double[t.inSize()]);
            Conv.conv2dBackwardInput(embed(gy), OFF, embed(wt), OFF, gx, OFF,
                    t.n(), t.c(), t.h(), t.w(), t.o(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(), t.dH(), t.dW(),
                    t.groups());
            close("grad input " + where, doubles(tx.grad()), gx, 1e-12);

            double[] gw = embed(new double[t.wSize()]);
            Conv.conv2dBackwardWeight(embed(gy), OFF, embed(x), OFF, gw, OFF,
                    t.n(), t.c(), t.h(), t.w(), t.o(), t.kH(), t.kW(), t.sH(), t.sW(), t.pH(), t.pW(), t.dH(), t.dW(),
                    t.groups());
            close("grad weight " + where, doubles(tw.grad()), gw, 1e-12);

            if (t.bias()) {
                double[] gb = embed(new double[t.o()]);
                Conv.conv2dBackwardBias(embed(gy), OFF, gb, OFF, t.n(), t.o(), t.oH(), t.oW());
                close("grad bias " + where, doubles(tb.grad()), gb, 1e-12);
            }
        }
    }

    /** conv_transpose2d(x, W) is the input gradient of the convolution whose input has the transposed output's size. */
    @Test
    void backwardInputIsTransposedConvolutionWithOutputPadding() {
        Random r = new Random(5);
        // {n, cIn, hIn, wIn, cOut, kH, kW, sH, sW, pH, pW, outPadH, outPadW, dH, dW, groups}
        int[][] cases = {{2, 4, 5, 6, 3, 3, 3, 2, 2, 1, 1, 1, 0, 1, 1, 1}, {1, 4, 4, 3, 6, 3, 2, 3, 2, 0, 1, 2, 1, 2, 1, 2},
                         {2, 3, 6, 6, 2, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1}};
        for (int[] k : cases) {
            int n = k[0], cIn = k[1], hIn = k[2], wIn = k[3], cOut = k[4], kH = k[5], kW = k[6], sH = k[7], sW = k[8];
            int pH = k[9], pW = k[10], opH = k[11], opW = k[12], dH = k[13], dW = k[14], groups = k[15];
            int hOut = (hIn - 1) * sH - 2 * pH + dH * (kH - 1) + opH + 1;
            int wOut = (wIn - 1) * sW - 2 * pW + dW * (kW - 1) + opW + 1;
            double[] x = random(n * cIn * hIn * wIn, r), wt = random(cIn * (cOut / groups) * kH * kW, r);
            Tensor want = torch.conv_transpose2d(tensor(x, n, cIn, hIn, wIn), tensor(wt, cIn, cOut / groups, kH, kW),
                    new TensorOptional(), new long[] {sH, sW}, new long[] {pH, pW}, new long[] {opH, opW}, groups, dH, dW);
            assertArrayEquals(new long[] {n, cOut, hOut, wOut}, shape(want));
            double[] y = embed(new double[n * cOut * hOut * wOut]);
            Conv.conv2dBackwardInput(embed(x), OFF, embed(wt), OFF, y, OFF, n, cOut, hOut, wOut, cIn, kH, kW, sH, sW,
                    pH, pW, dH, dW, groups);
            close("conv_transpose2d " + Arrays.toString(k), doubles(want), y, 1e-12);
        }
    }

    @Test
    void emptyBatchGivesZeroWeightGradient() {
        float[] gw = {5f, 5f, 5f, 5f};
        Conv.conv2dBackwardWeight(new float[0], 0, new float[0], 0, gw, 0, 0, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 1, 1, 1);
        assertArrayEquals(new float[4], gw);
        double[] gb = {5, 5};
        Conv.conv2dBackwardBias(new double[0], 0, gb, 0, 0, 2, 3, 3);
        assertArrayEquals(new double[2], gb);
    }

    @Test
    void outSizeFormula() {
        assertEquals(3, Conv.outSize(5, 3, 0, 1, 1));
        assertEquals(3, Conv.outSize(5, 3, 1, 2, 1));
        assertEquals(1, Conv.outSize(5, 3, 0, 1, 2));
        assertEquals(0, Conv.outSize(4, 3, 0, 1, 2));
        assertEquals(-2, Conv.outSize(2, 5, 0, 1, 1));
    }

    /** Our message is libtorch's, prefixed by the routine. */
    private static void sameError(Runnable ours, Runnable theirs) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ours::run);
        RuntimeException t = assertThrows(RuntimeException.class, theirs::run);
        assertEquals("conv2d: " + t.getMessage().split("\n")[0], e.getMessage());
    }

    @Test
    void errorsUsePyTorchWording() {
        float[] big = new float[10_000];
        Tensor x = tensor(new float[1 * 3 * 2 * 2], 1, 3, 2, 2), x5 = tensor(new float[75], 1, 3, 5, 5);
        Tensor w = tensor(new float[4 * 3 * 9], 4, 3, 3, 3);
        TensorOptional none = new TensorOptional();
        sameError(() -> Conv.conv2d(big, 0, big, 0, null, 0, big, 0, 1, 3, 2, 2, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1),
                () -> torch.conv2d(x, w, none, new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, 1));
        sameError(() -> Conv.conv2d(big, 0, big, 0, null, 0, big, 0, 1, 3, 5, 5, 4, 3, 3, 1, 1, 0, 0, 3, 3, 1),
                () -> torch.conv2d(x5, w, none, new long[] {1, 1}, new long[] {0, 0}, new long[] {3, 3}, 1));
        sameError(() -> Conv.conv2d(big, 0, big, 0, null, 0, big, 0, 1, 3, 5, 5, 4, 3, 3, 0, 1, 0, 0, 1, 1, 1),
                () -> torch.conv2d(x5, w, none, new long[] {0, 1}, new long[] {0, 0}, new long[] {1, 1}, 1));
        sameError(() -> Conv.conv2d(big, 0, big, 0, null, 0, big, 0, 1, 3, 5, 5, 4, 3, 3, 1, 1, -1, 0, 1, 1, 1),
                () -> torch.conv2d(x5, w, none, new long[] {1, 1}, new long[] {-1, 0}, new long[] {1, 1}, 1));
        sameError(() -> Conv.conv2d(big, 0, big, 0, null, 0, big, 0, 1, 3, 5, 5, 4, 3, 3, 1, 1, 0, 0, 0, 1, 1),
                () -> torch.conv2d(x5, w, none, new long[] {1, 1}, new long[] {0, 0}, new long[] {0, 1}, 1));
        sameError(() -> Conv.conv2d(big, 0, big, 0, null, 0, big, 0, 1, 3, 5, 5, 4, 3, 3, 1, 1, 0, 0, 1, 1, 0),
                () -> torch.conv2d(x5, w, none, new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, 0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2d(big, 0, big, 0, null, 0, big, 0, 1, 4, 5, 5, 3, 3, 3, 1, 1, 0, 0, 1, 1, 2));
        assertTrue(e.getMessage().startsWith("conv2d: Given groups=2, expected weight to be divisible by 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2d(new float[10], 0, big, 0, null, 0, big, 0, 1, 3, 5, 5, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1));
        assertEquals("conv2d: input needs 75 elements from offset 0 but its array has length 10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2dBackwardWeight(big, 0, big, 0, new float[5], 1, 1, 3, 5, 5, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1));
        assertEquals("conv2d_backward_weight: grad_weight needs 12 elements from offset 1 but its array has length 5",
                e.getMessage());
    }
}
