package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** {@code x} for positive x, else {@code negativeSlope·x}, as {@code torch.nn.LeakyReLU} (default slope 0.01). */
public class LeakyReLU extends Module {
    private final double negativeSlope;
    private final boolean inplace;

    public LeakyReLU() { this(0.01, false); }

    public LeakyReLU(double negativeSlope) { this(negativeSlope, false); }

    public LeakyReLU(double negativeSlope, boolean inplace) {
        this.negativeSlope = negativeSlope;
        this.inplace = inplace;
    }

    @Override
    public Tensor forward(Tensor input) { return F.leakyRelu(input, negativeSlope, inplace); }

    @Override
    protected String extraRepr() { return "negative_slope=" + Repr.pyFloat(negativeSlope) + (inplace ? ", inplace=True" : ""); }
}
