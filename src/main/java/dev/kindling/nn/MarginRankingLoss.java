package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * {@code max(0, -y·(x1 - x2) + margin)}, as {@code torch.nn.MarginRankingLoss} (margin 0); see
 * {@link F#marginRankingLoss}.
 */
public class MarginRankingLoss extends Loss {
    private double margin;

    public MarginRankingLoss() {}

    public MarginRankingLoss margin(double margin) {
        this.margin = margin;
        return this;
    }

    public MarginRankingLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    public Tensor forward(Tensor input1, Tensor input2, Tensor target) {
        return F.marginRankingLoss(input1, input2, target, margin, reduction());
    }

    @Override
    protected int arity() { return 3; }

    @Override
    Tensor forward3(Tensor a, Tensor b, Tensor c) { return forward(a, b, c); }
}
