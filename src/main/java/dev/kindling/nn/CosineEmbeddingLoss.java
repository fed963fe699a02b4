package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * {@code 1 - cos(x1, x2)} for target 1, {@code max(0, cos(x1, x2) - margin)} for target -1, as
 * {@code torch.nn.CosineEmbeddingLoss} (margin 0); see {@link F#cosineEmbeddingLoss}.
 */
public class CosineEmbeddingLoss extends Loss {
    private double margin;

    public CosineEmbeddingLoss() {}

    public CosineEmbeddingLoss margin(double margin) {
        this.margin = margin;
        return this;
    }

    public CosineEmbeddingLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    public Tensor forward(Tensor input1, Tensor input2, Tensor target) {
        return F.cosineEmbeddingLoss(input1, input2, target, margin, reduction());
    }

    @Override
    protected int arity() { return 3; }

    @Override
    Tensor forward3(Tensor a, Tensor b, Tensor c) { return forward(a, b, c); }
}
