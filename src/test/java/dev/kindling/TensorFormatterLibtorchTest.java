package dev.kindling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TensorFormatter} on values that libtorch generates: normal samples from a seeded
 * generator, and their float16 and bfloat16 roundings. libtorch supplies only the values (its C++
 * printer's format differs from Python's); the expected strings are what Python's
 * {@code repr(tensor)} prints for those values. {@code torch.manual_seed(0); torch.randn(2, 3)} is
 * the familiar first example of PyTorch's tutorials.
 */
class TensorFormatterLibtorchTest {
    private static float[] randn23;
    private static float[] randn100;
    private static float[] half8;
    private static float[] bfloat8;

    @BeforeAll
    static void generateWithLibtorch() {
        torch.manual_seed(0);
        randn23 = values(torch.randn(2, 3));
        torch.manual_seed(0);
        randn100 = values(torch.randn(100, 100));
        torch.manual_seed(0);
        Tensor x = torch.randn(8).mul(new Scalar(100.0));
        half8 = values(x.to(torch.ScalarType.Half).to(torch.ScalarType.Float));
        bfloat8 = values(x.to(torch.ScalarType.BFloat16).to(torch.ScalarType.Float));
    }

    @Test
    void seededNormalMatrix() {
        assertEquals("tensor([[ 1.5410, -0.2934, -2.1788],\n"
                + "        [ 0.5684, -1.0845, -1.3986]])",
                repr(randn23, DType.FLOAT32, false, 2, 3));
    }

    @Test
    void seededNormalMatrixSummarized() {
        assertEquals("tensor([[-1.1258, -1.1524, -0.2506,  ..., -1.3602,  0.3446,  0.5199],\n"
                + "        [-2.6133, -1.6965, -0.2282,  ...,  0.8760, -0.2871,  1.0216],\n"
                + "        [-0.0744, -1.0922,  0.3920,  ...,  0.8200, -0.6332,  1.2948],\n"
                + "        ...,\n"
                + "        [-0.6084, -0.4091, -1.3379,  ..., -0.1951, -1.1121, -0.0333],\n"
                + "        [ 1.4071, -0.5868,  1.3653,  ...,  0.4012,  1.6608, -0.0799],\n"
                + "        [ 0.7231,  0.2406,  0.6013,  ...,  0.9179,  1.1423, -0.3114]])",
                repr(randn100, DType.FLOAT32, false, 100, 100));
    }

    @Test
    void halfPrecisionValuesWithDtype() {
        assertEquals("tensor([ 154.1250,  -29.3438, -217.8750,   56.8438, -108.4375, -139.8750,\n"
                + "          40.3438,   83.8125], dtype=torch.float16)",
                repr(half8, DType.FLOAT16, false, 8));
    }

    @Test
    void halfPrecisionMatrixRequiringGradWrapsItsSuffix() {
        assertEquals("tensor([[ 154.1250,  -29.3438, -217.8750,   56.8438],\n"
                + "        [-108.4375, -139.8750,   40.3438,   83.8125]], dtype=torch.float16,\n"
                + "       requires_grad=True)",
                repr(half8, DType.FLOAT16, true, 2, 4));
    }

    @Test
    void bfloat16ValuesWithDtype() {
        assertEquals("tensor([ 154.0000,  -29.3750, -218.0000,   56.7500, -108.5000, -140.0000,\n"
                + "          40.2500,   84.0000], dtype=torch.bfloat16)",
                repr(bfloat8, DType.BFLOAT16, false, 8));
    }

    private static String repr(float[] values, DType dtype, boolean requiresGrad, int... shape) {
        return TensorFormatter.format(shape, dtype, i -> values[Math.toIntExact(i)], "cpu", requiresGrad, null,
                PrintOptions.DEFAULT);
    }

    private static float[] values(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        c.data_ptr_float().get(out);
        return out;
    }
}
