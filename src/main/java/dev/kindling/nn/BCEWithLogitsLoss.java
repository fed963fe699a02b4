package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * Binary cross entropy of logits, computed stably, as {@code torch.nn.BCEWithLogitsLoss}; see
 * {@link F#binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, String)}. Settings:
 * {@code weight} and {@code posWeight} (buffers {@code weight} and {@code pos_weight}),
 * {@code reduction}.
 */
public class BCEWithLogitsLoss extends Loss {
    public BCEWithLogitsLoss() {
        registerBuffer("weight", null);
        registerBuffer("pos_weight", null);
    }

    public BCEWithLogitsLoss weight(Tensor weight) {
        registerBuffer("weight", weight);
        return this;
    }

    /** The weight of positive examples, one per class (broadcast over the last dim). */
    public BCEWithLogitsLoss posWeight(Tensor posWeight) {
        registerBuffer("pos_weight", posWeight);
        return this;
    }

    public BCEWithLogitsLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropyWithLogits(input, target, buffer("weight"), buffer("pos_weight"), reduction());
    }
}
