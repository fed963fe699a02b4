package dev.kindling.nn.functional;

import dev.kindling.DType;
import dev.kindling.FusedOps;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.autograd.Function;
import dev.kindling.autograd.FunctionCtx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The stateless layer functions, as {@code torch.nn.functional} (imported as {@code F} in
 * Python): activations, linear maps, dropout, embedding, normalisation, distances and losses.
 * Modules in {@code dev.kindling.nn} are thin holders of parameters around these functions.
 *
 * <p>Every function is a composition of public {@link Tensor} ops, so autograd (including
 * higher-order gradients) and every backend come for free; the one exception is
 * {@link #embedding}, whose backward skips the padding row as PyTorch's does. Results match
 * PyTorch's definitions, argument checks and error messages (with Java's {@code [2, 3]} for
 * shapes); losses take {@code reduction} as PyTorch's strings {@code "none"}, {@code "mean"},
 * {@code "sum"}.
 *
 * <pre>{@code
 * Tensor logits = F.linear(x, w, b);
 * Tensor loss = F.crossEntropy(logits, targets);          // targets: int64 class indices
 * Tensor y = F.dropout(F.relu(logits), 0.5, model.isTraining());
 * }</pre>
 */
public final class F {
    private F() {}

    private static final Logger LOG = LoggerFactory.getLogger(F.class);
    private static volatile boolean warnedTargetSize;
    private static volatile boolean warnedKlMean;

    /** PyTorch's default {@code ignore_index} for class-index losses. */
    public static final long DEFAULT_IGNORE_INDEX = -100;
    /** The floor of BCE's logarithms, so a probability of exactly 0 or 1 gives a finite loss. */
    public static final double BCE_LOG_FLOOR = -100;
    /** The epsilon cosine_embedding_loss adds to squared magnitudes. */
    public static final double COSINE_EMBEDDING_EPSILON = 1e-12;
    /** The epsilon embedding_renorm_ adds to a row's norm before scaling it to max_norm. */
    public static final double EMBEDDING_RENORM_EPSILON = 1e-7;

    // =====================================================================================
    // Activations
    // =====================================================================================

    public static Tensor relu(Tensor input) { return input.relu(); }

    /** ReLU, in place when {@code inplace} (the input is modified and returned). */
    public static Tensor relu(Tensor input, boolean inplace) { return inplace ? input.relu_() : input.relu(); }

    public static Tensor relu_(Tensor input) { return input.relu_(); }

    public static Tensor leakyRelu(Tensor input) { return input.leakyRelu(0.01); }

    public static Tensor leakyRelu(Tensor input, double negativeSlope) { return input.leakyRelu(negativeSlope); }

    public static Tensor leakyRelu(Tensor input, double negativeSlope, boolean inplace) {
        return inplace ? input.leakyRelu_(negativeSlope) : input.leakyRelu(negativeSlope);
    }

    public static Tensor elu(Tensor input) { return input.elu(1.0); }

    public static Tensor elu(Tensor input, double alpha) { return input.elu(alpha); }

    public static Tensor elu(Tensor input, double alpha, boolean inplace) {
        return inplace ? inplace(input, t -> t.elu(alpha)) : input.elu(alpha);
    }

    /** Exact GELU, {@code x·Φ(x)}. */
    public static Tensor gelu(Tensor input) { return input.gelu("none"); }

    /** GELU; {@code approximate} is {@code "none"} or {@code "tanh"}. */
    public static Tensor gelu(Tensor input, String approximate) { return input.gelu(approximate); }

    public static Tensor silu(Tensor input) { return input.silu(); }

    public static Tensor silu(Tensor input, boolean inplace) { return inplace ? inplace(input, Tensor::silu) : input.silu(); }

    public static Tensor mish(Tensor input) { return input.mish(); }

    public static Tensor mish(Tensor input, boolean inplace) { return inplace ? inplace(input, Tensor::mish) : input.mish(); }

    public static Tensor sigmoid(Tensor input) { return input.sigmoid(); }

    public static Tensor tanh(Tensor input) { return input.tanh(); }

    public static Tensor logsigmoid(Tensor input) { return input.logSigmoid(); }

    /** {@code log(1 + exp(beta·x)) / beta}, linear above {@code threshold}; PyTorch's defaults are 1 and 20. */
    public static Tensor softplus(Tensor input, double beta, double threshold) { return input.softplus(beta, threshold); }

    public static Tensor softplus(Tensor input) { return input.softplus(1, 20); }

    public static Tensor hardtanh(Tensor input) { return input.hardtanh(-1, 1); }

    public static Tensor hardtanh(Tensor input, double minVal, double maxVal) {
        checkHardtanh(minVal, maxVal);
        return input.hardtanh(minVal, maxVal);
    }

    public static Tensor hardtanh(Tensor input, double minVal, double maxVal, boolean inplace) {
        checkHardtanh(minVal, maxVal);
        return inplace ? inplace(input, t -> t.hardtanh(minVal, maxVal)) : input.hardtanh(minVal, maxVal);
    }

    private static void checkHardtanh(double minVal, double maxVal) {
        if (maxVal < minVal) throw new IllegalArgumentException("hardtanh: max_val (" + maxVal + ") cannot be less than min_val (" + minVal + ")");
    }

    public static Tensor softmax(Tensor input, int dim) { return input.softmax(dim); }

    /** softmax computed in {@code dtype} (the input is converted first). */
    public static Tensor softmax(Tensor input, int dim, DType dtype) { return input.softmax(dim, dtype); }

    public static Tensor logSoftmax(Tensor input, int dim) { return input.logSoftmax(dim); }

    public static Tensor logSoftmax(Tensor input, int dim, DType dtype) { return input.logSoftmax(dim, dtype); }

    /**
     * An in-place activation without its own in-place kernel: the result of {@code fn} is copied
     * into {@code input}. When autograd records, {@code fn} reads a copy, so that the values it
     * saved for backward are not the ones overwritten.
     */
    private static Tensor inplace(Tensor input, java.util.function.UnaryOperator<Tensor> fn) {
        Tensor src = input.requiresGrad() && Torch.isGradEnabled() ? input.clone() : input;
        return input.copy_(fn.apply(src));
    }

    // =====================================================================================
    // Linear maps
    // =====================================================================================

