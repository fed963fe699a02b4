package dev.kindling.nn;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import dev.kindling.nn.init.Init;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code embeddingDim}, as
 * {@code torch.nn.Embedding}: the input holds int64 (or int32) indices, the output has one more
 * dim. The weight is initialised N(0, 1), with the row {@code paddingIdx} (if any) zeroed; that
 * row's gradient is always zero, so it stays whatever it is. With {@code maxNorm}, rows whose
 * norm exceeds it are rescaled in place when looked up (so such a forward changes the weight and
 * must not run concurrently with other uses of the module).
 *
 * <pre>{@code
 * var emb = new Embedding(10, 3, 0);         // padding_idx = 0
 * emb.forward(Tensor.from(new long[] {0, 2, 0, 5}, 2, 2));   // [2, 2, 3]
 * }</pre>
 */
public class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final Integer paddingIdx;
    private final Double maxNorm;
    private final double normType;
    private final boolean scaleGradByFreq;

    public Embedding(int numEmbeddings, int embeddingDim) { this(numEmbeddings, embeddingDim, null, null, 2.0, false); }

    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, null, 2.0, false);
    }

    /**
     * @param paddingIdx the row whose gradient stays zero (negative counts from the end), or null
     * @param maxNorm    the largest norm a looked-up row may have, or null
     * @param normType   the p of that norm (PyTorch's default 2)
     */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Double maxNorm, double normType,
                     boolean scaleGradByFreq) {
        this(numEmbeddings, embeddingDim, paddingIdx, maxNorm, normType, scaleGradByFreq, null);
    }

    private Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Double maxNorm, double normType,
                      boolean scaleGradByFreq, Tensor weight) {
        if (numEmbeddings < 0 || embeddingDim < 0) {
            throw new IllegalArgumentException("Embedding: sizes must be non-negative, got " + numEmbeddings + " and " + embeddingDim);
        }
        if (paddingIdx != null) {
            if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
                throw new IllegalArgumentException("Padding_idx must be within num_embeddings");
            }
            if (paddingIdx < 0) paddingIdx = numEmbeddings + paddingIdx;
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx;
        this.maxNorm = maxNorm;
        this.normType = normType;
        this.scaleGradByFreq = scaleGradByFreq;
        if (weight == null) {
            registerParameter("weight", Torch.empty(numEmbeddings, embeddingDim));
            resetParameters();
        } else {
            registerParameter("weight", weight);
        }
    }

    /**
     * An embedding whose weight is {@code embeddings} itself (2-D), trainable unless
     * {@code freeze}, as {@code Embedding.from_pretrained}.
     */
    public static Embedding fromPretrained(Tensor embeddings, boolean freeze, Integer paddingIdx) {
        if (embeddings.dim() != 2) throw new KindlingException("Embeddings parameter is expected to be 2-dimensional");
        Embedding e = new Embedding(embeddings.size(0), embeddings.size(1), paddingIdx, null, 2.0, false, embeddings);
        e.weight().requiresGrad_(!freeze);
        return e;
    }

    /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
    public void resetParameters() {
        Init.normal_(weight(), 0, 1);
        if (paddingIdx != null) {
            try (var g = Torch.noGrad()) {
                weight().select(0, paddingIdx).fill_(0.0);
            }
        }
    }

    public Tensor weight() { return param("weight"); }

    public Integer paddingIdx() { return paddingIdx; }

    @Override
    public Tensor forward(Tensor input) {
        return F.embedding(input, weight(), paddingIdx, maxNorm, normType, scaleGradByFreq);
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(numEmbeddings).append(", ").append(embeddingDim);
        if (paddingIdx != null) s.append(", padding_idx=").append(paddingIdx);
        if (maxNorm != null) s.append(", max_norm=").append(Repr.pyFloat(maxNorm));
        if (normType != 2) s.append(", norm_type=").append(Repr.pyFloat(normType));
        if (scaleGradByFreq) s.append(", scale_grad_by_freq=True");
        return s.toString();
    }
}
