package dev.kindling.nn;

import static dev.kindling.nn.LibTorch.assertClose;
import static dev.kindling.nn.LibTorch.kt;
import static dev.kindling.nn.LibTorch.lt;
import static dev.kindling.nn.LibTorch.ltGrad;
import static dev.kindling.nn.LibTorch.opt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Layers against libtorch: Linear's default initialisation after the same seed (bit for bit),
 * forward values and input/parameter gradients of Linear, Bilinear, LayerNorm, GroupNorm,
 * BatchNorm (with its running statistics over several training steps, cumulative averaging,
 * eval mode), Embedding (padding_idx, scale_grad_by_freq, max_norm), Dropout's mask for the
 * same seed, and the activations.
 */
class LayerLibtorchTest extends LibtorchTestBase {
    @Override
    long seed() { return 99; }

    private static float[] floats(org.bytedeco.pytorch.Tensor t) { return kt(t).toFloatArray(); }

    @Test
    void linearInitialisationEqualsLibtorchForTheSameSeed() {
        int[][] sizes = {{784, 512}, {3, 5}, {1, 1}, {100, 7}};
        for (long seed : new long[] {0, 42, 1234567}) {
            for (int[] s : sizes) {
                torch.manual_seed(seed);
                LinearImpl ref = new LinearImpl(s[0], s[1]);
                Torch.manualSeed(seed);
                Linear lin = new Linear(s[0], s[1]);
                String what = "Linear(" + s[0] + ", " + s[1] + ") seed " + seed;
                assertArrayEquals(floats(ref.weight()), lin.weight().toFloatArray(), what + " weight");
                assertArrayEquals(floats(ref.bias()), lin.bias().toFloatArray(), what + " bias");
            }
        }
    }

    @Test
    void linearAndBilinearForwardAndGradients() {
        Linear lin = new Linear(6, 4);
        for (int[] shape : new int[][] {{5, 6}, {2, 3, 6}, {6}}) {
            Tensor x = Torch.randn(shape).requiresGrad_(true);
            lin.zeroGrad();
            Tensor y = lin.forward(x);
            org.bytedeco.pytorch.Tensor lx = ltGrad(x), lw = ltGrad(lin.weight()), lb = ltGrad(lin.bias());
            org.bytedeco.pytorch.Tensor ly = torch.linear(lx, lw, opt(lb));
            assertClose(ly, y, "linear " + shape.length + "-D");
            Tensor g = Torch.randnLike(y);
            y.backward(g);
            ly.backward(lt(g), new org.bytedeco.pytorch.BoolOptional(), false, new org.bytedeco.pytorch.TensorArrayRefOptional());
            assertClose(lx.grad(), x.grad(), "linear dx");
            assertClose(lw.grad(), lin.weight().grad(), "linear dW");
            assertClose(lb.grad(), lin.bias().grad(), "linear db");
        }
        Bilinear bil = new Bilinear(3, 4, 5);
        Tensor x1 = Torch.randn(7, 3).requiresGrad_(true), x2 = Torch.randn(7, 4).requiresGrad_(true);
        Tensor y = bil.forward(x1, x2);
        org.bytedeco.pytorch.Tensor l1 = ltGrad(x1), l2 = ltGrad(x2), lw = ltGrad(bil.weight());
        org.bytedeco.pytorch.Tensor ly = torch.bilinear(l1, l2, lw, opt(lt(bil.bias())));
        assertClose(ly, y, "bilinear");
        y.sum().backward();
        ly.sum().backward();
        assertClose(l1.grad(), x1.grad(), "bilinear dx1");
        assertClose(l2.grad(), x2.grad(), "bilinear dx2");
        assertClose(lw.grad(), bil.weight().grad(), "bilinear dW");
    }

