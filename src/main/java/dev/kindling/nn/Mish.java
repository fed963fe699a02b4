package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** {@code x·tanh(softplus(x))}, as {@code torch.nn.Mish}. */
public class Mish extends Module {
    private final boolean inplace;

    public Mish() { this(false); }

    public Mish(boolean inplace) { this.inplace = inplace; }

    @Override
    public Tensor forward(Tensor input) { return F.mish(input, inplace); }

    @Override
    protected String extraRepr() { return inplace ? "inplace=True" : ""; }
}
