package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

/**
 * Decays the learning rate as {@code (1 - epoch / totalIters)^power} until {@code totalIters}
 * ({@code torch.optim.lr_scheduler.PolynomialLR}; defaults total_iters 5, power 1).
 */
public class PolynomialLR extends LRScheduler {
    private int totalIters;
    private double power;

    public PolynomialLR(Optimizer optimizer) { this(optimizer, 5, 1.0, -1); }

    public PolynomialLR(Optimizer optimizer, int totalIters, double power) { this(optimizer, totalIters, power, -1); }

    public PolynomialLR(Optimizer optimizer, int totalIters, double power, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (totalIters <= 0) throw new IllegalArgumentException("PolynomialLR: total_iters must be a positive integer, got " + totalIters);
        this.totalIters = totalIters;
        this.power = power;
        state.registerInt("total_iters", () -> this.totalIters, v -> this.totalIters = v);
        state.registerDouble("power", () -> this.power, v -> this.power = v);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        if (lastEpoch == 0 || lastEpoch > totalIters) {
            for (int i = 0; i < lr.length; i++) lr[i] = groupLr(i);
            return lr;
        }
        double decay = Math.pow((1.0 - (double) lastEpoch / totalIters) / (1.0 - (double) (lastEpoch - 1) / totalIters), power);
        for (int i = 0; i < lr.length; i++) lr[i] = groupLr(i) * decay;
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            lr[i] = baseLr(i) * Math.pow(1.0 - (double) Math.min(totalIters, lastEpoch) / totalIters, power);
        }
        return lr;
    }
}
