package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * Binary cross entropy of probabilities, logs clamped at -100, as {@code torch.nn.BCELoss}; see
 * {@link F#binaryCrossEntropy(Tensor, Tensor, Tensor, String)}. Settings: {@code weight}
 * (buffer, broadcast to the input), {@code reduction}.
 */
public class BCELoss extends Loss {
    public BCELoss() { registerBuffer("weight", null); }

    public BCELoss weight(Tensor weight) {
        registerBuffer("weight", weight);
        return this;
    }

    public BCELoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return F.binaryCrossEntropy(input, target, buffer("weight"), reduction()); }
}
