package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;
import dev.kindling.optim.ParamGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs schedulers one after another, switching at the given epochs
 * ({@code torch.optim.lr_scheduler.SequentialLR}), e.g. a linear warm-up then cosine annealing.
 * As in PyTorch, construction resets the groups to their {@code initial_lr}, undoes the initial
 * step of every scheduler (recursively inside composites) and redoes only the first one's; at a
 * milestone the next scheduler restarts from its epoch 0 through its closed form.
 *
 * <pre>{@code
 * var warmup = new LinearLR(opt, 0.1, 1.0, 5);
 * var cosine = new CosineAnnealingLR(opt, 95);
 * var sched = new SequentialLR(opt, List.of(warmup, cosine), List.of(5));
 * }</pre>
 */
public class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private List<Integer> milestones;

    public SequentialLR(Optimizer optimizer, List<? extends LRScheduler> schedulers, List<Integer> milestones) {
        this(optimizer, schedulers, milestones, -1);
    }

    public SequentialLR(Optimizer optimizer, List<? extends LRScheduler> schedulers, List<Integer> milestones, int lastEpoch) {
        super(optimizer);
        if (schedulers.isEmpty()) throw new IllegalArgumentException("SequentialLR expects at least one scheduler, but got no scheduler.");
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer != optimizer) {
                throw new IllegalArgumentException("Sequential Schedulers expects all schedulers to belong to the same optimizer, but got "
                        + "schedulers at index " + i + " to be different than the optimizer passed in.");
            }
        }
        if (milestones.size() != schedulers.size() - 1) {
            throw new IllegalArgumentException("Sequential Schedulers expects number of schedulers provided to be one more than the "
                    + "number of milestone points, but got number of schedulers " + schedulers.size()
                    + " and the number of milestones to be equal to " + milestones.size());
        }
        for (ParamGroup g : optimizer.paramGroups()) {
            if (!g.has("initial_lr")) {
                throw new IllegalArgumentException("SequentialLR: param group without 'initial_lr'; create the schedulers first");
            }
        }
        this.schedulers = List.copyOf(schedulers);
        this.milestones = List.copyOf(milestones);
        this.lastEpoch = lastEpoch + 1;
        for (ParamGroup g : optimizer.paramGroups()) g.setLr(g.getDouble("initial_lr"));
        for (LRScheduler s : this.schedulers) s.undoEpoch();
        this.schedulers.get(0).initialStep();
        this.lastLr = this.schedulers.get(0).lastLr.clone();
        state.registerInt("last_epoch", () -> this.lastEpoch, v -> this.lastEpoch = v);
        state.register("_milestones", () -> new ArrayList<>(this.milestones), this::parseMilestones, v -> this.milestones = v);
        state.registerDoubles("_last_lr", () -> lastLr.clone(), () -> null, v -> lastLr = v);
        state.register("_schedulers", this::childStates, v -> prepareChildren(state, this.schedulers, v), Runnable::run);
    }

    private List<Integer> parseMilestones(Object v) {
        if (!(v instanceof List<?> l) || l.size() != schedulers.size() - 1) throw state.wrong("_milestones", v, "a list of milestones");
        List<Integer> parsed = new ArrayList<>();
        for (Object o : l) parsed.add(state.integer("_milestones", o));
        return List.copyOf(parsed);
    }

    private List<Map<String, Object>> childStates() {
        List<Map<String, Object>> l = new ArrayList<>();
        for (LRScheduler s : schedulers) l.add(s.stateDict());
        return l;
    }

    /** Advances one epoch with the scheduler in charge of it; at a milestone that scheduler restarts at its epoch 0. */
    @Override
    public void step() {
        lastEpoch++;
        int idx = 0;
        while (idx < milestones.size() && milestones.get(idx) <= lastEpoch) idx++; // bisect_right
        LRScheduler scheduler = schedulers.get(idx);
        try {
            if (idx > 0 && milestones.get(idx - 1) == lastEpoch) scheduler.jumpTo(0);
            else scheduler.step();
        } catch (RuntimeException e) {
            lastEpoch--;
            throw e;
        }
        lastLr = scheduler.lastLr.clone();
    }

    @Override
    void undoEpoch() {
        for (LRScheduler s : schedulers) s.undoEpoch();
    }

    @Override
    void jumpTo(int epoch) { throw new UnsupportedOperationException("SequentialLR cannot jump to an epoch; call step()"); }

    /** Not supported: PyTorch's SequentialLR has no epoch argument either. */
    @Override
    public void step(int epoch) {
        throw new UnsupportedOperationException("SequentialLR.step(epoch) is not supported; call step()");
    }

    @Override
    protected double[] computeLr() { throw new UnsupportedOperationException("SequentialLR delegates to its schedulers"); }

    /** The schedulers, in order. */
    public List<LRScheduler> schedulers() { return schedulers; }
}
