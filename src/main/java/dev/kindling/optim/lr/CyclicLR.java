package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;
import dev.kindling.optim.ParamGroup;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Cyclical learning rates ({@code torch.optim.lr_scheduler.CyclicLR}): the rate moves between
 * {@code baseLr} and {@code maxLr} in triangles of {@code stepSizeUp + stepSizeDown} iterations,
 * with the amplitude kept ("triangular"), halved each cycle ("triangular2") or scaled by
 * {@code gamma^iteration} ("exp_range"), or scaled by a custom function. With
 * {@code cycleMomentum} the optimizer's momentum (or Adam's beta1) moves inversely between
 * {@code maxMomentum} and {@code baseMomentum}. Step it after every batch.
 *
 * <pre>{@code
 * new CyclicLR(opt, new CyclicLR.Options(0.001, 0.1).stepSizeUp(2000).mode("triangular2"));
 * }</pre>
 */
public class CyclicLR extends LRScheduler {
    /** CyclicLR's options, with PyTorch's defaults; values given once apply to every group. */
    public static final class Options {
        double[] baseLr;
        double[] maxLr;
        double stepSizeUp = 2000;
        Double stepSizeDown;
        String mode = "triangular";
        double gamma = 1.0;
        DoubleUnaryOperator scaleFn;
        String scaleMode = "cycle";
        boolean cycleMomentum = true;
        double[] baseMomentum = {0.8};
        double[] maxMomentum = {0.9};

        /** The lower and upper bounds of the cycle: one value for all groups, or one per group. */
        public Options(double baseLr, double maxLr) { this(new double[] {baseLr}, new double[] {maxLr}); }

        public Options(double[] baseLr, double[] maxLr) {
            this.baseLr = baseLr.clone();
            this.maxLr = maxLr.clone();
        }

        /** Iterations in the rising half of a cycle (2000). */
        public Options stepSizeUp(int steps) { stepSizeUp = steps; return this; }

        /** Iterations in the falling half (default: the same as the rising half). */
        public Options stepSizeDown(int steps) { stepSizeDown = (double) steps; return this; }

        /** "triangular", "triangular2" or "exp_range"; ignored when a scale function is given. */
        public Options mode(String mode) { this.mode = mode; return this; }

        /** exp_range's base: the amplitude is scaled by gamma^iteration. */
        public Options gamma(double gamma) { this.gamma = gamma; return this; }

        /** A custom amplitude scale in [0, 1], of the cycle number or the iteration (see {@link #scaleMode}). */
        public Options scaleFn(DoubleUnaryOperator scaleFn) { this.scaleFn = scaleFn; return this; }

        /** "cycle" or "iterations": what a custom scale function is given. */
        public Options scaleMode(String scaleMode) { this.scaleMode = scaleMode; return this; }

        public Options cycleMomentum(boolean on) { cycleMomentum = on; return this; }

        public Options baseMomentum(double... values) { baseMomentum = values.clone(); return this; }

        public Options maxMomentum(double... values) { maxMomentum = values.clone(); return this; }
    }

    private double[] maxLrs;
    private double totalSize;
    private double stepRatio;
    private String mode;
    private double gamma;
    private final DoubleUnaryOperator customScale;
    private String scaleMode;
    private boolean cycleMomentum;
    private boolean useBeta1;
    private double[] baseMomentums;
    private double[] maxMomentums;

    public CyclicLR(Optimizer optimizer, Options options) { this(optimizer, options, -1); }

