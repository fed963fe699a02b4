package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** {@code max(0, x)}, as {@code torch.nn.ReLU}; with {@code inplace} the input is overwritten. */
public class ReLU extends Module {
    private final boolean inplace;

    public ReLU() { this(false); }

    public ReLU(boolean inplace) { this.inplace = inplace; }

    @Override
    public Tensor forward(Tensor input) { return F.relu(input, inplace); }

    @Override
    protected String extraRepr() { return inplace ? "inplace=True" : ""; }
}
