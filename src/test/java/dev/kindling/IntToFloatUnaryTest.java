package dev.kindling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Transcendental unary ops on integer tensors compute in floating point (PyTorch's int-to-float ops). */
class IntToFloatUnaryTest {
    @Test
    void expLogAndSigmoidOfIntegersAreFloat32() {
        Tensor x = Tensor.from(new long[] {0, 1, 2, -3});
        Tensor e = x.exp();
        assertEquals(DType.FLOAT32, e.dtype());
        assertArrayEquals(new float[] {1f, (float) Math.E, (float) Math.exp(2), (float) Math.exp(-3)}, e.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0.6931472f}, Tensor.from(new int[] {1, 2}).log().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0.7310586f}, Tensor.from(new byte[] {0, 1}).to(DType.UINT8).sigmoid().toFloatArray(), 1e-6f);
    }
}
