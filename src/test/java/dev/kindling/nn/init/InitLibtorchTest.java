package dev.kindling.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.FanModeType;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Nonlinearity;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.kFanIn;
import org.bytedeco.pytorch.kFanOut;
import org.bytedeco.pytorch.kLeakyReLU;
import org.bytedeco.pytorch.kReLU;
import org.bytedeco.pytorch.kTanh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Init} against libtorch's {@code torch::nn::init} after the same seed: the random fills
 * bit for bit, gains and fans exactly, orthogonal_ to float tolerance (libtorch's QR runs in
 * float32), and trunc_normal_ against PyTorch's algorithm replayed with libtorch ops.
 */
class InitLibtorchTest {
    private PointerScope scope;

    @BeforeAll
    static void load() { torch.manual_seed(0); }

    @BeforeEach
    void open() { scope = new PointerScope(); }

    @AfterEach
    void close() { scope.close(); }

    private static org.bytedeco.pytorch.Tensor empty(ScalarType t, long... shape) {
        return torch.empty(shape, new TensorOptions(t), new MemoryFormatOptional());
    }

    private static double[] values(org.bytedeco.pytorch.Tensor t) {
        org.bytedeco.pytorch.Tensor c = t.contiguous().to(ScalarType.Double);
        double[] r = new double[(int) c.numel()];
        c.data_ptr_double().get(r);
        return r;
    }

    private static void assertSame(org.bytedeco.pytorch.Tensor expected, Tensor actual, String what) {
        assertArrayEquals(values(expected), actual.to(DType.FLOAT64).toDoubleArray(), what);
    }

