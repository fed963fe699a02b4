package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

/**
 * Multiplies each group's learning rate by {@code gamma} every {@code stepSize} epochs
 * ({@code torch.optim.lr_scheduler.StepLR}): lr = base_lr * gamma^(epoch / stepSize).
 */
public class StepLR extends LRScheduler {
    private int stepSize;
    private double gamma;

    /** With PyTorch's default gamma, 0.1. */
    public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1, -1); }

    public StepLR(Optimizer optimizer, int stepSize, double gamma) { this(optimizer, stepSize, gamma, -1); }

    public StepLR(Optimizer optimizer, int stepSize, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (stepSize <= 0) throw new IllegalArgumentException("StepLR: step_size must be a positive integer, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
        state.registerInt("step_size", () -> this.stepSize, v -> this.stepSize = v);
        state.registerDouble("gamma", () -> this.gamma, v -> this.gamma = v);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        boolean decay = lastEpoch != 0 && lastEpoch % stepSize == 0;
        for (int i = 0; i < lr.length; i++) lr[i] = decay ? groupLr(i) * gamma : groupLr(i);
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLr(i) * Math.pow(gamma, Math.floorDiv(lastEpoch, stepSize));
        return lr;
    }
}
