package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** Mean squared error {@code (input - target)²}, as {@code torch.nn.MSELoss}. */
public class MSELoss extends Loss {
    public MSELoss() {}

    public MSELoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return F.mseLoss(input, target, reduction()); }
}
