package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * In training mode, zeroes each element with probability {@code p} and scales the others by
 * {@code 1/(1-p)}; in eval mode, the identity. As {@code torch.nn.Dropout} (default p 0.5), with
 * the mask drawn as PyTorch's CPU dropout draws it (see {@link F#dropout(Tensor, double, boolean, boolean)}).
 */
public class Dropout extends Module {
    private final double p;
    private final boolean inplace;

    public Dropout() { this(0.5, false); }

    public Dropout(double p) { this(p, false); }

    public Dropout(double p, boolean inplace) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        this.p = p;
        this.inplace = inplace;
    }

    public double p() { return p; }

    @Override
    public Tensor forward(Tensor input) { return F.dropout(input, p, isTraining(), inplace); }

    @Override
    protected String extraRepr() { return "p=" + Repr.pyFloat(p) + ", inplace=" + Repr.pyBool(inplace); }
}
