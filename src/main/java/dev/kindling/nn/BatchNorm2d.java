package dev.kindling.nn;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;

/**
 * Batch normalisation of {@code [N, C, H, W]} inputs, as {@code torch.nn.BatchNorm2d} (eps 1e-5,
 * momentum 0.1, affine, tracking running statistics by default); see {@link BatchNormBase}.
 */
public class BatchNorm2d extends BatchNormBase {
    public BatchNorm2d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

    /** @param momentum the running statistics' update factor, or null for a cumulative average */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInputDim(Tensor input) {
        if (input.dim() != 4) throw new KindlingException("expected 4D input (got " + input.dim() + "D input)");
    }
}
