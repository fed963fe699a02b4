package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Steps several chainable schedulers together, each applying its change to the rates the
 * previous ones set ({@code torch.optim.lr_scheduler.ChainedScheduler}).
 *
 * <pre>{@code
 * var sched = new ChainedScheduler(List.of(new ConstantLR(opt, 0.1, 2), new ExponentialLR(opt, 0.9)));
 * }</pre>
 */
public class ChainedScheduler extends LRScheduler {
    private final List<LRScheduler> schedulers;

    public ChainedScheduler(List<? extends LRScheduler> schedulers) { this(schedulers, null); }

    /** {@code optimizer} null takes the first scheduler's. */
    public ChainedScheduler(List<? extends LRScheduler> schedulers, Optimizer optimizer) {
        super(first(schedulers, optimizer));
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer != this.optimizer) {
                throw new IllegalArgumentException("ChainedScheduler expects all schedulers to belong to the same optimizer, but got "
                        + "schedulers at index 0 and " + i + " to be different");
            }
        }
        this.schedulers = List.copyOf(schedulers);
        state.registerDoubles("_last_lr", () -> lastLr.clone(), () -> null, v -> lastLr = v);
        state.register("_schedulers", () -> {
            List<Map<String, Object>> l = new ArrayList<>();
            for (LRScheduler s : this.schedulers) l.add(s.stateDict());
            return l;
        }, v -> prepareChildren(state, this.schedulers, v), Runnable::run);
    }

    private static Optimizer first(List<? extends LRScheduler> schedulers, Optimizer optimizer) {
        if (schedulers == null || schedulers.isEmpty()) {
            throw new IllegalArgumentException("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.");
        }
        return optimizer != null ? optimizer : schedulers.get(0).optimizer;
    }

    /** Steps every scheduler in order. */
    @Override
    public void step() {
        for (LRScheduler s : schedulers) s.step();
        lastLr = currentLrs();
    }

    @Override
    void undoEpoch() {
        for (LRScheduler s : schedulers) s.undoEpoch();
    }

    @Override
    void jumpTo(int epoch) { throw new UnsupportedOperationException("ChainedScheduler cannot jump to an epoch; call step()"); }

    /** Not supported: PyTorch's ChainedScheduler has no epoch argument either. */
    @Override
    public void step(int epoch) {
        throw new UnsupportedOperationException("ChainedScheduler.step(epoch) is not supported; call step()");
    }

    @Override
    protected double[] computeLr() { throw new UnsupportedOperationException("ChainedScheduler delegates to its schedulers"); }

    /** The chained schedulers, in order. */
    public List<LRScheduler> schedulers() { return schedulers; }
}