    @Test
    void layerNormAndGroupNormForwardAndGradients() {
        Tensor x = Torch.randn(4, 6, 5).mul(3).add(1);
        LayerNorm ln = new LayerNorm(6, 5);
        try (var g = Torch.noGrad()) {
            ln.weight().copy_(Torch.randn(6, 5));
            ln.bias().copy_(Torch.randn(6, 5));
        }
        Tensor kx = x.clone().requiresGrad_(true);
        Tensor y = ln.forward(kx);
        org.bytedeco.pytorch.Tensor lx = ltGrad(x), lw = ltGrad(ln.weight()), lb = ltGrad(ln.bias());
        org.bytedeco.pytorch.Tensor ly = torch.layer_norm(lx, new long[] {6, 5}, opt(lw), opt(lb), 1e-5, false);
        assertClose(ly, y, 1e-5, 1e-5, "layer_norm");
        Tensor gy = Torch.randnLike(y);
        y.mul(gy).sum().backward();
        ly.mul(lt(gy)).sum().backward();
        assertClose(lx.grad(), kx.grad(), 1e-4, 1e-5, "layer_norm dx");
        assertClose(lw.grad(), ln.weight().grad(), 1e-4, 1e-5, "layer_norm dW");
        assertClose(lb.grad(), ln.bias().grad(), 1e-4, 1e-5, "layer_norm db");

        Tensor z = Torch.randn(3, 6, 4, 2);
        GroupNorm gn = new GroupNorm(3, 6);
        try (var g = Torch.noGrad()) {
            gn.weight().copy_(Torch.randn(6));
            gn.bias().copy_(Torch.randn(6));
        }
        Tensor kz = z.clone().requiresGrad_(true);
        Tensor gy2 = Torch.randn(3, 6, 4, 2);
        Tensor out = gn.forward(kz);
        org.bytedeco.pytorch.Tensor lz = ltGrad(z), lgw = ltGrad(gn.weight()), lgb = ltGrad(gn.bias());
        org.bytedeco.pytorch.Tensor lout = torch.group_norm(lz, 3, opt(lgw), opt(lgb), 1e-5, false);
        assertClose(lout, out, 1e-5, 1e-5, "group_norm");
        out.mul(gy2).sum().backward();
        lout.mul(lt(gy2)).sum().backward();
        assertClose(lz.grad(), kz.grad(), 1e-4, 1e-5, "group_norm dx");
        assertClose(lgw.grad(), gn.weight().grad(), 1e-4, 1e-5, "group_norm dW");
        assertClose(lgb.grad(), gn.bias().grad(), 1e-4, 1e-5, "group_norm db");
        KindlingException e = assertThrows(KindlingException.class, () -> new LayerNorm(10).forward(Torch.zeros(3, 5)));
        assertEquals("Given normalized_shape=[10], expected input with shape [*, 10], but got input of size[3, 5]", e.getMessage());
        assertThrows(KindlingException.class, () -> F.groupNorm(Torch.zeros(2, 6, 4), 4, null, null, 1e-5));
    }

    /** Runs steps of BatchNorm2d in training mode and compares outputs, running stats and gradients with libtorch. */
    @Test
    void batchNormTrainingUpdatesRunningStatsAsLibtorch() {
        for (Double momentum : new Double[] {0.1, 0.3, null}) {
            BatchNorm2d bn = new BatchNorm2d(3, 1e-5, momentum, true, true);
            try (var g = Torch.noGrad()) {
                bn.weight().copy_(Torch.randn(3));
                bn.bias().copy_(Torch.randn(3));
            }
            org.bytedeco.pytorch.Tensor rm = torch.zeros(3), rv = torch.ones(3);
            for (int step = 1; step <= 4; step++) {
                Tensor x = Torch.randn(4, 3, 5, 2).mul(step).add(step - 2);
                Tensor kx = x.clone().requiresGrad_(true);
                bn.zeroGrad();
                Tensor y = bn.forward(kx);
                double factor = momentum == null ? 1.0 / step : momentum;
                org.bytedeco.pytorch.Tensor lx = ltGrad(x), lw = ltGrad(bn.weight()), lb = ltGrad(bn.bias());
                org.bytedeco.pytorch.Tensor ly = torch.batch_norm(lx, opt(lw), opt(lb), opt(rm), opt(rv), true, factor, 1e-5, false);
                String what = "bn momentum " + momentum + " step " + step;
                assertClose(ly, y, 1e-5, 1e-5, what + " output");
                assertClose(rm, bn.runningMean(), 1e-5, 1e-6, what + " running_mean");
                assertClose(rv, bn.runningVar(), 1e-5, 1e-6, what + " running_var");
                assertEquals(step, bn.numBatchesTracked().longItem());
                Tensor gy = Torch.randnLike(y);
                y.mul(gy).sum().backward();
                ly.mul(lt(gy)).sum().backward();
                assertClose(lx.grad(), kx.grad(), 1e-4, 1e-5, what + " dx");
                assertClose(lw.grad(), bn.weight().grad(), 1e-4, 1e-5, what + " dW");
                assertClose(lb.grad(), bn.bias().grad(), 1e-4, 1e-5, what + " db");
            }
            // eval mode: the running statistics normalise, and nothing changes
            bn.eval();
            Tensor x = Torch.randn(2, 3, 4, 4);
            Tensor before = bn.runningMean().clone();
            Tensor y = bn.forward(x);
            org.bytedeco.pytorch.Tensor ly = torch.batch_norm(lt(x), opt(lt(bn.weight())), opt(lt(bn.bias())), opt(rm), opt(rv),
                    false, 0.1, 1e-5, false);
            assertClose(ly, y, 1e-5, 1e-5, "bn eval");
            assertTrue(before.equal(bn.runningMean()));
            assertEquals(4, bn.numBatchesTracked().longItem());
        }
    }

