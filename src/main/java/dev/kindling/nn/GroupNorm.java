package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;

/**
 * Group normalisation, as {@code torch.nn.GroupNorm}: the channels of {@code [N, C, *]} split into
 * {@code numGroups} groups normalised separately; per-channel weight (ones) and bias (zeros) when
 * {@code affine}; eps 1e-5 by default.
 */
public class GroupNorm extends Module {
    private final int numGroups;
    private final int numChannels;
    private final double eps;
    private final boolean affine;

    public GroupNorm(int numGroups, int numChannels) { this(numGroups, numChannels, 1e-5, true); }

    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numGroups <= 0 || numChannels % numGroups != 0) {
            throw new IllegalArgumentException("num_channels must be divisible by num_groups");
        }
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.affine = affine;
        registerParameter("weight", affine ? Torch.ones(numChannels) : null);
        registerParameter("bias", affine ? Torch.zeros(numChannels) : null);
    }

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return param("bias"); }

    @Override
    public Tensor forward(Tensor input) { return F.groupNorm(input, numGroups, weight(), bias(), eps); }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + Repr.pyFloat(eps) + ", affine=" + Repr.pyBool(affine);
    }
}