    /**
     * {@code input @ weight.T + bias}, with input {@code [*, in]}, weight {@code [out, in]}, bias
     * {@code [out]} or null. Inputs with several leading dims are folded into one matrix product.
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        if (input.dim() == 0 || weight.dim() == 0) {
            throw new KindlingException("both arguments to linear need to be at least 1D, but they are " + input.dim() + "D and "
                    + weight.dim() + "D");
        }
        if (weight.dim() == 2 && input.size(-1) != weight.size(1)) {
            throw new KindlingException("mat1 and mat2 shapes cannot be multiplied (" + (input.dim() == 1 ? 1 : rowsOf(input)) + "x"
                    + input.size(-1) + " and " + weight.size(1) + "x" + weight.size(0) + ")");
        }
        if (weight.dim() != 2 || input.dim() == 1) {
            Tensor out = input.matmul(weight.t());
            return bias == null ? out : out.add(bias);
        }
        Tensor x2 = input.dim() == 2 ? input : input.reshape(-1, input.size(-1));
        Tensor out = bias == null ? x2.mm(weight.t()) : bias.addmm(x2, weight.t());
        if (input.dim() == 2) return out;
        int[] shape = input.shape();
        shape[shape.length - 1] = weight.size(0);
        return out.view(shape);
    }

    private static long rowsOf(Tensor input) {
        long r = 1;
        for (int i = 0; i < input.dim() - 1; i++) r *= input.size(i);
        return r;
    }

    public static Tensor linear(Tensor input, Tensor weight) { return linear(input, weight, null); }

    /**
     * {@code y[n, o] = Σ_ij x1[n, i] W[o, i, j] x2[n, j] + b[o]}, with inputs {@code [*, in1]} and
     * {@code [*, in2]} (the same leading dims), weight {@code [out, in1, in2]}, bias {@code [out]} or null.
     */
    public static Tensor bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor bias) {
        if (input1.dim() != input2.dim()) {
            throw new KindlingException("bilinear(): input dimensions do not match: got " + input1.dim() + " and " + input2.dim());
        }
        for (int i = 0; i < input1.dim() - 1; i++) {
            if (input1.size(i) != input2.size(i)) {
                throw new KindlingException("bilinear(): input batch dimensions do not match: got "
                        + Arrays.toString(Arrays.copyOf(input1.shape(), input1.dim() - 1)) + " and "
                        + Arrays.toString(Arrays.copyOf(input2.shape(), input2.dim() - 1)));
            }
        }
        if (weight.dim() != 3) throw new KindlingException("bilinear(): weight must be 3-D, got " + weight.dim() + "-D");
        if (input1.size(-1) != weight.size(1)) {
            throw new KindlingException("bilinear(): input1 size does not match weight size: got " + input1.size(-1)
                    + " but expected " + weight.size(1));
        }
        if (input2.size(-1) != weight.size(2)) {
            throw new KindlingException("bilinear(): input2 size does not match weight size: got " + input2.size(-1)
                    + " but expected " + weight.size(2));
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new KindlingException("bilinear(): bias size does not match weight size: got " + bias.size(0) + " but expected "
                    + weight.size(0));
        }
        int out = weight.size(0), in1 = weight.size(1), in2 = weight.size(2);
        Tensor x1 = input1.reshape(-1, in1), x2 = input2.reshape(-1, in2);
        // x1 @ W arranged as [in1, out*in2], then contracted with x2 over in2
        Tensor t = x1.mm(weight.permute(1, 0, 2).reshape(in1, out * in2)).view(-1, out, in2);
        Tensor y = t.mul(x2.unsqueeze(1)).sum(2);
        if (bias != null) y = y.add(bias);
        int[] shape = input1.shape();
        shape[shape.length - 1] = out;
        return y.view(shape);
    }

    // =====================================================================================
    // Dropout
    // =====================================================================================

    /** Dropout with PyTorch's default p = 0.5, in training mode. */
    public static Tensor dropout(Tensor input) { return dropout(input, 0.5, true, false); }

    public static Tensor dropout(Tensor input, double p, boolean training) { return dropout(input, p, training, false); }

    /**
     * Zeroes each element with probability {@code p} and scales the rest by {@code 1/(1-p)}, when
     * {@code training}; otherwise returns the input itself. The mask is drawn as PyTorch's CPU
     * dropout draws it ({@code bernoulli_(1 - p)} on a tensor like the input from the default
     * generator, then divided by {@code 1 - p}), so the same seed drops the same elements.
     */
    public static Tensor dropout(Tensor input, double p, boolean training, boolean inplace) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (p == 0 || !training || input.numel() == 0) return input;
        if (p == 1) return inplace ? input.mul_(0.0) : input.mul(0.0);
        Tensor noise = bernoulliLike(input, 1 - p);
        try (var g = Torch.noGrad()) {
            noise.div_(1 - p);
        }
        return inplace ? input.mul_(noise) : input.mul(noise);
    }

    /** A tensor of the input's shape, dtype and device holding bernoulli_(p) draws of the default generator. */
    private static Tensor bernoulliLike(Tensor input, double p) {
        int n = (int) input.numel();
        dev.kindling.Generator gen = Torch.defaultGenerator();
        Tensor noise;
        if (input.dtype() == DType.FLOAT64) {
            double[] a = new double[n];
            gen.fillBernoulli(a, 0, n, p);
            noise = Tensor.from(a).view(input.shape());
        } else {
            float[] a = new float[n];
            gen.fillBernoulli(a, 0, n, p);
            noise = Tensor.from(a).view(input.shape()).to(input.dtype());
        }
        return noise.to(input.device());
    }

    // =====================================================================================
    // Embedding
    // =====================================================================================

    /** Rows of {@code weight} picked by the integer {@code input}: shape {@code input.shape + [dim]}. */
    public static Tensor embedding(Tensor input, Tensor weight) { return embedding(input, weight, null, null, 2, false); }

    /**
     * {@code weight[input]}, as {@code F.embedding}. The gradient of the row {@code paddingIdx}
     * (negative counts from the end; null for none) stays zero; with {@code maxNorm}, each row
     * that {@code input} references and whose {@code normType}-norm exceeds it is first rescaled
     * in place to norm {@code maxNorm}; with {@code scaleGradByFreq}, gradients are divided by how
     * often each index occurs in the batch.
     */
    public static Tensor embedding(Tensor input, Tensor weight, Integer paddingIdx, Double maxNorm, double normType,
                                   boolean scaleGradByFreq) {
        if (input.dtype() != DType.INT64 && input.dtype() != DType.INT32) {
            throw new KindlingException("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                    + "Long, Int; but got " + input.dtype().tensorTypeName(input.device())
                    + " instead (while checking arguments for embedding)");
        }
        if (weight.dim() != 2) throw new KindlingException("'weight' must be 2-D");
        int num = weight.size(0);
        int pad = -1;
        if (paddingIdx != null) {
            if (paddingIdx >= num || paddingIdx < -num) throw new IllegalArgumentException("Padding_idx must be within num_embeddings");
            pad = paddingIdx < 0 ? num + paddingIdx : paddingIdx;
        }
        Tensor idx = input.to(DType.INT64).contiguous();
        long[] values = idx.toLongArray();
        for (long v : values) {
            if (v < 0 || v >= num) throw new KindlingException("index out of range in self (index " + v + ", num_embeddings " + num + ")");
        }
        if (maxNorm != null) renorm(weight, values, maxNorm, normType);
        return new EmbeddingFunction(pad, scaleGradByFreq, num).apply(idx, weight);
    }

    /** PyTorch's embedding_renorm_: rescales the referenced rows whose norm exceeds maxNorm, in place. */
    private static void renorm(Tensor weight, long[] indices, double maxNorm, double normType) {
        long[] sorted = indices.clone();
        Arrays.sort(sorted);
        try (var g = Torch.noGrad()) {
            for (int i = 0; i < sorted.length; i++) {
                if (i > 0 && sorted[i] == sorted[i - 1]) continue;
                Tensor row = weight.select(0, (int) sorted[i]);
                double norm = row.norm(normType).item();
                if (norm > maxNorm) row.mul_(maxNorm / (norm + EMBEDDING_RENORM_EPSILON));
            }
        }
    }

    /** The embedding lookup with PyTorch's backward: a scatter-add of the output gradient into the rows. */
    private static final class EmbeddingFunction extends Function {
        private final int paddingIdx;
        private final boolean scaleGradByFreq;
        private final int numWeights;

        EmbeddingFunction(int paddingIdx, boolean scaleGradByFreq, int numWeights) {
            this.paddingIdx = paddingIdx;
            this.scaleGradByFreq = scaleGradByFreq;
            this.numWeights = numWeights;
        }

        @Override
        protected String backwardName() { return "EmbeddingBackward0"; }

        @Override
        protected Tensor[] forward(FunctionCtx ctx, Tensor... in) {
            Tensor idx = in[0], weight = in[1];
            ctx.put("indices", idx);
            int[] shape = Arrays.copyOf(idx.shape(), idx.dim() + 1);
            shape[idx.dim()] = weight.size(1);
            return new Tensor[] {weight.indexSelect(0, idx.reshape(-1)).view(shape)};
        }

        @Override
        protected Tensor[] backward(FunctionCtx ctx, Tensor... gradOutputs) {
            Tensor idx = ctx.<Tensor>get("indices").reshape(-1);
            Tensor g = gradOutputs[0];
            int dim = g.size(-1);
            Tensor rows = g.reshape(-1, dim);
            if (paddingIdx >= 0) rows = rows.maskedFill(idx.eq((long) paddingIdx).unsqueeze(1), 0.0);
            if (scaleGradByFreq) {
                Tensor counts = Torch.zeros(new int[] {numWeights}, g.dtype(), g.device())
                        .indexAdd(0, idx, Torch.ones(new int[] {idx.size(0)}, g.dtype(), g.device()));
                rows = rows.div(counts.indexSelect(0, idx).unsqueeze(1));
            }
            Tensor gw = Torch.zeros(new int[] {numWeights, dim}, g.dtype(), g.device()).indexAdd(0, idx, rows);
            return new Tensor[] {null, gw};
        }
    }

    /** One-hot int64 encoding of class indices: shape {@code input.shape + [numClasses]}; -1 infers max + 1. */
    public static Tensor oneHot(Tensor input, int numClasses) {
        if (input.dtype() != DType.INT64) throw new KindlingException("one_hot is only applicable to index tensor of type LongTensor.");
        long[] v = input.contiguous().toLongArray();
        long max = -1;
        for (long x : v) {
            if (x < 0) throw new KindlingException("Class values must be non-negative.");
            max = Math.max(max, x);
        }
        if (numClasses == -1) {
            if (v.length == 0) throw new KindlingException("Can not infer total number of classes from empty tensor.");
            numClasses = (int) max + 1;
        } else if (max >= numClasses) {
            throw new KindlingException("Class values must be smaller than num_classes.");
        }
        long[] out = new long[v.length * numClasses];
        for (int i = 0; i < v.length; i++) out[i * numClasses + (int) v[i]] = 1;
        int[] shape = Arrays.copyOf(input.shape(), input.dim() + 1);
        shape[input.dim()] = numClasses;
        return Tensor.from(out, shape).to(input.device());
    }

    // =====================================================================================
    // Normalisation
    // =====================================================================================

    /**
     * Batch normalisation over the channel dim 1 of {@code [N, C, *]}. In training, the batch's
     * mean and biased variance normalise the input, and the running statistics (when given) move
     * toward the batch's mean and unbiased variance: {@code r = (1 - momentum)·r + momentum·stat},
     * in place. In evaluation, the running statistics normalise. Weight and bias may be null.
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        if (input.dim() < 2) {
            throw new KindlingException("batch_norm: expected an input of at least 2 dims [N, C, *], got " + Arrays.toString(input.shape()));
        }
        int c = input.size(1);
        checkChannels("running_mean", runningMean, c);
        checkChannels("running_var", runningVar, c);
        checkChannels("weight", weight, c);
        checkChannels("bias", bias, c);
        int[] dims = new int[input.dim() - 1];
        int[] bshape = new int[input.dim()];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        long perChannel = input.size(0);
        dims[0] = 0;
        for (int d = 2; d < input.dim(); d++) {
            dims[d - 1] = d;
            perChannel *= input.size(d);
        }
        if (training && perChannel == 1) {
            throw new KindlingException("Expected more than 1 value per channel when training, got input size "
                    + Arrays.toString(input.shape()));
        }
        if (!training && (runningMean == null || runningVar == null)) {
            throw new KindlingException("running_mean and running_var must be defined in evaluation mode");
        }
        if (FusedOps.fusesBatchNorm(input, weight, bias, runningMean, runningVar, training)) {
            return FusedOps.batchNorm(input, weight, bias, runningMean, runningVar, training, momentum, eps);
        }
        Tensor mean, var;
        if (training) {
            mean = input.mean(dims, true);
            var = input.var(dims, 0, true);
            try (var g = Torch.noGrad()) {
                if (runningMean != null) {
                    Tensor m = mean.detach().reshape(c).to(runningMean.dtype());
                    runningMean.copy_(m.mul(momentum).add(runningMean.mul(1 - momentum)));
                }
                if (runningVar != null) {
                    Tensor v = var.detach().reshape(c).mul((double) perChannel / (perChannel - 1)).to(runningVar.dtype());
                    runningVar.copy_(v.mul(momentum).add(runningVar.mul(1 - momentum)));
                }
            }
        } else {
            mean = runningMean.view(bshape);
            var = runningVar.view(bshape);
        }
        Tensor out = input.sub(mean).mul(var.add(eps).rsqrt());
        if (weight != null) out = out.mul(weight.view(bshape));
        if (bias != null) out = out.add(bias.view(bshape));
        return out;
    }

    private static void checkChannels(String what, Tensor t, int c) {
        if (t != null && t.numel() != c) throw new KindlingException(what + " should contain " + c + " elements not " + t.numel());
    }

    /**
     * Layer normalisation over the trailing dims {@code normalizedShape}: each slice is shifted to
     * mean 0 and scaled to (biased) variance 1, {@code (x - mean) / sqrt(var + eps)}, then
     * multiplied by weight and shifted by bias (both of {@code normalizedShape}, or null).
     */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length;
        int[] shape = input.shape();
        boolean ok = k >= 1 && shape.length >= k;
        for (int i = 0; ok && i < k; i++) ok = shape[shape.length - k + i] == normalizedShape[i];
        if (!ok) {
            StringBuilder sb = new StringBuilder("Given normalized_shape=").append(Arrays.toString(normalizedShape))
                    .append(", expected input with shape [*");
            for (int s : normalizedShape) sb.append(", ").append(s);
            throw new KindlingException(sb.append("], but got input of size").append(Arrays.toString(shape)).toString());
        }
        if (weight != null && !Arrays.equals(weight.shape(), normalizedShape)) {
            throw new KindlingException("Expected weight to be of same shape as normalized_shape, but got weight of shape "
                    + Arrays.toString(weight.shape()) + " and normalized_shape = " + Arrays.toString(normalizedShape));
        }
        if (bias != null && !Arrays.equals(bias.shape(), normalizedShape)) {
            throw new KindlingException("Expected bias to be of same shape as normalized_shape, but got bias of shape "
                    + Arrays.toString(bias.shape()) + " and normalized_shape = " + Arrays.toString(normalizedShape));
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = shape.length - k + i;
        Tensor mean = input.mean(dims, true);
        Tensor var = input.var(dims, 0, true);
        Tensor out = input.sub(mean).mul(var.add(eps).rsqrt());
        if (weight != null) out = out.mul(weight);
        if (bias != null) out = out.add(bias);
        return out;
    }

    public static Tensor layerNorm(Tensor input, int[] normalizedShape) { return layerNorm(input, normalizedShape, null, null, 1e-5); }

    /**
     * Group normalisation of {@code [N, C, *]}: the channels are split into {@code numGroups}
     * groups and each (sample, group) is normalised over its channels and positions; then the
     * per-channel weight and bias (or null) apply.
     */
    public static Tensor groupNorm(Tensor input, int numGroups, Tensor weight, Tensor bias, double eps) {
        if (input.dim() < 2) {
            throw new KindlingException("Expected at least 2 dimensions for input tensor but received " + input.dim());
        }
        int n = input.size(0), c = input.size(1);
        if (numGroups <= 0 || c % numGroups != 0) {
            throw new KindlingException("Expected number of channels in input to be divisible by num_groups, but got input of shape "
                    + Arrays.toString(input.shape()) + " and num_groups=" + numGroups);
        }
        if (weight != null && (weight.dim() != 1 || weight.numel() != c)) {
            throw new KindlingException("Expected weight to be a vector of size equal to the number of channels in input, but got "
                    + "weight of shape " + Arrays.toString(weight.shape()) + " and input of shape " + Arrays.toString(input.shape()));
        }
        if (bias != null && (bias.dim() != 1 || bias.numel() != c)) {
            throw new KindlingException("Expected bias to be a vector of size equal to the number of channels in input, but got "
                    + "bias of shape " + Arrays.toString(bias.shape()) + " and input of shape " + Arrays.toString(input.shape()));
        }
        Tensor x = input.reshape(n, numGroups, -1);
        Tensor mean = x.mean(new int[] {2}, true);
        Tensor var = x.var(new int[] {2}, 0, true);
        Tensor out = x.sub(mean).mul(var.add(eps).rsqrt()).reshape(input.shape());
        int[] bshape = new int[input.dim()];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        if (weight != null) out = out.mul(weight.view(bshape));
        if (bias != null) out = out.add(bias.view(bshape));
        return out;
    }

    /** {@code input / max(‖input‖_p along dim, eps)}, as {@code F.normalize} (defaults p = 2, dim = 1, eps = 1e-12). */
    public static Tensor normalize(Tensor input, double p, int dim, double eps) {
        return input.div(input.norm(p, dim, true).clampMin(eps).expandAs(input));
    }

    public static Tensor normalize(Tensor input) { return normalize(input, 2, 1, 1e-12); }

    // =====================================================================================
    // Distances
    // =====================================================================================

    /** {@code ‖x1 - x2 + eps‖_p} over the last dim, as {@code F.pairwise_distance} (defaults p = 2, eps = 1e-6). */
    public static Tensor pairwiseDistance(Tensor x1, Tensor x2, double p, double eps, boolean keepdim) {
        int outDim = Math.max(x1.dim(), x2.dim());
        return x1.sub(x2).add(eps).norm(p, outDim - 1, keepdim);
    }

    public static Tensor pairwiseDistance(Tensor x1, Tensor x2) { return pairwiseDistance(x1, x2, 2, 1e-6, false); }

    /**
     * The cosine of the angle between x1 and x2 along dim, as {@code F.cosine_similarity}
     * (defaults dim = 1, eps = 1e-8): each input is divided by its norm, clamped below at eps;
     * as in PyTorch the clamp does not enter the gradient.
     */
    public static Tensor cosineSimilarity(Tensor x1, Tensor x2, int dim, double eps) {
        int[] shape = Torch.broadcastShapes(x1.shape(), x2.shape());
        Tensor a = x1.expand(shape), b = x2.expand(shape);
        Tensor na = clampValueOnly(a.norm(2, dim, true), eps);
        Tensor nb = clampValueOnly(b.norm(2, dim, true), eps);
        return a.div(na).mul(b.div(nb)).sum(dim);
    }

    public static Tensor cosineSimilarity(Tensor x1, Tensor x2) { return cosineSimilarity(x1, x2, 1, 1e-8); }

    /** {@code max(t, min)} in value, with the gradient of {@code t} (a clamp done under no_grad in PyTorch). */
    private static Tensor clampValueOnly(Tensor t, double min) {
        Tensor d = t.detach();
        return t.add(d.clampMin(min).sub(d));
    }

    // =====================================================================================
    // Padding, convolution and pooling
    // =====================================================================================

    /**
     * Pads the trailing dims, as {@code F.pad}: {@code pad} holds (before, after) pairs starting
     * from the last dim ({@code {left, right, top, bottom}} for the last two). {@code mode} is
     * "constant" (filled with {@code value}; negative pads crop), "reflect" (mirrored without the
     * edge), "replicate" (the edge repeated) or "circular" (wrapped around); as in PyTorch, the
     * last three pad the last 1, 2 or 3 dims of an input with one or two more dims, and take no
     * value.
     */
    public static Tensor pad(Tensor input, int[] pad, String mode, double value) {
        if (pad.length % 2 != 0) throw new IllegalArgumentException("Padding length must be divisible by 2");
        if (pad.length / 2 > input.dim()) throw new IllegalArgumentException("Padding length too large");
        boolean constant = "constant".equals(mode);
        if (!constant && !"reflect".equals(mode) && !"replicate".equals(mode) && !"circular".equals(mode)) {
            throw new IllegalArgumentException("Unrecognised padding mode " + mode);
        }
        if (!constant) {
            if (value != 0) throw new IllegalArgumentException("Padding mode \"" + mode + "\" doesn't take in value argument");
            int d = input.dim(), k = pad.length;
            if (!((k == 2 && (d == 2 || d == 3)) || (k == 4 && (d == 3 || d == 4)) || (k == 6 && (d == 4 || d == 5)))) {
                throw new KindlingException("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
            }
        }
        Tensor out = input;
        for (int i = 0; i < pad.length / 2; i++) {
            int dim = input.dim() - 1 - i;
            int before = pad[2 * i], after = pad[2 * i + 1];
            if (before == 0 && after == 0) continue;
            out = constant ? padConstant(out, dim, before, after, value) : padIndexed(out, dim, before, after, mode, input.shape());
        }
        return out;
    }

    /** {@link #pad(Tensor, int[], String, double)} with zeros. */
    public static Tensor pad(Tensor input, int... pad) { return pad(input, pad, "constant", 0); }

    private static Tensor padConstant(Tensor x, int dim, int before, int after, double value) {
        int n = x.size(dim);
        if (n + before + after < 0) {
            throw new KindlingException("The input size " + n + ", plus negative padding " + before + " and " + after
                    + " resulted in a negative output size, which is invalid. Check dimension " + dim + " of your input.");
        }
        Tensor core = x.narrow(dim, Math.max(0, -before), n - Math.max(0, -before) - Math.max(0, -after));
        java.util.List<Tensor> parts = new java.util.ArrayList<>();
        if (before > 0) parts.add(filled(x, dim, before, value));
        parts.add(core);
        if (after > 0) parts.add(filled(x, dim, after, value));
        return parts.size() == 1 ? core : Torch.cat(parts, dim);
    }

    private static Tensor filled(Tensor like, int dim, int size, double value) {
        int[] shape = like.shape();
        shape[dim] = size;
        return Torch.full(shape, value, like.dtype(), like.device());
    }

    private static Tensor padIndexed(Tensor x, int dim, int before, int after, String mode, int[] inputShape) {
        int n = x.size(dim);
        if (before < 0 || after < 0) throw new IllegalArgumentException(mode + " padding does not support negative pads, got (" + before + ", " + after + ")");
        if ("reflect".equals(mode) && (before >= n || after >= n)) {
            throw new KindlingException("Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                    + "padding (" + before + ", " + after + ") at dimension " + dim + " of input " + Arrays.toString(inputShape));
        }
        if ("circular".equals(mode) && (before > n || after > n)) {
            throw new KindlingException("Padding value causes wrapping around more than once.");
        }
        long[] idx = new long[n + before + after];
        for (int k = 0; k < idx.length; k++) {
            int j = k - before;
            idx[k] = switch (mode) {
                case "reflect" -> j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
                case "replicate" -> Math.max(0, Math.min(n - 1, j));
                default -> ((j % n) + n) % n;
            };
        }
        return x.indexSelect(dim, Tensor.from(idx).to(x.device()));
    }

    private static int[] pair(String op, String name, int[] v) {
        if (v.length == 1) return new int[] {v[0], v[0]};
        if (v.length != 2) throw new IllegalArgumentException(op + ": expected " + name + " to be one int or a pair, got " + Arrays.toString(v));
        return v.clone();
    }

    /**
     * 2-D convolution (cross-correlation), as {@code F.conv2d}: input {@code [N, C, H, W]} (or
     * unbatched {@code [C, H, W]}), weight {@code [O, C/groups, kH, kW]}, bias {@code [O]} or
     * null; stride, padding and dilation are one int or a pair.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Torch.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }

    /** conv2d with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) { return Torch.conv2d(input, weight, bias); }

    /**
     * conv2d with padding {@code "valid"} (none) or {@code "same"} (the output as large as the
     * input; stride must be 1). An even total padding is split evenly; an odd one puts the extra
     * row or column after, by padding a copy of the input, as PyTorch does.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation, int groups) {
        if ("valid".equals(padding)) return conv2d(input, weight, bias, stride, new int[] {0}, dilation, groups);
        if (!"same".equals(padding)) {
            throw new IllegalArgumentException("Invalid padding string '" + padding + "', should be one of ['valid', 'same']");
        }
        int[] s = pair("conv2d", "stride", stride), d = pair("conv2d", "dilation", dilation);
        if (s[0] != 1 || s[1] != 1) throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
        int[] left = new int[2];
        int[] extra = new int[4]; // F.pad order: last dim first
        boolean symmetric = true;
        for (int i = 0; i < 2; i++) {
            int total = d[i] * (weight.size(2 + i) - 1);
            left[i] = total / 2;
            int delta = total - 2 * left[i];
            if (delta > 0) {
                symmetric = false;
                extra[2 * (1 - i) + 1] = delta;
            }
        }
        Tensor x = symmetric ? input : pad(input, extra);
        return conv2d(x, weight, bias, s, left, d, groups);
    }

    /**
     * 1-D convolution, as {@code F.conv1d}: input {@code [N, C, L]} (or {@code [C, L]}), weight
     * {@code [O, C/groups, k]}; computed as a conv2d of height 1.
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        checkConv1dInput(input, weight);
        Tensor out = conv2d(input.unsqueeze(-2), weight.unsqueeze(2), bias, new int[] {1, stride}, new int[] {0, padding},
                new int[] {1, dilation}, groups);
        return out.squeeze(-2);
    }

    /** conv1d with padding "valid" or "same" (stride 1). */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, String padding, int dilation, int groups) {
        checkConv1dInput(input, weight);
        Tensor out = conv2d(input.unsqueeze(-2), weight.unsqueeze(2), bias, new int[] {1, stride}, padding, new int[] {1, dilation}, groups);
        return out.squeeze(-2);
    }

    private static void checkConv1dInput(Tensor input, Tensor weight) {
        if (input.dim() != 2 && input.dim() != 3) {
            throw new KindlingException("Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
                    + Arrays.toString(input.shape()));
        }
        if (weight.dim() != 3) throw new KindlingException("weight should have 3 dimensions, got " + weight.dim());
    }

    /**
     * Transposed 2-D convolution, as {@code F.conv_transpose2d}: weight {@code [C, O/groups, kH, kW]};
     * {@code outputPadding} adds rows and columns on one side of the output.
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                         int groups, int[] dilation) {
        return Torch.convTranspose2d(input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /**
     * Max pooling, as {@code F.max_pool2d}; {@code stride} null or empty means the kernel size.
     */
    public static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return Torch.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    /** Max pooling with a window of {@code kernelSize} and the same stride. */
    public static Tensor maxPool2d(Tensor input, int kernelSize) {
        return maxPool2d(input, new int[] {kernelSize}, null, new int[] {0}, new int[] {1}, false);
    }

    /** Max pooling that also returns each maximum's flat index ({@code h·W + w}) in its input plane. */
    public static dev.kindling.ValuesIndices maxPool2dWithIndices(Tensor input, int[] kernelSize, int[] stride, int[] padding,
                                                                  int[] dilation, boolean ceilMode) {
        return Torch.maxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    /**
     * Average pooling, as {@code F.avg_pool2d}: {@code countIncludePad} counts padding zeros in the
     * divisor; {@code divisorOverride} (or null) replaces the divisor.
     */
    public static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
                                   boolean countIncludePad, Integer divisorOverride) {
        return Torch.avgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    /** Average pooling with a window of {@code kernelSize} and the same stride. */
    public static Tensor avgPool2d(Tensor input, int kernelSize) {
        return avgPool2d(input, new int[] {kernelSize}, null, new int[] {0}, false, true, null);
    }

    /** Average pooling to a fixed output size (one int or a pair), as {@code F.adaptive_avg_pool2d}. */
    public static Tensor adaptiveAvgPool2d(Tensor input, int... outputSize) { return Torch.adaptiveAvgPool2d(input, outputSize); }

    /** Max pooling to a fixed output size, with the indices of the maxima. */
    public static dev.kindling.ValuesIndices adaptiveMaxPool2d(Tensor input, int... outputSize) {
        return Torch.adaptiveMaxPool2d(input, outputSize);
    }

    // =====================================================================================
    // Losses
    // =====================================================================================

    private static void checkReduction(String reduction) {
        if (!"none".equals(reduction) && !"mean".equals(reduction) && !"sum".equals(reduction)) {
            throw new IllegalArgumentException(reduction + " is not a valid value for reduction");
        }
    }

    private static Tensor reduce(Tensor loss, String reduction) {
        return switch (reduction) {
            case "none" -> loss;
            case "mean" -> loss.mean();
            case "sum" -> loss.sum();
            default -> throw new IllegalArgumentException(reduction + " is not a valid value for reduction");
        };
    }

    private static void warnIfSizesDiffer(Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape()) && !warnedTargetSize) {
            warnedTargetSize = true;
            LOG.warn("Using a target size ({}) that is different to the input size ({}). This will likely lead to incorrect "
                    + "results due to broadcasting. Please ensure they have the same size.",
                    Arrays.toString(target.shape()), Arrays.toString(input.shape()));
        }
    }

    /** Mean squared error, {@code (input - target)²}, reduced by the mean. */
    public static Tensor mseLoss(Tensor input, Tensor target) { return mseLoss(input, target, "mean"); }

    public static Tensor mseLoss(Tensor input, Tensor target, String reduction) {
        checkReduction(reduction);
        warnIfSizesDiffer(input, target);
        return reduce(input.sub(target).square(), reduction);
    }

    /** Mean absolute error, {@code |input - target|}. */
    public static Tensor l1Loss(Tensor input, Tensor target) { return l1Loss(input, target, "mean"); }

    public static Tensor l1Loss(Tensor input, Tensor target, String reduction) {
        checkReduction(reduction);
        warnIfSizesDiffer(input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /**
     * {@code 0.5·z²/beta} where {@code z = |input - target| < beta}, else {@code z - 0.5·beta}
     * (PyTorch's default beta is 1; beta 0 is the L1 loss).
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, String reduction, double beta) {
        checkReduction(reduction);
        if (beta < 0) throw new KindlingException("smooth_l1_loss does not support negative values for beta.");
        warnIfSizesDiffer(input, target);
        if (beta == 0) return l1Loss(input, target, reduction);
        Tensor z = input.sub(target).abs();
        return reduce(z.square().mul(0.5 / beta).where(z.lt(beta), z.sub(0.5 * beta)), reduction);
    }

    public static Tensor smoothL1Loss(Tensor input, Tensor target) { return smoothL1Loss(input, target, "mean", 1.0); }

    /** {@code 0.5·z²} where {@code z = |input - target| < delta}, else {@code delta·(z - 0.5·delta)}. */
    public static Tensor huberLoss(Tensor input, Tensor target, String reduction, double delta) {
        checkReduction(reduction);
        if (delta <= 0) throw new KindlingException("huber_loss does not support non-positive values for delta.");
        warnIfSizesDiffer(input, target);
        Tensor z = input.sub(target).abs();
        return reduce(z.square().mul(0.5).where(z.lt(delta), z.sub(0.5 * delta).mul(delta)), reduction);
    }

    public static Tensor huberLoss(Tensor input, Tensor target) { return huberLoss(input, target, "mean", 1.0); }

    /**
     * Binary cross entropy of probabilities: {@code -w·(t·log(x) + (1 - t)·log(1 - x))}, each log
     * clamped below at -100 as PyTorch does. Input and target must have the same shape; the
     * weight (or null) broadcasts to it.
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, String reduction) {
        checkReduction(reduction);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("Using a target size (" + Arrays.toString(target.shape())
                    + ") that is different to the input size (" + Arrays.toString(input.shape())
                    + ") is deprecated. Please ensure they have the same size.");
        }
        Tensor bad = input.lt(0.0).logicalOr(input.gt(1.0)).logicalOr(input.isnan());
        if (bad.any().item() != 0) throw new KindlingException("all elements of input should be between 0 and 1");
        if (target.lt(0.0).logicalOr(target.gt(1.0)).any().item() != 0) {
            throw new KindlingException("all elements of target should be between 0 and 1");
        }
        Tensor loss = target.sub(1.0).mul(input.neg().log1p().clampMin(BCE_LOG_FLOOR))
                .sub(target.mul(input.log().clampMin(BCE_LOG_FLOOR)));
        if (weight != null) loss = loss.mul(weight.expand(Torch.broadcastShapes(target.shape(), weight.shape())));
        return reduce(loss, reduction);
    }

    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) { return binaryCrossEntropy(input, target, null, "mean"); }

    /**
     * Binary cross entropy of logits, computed stably through {@code log_sigmoid}:
     * {@code (1 - t)·x - (1 + (pw - 1)·t)·log σ(x)}, times the weight; {@code posWeight}
     * (broadcast over the last dim, one per class) weighs the positive term. Either may be null.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight, String reduction) {
        checkReduction(reduction);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("Target size (" + Arrays.toString(target.shape()) + ") must be the same as input size ("
                    + Arrays.toString(input.shape()) + ")");
        }
        Tensor logSig = input.logSigmoid();
        if (posWeight != null) logSig = logSig.mul(posWeight.sub(1.0).mul(target).add(1.0));
        Tensor loss = target.rsub(1.0).mul(input).sub(logSig);
        if (weight != null) loss = loss.mul(weight);
        return reduce(loss, reduction);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, null, null, "mean");
    }

    /**
     * The Kullback-Leibler divergence with {@code input} as log-probabilities:
     * {@code target·(log target - input)} (0 where the target is 0), or with {@code logTarget}
     * {@code exp(target)·(target - input)}. Reductions: none, sum, mean (over all elements, which
     * logs PyTorch's warning) and batchmean (the sum divided by the batch size, the mathematical
     * KL divergence).
     */
    public static Tensor klDiv(Tensor input, Tensor target, String reduction, boolean logTarget) {
        if (!"batchmean".equals(reduction)) checkReduction(reduction);
        if ("mean".equals(reduction) && !warnedKlMean) {
            warnedKlMean = true;
            LOG.warn("reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides "
                    + "only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the "
                    + "same as 'batchmean' in the next major release.");
        }
        Tensor out = logTarget ? target.exp().mul(target.sub(input)) : target.xlogy(target).sub(target.mul(input));
        if ("batchmean".equals(reduction)) {
            Tensor s = out.sum();
            return input.dim() != 0 ? s.div((double) input.size(0)) : s;
        }
        return reduce(out, reduction);
    }

    public static Tensor klDiv(Tensor input, Tensor target) { return klDiv(input, target, "mean", false); }

    /**
     * The negative log likelihood of class indices: {@code -w[t]·input[n, t]}, with input
     * {@code [C]}, {@code [N, C]} or {@code [N, C, d1, ...]} of log-probabilities and int64 target
     * {@code []}, {@code [N]} or {@code [N, d1, ...]}. Targets equal to {@code ignoreIndex}
     * contribute 0 and no weight; the mean divides by the sum of the weights of the other targets.
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction) {
        checkReduction(reduction);
        Targets t = checkClassTargets(input, target, weight, ignoreIndex);
        return nll(input, t, weight, ignoreIndex, reduction);
    }

    public static Tensor nllLoss(Tensor input, Tensor target) { return nllLoss(input, target, null, DEFAULT_IGNORE_INDEX, "mean"); }

    /** Class-index targets after validation, and whether any equals ignore_index. */
    private record Targets(Tensor indices, boolean anyIgnored) {}

    private static Targets checkClassTargets(Tensor input, Tensor target, Tensor weight, long ignoreIndex) {
        if (input.dim() < 1) throw new KindlingException("Expected 1 or more dimensions (got " + input.dim() + ")");
        if (target.dtype() != DType.INT64 && target.dtype() != DType.UINT8) {
            throw new KindlingException("expected scalar type Long but found " + target.dtype().scalarName());
        }
        if (input.dim() != 1 && target.dim() >= 1 && input.size(0) != target.size(0)) {
            throw new KindlingException("Expected input batch_size (" + input.size(0) + ") to match target batch_size ("
                    + target.size(0) + ").");
        }
        int classDim = input.dim() == 1 ? 0 : 1;
        int c = input.size(classDim);
        if (input.dim() == 1) {
            if (target.dim() != 0) {
                if (target.dim() > 1) throw new KindlingException("0D or 1D target tensor expected, multi-target not supported");
                throw new KindlingException("size mismatch (got input: " + Arrays.toString(input.shape()) + ", target: "
                        + Arrays.toString(target.shape()) + ")");
            }
        } else if (input.dim() == 2) {
            if (target.dim() != 1) throw new KindlingException("0D or 1D target tensor expected, multi-target not supported");
        } else {
            int[] expected = new int[input.dim() - 1];
            expected[0] = input.size(0);
            for (int d = 2; d < input.dim(); d++) expected[d - 1] = input.size(d);
            if (!Arrays.equals(expected, target.shape())) {
                throw new KindlingException("Expected target size " + Arrays.toString(expected) + ", got " + Arrays.toString(target.shape()));
            }
        }
        if (weight != null && (weight.dim() != 1 || weight.numel() != c)) {
            throw new KindlingException("weight tensor should be defined either for all " + c
                    + " classes or no classes but got weight tensor of shape: " + Arrays.toString(weight.shape()));
        }
        Tensor idx = target.to(DType.INT64);
        boolean anyIgnored = false;
        for (long v : idx.toLongArray()) {
            if (v == ignoreIndex) {
                anyIgnored = true;
            } else if (v < 0 || v >= c) {
                throw new KindlingException("Target " + v + " is out of bounds.");
            }
        }
        return new Targets(idx, anyIgnored);
    }

    /** The NLL of validated targets (see {@link #nllLoss}). */
    private static Tensor nll(Tensor logp, Targets targets, Tensor weight, long ignoreIndex, String reduction) {
        boolean noBatch = logp.dim() == 1;
        Tensor lp = noBatch ? logp.unsqueeze(0) : logp;
        Tensor t = noBatch ? targets.indices().unsqueeze(0) : targets.indices();
        Tensor ignored = targets.anyIgnored() ? t.eq(ignoreIndex) : null;
        Tensor safe = ignored == null ? t : t.maskedFill(ignored, 0.0);
        Tensor picked = lp.gather(1, safe.unsqueeze(1)).squeeze(1);
        Tensor w = null;
        if (weight != null) w = weight.to(lp.dtype()).indexSelect(0, safe.reshape(-1)).view(safe.shape());
        if (ignored != null) w = (w == null ? Torch.onesLike(picked) : w).maskedFill(ignored, 0.0);
        Tensor loss = w == null ? picked.neg() : picked.mul(w).neg();
        if (noBatch && "none".equals(reduction)) loss = loss.squeeze(0);
        return switch (reduction) {
            case "none" -> loss;
            case "sum" -> loss.sum();
            default -> w == null ? loss.mean() : loss.sum().div(w.sum());
        };
    }

    /**
     * Cross entropy of logits, {@code nll(logSoftmax(input), target)}, as {@code F.cross_entropy}:
     * the log-softmax is computed stably (never the log of a softmax). With class-index targets
     * (int64, the input's shape without the class dim) it honours weight, ignoreIndex and
     * labelSmoothing exactly as PyTorch (the weighted mean divides by the sum of the targets'
     * weights); a floating-point target of the input's shape holds class probabilities.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction,
                                      double labelSmoothing) {
        checkReduction(reduction);
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new KindlingException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        if (input.dim() < 1) throw new KindlingException("Expected 1 or more dimensions (got " + input.dim() + ")");
        int classDim = input.dim() == 1 ? 0 : 1;
        if (Arrays.equals(input.shape(), target.shape())) {
            if (!target.isFloatingPoint()) {
                throw new KindlingException("Expected floating point type for target with class probabilities, got "
                        + target.dtype().scalarName());
            }
            if (ignoreIndex >= 0) throw new KindlingException("ignore_index is not supported for floating point target");
            return crossEntropyProbabilities(input, target, weight, reduction, labelSmoothing, classDim);
        }
        Targets t = checkClassTargets(input, target, weight, ignoreIndex);
        Tensor logp = input.logSoftmax(classDim);
        Tensor nll = nll(logp, t, weight, ignoreIndex, reduction);
        if (labelSmoothing == 0) return nll;
        int c = input.size(classDim);
        Tensor smooth = weight == null ? logp.sum(classDim).neg() : logp.mul(weight.view(broadcastShape(input.dim(), classDim, c))).sum(classDim).neg();
        Tensor ignored = t.indices().eq(ignoreIndex);
        smooth = smooth.maskedFill(ignored, 0.0);
        Tensor ret = switch (reduction) {
            case "none" -> smooth;
            case "sum" -> smooth.sum();
            default -> {
                Tensor kept = ignored.logicalNot();
                if (weight != null) yield smooth.sum().div(weight.to(logp.dtype()).indexSelect(0, t.indices().maskedSelect(kept)).sum());
                yield smooth.sum().div(kept.sum().to(logp.dtype()));
            }
        };
        return nll.mul(1 - labelSmoothing).add(ret.mul(labelSmoothing / c));
    }

    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, DEFAULT_IGNORE_INDEX, "mean", 0.0);
    }

    private static Tensor crossEntropyProbabilities(Tensor input, Tensor target, Tensor weight, String reduction, double labelSmoothing,
                                                    int classDim) {
        int c = input.size(classDim);
        if (weight != null && (weight.dim() != 1 || weight.numel() != c)) {
            throw new KindlingException("cross_entropy: weight tensor should be defined either for all " + c
                    + " classes or no classes but got weight tensor of shape: " + Arrays.toString(weight.shape()));
        }
        Tensor logp = input.logSoftmax(classDim);
        Tensor tgt = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / c) : target;
        Tensor prod = logp.mul(tgt);
        if (weight != null) prod = prod.mul(input.dim() > 1 ? weight.view(broadcastShape(input.dim(), classDim, c)) : weight);
        return switch (reduction) {
            case "none" -> prod.sum(classDim).neg();
            case "sum" -> prod.sum().neg();
            default -> input.numel() == 0 ? prod.sum().neg().mul(Double.NaN) : prod.sum().neg().div((double) (input.numel() / c));
        };
    }

    private static int[] broadcastShape(int dims, int classDim, int c) {
        int[] s = new int[dims];
        Arrays.fill(s, 1);
        s[classDim] = c;
        return s;
    }

    /**
     * {@code max(0, margin + d(a, p) - d(a, n))} with {@code d} the pairwise p-norm distance
     * ({@code ‖x - y + eps‖_p}); with {@code swap}, {@code d(a, n)} is replaced by
     * {@code min(d(a, n), d(p, n))}. PyTorch's defaults: margin 1, p 2, eps 1e-6.
     */
    public static Tensor tripletMarginLoss(Tensor anchor, Tensor positive, Tensor negative, double margin, double p, double eps,
                                           boolean swap, String reduction) {
        checkReduction(reduction);
        if (anchor.dim() != positive.dim() || positive.dim() != negative.dim()) {
            throw new KindlingException("The anchor, positive, and negative tensors are expected to have the same number of "
                    + "dimensions, but got: anchor " + anchor.dim() + "D, positive " + positive.dim() + "D, and negative "
                    + negative.dim() + "D inputs");
        }
        Tensor dPos = pairwiseDistance(anchor, positive, p, eps, false);
        Tensor dNeg = pairwiseDistance(anchor, negative, p, eps, false);
        if (swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, p, eps, false));
        return reduce(dPos.sub(dNeg).add(margin).clampMin(0), reduction);
    }

    public static Tensor tripletMarginLoss(Tensor anchor, Tensor positive, Tensor negative) {
        return tripletMarginLoss(anchor, positive, negative, 1.0, 2, 1e-6, false, "mean");
    }

    /**
     * {@code 1 - cos(x1, x2)} where the target is 1, {@code max(0, cos(x1, x2) - margin)} where it
     * is -1, with {@code cos} over the last dim of 2-D inputs (1-D target) or of 1-D inputs (0-D
     * target), each squared magnitude padded by 1e-12.
     */
    public static Tensor cosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target, double margin, String reduction) {
        checkReduction(reduction);
        int td = target.dim();
        if (td > 1) throw new KindlingException("0D or 1D target tensor expected, multi-target not supported");
        if (td == 1 && (input1.dim() != 2 || input2.dim() != 2)) {
            throw new KindlingException("1D target tensor expects 2D input tensors, but found inputs with sizes "
                    + Arrays.toString(input1.shape()) + " and " + Arrays.toString(input2.shape()) + ".");
        }
        if (td == 0 && (input1.dim() != 1 || input2.dim() != 1)) {
            throw new KindlingException("0D target tensor expects 1D input tensors, but found inputs with sizes "
                    + Arrays.toString(input1.shape()) + " and " + Arrays.toString(input2.shape()) + ".");
        }
        Tensor prod = input1.mul(input2).sum(td);
        Tensor m1 = input1.mul(input1).sum(td).add(COSINE_EMBEDDING_EPSILON);
        Tensor m2 = input2.mul(input2).sum(td).add(COSINE_EMBEDDING_EPSILON);
        Tensor cos = prod.div(m1.mul(m2).sqrt());
        Tensor zeros = Torch.zerosLike(cos);
        Tensor pos = cos.rsub(1.0).where(target.eq(1.0), zeros);
        Tensor neg = cos.sub(margin).clampMin(0).where(target.eq(-1.0), zeros);
        return reduce(pos.add(neg), reduction);
    }

    /** {@code max(0, -y·(x1 - x2) + margin)}: y = 1 means x1 should rank higher. */
    public static Tensor marginRankingLoss(Tensor input1, Tensor input2, Tensor target, double margin, String reduction) {
        checkReduction(reduction);
        if (input1.dim() != input2.dim() || input1.dim() != target.dim()) {
            throw new KindlingException("margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
                    + Arrays.toString(input1.shape()) + ", input2: " + Arrays.toString(input2.shape()) + ", target: "
                    + Arrays.toString(target.shape()) + " ");
        }
        return reduce(target.neg().mul(input1.sub(input2)).add(margin).clampMin(0), reduction);
    }
}