    @Test
    void batchNorm1dWithoutTrackingOrAffine() {
        BatchNorm1d bn = new BatchNorm1d(4, 1e-3, 0.1, false, false);
        assertEquals(0, bn.parameters().size());
        assertEquals(0, bn.stateDict().size());
        Tensor x = Torch.randn(6, 4, 3);
        org.bytedeco.pytorch.Tensor ly = torch.batch_norm(lt(x), opt(null), opt(null), opt(null), opt(null), true, 0.1, 1e-3, false);
        assertClose(ly, bn.forward(x), 1e-5, 1e-5, "bn1d train");
        bn.eval(); // no running statistics: eval normalises with the batch's, as PyTorch
        assertClose(ly, bn.forward(x), 1e-5, 1e-5, "bn1d eval");
        KindlingException one = assertThrows(KindlingException.class, () -> new BatchNorm1d(10).forward(Torch.zeros(1, 10)));
        assertEquals("Expected more than 1 value per channel when training, got input size [1, 10]", one.getMessage());
        assertEquals("expected 2D or 3D input (got 4D input)",
                assertThrows(KindlingException.class, () -> new BatchNorm1d(2).forward(Torch.zeros(2, 2, 2, 2))).getMessage());
    }

    @Test
    void dropoutDrawsTheSameMaskAsLibtorch() {
        for (double p : new double[] {0.1, 0.5, 0.8}) {
            for (int n : new int[] {7, 16, 1000}) {
                torch.manual_seed(7);
                org.bytedeco.pytorch.Tensor ref = torch.dropout(torch.ones(n), p, true);
                Torch.manualSeed(7);
                Tensor y = F.dropout(Torch.ones(n), p, true);
                assertArrayEquals(floats(ref), y.toFloatArray(), "dropout p " + p + " n " + n);
            }
        }
        torch.manual_seed(3);
        Tensor x = Torch.randn(4, 5);
        org.bytedeco.pytorch.Tensor ref = torch.dropout(lt(x), 0.3, true);
        Torch.manualSeed(3);
        Dropout d = new Dropout(0.3);
        assertArrayEquals(floats(ref), d.forward(x).toFloatArray());
        d.eval();
        assertSame(x, d.forward(x), "eval mode is the identity");
    }

