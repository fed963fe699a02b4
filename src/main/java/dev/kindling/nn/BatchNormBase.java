package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;

import java.util.Map;

/**
 * Batch normalisation over the channel dim 1, the common part of {@link BatchNorm1d} and
 * {@link BatchNorm2d} (PyTorch's {@code _BatchNorm}).
 *
 * <p>State: parameters {@code weight} (ones) and {@code bias} (zeros) when {@code affine};
 * buffers {@code running_mean} (zeros), {@code running_var} (ones) and
 * {@code num_batches_tracked} (a 0-dim int64) when {@code trackRunningStats}, else registered
 * absent. In training mode the batch's statistics normalise the input and the running
 * statistics move toward them by {@code momentum}, or, with momentum null, become the
 * cumulative average over all batches seen ({@code 1 / num_batches_tracked}). In eval mode the
 * running statistics normalise (the batch's, when they are not tracked). Eval-mode forwards
 * change nothing and may run concurrently; training-mode forwards update the buffers in place.
 */
public abstract class BatchNormBase extends Module {
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;

    protected BatchNormBase(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) throw new IllegalArgumentException(getName() + ": num_features must be positive, got " + numFeatures);
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        registerParameter("weight", affine ? Torch.ones(numFeatures) : null);
        registerParameter("bias", affine ? Torch.zeros(numFeatures) : null);
        registerBuffer("running_mean", trackRunningStats ? Torch.zeros(numFeatures) : null);
        registerBuffer("running_var", trackRunningStats ? Torch.ones(numFeatures) : null);
        registerBuffer("num_batches_tracked", trackRunningStats ? Torch.tensor(0L) : null);
    }

    /** Throws when the input's rank does not fit the layer (PyTorch's {@code _check_input_dim}). */
    protected abstract void checkInputDim(Tensor input);

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return param("bias"); }

    public Tensor runningMean() { return buffer("running_mean"); }

    public Tensor runningVar() { return buffer("running_var"); }

    public Tensor numBatchesTracked() { return buffer("num_batches_tracked"); }

    /** Resets the running statistics to mean 0, variance 1 and no batches. */
    public void resetRunningStats() {
        if (!trackRunningStats) return;
        try (var g = Torch.noGrad()) {
            runningMean().zero_();
            runningVar().fill_(1.0);
            numBatchesTracked().zero_();
        }
    }

    /** Resets the running statistics and the affine parameters (weight 1, bias 0). */
    public void resetParameters() {
        resetRunningStats();
        if (affine) {
            try (var g = Torch.noGrad()) {
                weight().fill_(1.0);
                bias().zero_();
            }
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        checkInputDim(input);
        double factor = momentum == null ? 0.0 : momentum;
        if (isTraining() && trackRunningStats) {
            Tensor tracked = numBatchesTracked();
            if (tracked != null) {
                try (var g = Torch.noGrad()) {
                    tracked.add_(1L);
                }
                factor = momentum == null ? 1.0 / tracked.longItem() : momentum;
            }
        }
        boolean bnTraining = isTraining() || (runningMean() == null && runningVar() == null);
        boolean useBuffers = !isTraining() || trackRunningStats;
        return F.batchNorm(input, useBuffers ? runningMean() : null, useBuffers ? runningVar() : null, weight(), bias(),
                bnTraining, factor, eps);
    }

    /** A checkpoint without {@code num_batches_tracked} loads with the current count, as in PyTorch. */
    @Override
    protected void upgradeStateDict(String prefix, Map<String, Tensor> stateDict) {
        String key = prefix + "num_batches_tracked";
        if (trackRunningStats && !stateDict.containsKey(key)) stateDict.put(key, numBatchesTracked());
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.pyFloat(eps) + ", momentum=" + Repr.pyFloatOrNone(momentum) + ", affine="
                + Repr.pyBool(affine) + ", track_running_stats=" + Repr.pyBool(trackRunningStats);
    }
}
