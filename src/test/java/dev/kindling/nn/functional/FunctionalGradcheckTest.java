package dev.kindling.nn.functional;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.autograd.GradCheck;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * First (and for some, second) derivatives of the functional ops checked against finite
 * differences in double precision, with respect to every differentiable argument.
 */
class FunctionalGradcheckTest {
    @BeforeEach
    void seed() { Torch.manualSeed(2024); }

    private static Tensor d(int... shape) { return Torch.randn(shape, DType.FLOAT64, null).requiresGrad_(true); }

    private static Tensor positive(int... shape) { return Torch.rand(shape, DType.FLOAT64, null).add(0.1).requiresGrad_(true); }

    private static void check(String what, GradCheck.Fn1 fn, Tensor... in) {
        assertTrue(GradCheck.gradcheck(fn, in), what);
    }

    @Test
    void linearMaps() {
        check("linear", in -> F.linear(in[0], in[1], in[2]), d(3, 4), d(2, 4), d(2));
        check("linear 3-D", in -> F.linear(in[0], in[1], null), d(2, 2, 3), d(4, 3));
        check("bilinear", in -> F.bilinear(in[0], in[1], in[2], in[3]), d(3, 2), d(3, 3), d(2, 2, 3), d(2));
    }

    @Test
    void normalisations() {
        check("layer_norm", in -> F.layerNorm(in[0], new int[] {4}, in[1], in[2], 1e-5), d(3, 4), d(4), d(4));
        check("group_norm", in -> F.groupNorm(in[0], 2, in[1], in[2], 1e-5), d(2, 4, 3), d(4), d(4));
        check("batch_norm train", in -> F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5), d(4, 3, 2), d(3), d(3));
        Tensor rm = Torch.randn(new int[] {3}, DType.FLOAT64, null), rv = Torch.rand(new int[] {3}, DType.FLOAT64, null).add(0.5);
        check("batch_norm eval", in -> F.batchNorm(in[0], rm, rv, in[1], in[2], false, 0.1, 1e-5), d(4, 3), d(3), d(3));
        check("normalize", in -> F.normalize(in[0], 2, 1, 1e-12), d(3, 4));
        assertTrue(GradCheck.gradgradcheck(in -> F.layerNorm(in[0], new int[] {3}, in[1], null, 1e-5), d(2, 3), d(3)));
    }

    @Test
    void activationsAndDropout() {
        for (var e : List.<java.util.Map.Entry<String, GradCheck.Fn1>>of(
                java.util.Map.entry("gelu", in -> F.gelu(in[0])),
                java.util.Map.entry("gelu tanh", in -> F.gelu(in[0], "tanh")),
                java.util.Map.entry("silu", in -> F.silu(in[0])),
                java.util.Map.entry("mish", in -> F.mish(in[0])),
                java.util.Map.entry("elu", in -> F.elu(in[0], 0.5)),
                java.util.Map.entry("softplus", in -> F.softplus(in[0], 2, 20)),
                java.util.Map.entry("logsigmoid", in -> F.logsigmoid(in[0])),
                java.util.Map.entry("softmax", in -> F.softmax(in[0].reshape(2, 3), 1)),
                java.util.Map.entry("log_softmax", in -> F.logSoftmax(in[0].reshape(2, 3), 0)))) {
            check(e.getKey(), e.getValue(), d(6));
        }
        check("dropout (same mask each call)", in -> {
            Torch.manualSeed(5);
            return F.dropout(in[0], 0.4, true);
        }, d(10));
        check("elu in place on a non-leaf", in -> F.elu(in[0].mul(1.0), 1.0, true), d(5));
    }

    @Test
    void convolutionsPaddingAndPooling() {
        check("conv2d same (odd total padding)", in -> F.conv2d(in[0], in[1], in[2], new int[] {1}, "same", new int[] {1}, 1),
                d(2, 2, 4, 3), d(3, 2, 2, 3), d(3));
        check("conv1d", in -> F.conv1d(in[0], in[1], null, 2, 1, 1, 1), d(2, 2, 7), d(3, 2, 3));
        for (String mode : List.of("constant", "reflect", "replicate", "circular")) {
            check("pad " + mode, in -> F.pad(in[0], new int[] {1, 2, 2, 0}, mode, 0), d(1, 2, 3, 3));
        }
        check("max_pool2d", in -> F.maxPool2d(in[0], new int[] {2}, null, new int[] {0}, new int[] {1}, false), d(1, 2, 4, 4));
        check("avg_pool2d", in -> F.avgPool2d(in[0], new int[] {3}, new int[] {2}, new int[] {1}, true, false, null), d(1, 2, 5, 5));
        check("adaptive_avg_pool2d", in -> F.adaptiveAvgPool2d(in[0], 2, 3), d(1, 2, 5, 4));
    }

    @Test
    void embeddingWeightGradient() {
        Tensor idx = Tensor.from(new long[] {0, 2, 2, 3, 1});
        check("embedding", in -> F.embedding(idx, in[0]), d(4, 2));
    }

    @Test
    void classificationLosses() {
        Tensor t = Tensor.from(new long[] {2, 0, 1, 2});
        Tensor w = Torch.rand(new int[] {3}, DType.FLOAT64, null).add(0.5);
        for (String red : List.of("none", "mean", "sum")) {
            check("cross_entropy " + red, in -> F.crossEntropy(in[0], t, w, 1, red, 0.2), d(4, 3));
            check("nll " + red, in -> F.nllLoss(in[0].logSoftmax(1), t, w, -100, red), d(4, 3));
        }
        Tensor p = Torch.rand(new int[] {4, 3}, DType.FLOAT64, null).softmax(1);
        check("cross_entropy probabilities", in -> F.crossEntropy(in[0], p, w, -100, "mean", 0.1), d(4, 3));
        check("cross_entropy spatial", in -> F.crossEntropy(in[0], Tensor.from(new long[] {0, 1, 2, 1}, 2, 2), null, -100, "mean", 0),
                d(2, 3, 2));
        assertTrue(GradCheck.gradgradcheck(in -> F.crossEntropy(in[0], t), d(4, 3)));
        Tensor y = Torch.rand(new int[] {5}, DType.FLOAT64, null);
        check("bce", in -> F.binaryCrossEntropy(in[0].sigmoid(), y, null, "mean"), d(5));
        check("bce with logits", in -> F.binaryCrossEntropyWithLogits(in[0], y, in[1], in[2], "sum"), d(5), positive(5), positive(5));
        Tensor target = Torch.rand(new int[] {2, 3}, DType.FLOAT64, null).softmax(1);
        check("kl_div", in -> F.klDiv(in[0].logSoftmax(1), target, "batchmean", false), d(2, 3));
        check("kl_div log target", in -> F.klDiv(in[0], in[1], "sum", true), d(2, 3), d(2, 3));
    }

    @Test
    void regressionAndRankingLosses() {
        Tensor y = Torch.randn(new int[] {6}, DType.FLOAT64, null);
        check("mse", in -> F.mseLoss(in[0], in[1], "mean"), d(6), d(6));
        check("l1", in -> F.l1Loss(in[0], y, "sum"), d(6));
        check("smooth_l1", in -> F.smoothL1Loss(in[0].mul(2.0), y, "mean", 0.7), d(6));
        check("huber", in -> F.huberLoss(in[0].mul(2.0), y, "none", 0.7), d(6));
        check("triplet", in -> F.tripletMarginLoss(in[0], in[1], in[2], 2.0, 2, 1e-6, true, "mean"), d(3, 4), d(3, 4), d(3, 4));
        Tensor sign = Tensor.from(new double[] {1, -1, 1});
        check("cosine_embedding", in -> F.cosineEmbeddingLoss(in[0], in[1], sign, -0.5, "mean"), d(3, 4), d(3, 4));
        check("margin_ranking", in -> F.marginRankingLoss(in[0], in[1], sign, 0.5, "sum"), d(3), d(3));
        check("cosine_similarity", in -> F.cosineSimilarity(in[0], in[1], 1, 1e-8), d(3, 4), d(3, 4));
        check("pairwise_distance", in -> F.pairwiseDistance(in[0], in[1], 3, 1e-6, false), d(3, 4), d(3, 4));
    }
}