    @Test
    void embeddingForwardAndGradient() {
        Embedding emb = new Embedding(6, 3, 1);
        assertEquals(0.0, emb.weight().select(0, 1).abs().sum().item(), "padding row zeroed at init");
        Tensor idx = Tensor.from(new long[] {1, 4, 4, 0, 1, 5}, 2, 3);
        Tensor y = emb.forward(idx);
        assertEquals("EmbeddingBackward0", y.gradFn().name());
        org.bytedeco.pytorch.Tensor lw = ltGrad(emb.weight());
        org.bytedeco.pytorch.Tensor ly = torch.embedding(lw, lt(idx), 1, false, false);
        assertClose(ly, y, "embedding");
        Tensor g = Torch.randnLike(y);
        y.mul(g).sum().backward();
        ly.mul(lt(g)).sum().backward();
        assertClose(lw.grad(), emb.weight().grad(), "embedding dW");
        assertEquals(0.0, emb.weight().grad().select(0, 1).abs().sum().item(), "no gradient at padding_idx");

        Embedding freq = new Embedding(6, 3, null, null, 2.0, true);
        Tensor yf = freq.forward(idx);
        org.bytedeco.pytorch.Tensor lwf = ltGrad(freq.weight());
        org.bytedeco.pytorch.Tensor lyf = torch.embedding(lwf, lt(idx), -1, true, false);
        yf.mul(g).sum().backward();
        lyf.mul(lt(g)).sum().backward();
        assertClose(lwf.grad(), freq.weight().grad(), "embedding scale_grad_by_freq dW");

        Embedding norm = new Embedding(6, 3, null, 0.5, 2.0, false);
        org.bytedeco.pytorch.Tensor lwn = lt(norm.weight());
        Tensor yn = norm.forward(idx);
        torch.embedding_renorm_(lwn, lt(idx), 0.5, 2.0);
        assertClose(lwn, norm.weight(), "max_norm renormalises the looked-up rows in place");
        assertClose(torch.embedding(lwn, lt(idx), -1, false, false), yn, "max_norm output");
        assertThrows(KindlingException.class, () -> emb.forward(Torch.zeros(2)));
        assertThrows(KindlingException.class, () -> emb.forward(Tensor.from(new long[] {6})));
    }

    @Test
    void activationsMatchLibtorch() {
        Tensor x = Torch.randn(50).mul(3);
        org.bytedeco.pytorch.Tensor l = lt(x);
        assertClose(torch.gelu(l), new GELU().forward(x), "gelu");
        assertClose(torch.gelu(l, "tanh"), new GELU("tanh").forward(x), "gelu tanh");
        assertClose(torch.silu(l), new SiLU().forward(x), "silu");
        assertClose(torch.mish(l), new Mish().forward(x), "mish");
        assertClose(torch.elu(l, new Scalar(0.7), new Scalar(1.0), new Scalar(1.0)), new ELU(0.7).forward(x), "elu");
        assertClose(torch.softplus(l, new Scalar(2.0), new Scalar(3.0)), new Softplus(2.0, 3.0).forward(x), "softplus");
        assertClose(torch.hardtanh(l, new Scalar(-0.5), new Scalar(2.0)), new Hardtanh(-0.5, 2.0).forward(x), "hardtanh");
        assertClose(torch.leaky_relu(l, new Scalar(0.2)), new LeakyReLU(0.2).forward(x), "leaky_relu");
        assertClose(torch.log_sigmoid(l), F.logsigmoid(x), "logsigmoid");
        Tensor m = Torch.randn(4, 5);
        assertClose(torch.softmax(lt(m), 1), new Softmax(1).forward(m), "softmax");
        assertClose(torch.log_softmax(lt(m), 0), new LogSoftmax(0).forward(m), "log_softmax");
        Tensor a = Torch.randn(4, 5), b = Torch.randn(4, 5);
        assertClose(torch.cosine_similarity(lt(a), lt(b), 1, 1e-8), F.cosineSimilarity(a, b), "cosine_similarity");
        assertClose(torch.pairwise_distance(lt(a), lt(b), 3.0, 1e-6, false), F.pairwiseDistance(a, b, 3, 1e-6, false), "pdist");
        assertClose(torch.one_hot(lt(Tensor.from(new long[] {2, 0, 3})), 5), F.oneHot(Tensor.from(new long[] {2, 0, 3}), 5), "one_hot");
    }

    @Test
    void inPlaceActivationsOverwriteTheirInput() {
        Tensor x = Torch.randn(10);
        Tensor expected = x.elu(1.0);
        Tensor y = new ELU(1.0, true).forward(x);
        assertSame(x, y);
        assertTrue(expected.equal(x));
        // with autograd: the gradient is still right, because the function reads a copy
        Tensor leaf = Torch.randn(8).requiresGrad_(true);
        Tensor h = leaf.mul(1.0);
        Tensor out = new SiLU(true).forward(h);
        assertSame(h, out);
        out.sum().backward();
        org.bytedeco.pytorch.Tensor ll = ltGrad(leaf);
        torch.silu(ll).sum().backward();
        assertClose(ll.grad(), leaf.grad(), "in-place silu gradient");
    }
}
