package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** {@code log(1 + exp(beta·x)) / beta}, linear above {@code threshold}, as {@code torch.nn.Softplus} (defaults 1 and 20). */
public class Softplus extends Module {
    private final double beta;
    private final double threshold;

    public Softplus() { this(1.0, 20.0); }

    public Softplus(double beta, double threshold) {
        this.beta = beta;
        this.threshold = threshold;
    }

    @Override
    public Tensor forward(Tensor input) { return F.softplus(input, beta, threshold); }

    @Override
    protected String extraRepr() { return "beta=" + Repr.pyFloat(beta) + ", threshold=" + Repr.pyFloat(threshold); }
}