    public CyclicLR(Optimizer optimizer, Options options, int lastEpoch) {
        super(prepare(optimizer, options, lastEpoch), lastEpoch);
        double[] baseLrs = perGroup("base_lr", optimizer, options.baseLr);
        maxLrs = perGroup("max_lr", optimizer, options.maxLr);
        double up = options.stepSizeUp;
        double down = options.stepSizeDown != null ? options.stepSizeDown : up;
        totalSize = up + down;
        stepRatio = up / totalSize;
        mode = options.mode;
        gamma = options.gamma;
        customScale = options.scaleFn;
        scaleMode = options.scaleFn != null ? options.scaleMode : mode.equals("exp_range") ? "iterations" : "cycle";
        cycleMomentum = options.cycleMomentum;
        if (cycleMomentum) {
            useBeta1 = optimizer.defaults().containsKey("betas");
            baseMomentums = perGroup("base_momentum", optimizer, options.baseMomentum);
            maxMomentums = perGroup("max_momentum", optimizer, options.maxMomentum);
        }
        this.baseLrs = baseLrs;
        state.registerDoubles("max_lrs", () -> maxLrs.clone(), optimizer.paramGroups()::size, v -> maxLrs = v);
        state.registerDouble("total_size", () -> totalSize, v -> totalSize = v);
        state.registerDouble("step_ratio", () -> stepRatio, v -> stepRatio = v);
        state.registerString("mode", () -> mode, v -> mode = v);
        state.registerDouble("gamma", () -> gamma, v -> gamma = v);
        state.registerString("scale_mode", () -> scaleMode, v -> scaleMode = v);
        state.registerBoolean("cycle_momentum", () -> cycleMomentum, v -> cycleMomentum = v);
        state.registerBoolean("use_beta1", () -> useBeta1, v -> useBeta1 = v);
        state.registerDoubles("base_momentums", () -> baseMomentums == null ? new double[0] : baseMomentums.clone(), () -> null,
                v -> baseMomentums = v);
        state.registerDoubles("max_momentums", () -> maxMomentums == null ? new double[0] : maxMomentums.clone(), () -> null,
                v -> maxMomentums = v);
        initialStep();
    }

    /** Checks the options and, on a fresh start, sets the groups' lr and momentum as PyTorch's constructor does before its base class runs. */
    private static Optimizer prepare(Optimizer optimizer, Options o, int lastEpoch) {
        if (optimizer == null || o == null) throw new IllegalArgumentException("CyclicLR: the optimizer and options must not be null");
        double[] baseLrs = perGroup("base_lr", optimizer, o.baseLr);
        perGroup("max_lr", optimizer, o.maxLr);
        if (!(o.stepSizeUp > 0) || (o.stepSizeDown != null && !(o.stepSizeDown >= 0))) {
            throw new IllegalArgumentException("CyclicLR: step sizes must be positive, got step_size_up=" + (long) o.stepSizeUp
                    + ", step_size_down=" + o.stepSizeDown);
        }
        if (!List.of("triangular", "triangular2", "exp_range").contains(o.mode) && o.scaleFn == null) {
            throw new IllegalArgumentException("mode is invalid and scale_fn is None");
        }
        if (o.scaleFn != null && !List.of("cycle", "iterations").contains(o.scaleMode)) {
            throw new IllegalArgumentException("CyclicLR: scale_mode must be 'cycle' or 'iterations', got '" + o.scaleMode + "'");
        }
        double[] baseM = null, maxM = null;
        boolean beta1 = optimizer.defaults().containsKey("betas");
        if (o.cycleMomentum) {
            if (!optimizer.defaults().containsKey("momentum") && !beta1) {
                throw new IllegalArgumentException("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
            }
            baseM = perGroup("base_momentum", optimizer, o.baseMomentum);
            maxM = perGroup("max_momentum", optimizer, o.maxMomentum);
        }
        if (lastEpoch == -1) {
            List<ParamGroup> groups = optimizer.paramGroups();
            for (int i = 0; i < groups.size(); i++) {
                groups.get(i).setLr(baseLrs[i]);
                if (o.cycleMomentum) {
                    setMomentum(groups.get(i), beta1, maxM[i]);
                    groups.get(i).set("max_momentum", maxM[i]);
                    groups.get(i).set("base_momentum", baseM[i]);
                }
            }
        }
        return optimizer;
    }

    private double scale(double x) {
        if (customScale != null) return customScale.applyAsDouble(x);
        return switch (mode) {
            case "triangular" -> 1.0;
            case "triangular2" -> 1 / Math.pow(2.0, x - 1);
            default -> Math.pow(gamma, x);
        };
    }

    @Override
    protected double[] computeLr() {
        double cycle = Math.floor(1 + lastEpoch / totalSize);
        double x = 1. + lastEpoch / totalSize - cycle;
        double scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        double scaled = scale(scaleMode.equals("cycle") ? cycle : lastEpoch);
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            double baseHeight = (maxLrs[i] - baseLr(i)) * scaleFactor;
            lr[i] = baseLr(i) + baseHeight * scaled;
        }
        if (cycleMomentum) {
            List<ParamGroup> groups = optimizer.paramGroups();
            for (int i = 0; i < lr.length; i++) {
                double baseHeight = (maxMomentums[i] - baseMomentums[i]) * scaleFactor;
                setMomentum(groups.get(i), useBeta1, maxMomentums[i] - baseHeight * scaled);
            }
        }
        return lr;
    }
}
