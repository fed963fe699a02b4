package dev.kindling.nn;

import static dev.kindling.nn.LibTorch.assertClose;
import static dev.kindling.nn.LibTorch.lt;
import static dev.kindling.nn.LibTorch.ltGrad;
import static dev.kindling.nn.LibTorch.opt;
import static dev.kindling.nn.LibTorch.reduction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Every loss against libtorch's ATen implementation on random inputs: values for each reduction,
 * and the gradient with respect to the input (of the sum, for reduction "none"), with weights,
 * ignore_index, label smoothing, probability targets and spatial inputs.
 */
class LossLibtorchTest extends LibtorchTestBase {
    private static final List<String> REDUCTIONS = List.of("none", "mean", "sum");

    @Override
    long seed() { return 1234; }

    /** Compares value and d(loss)/d(input) of a Kindling loss and a libtorch loss of the same input. */
    private static void check(String what, Tensor x, String red, Function<Tensor, Tensor> kindling,
                              Function<org.bytedeco.pytorch.Tensor, org.bytedeco.pytorch.Tensor> libtorch) {
        Tensor kx = x.detach().clone().requiresGrad_(true);
        Tensor kl = kindling.apply(kx);
        org.bytedeco.pytorch.Tensor lx = ltGrad(x);
        org.bytedeco.pytorch.Tensor ll = libtorch.apply(lx);
        assertClose(ll, kl, 1e-5, 1e-6, what + " [" + red + "] value");
        ("none".equals(red) ? kl.sum() : kl).backward();
        ("none".equals(red) ? ll.sum() : ll).backward();
        assertClose(lx.grad(), kx.grad(), 1e-5, 1e-6, what + " [" + red + "] grad");
    }

    private static Tensor classTargets(int n, int c, int... shape) {
        return Torch.randint(0, c, shape.length == 0 ? new int[] {n} : shape);
    }

