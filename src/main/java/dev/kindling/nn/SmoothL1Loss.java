package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * Quadratic below {@code beta}, linear above, as {@code torch.nn.SmoothL1Loss} (beta 1); see
 * {@link F#smoothL1Loss(Tensor, Tensor, String, double)}.
 */
public class SmoothL1Loss extends Loss {
    private double beta = 1.0;

    public SmoothL1Loss() {}

    public SmoothL1Loss beta(double beta) {
        if (beta < 0) throw new IllegalArgumentException("smooth_l1_loss does not support negative values for beta.");
        this.beta = beta;
        return this;
    }

    public SmoothL1Loss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return F.smoothL1Loss(input, target, reduction(), beta); }
}
