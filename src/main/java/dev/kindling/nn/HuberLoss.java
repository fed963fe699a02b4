package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * {@code 0.5·z²} below {@code delta}, {@code delta·(z - 0.5·delta)} above, as
 * {@code torch.nn.HuberLoss} (delta 1); see {@link F#huberLoss(Tensor, Tensor, String, double)}.
 */
public class HuberLoss extends Loss {
    private double delta = 1.0;

    public HuberLoss() {}

    public HuberLoss delta(double delta) {
        if (delta <= 0) throw new IllegalArgumentException("huber_loss does not support non-positive values for delta.");
        this.delta = delta;
        return this;
    }

    public HuberLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return F.huberLoss(input, target, reduction(), delta); }
}
