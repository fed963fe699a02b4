package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** {@code x·σ(x)}, as {@code torch.nn.SiLU}. */
public class SiLU extends Module {
    private final boolean inplace;

    public SiLU() { this(false); }

    public SiLU(boolean inplace) { this.inplace = inplace; }

    @Override
    public Tensor forward(Tensor input) { return F.silu(input, inplace); }

    @Override
    protected String extraRepr() { return inplace ? "inplace=True" : ""; }
}
