package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Multiplies each group's learning rate by {@code gamma} when the epoch reaches one of the
 * milestones ({@code torch.optim.lr_scheduler.MultiStepLR}); a milestone listed twice applies
 * gamma twice, as PyTorch's {@code Counter} does.
 */
public class MultiStepLR extends LRScheduler {
    /** Milestone epoch → how many times it was listed. */
    private Map<Integer, Integer> milestones;
    private double gamma;

    /** With PyTorch's default gamma, 0.1. */
    public MultiStepLR(Optimizer optimizer, List<Integer> milestones) { this(optimizer, milestones, 0.1, -1); }

    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma) { this(optimizer, milestones, gamma, -1); }

    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.milestones = new LinkedHashMap<>();
        for (Integer m : milestones) {
            if (m == null) throw new IllegalArgumentException("MultiStepLR: a milestone is null");
            this.milestones.merge(m, 1, Integer::sum);
        }
        this.gamma = gamma;
        state.register("milestones", () -> new LinkedHashMap<>(this.milestones), this::parseMilestones, v -> this.milestones = v);
        state.registerDouble("gamma", () -> this.gamma, v -> this.gamma = v);
        initialStep();
    }

    private Map<Integer, Integer> parseMilestones(Object v) {
        if (!(v instanceof Map<?, ?> m)) throw state.wrong("milestones", v, "a map from epoch to count");
        Map<Integer, Integer> parsed = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) parsed.put(state.integer("milestones", e.getKey()), state.integer("milestones", e.getValue()));
        return parsed;
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        Integer count = milestones.get(lastEpoch);
        for (int i = 0; i < lr.length; i++) lr[i] = count == null ? groupLr(i) : groupLr(i) * Math.pow(gamma, count);
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        int passed = 0; // bisect_right over the sorted milestones, with repeats
        for (Map.Entry<Integer, Integer> e : new TreeMap<>(milestones).entrySet()) {
            if (e.getKey() <= lastEpoch) passed += e.getValue();
        }
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLr(i) * Math.pow(gamma, passed);
        return lr;
    }

    /** The milestones in order, a repeated one listed as often as given. */
    public List<Integer> milestones() {
        List<Integer> l = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : new TreeMap<>(milestones).entrySet()) {
            for (int k = 0; k < e.getValue(); k++) l.add(e.getKey());
        }
        return l;
    }
}
