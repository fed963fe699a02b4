package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

/**
 * Changes the learning rate's factor linearly from {@code startFactor} to {@code endFactor} over
 * {@code totalIters} epochs, a common warm-up ({@code torch.optim.lr_scheduler.LinearLR};
 * defaults 1/3, 1.0, 5).
 */
public class LinearLR extends LRScheduler {
    private double startFactor;
    private double endFactor;
    private int totalIters;

    public LinearLR(Optimizer optimizer) { this(optimizer, 1.0 / 3, 1.0, 5, -1); }

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        this(optimizer, startFactor, endFactor, totalIters, -1);
    }

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (startFactor > 1.0 || !(startFactor > 0)) {
            throw new IllegalArgumentException("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
        }
        if (endFactor > 1.0 || !(endFactor >= 0)) {
            throw new IllegalArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        state.registerDouble("start_factor", () -> this.startFactor, v -> this.startFactor = v);
        state.registerDouble("end_factor", () -> this.endFactor, v -> this.endFactor = v);
        state.registerInt("total_iters", () -> this.totalIters, v -> this.totalIters = v);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            if (lastEpoch == 0) {
                lr[i] = groupLr(i) * startFactor;
            } else if (lastEpoch > totalIters) {
                lr[i] = groupLr(i);
            } else {
                lr[i] = groupLr(i) * (1. + (endFactor - startFactor)
                        / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor)));
            }
        }
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            lr[i] = baseLr(i) * (startFactor + (endFactor - startFactor) * Math.min(totalIters, lastEpoch) / totalIters);
        }
        return lr;
    }
}
