package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * Cross entropy of logits against class indices (int64) or class probabilities, as
 * {@code torch.nn.CrossEntropyLoss}; see {@link F#crossEntropy(Tensor, Tensor, Tensor, long, String, double)}.
 * Settings: {@code weight} (a per-class buffer, or null), {@code ignoreIndex} (-100),
 * {@code reduction} ("mean"), {@code labelSmoothing} (0).
 */
public class CrossEntropyLoss extends Loss {
    private long ignoreIndex = F.DEFAULT_IGNORE_INDEX;
    private double labelSmoothing;

    public CrossEntropyLoss() { registerBuffer("weight", null); }

    /** Per-class rescaling weights (registered as the buffer {@code weight}); null for none. */
    public CrossEntropyLoss weight(Tensor weight) {
        registerBuffer("weight", weight);
        return this;
    }

    public CrossEntropyLoss ignoreIndex(long ignoreIndex) {
        this.ignoreIndex = ignoreIndex;
        return this;
    }

    public CrossEntropyLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    public CrossEntropyLoss labelSmoothing(double labelSmoothing) {
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.crossEntropy(input, target, buffer("weight"), ignoreIndex, reduction(), labelSmoothing);
    }
}
