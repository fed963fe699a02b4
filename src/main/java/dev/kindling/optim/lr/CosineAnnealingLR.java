package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

/**
 * Cosine annealing from the base learning rate to {@code etaMin} over {@code tMax} epochs
 * ({@code torch.optim.lr_scheduler.CosineAnnealingLR}), in PyTorch's recursive form:
 *
 * <pre>
 * lr_t = (1 + cos(pi t / T_max)) / (1 + cos(pi (t - 1) / T_max)) * (lr_{t-1} - eta_min) + eta_min
 * </pre>
 *
 * with PyTorch's special cases (the first step of a resumed schedule uses the closed form, and the
 * epoch after each minimum, (t - 1 - T_max) mod 2 T_max = 0, adds the rise explicitly), so the
 * rates match PyTorch's step by step, past T_max too, where the schedule rises again.
 */
public class CosineAnnealingLR extends LRScheduler {
    private int tMax;
    private double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax) { this(optimizer, tMax, 0.0, -1); }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) { this(optimizer, tMax, etaMin, -1); }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealingLR: T_max must be a positive integer, got " + tMax);
        this.tMax = tMax;
        this.etaMin = etaMin;
        state.registerInt("T_max", () -> this.tMax, v -> this.tMax = v);
        state.registerDouble("eta_min", () -> this.etaMin, v -> this.etaMin = v);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            if (lastEpoch == 0) {
                lr[i] = groupLr(i);
            } else if (stepCount == 1 && lastEpoch > 0) {
                lr[i] = etaMin + (baseLr(i) - etaMin) * (1 + Math.cos(lastEpoch * Math.PI / tMax)) / 2;
            } else if (Math.floorMod(lastEpoch - 1 - tMax, 2 * tMax) == 0) {
                lr[i] = groupLr(i) + (baseLr(i) - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lr[i] = (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax))
                        * (groupLr(i) - etaMin) + etaMin;
            }
        }
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = etaMin + (baseLr(i) - etaMin) * (1 + Math.cos(Math.PI * lastEpoch / tMax)) / 2;
        return lr;
    }
}