    @Test
    void crossEntropyClassIndices() {
        Tensor x = Torch.randn(8, 5);
        Tensor t = classTargets(8, 5);
        Tensor w = Torch.rand(5).add(0.5);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("ce", x, red, k -> F.crossEntropy(k, t, null, -100, red, 0),
                    l -> torch.cross_entropy_loss(l, lt(t), opt(null), r, -100, 0));
            check("ce weight", x, red, k -> F.crossEntropy(k, t, w, -100, red, 0),
                    l -> torch.cross_entropy_loss(l, lt(t), opt(lt(w)), r, -100, 0));
            check("ce module", x, red, k -> new CrossEntropyLoss().weight(w).reduction(red).forward(k, t),
                    l -> torch.cross_entropy_loss(l, lt(t), opt(lt(w)), r, -100, 0));
        }
    }

    @Test
    void crossEntropyIgnoreIndexUsesTheWeightedMeanDenominator() {
        Tensor x = Torch.randn(10, 4);
        long[] tv = {0, 3, 2, 2, 1, 2, 0, 3, 2, 1};
        Tensor t = Tensor.from(tv);
        Tensor w = Tensor.from(new float[] {0.2f, 1.0f, 3.0f, 0.7f});
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("ce ignore 2", x, red, k -> F.crossEntropy(k, t, null, 2, red, 0),
                    l -> torch.cross_entropy_loss(l, lt(t), opt(null), r, 2, 0));
            check("ce ignore 2 weight", x, red, k -> F.crossEntropy(k, t, w, 2, red, 0),
                    l -> torch.cross_entropy_loss(l, lt(t), opt(lt(w)), r, 2, 0));
        }
        Tensor withMinus100 = Tensor.from(new long[] {0, -100, 2, -100, 1, 2, 0, 3, -100, 1});
        check("ce -100", x, "mean", k -> F.crossEntropy(k, withMinus100, w, -100, "mean", 0),
                l -> torch.cross_entropy_loss(l, lt(withMinus100), opt(lt(w)), LibTorch.MEAN, -100, 0));
        // all targets ignored: the mean of nothing is NaN, as in PyTorch
        Tensor all = Torch.full(-100L, 10);
        assertTrue(Double.isNaN(F.crossEntropy(x, all).item()));
        assertTrue(Double.isNaN(torch.cross_entropy_loss(lt(x), lt(all)).item_double()));
    }

    @Test
    void crossEntropyLabelSmoothing() {
        Tensor x = Torch.randn(9, 6);
        Tensor t = Tensor.from(new long[] {0, 5, 2, 1, 1, 4, 3, 0, 5});
        Tensor w = Torch.rand(6).add(0.1);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            for (double ls : new double[] {0.1, 0.35, 1.0}) {
                check("ce ls " + ls, x, red, k -> F.crossEntropy(k, t, null, -100, red, ls),
                        l -> torch.cross_entropy_loss(l, lt(t), opt(null), r, -100, ls));
                check("ce ls weight " + ls, x, red, k -> F.crossEntropy(k, t, w, -100, red, ls),
                        l -> torch.cross_entropy_loss(l, lt(t), opt(lt(w)), r, -100, ls));
                check("ce ls weight ignore " + ls, x, red, k -> F.crossEntropy(k, t, w, 5, red, ls),
                        l -> torch.cross_entropy_loss(l, lt(t), opt(lt(w)), r, 5, ls));
            }
        }
    }

    @Test
    void crossEntropyProbabilityTargets() {
        Tensor x = Torch.randn(7, 4);
        Tensor p = Torch.randn(7, 4).softmax(1);
        Tensor w = Torch.rand(4).add(0.3);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("ce prob", x, red, k -> F.crossEntropy(k, p, null, -100, red, 0),
                    l -> torch.cross_entropy_loss(l, lt(p), opt(null), r, -100, 0));
            check("ce prob weight ls", x, red, k -> F.crossEntropy(k, p, w, -100, red, 0.2),
                    l -> torch.cross_entropy_loss(l, lt(p), opt(lt(w)), r, -100, 0.2));
        }
    }

    @Test
    void crossEntropySpatialAndUnbatched() {
        Tensor x = Torch.randn(2, 3, 4, 5);
        Tensor t = Torch.randint(0, 3, 2, 4, 5);
        Tensor x3 = Torch.randn(3, 4, 6);
        Tensor t3 = Torch.randint(0, 4, 3, 6);
        Tensor w = Torch.rand(3).add(0.5);
        Tensor x1 = Torch.randn(5);
        Tensor t1 = Torch.tensor(3L);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("ce 4d weight", x, red, k -> F.crossEntropy(k, t, w, 1, red, 0.05),
                    l -> torch.cross_entropy_loss(l, lt(t), opt(lt(w)), r, 1, 0.05));
            check("ce 3d", x3, red, k -> F.crossEntropy(k, t3, null, -100, red, 0),
                    l -> torch.cross_entropy_loss(l, lt(t3), opt(null), r, -100, 0));
            check("ce 1d", x1, red, k -> F.crossEntropy(k, t1, null, -100, red, 0.1),
                    l -> torch.cross_entropy_loss(l, lt(t1), opt(null), r, -100, 0.1));
        }
    }

    @Test
    void nllLossMatches() {
        Tensor x = Torch.randn(6, 5).logSoftmax(1);
        Tensor t = Tensor.from(new long[] {4, 0, 1, 1, 3, 2});
        Tensor w = Torch.rand(5).add(0.2);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("nll", x, red, k -> F.nllLoss(k, t, null, -100, red), l -> torch.nll_loss_nd(l, lt(t), opt(null), r, -100));
            check("nll weight ignore", x, red, k -> new NLLLoss().weight(w).ignoreIndex(1).reduction(red).forward(k, t),
                    l -> torch.nll_loss_nd(l, lt(t), opt(lt(w)), r, 1));
        }
    }

    @Test
    void regressionLosses() {
        Tensor x = Torch.randn(4, 6).mul(2);
        Tensor y = Torch.randn(4, 6);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("mse", x, red, k -> new MSELoss().reduction(red).forward(k, y), l -> torch.mse_loss(l, lt(y), r));
            check("l1", x, red, k -> new L1Loss().reduction(red).forward(k, y), l -> torch.l1_loss(l, lt(y), r));
            for (double beta : new double[] {0.0, 0.5, 1.0, 3.0}) {
                check("smooth_l1 " + beta, x, red, k -> new SmoothL1Loss().beta(beta).reduction(red).forward(k, y),
                        l -> torch.smooth_l1_loss(l, lt(y), r, beta));
            }
            for (double delta : new double[] {0.5, 1.0, 2.5}) {
                check("huber " + delta, x, red, k -> new HuberLoss().delta(delta).reduction(red).forward(k, y),
                        l -> torch.huber_loss(l, lt(y), r, delta));
            }
        }
    }

    @Test
    void binaryCrossEntropy() {
        Tensor x = Torch.randn(5, 4).sigmoid();
        Tensor y = Torch.rand(5, 4);
        Tensor w = Torch.rand(4).add(0.5);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("bce", x, red, k -> new BCELoss().reduction(red).forward(k, y),
                    l -> torch.binary_cross_entropy(l, lt(y), opt(null), r));
            check("bce weight", x, red, k -> new BCELoss().weight(w).reduction(red).forward(k, y),
                    l -> torch.binary_cross_entropy(l, lt(y), opt(lt(w.expand(5, 4).contiguous())), r));
        }
        // probabilities of exactly 0 and 1: the logs are clamped at -100
        Tensor edge = Tensor.from(new float[] {0f, 1f, 0f, 1f, 0.5f});
        Tensor ey = Tensor.from(new float[] {1f, 0f, 0f, 1f, 1f});
        assertClose(torch.binary_cross_entropy(lt(edge), lt(ey), opt(null), LibTorch.NONE),
                F.binaryCrossEntropy(edge, ey, null, "none"), "bce clamp");
        assertEquals(100.0, F.binaryCrossEntropy(edge, ey, null, "none").toDoubleArray()[0], 0.0);
    }

    @Test
    void binaryCrossEntropyWithLogits() {
        Tensor x = Torch.randn(6, 3).mul(4);
        Tensor y = Torch.rand(6, 3).gt(0.5).to(DType.FLOAT32);
        Tensor w = Torch.rand(6, 1).add(0.5);
        Tensor pw = Tensor.from(new float[] {0.5f, 2f, 3f});
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("bce logits", x, red, k -> new BCEWithLogitsLoss().reduction(red).forward(k, y),
                    l -> torch.binary_cross_entropy_with_logits(l, lt(y), opt(null), opt(null), r));
            check("bce logits weights", x, red, k -> new BCEWithLogitsLoss().weight(w).posWeight(pw).reduction(red).forward(k, y),
                    l -> torch.binary_cross_entropy_with_logits(l, lt(y), opt(lt(w)), opt(lt(pw)), r));
        }
        // stable for large logits: no overflow to inf
        Tensor big = Tensor.from(new float[] {200f, -200f});
        Tensor by = Tensor.from(new float[] {0f, 1f});
        assertClose(torch.binary_cross_entropy_with_logits(lt(big), lt(by), opt(null), opt(null), LibTorch.NONE),
                F.binaryCrossEntropyWithLogits(big, by, null, null, "none"), "bce logits large");
    }

    @Test
    void klDivergence() {
        Tensor x = Torch.randn(4, 5).logSoftmax(1);
        Tensor p = Torch.randn(4, 5).softmax(1);
        Tensor zeroed = p.maskedFill(p.lt(0.1), 0.0);
        Tensor logp = Torch.randn(4, 5).logSoftmax(1);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("kl", x, red, k -> new KLDivLoss().reduction(red).forward(k, zeroed), l -> torch.kl_div(l, lt(zeroed), r, false));
            check("kl log target", x, red, k -> new KLDivLoss().reduction(red).logTarget(true).forward(k, logp),
                    l -> torch.kl_div(l, lt(logp), r, true));
        }
        check("kl batchmean", x, "batchmean", k -> new KLDivLoss().reduction("batchmean").forward(k, p),
                l -> torch.kl_div(l, lt(p), LibTorch.SUM, false).div(new Scalar(4.0)));
    }

    @Test
    void tripletMarginLoss() {
        Tensor a = Torch.randn(6, 8), pos = Torch.randn(6, 8), neg = Torch.randn(6, 8);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("triplet", a, red, k -> new TripletMarginLoss(1.0).reduction(red).forward(k, pos, neg),
                    l -> torch.triplet_margin_loss(l, lt(pos), lt(neg), 1.0, 2.0, 1e-6, false, r));
            check("triplet p1 swap", a, red,
                    k -> new TripletMarginLoss().margin(2.5).p(1).swap(true).reduction(red).forward(k, pos, neg),
                    l -> torch.triplet_margin_loss(l, lt(pos), lt(neg), 2.5, 1.0, 1e-6, true, r));
            check("triplet module call", a, red, k -> new TripletMarginLoss(0.5).reduction(red).call(k, pos, neg),
                    l -> torch.triplet_margin_loss(l, lt(pos), lt(neg), 0.5, 2.0, 1e-6, false, r));
        }
    }

    @Test
    void cosineEmbeddingAndMarginRanking() {
        Tensor x1 = Torch.randn(7, 5), x2 = Torch.randn(7, 5);
        Tensor y = Tensor.from(new float[] {1, -1, 1, 1, -1, -1, 1});
        Tensor s1 = Torch.randn(7), s2 = Torch.randn(7);
        for (String red : REDUCTIONS) {
            long r = reduction(red);
            check("cosine embedding", x1, red, k -> new CosineEmbeddingLoss().margin(0.2).reduction(red).forward(k, x2, y),
                    l -> torch.cosine_embedding_loss(l, lt(x2), lt(y), 0.2, r));
            check("margin ranking", s1, red, k -> new MarginRankingLoss().margin(0.3).reduction(red).forward(k, s2, y),
                    l -> torch.margin_ranking_loss(l, lt(s2), lt(y), 0.3, r));
        }
    }

    @Test
    void classIndexErrorsUsePyTorchMessages() {
        Tensor x = Torch.randn(3, 5);
        KindlingException batch = assertThrows(KindlingException.class, () -> new CrossEntropyLoss().forward(x, Torch.randint(0, 5, 4)));
        assertEquals("Expected input batch_size (3) to match target batch_size (4).", batch.getMessage());
        KindlingException dtype = assertThrows(KindlingException.class, () -> new CrossEntropyLoss().forward(x, Torch.zeros(3)));
        assertEquals("expected scalar type Long but found Float", dtype.getMessage());
        KindlingException bounds = assertThrows(KindlingException.class,
                () -> F.nllLoss(x, Tensor.from(new long[] {0, 5, 1})));
        assertEquals("Target 5 is out of bounds.", bounds.getMessage());
        KindlingException weight = assertThrows(KindlingException.class,
                () -> F.crossEntropy(x, Tensor.from(new long[] {0, 1, 1}), Torch.ones(4), -100, "mean", 0));
        assertEquals("weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: [4]",
                weight.getMessage());
        IllegalArgumentException red = assertThrows(IllegalArgumentException.class, () -> new MSELoss().reduction("avg"));
        assertEquals("avg is not a valid value for reduction", red.getMessage());
        assertThrows(KindlingException.class, () -> F.binaryCrossEntropy(Tensor.from(new float[] {1.5f}), Tensor.from(new float[] {1f})));
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor x = Tensor.from(new float[] {1000f, 0f, -1000f, 0f, 5000f, 0f}, 2, 3);
        Tensor t = Tensor.from(new long[] {2, 1});
        assertClose(torch.cross_entropy_loss(lt(x), lt(t), opt(null), LibTorch.NONE, -100, 0),
                F.crossEntropy(x, t, null, -100, "none", 0), "stable");
        assertEquals(2000.0, F.crossEntropy(x, t, null, -100, "none", 0).toDoubleArray()[0], 1e-3);
    }
}
