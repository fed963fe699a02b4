package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;
import dev.kindling.optim.ParamGroup;
import dev.kindling.optim.PyFloat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The base of the epoch-driven learning-rate schedulers ({@code torch.optim.lr_scheduler.LRScheduler}).
 *
 * <p>A scheduler is created over an {@link Optimizer}; on creation it records each group's
 * {@code initial_lr} (unless resuming with {@code lastEpoch >= 0}), takes those as
 * {@link #baseLrs()}, and performs its initial step, which sets epoch 0's learning rates. Each
 * {@link #step()} afterwards advances {@link #lastEpoch()} by one and writes the new rates into the
 * groups' {@code "lr"} entries, which the optimizer reads on its next step. Call it after
 * {@code optimizer.step()}, once per epoch (or per batch for per-iteration schedules).
 *
 * <p>Guarantees (see Note [Recursive and closed forms] in the package documentation): {@link #step()}
 * uses PyTorch's chainable ("recursive") formula, so the rates match PyTorch's step by step,
 * including when another scheduler or the user changes a group's lr in between;
 * {@link #step(int)} jumps to an epoch with the closed form where the scheduler has one. A
 * schedule that would give a negative or NaN learning rate is refused, and the scheduler is left
 * as it was. State dicts hold PyTorch's attribute names ({@code last_epoch}, {@code base_lrs},
 * {@code _step_count}, {@code _last_lr}, and each scheduler's own fields).
 *
 * <p>Subclasses set their fields, register them for the state dict, then call
 * {@link #initialStep()} as the last statement of their constructor.
 *
 * <p>Not thread-safe, like the optimizer it drives.
 */
public abstract class LRScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(LRScheduler.class);

    protected final Optimizer optimizer;
    final SchedulerState state;
    double[] baseLrs;
    int lastEpoch;
    int stepCount;
    double[] lastLr;
    private long optimizerStepsAtStart;
    private boolean warnedOrder;

    /**
     * A scheduler over {@code optimizer}. With {@code lastEpoch} -1 (a fresh start) each group's
     * {@code initial_lr} is set to its current lr unless already present; when resuming
     * ({@code lastEpoch >= 0}) every group must already have one.
     */
    protected LRScheduler(Optimizer optimizer, int lastEpoch) {
        this(optimizer);
        List<ParamGroup> groups = optimizer.paramGroups();
        if (lastEpoch == -1) {
            for (ParamGroup g : groups) {
                if (!g.has("initial_lr")) g.set("initial_lr", g.lr());
            }
        } else {
            for (int i = 0; i < groups.size(); i++) {
                if (!groups.get(i).has("initial_lr")) {
                    throw new IllegalArgumentException("param 'initial_lr' is not specified in param_groups[" + i
                            + "] when resuming an optimizer");
                }
            }
        }
        baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) baseLrs[i] = groups.get(i).getDouble("initial_lr");
        this.lastEpoch = lastEpoch;
        state.registerDoubles("base_lrs", () -> baseLrs.clone(), () -> optimizer.paramGroups().size(), v -> baseLrs = v);
        state.registerInt("last_epoch", () -> this.lastEpoch, v -> this.lastEpoch = v);
        state.registerInt("_step_count", () -> stepCount, v -> stepCount = v);
        state.registerDoubles("_last_lr", () -> lastLr.clone(), () -> null, v -> lastLr = v);
    }

    /** For schedulers that drive the groups through other schedulers (SequentialLR, ChainedScheduler). */
    LRScheduler(Optimizer optimizer) {
        if (optimizer == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": the optimizer is null");
        this.optimizer = optimizer;
        this.state = new SchedulerState(getClass().getSimpleName());
        this.lastLr = currentLrs();
    }

    /** PyTorch's {@code _initial_step}: resets the step count and performs the first step (epoch 0). */
    protected final void initialStep() {
        stepCount = 0;
        optimizerStepsAtStart = optimizer.stepCount();
        step();
    }

    // ---------------------------------------------------------------------------------------
    // what subclasses provide
    // ---------------------------------------------------------------------------------------

    /**
     * The learning rates for {@link #lastEpoch()} in PyTorch's chainable form ({@code get_lr}),
     * usually from the groups' current rates; one per group. May also update other group options
     * (momentum, betas) as PyTorch's cyclic schedules do.
     */
    protected abstract double[] computeLr();

    /** The closed form for {@link #lastEpoch()} ({@code _get_closed_form_lr}), or null when there is none. */
    protected double[] closedFormLr() { return null; }

    // ---------------------------------------------------------------------------------------
    // stepping
    // ---------------------------------------------------------------------------------------

    /** Advances one epoch and sets the groups' learning rates. */
    public void step() {
        warnIfBeforeOptimizerStep();
        int savedEpoch = lastEpoch, savedCount = stepCount;
        stepCount++;
        lastEpoch++;
        try {
            apply(computeLr());
        } catch (RuntimeException e) {
            lastEpoch = savedEpoch;
            stepCount = savedCount;
            throw e;
        }
    }

    /**
     * Sets {@code epoch} as the last epoch and its learning rates, from the closed form when the
     * scheduler has one (PyTorch's {@code step(epoch)}).
     */
    public void step(int epoch) {
        stepCount++;
        try {
            jumpTo(epoch);
        } catch (RuntimeException e) {
            stepCount--;
            throw e;
        }
    }

    /** Sets {@code epoch} and its rates without counting a step (PyTorch's {@code _update_lr(epoch)}). */
    void jumpTo(int epoch) {
        int savedEpoch = lastEpoch;
        lastEpoch = epoch;
        try {
            double[] closed = closedFormLr();
            apply(closed != null ? closed : computeLr());
        } catch (RuntimeException e) {
            lastEpoch = savedEpoch;
            throw e;
        }
    }

    /** Takes back one epoch of this scheduler (of every scheduler inside a composite), as SequentialLR's construction does. */
    void undoEpoch() { lastEpoch -= 1; }

    private void warnIfBeforeOptimizerStep() {
        if (stepCount == 1 && !warnedOrder && optimizer.stepCount() == optimizerStepsAtStart) {
            warnedOrder = true;
            LOG.warn("Detected call of `scheduler.step()` before `optimizer.step()`. You should call them in the order "
                    + "`optimizer.step()` then `scheduler.step()`. Failure to do this will result in skipping the first value "
                    + "of the learning rate schedule.");
        }
    }

    /** Writes one learning rate per group, after checking them all. */
    void apply(double[] lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        if (lrs.length != groups.size()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the optimizer has " + groups.size()
                    + " param groups but the scheduler was created for " + lrs.length + "; create the scheduler after adding groups");
        }
        for (int i = 0; i < lrs.length; i++) {
            if (!(lrs[i] >= 0)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " at epoch " + lastEpoch + " gives param group " + i
                        + " an invalid learning rate: " + PyFloat.repr(lrs[i]));
            }
        }
        for (int i = 0; i < lrs.length; i++) groups.get(i).setLr(lrs[i]);
        lastLr = currentLrs();
    }

    double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = groups.get(i).lr();
        return lrs;
    }

    /** The groups' current learning rate {@code i} (PyTorch's {@code group["lr"]}). */
    protected final double groupLr(int i) { return optimizer.paramGroups().get(i).lr(); }

    /** The number of param groups the scheduler drives. */
    protected final int groupCount() { return baseLrs.length; }

    /** Base learning rate {@code i} ({@code base_lrs[i]}). */
    protected final double baseLr(int i) { return baseLrs[i]; }

    /** PyTorch's {@code _format_param}: one value for every group, or exactly one per group. */
    static double[] perGroup(String name, Optimizer optimizer, double[] values) {
        int n = optimizer.paramGroups().size();
        if (values.length == 1) {
            double[] d = new double[n];
            java.util.Arrays.fill(d, values[0]);
            return d;
        }
        if (values.length != n) throw new IllegalArgumentException("expected " + n + " values for " + name + ", got " + values.length);
        return values.clone();
    }

    /** Writes momentum, or beta1 keeping beta2, as the cyclic schedulers do. */
    static void setMomentum(ParamGroup group, boolean beta1, double value) {
        if (beta1) group.set("betas", List.of(value, group.getPair("betas")[1]));
        else group.set("momentum", value);
    }

    // ---------------------------------------------------------------------------------------
    // accessors and state
    // ---------------------------------------------------------------------------------------

    /** The learning rates this scheduler set last, one per group ({@code get_last_lr()}). */
    public List<Double> getLastLr() { return Collections.unmodifiableList(SchedulerState.toList(lastLr)); }

    /** The index of the last epoch ({@code last_epoch}). */
    public int lastEpoch() { return lastEpoch; }

    /** The groups' {@code initial_lr} values the schedule is computed from. */
    public List<Double> baseLrs() { return Collections.unmodifiableList(SchedulerState.toList(baseLrs)); }

    public Optimizer optimizer() { return optimizer; }

    /** The scheduler's state with PyTorch's attribute names; numbers are copies. */
    public Map<String, Object> stateDict() { return state.save(); }

    /** Loads a state dict from {@link #stateDict()}; checks every entry first and changes nothing when one is refused. */
    public void loadStateDict(Map<String, ?> stateDict) { prepareLoad(stateDict).run(); }

    Runnable prepareLoad(Map<String, ?> stateDict) { return state.prepareLoad(stateDict); }

    /** A composite's {@code _schedulers} entry: one state dict per child, all checked before any is applied. */
    static Runnable prepareChildren(SchedulerState state, List<LRScheduler> schedulers, Object v) {
        if (!(v instanceof List<?> l) || l.size() != schedulers.size()) throw state.wrong("_schedulers", v, "one state dict per scheduler");
        List<Runnable> loads = new java.util.ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> m)) throw state.wrong("_schedulers", l.get(i), "a state dict");
            @SuppressWarnings("unchecked")
            Map<String, ?> child = (Map<String, ?>) m;
            loads.add(schedulers.get(i).prepareLoad(child));
        }
        return () -> loads.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(last_epoch=" + lastEpoch + ", last_lr=" + SchedulerState.toList(lastLr) + ")";
    }
}
