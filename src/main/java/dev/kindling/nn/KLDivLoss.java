package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * The Kullback-Leibler divergence with log-probability inputs, as {@code torch.nn.KLDivLoss}; see
 * {@link F#klDiv(Tensor, Tensor, String, boolean)}. Settings: {@code reduction} ("mean", or
 * "batchmean" for the mathematical KL divergence, "sum", "none"), {@code logTarget}.
 */
public class KLDivLoss extends Loss {
    private boolean logTarget;

    public KLDivLoss() {}

    public KLDivLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    /** Whether the target holds log-probabilities too. */
    public KLDivLoss logTarget(boolean logTarget) {
        this.logTarget = logTarget;
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return F.klDiv(input, target, reduction(), logTarget); }
}
