package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;
import dev.kindling.optim.ParamGroup;
import dev.kindling.optim.PyFloat;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reduces the learning rate when a metric stops improving ({@code torch.optim.lr_scheduler.ReduceLROnPlateau}):
 * after more than {@code patience} epochs without an improvement (better than the best by the
 * threshold, relative or absolute), each group's lr is multiplied by {@code factor}, not below its
 * {@code minLr}, and changes smaller than {@code eps} are skipped; then {@code cooldown} epochs
 * pass before bad epochs count again. Step it once per epoch with the validation metric.
 *
 * <p>It is not an {@link LRScheduler}: its step takes the metric, so it cannot be sequenced or
 * chained (PyTorch refuses that too).
 *
 * <pre>{@code
 * var plateau = new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().mode("max").patience(3));
 * plateau.step(validationAccuracy);
 * }</pre>
 */
public class ReduceLROnPlateau {
    /** The options, with PyTorch's defaults: min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, min_lr 0, eps 1e-8. */
    public static final class Options {
        String mode = "min";
        double factor = 0.1;
        int patience = 10;
        double threshold = 1e-4;
        String thresholdMode = "rel";
        int cooldown;
        double[] minLr = {0};
        double eps = 1e-8;

        /** "min": reduce when the metric stops decreasing; "max": when it stops increasing. */
        public Options mode(String mode) { this.mode = mode; return this; }

        /** new_lr = lr * factor; below 1. */
        public Options factor(double factor) { this.factor = factor; return this; }

        /** Epochs without improvement tolerated before a reduction. */
        public Options patience(int patience) { this.patience = patience; return this; }

        public Options threshold(double threshold) { this.threshold = threshold; return this; }

        /** "rel" (best * (1 -/+ threshold)) or "abs" (best -/+ threshold). */
        public Options thresholdMode(String mode) { this.thresholdMode = mode; return this; }

        /** Epochs after a reduction during which bad epochs are not counted. */
        public Options cooldown(int cooldown) { this.cooldown = cooldown; return this; }

        /** A lower bound for every group, or one per group. */
        public Options minLr(double... minLr) { this.minLr = minLr.clone(); return this; }

        /** Reductions smaller than this are skipped. */
        public Options eps(double eps) { this.eps = eps; return this; }
    }

    private final Optimizer optimizer;
    private final SchedulerState state = new SchedulerState("ReduceLROnPlateau");
    private double factor;
    private double[] minLrs;
    private Double defaultMinLr;
    private int patience;
    private int cooldown;
    private int cooldownCounter;
    private String mode;
    private double threshold;
    private String thresholdMode;
    private double best;
    private int numBadEpochs;
    private double modeWorse;
    private double eps;
    private int lastEpoch;
    private double[] lastLr;

    public ReduceLROnPlateau(Optimizer optimizer) { this(optimizer, new Options()); }

    public ReduceLROnPlateau(Optimizer optimizer, Options o) {
        if (o.factor >= 1.0) throw new IllegalArgumentException("Factor should be < 1.0.");
        if (optimizer == null) throw new IllegalArgumentException("ReduceLROnPlateau: the optimizer is null");
        int groups = optimizer.paramGroups().size();
        if (o.minLr.length != 1 && o.minLr.length != groups) {
            throw new IllegalArgumentException("expected " + groups + " min_lrs, got " + o.minLr.length);
        }
        checkModes(o.mode, o.thresholdMode);
        this.optimizer = optimizer;
        this.factor = o.factor;
        defaultMinLr = o.minLr.length == 1 ? o.minLr[0] : null; // a single value also covers groups added later
        minLrs = LRScheduler.perGroup("min_lr", optimizer, o.minLr);
        patience = o.patience;
        cooldown = o.cooldown;
        eps = o.eps;
        lastEpoch = 0;
        lastLr = currentLrs();
        initIsBetter(o.mode, o.threshold, o.thresholdMode);
        reset();
        state.registerDouble("factor", () -> factor, v -> factor = v);
        state.registerDoubles("min_lrs", () -> minLrs.clone(), () -> null, v -> minLrs = v);
        state.register("default_min_lr", () -> defaultMinLr, v -> v == null ? null : state.number("default_min_lr", v), v -> defaultMinLr = v);
        state.registerInt("patience", () -> patience, v -> patience = v);
        state.registerInt("cooldown", () -> cooldown, v -> cooldown = v);
        state.registerInt("cooldown_counter", () -> cooldownCounter, v -> cooldownCounter = v);
        state.register("mode", () -> mode, v -> checkMode(string("mode", v)), v -> mode = v);
        state.registerDouble("threshold", () -> threshold, v -> threshold = v);
        state.register("threshold_mode", () -> thresholdMode, v -> checkThresholdMode(string("threshold_mode", v)), v -> thresholdMode = v);
        state.registerDouble("best", () -> best, v -> best = v);
        state.registerInt("num_bad_epochs", () -> numBadEpochs, v -> numBadEpochs = v);
        state.registerDouble("mode_worse", () -> modeWorse, v -> modeWorse = v);
        state.registerDouble("eps", () -> eps, v -> eps = v);
        state.registerInt("last_epoch", () -> lastEpoch, v -> lastEpoch = v);
        state.registerDoubles("_last_lr", () -> lastLr.clone(), () -> null, v -> lastLr = v);
    }

