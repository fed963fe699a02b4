package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** Mean absolute error {@code |input - target|}, as {@code torch.nn.L1Loss}. */
public class L1Loss extends Loss {
    public L1Loss() {}

    public L1Loss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return F.l1Loss(input, target, reduction()); }
}
