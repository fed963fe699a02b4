package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * Negative log likelihood of log-probabilities against int64 class indices, as
 * {@code torch.nn.NLLLoss}; see {@link F#nllLoss(Tensor, Tensor, Tensor, long, String)}.
 * Settings: {@code weight} (buffer, or null), {@code ignoreIndex} (-100), {@code reduction}.
 */
public class NLLLoss extends Loss {
    private long ignoreIndex = F.DEFAULT_IGNORE_INDEX;

    public NLLLoss() { registerBuffer("weight", null); }

    public NLLLoss weight(Tensor weight) {
        registerBuffer("weight", weight);
        return this;
    }

    public NLLLoss ignoreIndex(long ignoreIndex) {
        this.ignoreIndex = ignoreIndex;
        return this;
    }

    public NLLLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return F.nllLoss(input, target, buffer("weight"), ignoreIndex, reduction());
    }
}
