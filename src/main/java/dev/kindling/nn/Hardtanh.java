package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/** {@code x} clamped to [minVal, maxVal], as {@code torch.nn.Hardtanh} (defaults -1 and 1). */
public class Hardtanh extends Module {
    private final double minVal;
    private final double maxVal;
    private final boolean inplace;

    public Hardtanh() { this(-1.0, 1.0, false); }

    public Hardtanh(double minVal, double maxVal) { this(minVal, maxVal, false); }

    public Hardtanh(double minVal, double maxVal, boolean inplace) {
        if (maxVal < minVal) throw new IllegalArgumentException("Hardtanh: max_val (" + maxVal + ") must not be below min_val (" + minVal + ")");
        this.minVal = minVal;
        this.maxVal = maxVal;
        this.inplace = inplace;
    }

    @Override
    public Tensor forward(Tensor input) { return F.hardtanh(input, minVal, maxVal, inplace); }

    @Override
    protected String extraRepr() {
        return "min_val=" + Repr.pyFloat(minVal) + ", max_val=" + Repr.pyFloat(maxVal) + (inplace ? ", inplace=True" : "");
    }
}
