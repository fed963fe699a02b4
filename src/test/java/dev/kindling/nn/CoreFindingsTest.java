package dev.kindling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for core behaviour the nn layer depends on and that once failed: each test
 * names the symptom seen from nn.
 */
class CoreFindingsTest {
    /**
     * A float32 binary op whose operands both have stride 0 along the output (an expanded tensor
     * and a scalar) must still write every element. Seen as zero gradients: sum's backward
     * expands a 0-dim gradient and mul-by-scalar's backward multiplies it by the scalar, so
     * {@code x.mul(2).sum().backward()} gave {@code x.grad == 0}, and {@code a.sub(b)} lost b's
     * gradient.
     */
    @Test
    void binaryOfExpandedAndScalarOperandsWritesEveryElement() {
        Tensor expanded = Torch.tensor(1.5).expand(3);
        assertArrayEquals(new float[] {3f, 3f, 3f}, expanded.mul(2.0).toFloatArray());
        assertArrayEquals(new float[] {3.5f, 3.5f, 3.5f}, expanded.add(Torch.tensor(2.0)).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, Torch.tensor(1.5).expand(2, 2).sub(1.0).reshape(-1).toFloatArray());

        Tensor x = Torch.rand(3).requiresGrad_(true);
        x.mul(2.0).sum().backward();
        assertArrayEquals(new float[] {2f, 2f, 2f}, x.grad().toFloatArray());
        x.setGrad(null);
        x.mul(2.0).sub(x.mul(3.0)).sum().backward();
        assertArrayEquals(new float[] {-1f, -1f, -1f}, x.grad().toFloatArray());
    }
}
