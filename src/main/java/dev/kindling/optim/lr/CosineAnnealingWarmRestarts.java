package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;
import dev.kindling.optim.PyFloat;

/**
 * Cosine annealing with warm restarts (SGDR, {@code torch.optim.lr_scheduler.CosineAnnealingWarmRestarts}):
 * lr = eta_min + (base_lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2, where T_cur counts epochs
 * since the last restart and the period T_i starts at {@code t0} and is multiplied by
 * {@code tMult} at each restart. {@link #step(double)} accepts fractional epochs
 * ({@code epoch + batch / batches}) as PyTorch's does.
 */
public class CosineAnnealingWarmRestarts extends LRScheduler {
    private int t0;
    private int tI;
    private int tMult;
    private double etaMin;
    private double tCur;

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0) { this(optimizer, t0, 1, 0.0, -1); }

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult, double etaMin) { this(optimizer, t0, tMult, etaMin, -1); }

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult, double etaMin, int lastEpoch) {
        super(optimizer, lastEpoch);
        if (t0 <= 0) throw new IllegalArgumentException("Expected positive integer T_0, but got " + t0);
        if (tMult < 1) throw new IllegalArgumentException("Expected integer T_mult >= 1, but got " + tMult);
        this.t0 = t0;
        this.tI = t0;
        this.tMult = tMult;
        this.etaMin = etaMin;
        this.tCur = lastEpoch;
        state.registerInt("T_0", () -> this.t0, v -> this.t0 = v);
        state.registerInt("T_i", () -> this.tI, v -> this.tI = v);
        state.registerInt("T_mult", () -> this.tMult, v -> this.tMult = v);
        state.registerDouble("eta_min", () -> this.etaMin, v -> this.etaMin = v);
        state.registerDouble("T_cur", () -> this.tCur, v -> this.tCur = v);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = etaMin + (baseLr(i) - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
        return lr;
    }

    /** Advances one epoch; at the end of a period, restarts with a period {@code tMult} times longer. */
    @Override
    public void step() {
        if (lastEpoch < 0) {
            step(0.0);
            return;
        }
        double savedCur = tCur;
        int savedI = tI, savedEpoch = lastEpoch;
        tCur = tCur + 1;
        if (tCur >= tI) {
            tCur = tCur - tI;
            tI = tI * tMult;
        }
        lastEpoch = lastEpoch + 1;
        applyOrRestore(savedCur, savedI, savedEpoch);
    }

    /** Jumps to {@code epoch}. */
    @Override
    public void step(int epoch) { step((double) epoch); }

    @Override
    void jumpTo(int epoch) { step((double) epoch); }

    /** Jumps to {@code epoch}, which may be fractional, computing T_cur and T_i in closed form. */
    public void step(double epoch) {
        if (!(epoch >= 0)) throw new IllegalArgumentException("Expected non-negative epoch, but got " + PyFloat.repr(epoch));
        double savedCur = tCur;
        int savedI = tI, savedEpoch = lastEpoch;
        if (epoch >= t0) {
            if (tMult == 1) {
                tCur = epoch % t0;
            } else {
                int n = (int) (Math.log(epoch / t0 * (tMult - 1) + 1) / Math.log(tMult));
                tCur = epoch - t0 * (Math.pow(tMult, n) - 1) / (tMult - 1);
                tI = t0 * (int) Math.pow(tMult, n);
            }
        } else {
            tI = t0;
            tCur = epoch;
        }
        lastEpoch = (int) Math.floor(epoch);
        applyOrRestore(savedCur, savedI, savedEpoch);
    }

    private void applyOrRestore(double savedCur, int savedI, int savedEpoch) {
        try {
            apply(computeLr());
        } catch (RuntimeException e) {
            tCur = savedCur;
            tI = savedI;
            lastEpoch = savedEpoch;
            throw e;
        }
    }

    /** Epochs since the last restart ({@code T_cur}). */
    public double tCur() { return tCur; }

    /** The current period ({@code T_i}). */
    public int tI() { return tI; }
}
