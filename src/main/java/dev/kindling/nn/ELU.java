package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** {@code x} for positive x, else {@code alpha·(exp(x) - 1)}, as {@code torch.nn.ELU} (default alpha 1). */
public class ELU extends Module {
    private final double alpha;
    private final boolean inplace;

    public ELU() { this(1.0, false); }

    public ELU(double alpha) { this(alpha, false); }

    public ELU(double alpha, boolean inplace) {
        this.alpha = alpha;
        this.inplace = inplace;
    }

    @Override
    public Tensor forward(Tensor input) { return F.elu(input, alpha, inplace); }

    @Override
    protected String extraRepr() { return "alpha=" + Repr.pyFloat(alpha) + (inplace ? ", inplace=True" : ""); }
}
