package dev.kindling;

import dev.kindling.autograd.GradCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static dev.kindling.CudaRef.CUDA;
import static dev.kindling.CudaRef.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Autograd on cuda:0: gradients of an MLP, of a convolutional network (convolution, grouped and
 * strided convolution, transposed convolution, max/avg/adaptive pooling) and of softmax-based losses
 * equal the CPU's, and numerical gradient checks pass in float64 on the device. Needs a GPU.
 */
@Tag("cuda")
class CudaAutogradTest {

    @BeforeAll
    static void gpu() { CudaRef.assumeCuda(); }

    /** The same leaves on both devices: {cpu, cuda}, each requiring grad. */
    static Tensor[] leaf(Random r, DType dt, double scale, int... shape) {
        double[] v = CudaRef.random(r, (int) Shapes.numel(shape), -scale, scale);
        Tensor c = Tensor.from(v, shape).to(dt).requiresGrad_(true);
        Tensor g = Tensor.from(v.clone(), shape).to(dt).to(CUDA).requiresGrad_(true);
        return new Tensor[] {c, g};
    }

    private static void compareGrads(List<Tensor[]> leaves, double rtol, double atol, String what) {
        for (int i = 0; i < leaves.size(); i++) {
            Tensor[] p = leaves.get(i);
            assertTrue(p[0].grad() != null && p[1].grad() != null, what + ": leaf " + i + " has no grad");
            assertSame(p[0].grad(), p[1].grad(), rtol, atol, what + ": grad of leaf " + i);
        }
    }

    @Test
    void mlpWithCrossEntropyGradientsMatchTheCpu() {
        Random r = new Random(21);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor[] x = leaf(r, dt, 1, 32, 20), w1 = leaf(r, dt, 0.3, 20, 64), b1 = leaf(r, dt, 0.1, 64), w2 = leaf(r, dt, 0.3, 64, 10), b2 = leaf(r, dt, 0.1, 10);
            long[] t = new long[32];
            for (int i = 0; i < 32; i++) t[i] = r.nextInt(10);
            Tensor target = Tensor.from(t).view(32, 1);
            Tensor[] loss = new Tensor[2];
            for (int d = 0; d < 2; d++) {
                Tensor tg = d == 0 ? target : target.to(CUDA);
                Tensor h = x[d].matmul(w1[d]).add(b1[d]).relu();
                Tensor logp = h.matmul(w2[d]).add(b2[d]).logSoftmax(1);
                loss[d] = logp.gather(1, tg).neg().mean().add(h.square().mean().mul(0.01));
                loss[d].backward();
            }
            double tol = dt == DType.FLOAT32 ? 1e-4 : 1e-10;
            assertSame(loss[0], loss[1], tol, tol, dt + " loss");
            compareGrads(List.of(x, w1, b1, w2, b2), tol, tol, dt + " mlp");
        }
    }

    @Test
    void convolutionalNetworkGradientsMatchTheCpu() {
        Random r = new Random(22);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor[] x = leaf(r, dt, 1, 3, 4, 12, 12), k1 = leaf(r, dt, 0.4, 8, 4, 3, 3), c1 = leaf(r, dt, 0.1, 8);
            Tensor[] k2 = leaf(r, dt, 0.4, 6, 4, 3, 3), k3 = leaf(r, dt, 0.4, 6, 3, 2, 2), fc = leaf(r, dt, 0.3, 6, 5);
            Tensor[] out = new Tensor[2];
            for (int d = 0; d < 2; d++) {
                Tensor h = Torch.conv2d(x[d], k1[d], c1[d], new int[] {1}, new int[] {1}, new int[] {1}, 1).relu();
                h = Torch.maxPool2d(h, new int[] {2}, null, new int[] {0}, new int[] {1}, false);                   // 6x6
                h = Torch.conv2d(h, k2[d], null, new int[] {2}, new int[] {1}, new int[] {1}, 2).tanh();            // 3x3, groups 2
                h = Torch.convTranspose2d(h, k3[d], null, new int[] {2}, new int[] {0}, new int[] {0}, 2, new int[] {1});  // 6x6
                h = Torch.avgPool2d(h, new int[] {3}, new int[] {2}, new int[] {1}, true, false, null);
                Tensor pooled = Torch.adaptiveAvgPool2d(h, 1).flatten(1, -1);
                Tensor m = Torch.adaptiveMaxPool2d(h, 2).values().sum(new int[] {2, 3}, false);
                out[d] = pooled.add(m).matmul(fc[d]).softmax(1).square().sum();
                out[d].backward();
            }
            double tol = dt == DType.FLOAT32 ? 2e-4 : 1e-9;
            assertSame(out[0], out[1], tol, tol, dt + " output");
            compareGrads(List.of(x, k1, c1, k2, k3, fc), tol, tol, dt + " conv net");
        }
    }

    @Test
    void numericalGradientsAgreeOnTheDevice() {
        Random r = new Random(23);
        Function<int[], Tensor> leaf = s -> Tensor.from(CudaRef.random(r, (int) Shapes.numel(s), -1, 1), s).to(CUDA).requiresGrad_(true);
        Tensor a = leaf.apply(new int[] {3, 4}), b = leaf.apply(new int[] {4, 2}), c = leaf.apply(new int[] {3, 4});
        assertTrue(GradCheck.gradcheck(in -> in[0].matmul(in[1]).sin().sum(1, false), a, b));
        assertTrue(GradCheck.gradcheck(in -> in[0].mul(in[1]).logSoftmax(1).exp().cumsum(0), a, c));
        assertTrue(GradCheck.gradcheck(in -> in[0].norm(3, new int[] {1}, false).add(in[1].amax(new int[] {0}, false).sum()), a, c));
        Tensor img = leaf.apply(new int[] {1, 2, 5, 5}), ker = leaf.apply(new int[] {3, 2, 3, 3});
        assertTrue(GradCheck.gradcheck(in -> Torch.conv2d(in[0], in[1], null, new int[] {2}, new int[] {1}, new int[] {1}, 1), img, ker));
        assertTrue(GradCheck.gradcheck(in -> Torch.maxPool2d(in[0], new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1}, false), img));
        assertTrue(GradCheck.gradgradcheck(in -> in[0].tanh().mul(in[1]).sum(), a, c));
    }

    @Test
    void gradientsStayOnTheDeviceAndAccumulate() {
        Tensor w = Torch.ones(3).to(CUDA).requiresGrad_(true);
        w.mul(2).sum().backward();
        w.mul(w).sum().backward();
        assertEquals(CUDA, w.grad().device());
        assertSame(Tensor.from(new float[] {4, 4, 4}), w.grad(), 0, 0, "2 + 2w accumulated");
    }
}
