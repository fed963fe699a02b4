package dev.kindling.nn;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import dev.kindling.nn.init.Init;

/**
 * {@code y = x Wᵀ + b}, as {@code torch.nn.Linear}: weight {@code [out_features, in_features]},
 * bias {@code [out_features]} (optional), input {@code [*, in_features]}.
 *
 * <p>Initialised as PyTorch does: weight by {@code kaiming_uniform_(a=√5)}, which is
 * U(-1/√in, 1/√in), then bias U(-1/√in, 1/√in), both from the default generator, so after the
 * same seed the weights equal PyTorch's.
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;

    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true); }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be non-negative, got " + inFeatures
                    + " and " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        registerParameter("weight", Torch.empty(outFeatures, inFeatures));
        registerParameter("bias", bias ? Torch.empty(outFeatures) : null);
        resetParameters();
    }

    /** Re-draws the weight and bias with PyTorch's default initialisation. */
    public void resetParameters() { resetLinearLike(weight(), bias()); }

    /**
     * PyTorch's default initialisation of linear and convolution layers:
     * {@code kaiming_uniform_(weight, a=√5)}, then the bias (if any) U(-1/√fan_in, 1/√fan_in).
     */
    static void resetLinearLike(Tensor weight, Tensor bias) {
        Init.kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu");
        if (bias != null) {
            int fanIn = Init.calculateFanInAndFanOut(weight)[0];
            if (fanIn != 0) {
                double bound = 1 / Math.sqrt(fanIn);
                Init.uniform_(bias, -bound, bound);
            }
        }
    }

    public Tensor weight() { return param("weight"); }

    /** The bias, or null when the layer was built without one. */
    public Tensor bias() { return param("bias"); }

    public int inFeatures() { return inFeatures; }

    public int outFeatures() { return outFeatures; }

    @Override
    public Tensor forward(Tensor input) {
        try {
            return F.linear(input, weight(), bias());
        } catch (KindlingException e) {
            throw new KindlingException(e.getMessage() + " (in " + this + ")", e);
        }
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.pyBool(bias() != null);
    }
}