    private static void assertNear(org.bytedeco.pytorch.Tensor expected, Tensor actual, double tol, String what) {
        double[] e = values(expected), a = actual.to(DType.FLOAT64).toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            if (Math.abs(e[i] - a[i]) > tol) fail(what + ": element " + i + " is " + a[i] + ", libtorch has " + e[i]);
        }
    }

    @Test
    void uniformAndNormalFillsAreBitIdentical() {
        for (int n : new int[] {3, 16, 17, 257}) {
            torch.manual_seed(5);
            org.bytedeco.pytorch.Tensor u = torch.uniform_(empty(ScalarType.Float, n), -0.3, 0.7);
            Torch.manualSeed(5);
            assertSame(u, Init.uniform_(Torch.empty(n), -0.3, 0.7), "uniform_ float " + n);
            torch.manual_seed(6);
            org.bytedeco.pytorch.Tensor g = torch.normal_(empty(ScalarType.Float, n), 0.5, 2.0);
            Torch.manualSeed(6);
            assertSame(g, Init.normal_(Torch.empty(n), 0.5, 2.0), "normal_ float " + n);
            torch.manual_seed(7);
            org.bytedeco.pytorch.Tensor d = torch.uniform_(empty(ScalarType.Double, n), -1, 1);
            Torch.manualSeed(7);
            assertSame(d, Init.uniform_(Torch.empty(new int[] {n}, DType.FLOAT64, dev.kindling.Device.CPU), -1, 1), "uniform_ double " + n);
        }
    }

    @Test
    void kaimingAndXavierAreBitIdentical() {
        long[] shape = {16, 8, 3, 3};
        int[] ishape = {16, 8, 3, 3};
        torch.manual_seed(11);
        org.bytedeco.pytorch.Tensor a = torch.kaiming_uniform_(empty(ScalarType.Float, shape), Math.sqrt(5),
                new FanModeType(new kFanIn()), new Nonlinearity(new kLeakyReLU()));
        Torch.manualSeed(11);
        assertSame(a, Init.kaimingUniform_(Torch.empty(ishape), Math.sqrt(5), "fan_in", "leaky_relu"), "kaiming_uniform_");
        torch.manual_seed(12);
        org.bytedeco.pytorch.Tensor b = torch.kaiming_normal_(empty(ScalarType.Float, shape), 0,
                new FanModeType(new kFanOut()), new Nonlinearity(new kReLU()));
        Torch.manualSeed(12);
        assertSame(b, Init.kaimingNormal_(Torch.empty(ishape), 0, "fan_out", "relu"), "kaiming_normal_");
        torch.manual_seed(13);
        org.bytedeco.pytorch.Tensor c = torch.xavier_uniform_(empty(ScalarType.Float, 20, 30), 1.5);
        Torch.manualSeed(13);
        assertSame(c, Init.xavierUniform_(Torch.empty(20, 30), 1.5), "xavier_uniform_");
        torch.manual_seed(14);
        org.bytedeco.pytorch.Tensor d = torch.xavier_normal_(empty(ScalarType.Float, 20, 30), 0.5);
        Torch.manualSeed(14);
        assertSame(d, Init.xavierNormal_(Torch.empty(20, 30), 0.5), "xavier_normal_");
    }

    @Test
    void gainsAndFans() {
        assertEquals(torch.calculate_gain(new Nonlinearity(new kLeakyReLU()), 0.2), Init.calculateGain("leaky_relu", 0.2));
        assertEquals(torch.calculate_gain(new Nonlinearity(new kLeakyReLU())), Init.calculateGain("leaky_relu"));
        assertEquals(torch.calculate_gain(new Nonlinearity(new kTanh())), Init.calculateGain("tanh"));
        assertEquals(torch.calculate_gain(new Nonlinearity(new kReLU())), Init.calculateGain("relu"));
        assertEquals(1.0, Init.calculateGain("conv2d"));
        assertEquals(0.75, Init.calculateGain("selu"));
        assertEquals("Unsupported nonlinearity swish",
                assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("swish")).getMessage());
        assertArrayEquals(new int[] {8 * 9, 16 * 9}, Init.calculateFanInAndFanOut(Torch.empty(16, 8, 3, 3)));
        assertArrayEquals(new int[] {30, 20}, Init.calculateFanInAndFanOut(Torch.empty(20, 30)));
        assertThrows(IllegalArgumentException.class, () -> Init.calculateFanInAndFanOut(Torch.empty(5)));
        assertEquals("Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']",
                assertThrows(IllegalArgumentException.class, () -> Init.kaimingUniform_(Torch.empty(2, 2), 0, "fan_avg", "relu"))
                        .getMessage());
    }

    @Test
    void orthogonalMatchesLibtorchToFloatPrecision() {
        for (long[] shape : new long[][] {{6, 4}, {4, 6}, {5, 5}, {3, 2, 2}}) {
            int[] ishape = new int[shape.length];
            for (int i = 0; i < shape.length; i++) ishape[i] = (int) shape[i];
            torch.manual_seed(21);
            org.bytedeco.pytorch.Tensor ref = torch.orthogonal_(empty(ScalarType.Float, shape), 1.3);
            Torch.manualSeed(21);
            Tensor q = Init.orthogonal_(Torch.empty(ishape), 1.3);
            assertNear(ref, q, 2e-5, "orthogonal_ " + java.util.Arrays.toString(shape));
        }
        // the rows (or columns) are orthonormal up to the gain
        Tensor w = Init.orthogonal_(Torch.empty(new int[] {7, 4}, DType.FLOAT64, dev.kindling.Device.CPU));
        Tensor gram = w.t().matmul(w);
        double[] g = gram.toDoubleArray();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) assertEquals(i == j ? 1 : 0, g[i * 4 + j], 1e-12);
    }

    @Test
    void truncNormalFollowsPyTorchsInverseCdfAlgorithm() {
        double mean = 0.3, std = 0.8, a = -1.0, b = 1.5;
        double l = normCdf((a - mean) / std), u = normCdf((b - mean) / std);
        torch.manual_seed(31);
        org.bytedeco.pytorch.Tensor r = torch.uniform_(empty(ScalarType.Float, 1000), 2 * l - 1, 2 * u - 1);
        org.bytedeco.pytorch.Tensor ref = torch.erfinv(r).mul(new Scalar(std * Math.sqrt(2.0))).add(new Scalar(mean));
        Tensor expected = Tensor.from(torchFloats(ref)).clamp(a, b);
        Torch.manualSeed(31);
        Tensor t = Init.truncNormal_(Torch.empty(1000), mean, std, a, b);
        double[] e = expected.to(DType.FLOAT64).toDoubleArray(), v = t.to(DType.FLOAT64).toDoubleArray();
        for (int i = 0; i < e.length; i++) assertEquals(e[i], v[i], 1e-6, "element " + i);
        assertEquals(a, t.min().item(), 0.05);
        assertEquals(b, t.max().item(), 0.05);
        for (double x : v) if (x < a || x > b) fail("value outside [a, b]: " + x);
    }

    private static float[] torchFloats(org.bytedeco.pytorch.Tensor t) {
        float[] r = new float[(int) t.numel()];
        t.contiguous().data_ptr_float().get(r);
        return r;
    }

    private static double normCdf(double x) {
        org.bytedeco.pytorch.Tensor s = torch.full(new long[] {}, new Scalar(x / Math.sqrt(2.0)), new TensorOptions(ScalarType.Double));
        return (1.0 + torch.erf(s).item_double()) / 2.0;
    }

    @Test
    void constantsAndEye() {
        Tensor t = Torch.randn(3, 4).requiresGrad_(true);
        Init.constant_(t, 0.25);
        assertEquals(3.0, t.detach().sum().item(), 1e-6);
        assertEquals(0.0, Init.zeros_(t).detach().abs().sum().item());
        assertEquals(12.0, Init.ones_(t).detach().sum().item());
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}, Init.eye_(Torch.empty(3, 4)).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Init.eye_(Torch.empty(2, 2, 2)));
        assertEquals(true, t.isLeaf(), "init functions record no history");
    }
}
