package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

/**
 * Multiplies the learning rate by a constant {@code factor} for the first {@code totalIters}
 * epochs, then restores it ({@code torch.optim.lr_scheduler.ConstantLR}; defaults factor 1/3,
 * total_iters 5).
 */
public class ConstantLR extends LRScheduler {
    private double factor;
    private int totalIters;

    public ConstantLR(Optimizer optimizer) { this(optimizer, 1.0 / 3, 5, -1); }

    public ConstantLR(Optimizer optimizer, double factor, int totalIters) { this(optimizer, factor, totalIters, -1); }

    public ConstantLR(Optimizer optimizer, double factor, int totalIters, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (factor > 1.0 || factor < 0 || Double.isNaN(factor)) {
            throw new IllegalArgumentException("Constant multiplicative factor expected to be between 0 and 1.");
        }
        this.factor = factor;
        this.totalIters = totalIters;
        state.registerDouble("factor", () -> this.factor, v -> this.factor = v);
        state.registerInt("total_iters", () -> this.totalIters, v -> this.totalIters = v);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            if (lastEpoch == 0) lr[i] = groupLr(i) * factor;
            else if (lastEpoch != totalIters) lr[i] = groupLr(i);
            else lr[i] = groupLr(i) * (1.0 / factor);
        }
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLr(i) * (factor + (lastEpoch >= totalIters ? 1 : 0) * (1 - factor));
        return lr;
    }
}
