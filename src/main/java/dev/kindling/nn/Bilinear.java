package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import dev.kindling.nn.init.Init;

/**
 * {@code y = x1ᵀ A x2 + b}, as {@code torch.nn.Bilinear}: weight
 * {@code [out_features, in1_features, in2_features]}, bias {@code [out_features]}; both
 * initialised U(-1/√in1, 1/√in1) as PyTorch does. Called with two inputs:
 * {@code bilinear.forward(x1, x2)}.
 */
public class Bilinear extends Module {
    private final int in1Features;
    private final int in2Features;
    private final int outFeatures;

    public Bilinear(int in1Features, int in2Features, int outFeatures) { this(in1Features, in2Features, outFeatures, true); }

    public Bilinear(int in1Features, int in2Features, int outFeatures, boolean bias) {
        this.in1Features = in1Features;
        this.in2Features = in2Features;
        this.outFeatures = outFeatures;
        registerParameter("weight", Torch.empty(outFeatures, in1Features, in2Features));
        registerParameter("bias", bias ? Torch.empty(outFeatures) : null);
        resetParameters();
    }

    /** Re-draws weight and bias from U(-1/√in1, 1/√in1). */
    public void resetParameters() {
        double bound = 1 / Math.sqrt(in1Features);
        Init.uniform_(weight(), -bound, bound);
        if (bias() != null) Init.uniform_(bias(), -bound, bound);
    }

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return param("bias"); }

    /** {@code forward(x1, x2)}. */
    public Tensor forward(Tensor input1, Tensor input2) { return F.bilinear(input1, input2, weight(), bias()); }

    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != 2) throw new IllegalArgumentException("Bilinear.forward expects 2 inputs, got " + inputs.length);
        return forward(inputs[0], inputs[1]);
    }

    @Override
    protected String extraRepr() {
        return "in1_features=" + in1Features + ", in2_features=" + in2Features + ", out_features=" + outFeatures + ", bias="
                + Repr.pyBool(bias() != null);
    }
}
