package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

/** Multiplies the learning rate by {@code gamma} every epoch ({@code torch.optim.lr_scheduler.ExponentialLR}). */
public class ExponentialLR extends LRScheduler {
    private double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) { this(optimizer, gamma, -1); }

    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.gamma = gamma;
        state.registerDouble("gamma", () -> this.gamma, v -> this.gamma = v);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = lastEpoch == 0 ? groupLr(i) : groupLr(i) * gamma;
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLr(i) * Math.pow(gamma, lastEpoch);
        return lr;
    }
}
