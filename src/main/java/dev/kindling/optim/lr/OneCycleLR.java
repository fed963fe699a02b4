package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;
import dev.kindling.optim.ParamGroup;
import dev.kindling.optim.PyFloat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1cycle policy ({@code torch.optim.lr_scheduler.OneCycleLR}): the learning rate rises from
 * {@code maxLr / divFactor} to {@code maxLr} over the first {@code pctStart} of the steps, then
 * anneals to {@code initial_lr / finalDivFactor} (with {@code threePhase}, it first comes back
 * down to the initial rate symmetrically). Annealing is cosine or linear; with
 * {@code cycleMomentum} the momentum (or Adam's beta1) moves inversely between
 * {@code maxMomentum} and {@code baseMomentum}. Step it after every batch, {@code totalSteps}
 * times.
 *
 * <pre>{@code
 * new OneCycleLR(opt, new OneCycleLR.Options(0.1).totalSteps(1000));
 * new OneCycleLR(opt, new OneCycleLR.Options(0.1).epochs(10).stepsPerEpoch(100).annealStrategy("linear"));
 * }</pre>
 */
public class OneCycleLR extends LRScheduler {
    /** OneCycleLR's options, with PyTorch's defaults. */
    public static final class Options {
        double[] maxLr;
        Integer totalSteps;
        Integer epochs;
        Integer stepsPerEpoch;
        double pctStart = 0.3;
        String annealStrategy = "cos";
        boolean cycleMomentum = true;
        double[] baseMomentum = {0.85};
        double[] maxMomentum = {0.95};
        double divFactor = 25.0;
        double finalDivFactor = 1e4;
        boolean threePhase;

        /** The peak learning rate: one value for all groups, or one per group. */
        public Options(double... maxLr) { this.maxLr = maxLr.clone(); }

        /** The number of steps in the cycle (or give {@link #epochs} and {@link #stepsPerEpoch}). */
        public Options totalSteps(int totalSteps) { this.totalSteps = totalSteps; return this; }

        public Options epochs(int epochs) { this.epochs = epochs; return this; }

        public Options stepsPerEpoch(int stepsPerEpoch) { this.stepsPerEpoch = stepsPerEpoch; return this; }

        /** The fraction of the cycle spent increasing the learning rate (0.3). */
        public Options pctStart(double pctStart) { this.pctStart = pctStart; return this; }

        /** "cos" (default) or "linear". */
        public Options annealStrategy(String strategy) { this.annealStrategy = strategy; return this; }

        public Options cycleMomentum(boolean on) { this.cycleMomentum = on; return this; }

        public Options baseMomentum(double... values) { this.baseMomentum = values.clone(); return this; }

        public Options maxMomentum(double... values) { this.maxMomentum = values.clone(); return this; }

        /** initial_lr = max_lr / divFactor (25). */
        public Options divFactor(double divFactor) { this.divFactor = divFactor; return this; }

        /** min_lr = initial_lr / finalDivFactor (1e4). */
        public Options finalDivFactor(double finalDivFactor) { this.finalDivFactor = finalDivFactor; return this; }

        /** Uses a third phase that anneals to min_lr after returning to the initial rate. */
        public Options threePhase(boolean on) { this.threePhase = on; return this; }
    }

    /** One phase: it ends at {@code endStep} and anneals between two group keys. */
    private record Phase(double endStep, String startLr, String endLr, String startMomentum, String endMomentum) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("end_step", endStep);
            m.put("start_lr", startLr);
            m.put("end_lr", endLr);
            m.put("start_momentum", startMomentum);
            m.put("end_momentum", endMomentum);
            return m;
        }
    }

    private int totalSteps;
    private List<Phase> phases;
    private String annealStrategy;
    private boolean cycleMomentum;
    private boolean useBeta1;

    public OneCycleLR(Optimizer optimizer, Options options) { this(optimizer, options, -1); }

    public OneCycleLR(Optimizer optimizer, Options options, int lastEpoch) {
        super(prepare(optimizer, options, lastEpoch), lastEpoch);
        totalSteps = totalSteps(options);
        phases = phases(options, totalSteps);
        annealStrategy = options.annealStrategy;
        cycleMomentum = options.cycleMomentum;
        useBeta1 = optimizer.defaults().containsKey("betas");
        state.registerInt("total_steps", () -> totalSteps, v -> totalSteps = v);
        state.register("_schedule_phases", () -> {
            List<Map<String, Object>> l = new ArrayList<>();
            for (Phase p : phases) l.add(p.toMap());
            return l;
        }, this::parsePhases, v -> phases = v);
        state.registerString("_anneal_func_type", () -> annealStrategy, v -> annealStrategy = v);
        state.registerBoolean("cycle_momentum", () -> cycleMomentum, v -> cycleMomentum = v);
        state.registerBoolean("use_beta1", () -> useBeta1, v -> useBeta1 = v);
        initialStep();
    }

    private static int totalSteps(Options o) {
        if (o.totalSteps != null) {
            if (o.totalSteps <= 0) throw new IllegalArgumentException("Expected positive integer total_steps, but got " + o.totalSteps);
            return o.totalSteps;
        }
        if (o.epochs != null && o.stepsPerEpoch != null) {
            if (o.epochs <= 0) throw new IllegalArgumentException("Expected positive integer epochs, but got " + o.epochs);
            if (o.stepsPerEpoch <= 0) {
                throw new IllegalArgumentException("Expected positive integer steps_per_epoch, but got " + o.stepsPerEpoch);
            }
            return Math.multiplyExact(o.epochs, o.stepsPerEpoch);
        }
        throw new IllegalArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
    }

    private static List<Phase> phases(Options o, int total) {
        if (o.threePhase) {
            return List.of(
                    new Phase(o.pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                    new Phase(2 * o.pctStart * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                    new Phase(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"));
        }
        return List.of(
                new Phase(o.pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"));
    }

    /** Checks the options and, on a fresh start, writes initial_lr, max_lr, min_lr and the momenta into the groups. */
    private static Optimizer prepare(Optimizer optimizer, Options o, int lastEpoch) {
        if (optimizer == null || o == null) throw new IllegalArgumentException("OneCycleLR: the optimizer and options must not be null");
        totalSteps(o);
        if (!(o.pctStart >= 0 && o.pctStart <= 1)) {
            throw new IllegalArgumentException("Expected float between 0 and 1 pct_start, but got " + PyFloat.repr(o.pctStart));
        }
        if (!o.annealStrategy.equals("cos") && !o.annealStrategy.equals("linear")) {
            throw new IllegalArgumentException("anneal_strategy must be one of 'cos' or 'linear', instead got " + o.annealStrategy);
        }
        double[] maxLrs = perGroup("max_lr", optimizer, o.maxLr);
        boolean beta1 = optimizer.defaults().containsKey("betas");
        double[] maxM = null, baseM = null;
        if (o.cycleMomentum) {
            if (!optimizer.defaults().containsKey("momentum") && !beta1) {
                throw new IllegalArgumentException("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
            }
            maxM = perGroup("max_momentum", optimizer, o.maxMomentum);
            baseM = perGroup("base_momentum", optimizer, o.baseMomentum);
        }
        if (lastEpoch == -1) {
            List<ParamGroup> groups = optimizer.paramGroups();
            for (int i = 0; i < groups.size(); i++) {
                ParamGroup g = groups.get(i);
                double initial = maxLrs[i] / o.divFactor;
                g.set("initial_lr", initial);
                g.set("max_lr", maxLrs[i]);
                g.set("min_lr", initial / o.finalDivFactor);
                if (o.cycleMomentum) {
                    setMomentum(g, beta1, maxM[i]);
                    g.set("max_momentum", maxM[i]);
                    g.set("base_momentum", baseM[i]);
                }
            }
        }
        return optimizer;
    }

    private List<Phase> parsePhases(Object v) {
        if (!(v instanceof List<?> list)) throw state.wrong("_schedule_phases", v, "a list of phases");
        List<Phase> parsed = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("start_lr") instanceof String a) || !(m.get("end_lr") instanceof String b)
                    || !(m.get("start_momentum") instanceof String c) || !(m.get("end_momentum") instanceof String d)) {
                throw state.wrong("_schedule_phases", o, "a phase map");
            }
            parsed.add(new Phase(state.number("_schedule_phases", m.get("end_step")), a, b, c, d));
        }
        return List.copyOf(parsed);
    }

    private double anneal(double start, double end, double pct) {
        if (annealStrategy.equals("cos")) {
            double cosOut = Math.cos(Math.PI * pct) + 1;
            return end + (start - end) / 2.0 * cosOut;
        }
        return (end - start) * pct + start;
    }

    @Override
    protected double[] computeLr() {
        int stepNum = lastEpoch;
        if (stepNum > totalSteps) {
            throw new IllegalArgumentException("Tried to step " + stepNum + " times. The specified number of total steps is " + totalSteps);
        }
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            ParamGroup g = groups.get(i);
            double startStep = 0;
            for (int k = 0; k < phases.size(); k++) {
                Phase phase = phases.get(k);
                if (stepNum <= phase.endStep() || k == phases.size() - 1) {
                    double pct = (stepNum - startStep) / (phase.endStep() - startStep);
                    lr[i] = anneal(g.getDouble(phase.startLr()), g.getDouble(phase.endLr()), pct);
                    if (cycleMomentum) {
                        setMomentum(g, useBeta1, anneal(g.getDouble(phase.startMomentum()), g.getDouble(phase.endMomentum()), pct));
                    }
                    break;
                }
                startStep = phase.endStep();
            }
        }
        return lr;
    }

    /** The number of steps in the cycle. */
    public int totalSteps() { return totalSteps; }
}