    private String string(String key, Object v) {
        if (v instanceof String s) return s;
        throw state.wrong(key, v, "a string");
    }

    private static String checkMode(String mode) {
        if (!mode.equals("min") && !mode.equals("max")) throw new IllegalArgumentException("mode " + mode + " is unknown!");
        return mode;
    }

    private static String checkThresholdMode(String mode) {
        if (!mode.equals("rel") && !mode.equals("abs")) throw new IllegalArgumentException("threshold mode " + mode + " is unknown!");
        return mode;
    }

    private static void checkModes(String mode, String thresholdMode) {
        if (mode == null || thresholdMode == null) throw new IllegalArgumentException("ReduceLROnPlateau: mode and threshold_mode are required");
        checkMode(mode);
        checkThresholdMode(thresholdMode);
    }

    private void initIsBetter(String mode, double threshold, String thresholdMode) {
        modeWorse = mode.equals("min") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        this.mode = mode;
        this.threshold = threshold;
        this.thresholdMode = thresholdMode;
    }

    private void reset() {
        best = modeWorse;
        cooldownCounter = 0;
        numBadEpochs = 0;
    }

    /** Records one epoch's metric and reduces the learning rates when it has stopped improving. */
    public void step(double metric) {
        int epoch = lastEpoch + 1;
        if (optimizer.paramGroups().size() != minLrs.length && defaultMinLr == null) {
            throw new IllegalArgumentException("The number of param groups in the `optimizer` (" + optimizer.paramGroups().size()
                    + ") differs from when `ReduceLROnPlateau` was initialized (" + minLrs.length + "), usually due to a new param group "
                    + "being added to the optimizer. Please modify the `min_lrs` field to match the length of the `optimizer` param groups.");
        }
        lastEpoch = epoch;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0; // bad epochs in cooldown do not count
        }
        if (numBadEpochs > patience) {
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        if (groups.size() != minLrs.length) minLrs = LRScheduler.perGroup("min_lr", optimizer, new double[] {defaultMinLr});
        for (int i = 0; i < groups.size(); i++) {
            double oldLr = groups.get(i).lr();
            double newLr = Math.max(oldLr * factor, minLrs[i]);
            if (oldLr - newLr > eps) groups.get(i).setLr(newLr);
        }
    }

    private boolean isBetter(double a, double best) {
        if (mode.equals("min") && thresholdMode.equals("rel")) return a < best * (1. - threshold);
        if (mode.equals("min")) return a < best - threshold;
        if (thresholdMode.equals("rel")) return a > best * (threshold + 1.);
        return a > best + threshold;
    }

    private double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = groups.get(i).lr();
        return lrs;
    }

    /** Whether a reduction happened less than {@code cooldown} epochs ago. */
    public boolean inCooldown() { return cooldownCounter > 0; }

    /** The best metric seen so far. */
    public double best() { return best; }

    /** Epochs since the last improvement (reset by a reduction and during cooldown). */
    public int numBadEpochs() { return numBadEpochs; }

    public int lastEpoch() { return lastEpoch; }

    /** The groups' learning rates after the last step. */
    public List<Double> getLastLr() { return Collections.unmodifiableList(SchedulerState.toList(lastLr)); }

    public Optimizer optimizer() { return optimizer; }

    /** The state with PyTorch's attribute names. */
    public Map<String, Object> stateDict() { return state.save(); }

    /** Loads a state dict from {@link #stateDict()}; checks everything first and changes nothing when refused. */
    public void loadStateDict(Map<String, ?> stateDict) {
        state.prepareLoad(stateDict).run();
        initIsBetter(mode, threshold, thresholdMode);
    }

    @Override
    public String toString() {
        return "ReduceLROnPlateau(mode=" + mode + ", best=" + PyFloat.repr(best) + ", num_bad_epochs=" + numBadEpochs + ", last_lr="
                + SchedulerState.toList(lastLr) + ")";
    }
}
