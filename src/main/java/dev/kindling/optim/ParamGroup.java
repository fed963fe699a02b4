package dev.kindling.optim;

import dev.kindling.Tensor;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parameter group of an {@link Optimizer}: a fixed list of parameters and the
 * hyper-parameters that apply to them ({@code optimizer.param_groups[i]} in PyTorch).
 *
 * <p>Groups are created by the optimizer (its constructor and {@link Optimizer#addParamGroup});
 * the optimizer reads their options on every {@code step()}, and LR schedulers write
 * {@code "lr"} (and {@code "initial_lr"}, {@code "momentum"}, {@code "betas"}...) through
 * {@link #set}. Keys are PyTorch's snake_case names. Values of the optimizer's own
 * hyper-parameters are validated and normalised on every write (Note [Hyper-parameters and
 * groups] in the package documentation); other keys are kept as given, as PyTorch keeps extra
 * entries in a group dict.
 *
 * <p>Not thread-safe: a group belongs to one optimizer, used from one thread at a time.
 */
public final class ParamGroup {
    private final Optimizer owner;
    private final List<Tensor> params;
    final LinkedHashMap<String, Object> options;
    /** Keys this group set itself; the optimizer's fluent setters leave these alone. */
    final Set<String> overridden;

    ParamGroup(Optimizer owner, List<Tensor> params, LinkedHashMap<String, Object> options, Set<String> overridden) {
        this.owner = owner;
        this.params = List.copyOf(params);
        this.options = options;
        this.overridden = new HashSet<>(overridden);
    }

    /** The group's parameters, in the order given (unmodifiable). */
    public List<Tensor> params() { return params; }

    /** The options as a read-only map (PyTorch's group dict without {@code "params"}). */
    public Map<String, Object> options() { return Collections.unmodifiableMap(options); }

    /** Whether the group has an entry for {@code key}. */
    public boolean has(String key) { return options.containsKey(key); }

    /** The value stored under {@code key}, or null. */
    public Object get(String key) { return options.get(key); }

    /** A numeric option; throws when it is missing or not a number. */
    public double getDouble(String key) {
        Object v = options.get(key);
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException(owner.name() + ": param group has no numeric option '" + key + "' (value: "
                + PyFloat.str(v) + ")");
    }

    /** A boolean option; throws when it is missing or not a boolean. */
    public boolean getBoolean(String key) {
        Object v = options.get(key);
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException(owner.name() + ": param group has no boolean option '" + key + "' (value: "
                + PyFloat.str(v) + ")");
    }

    /** A pair option such as {@code betas}, as a new {@code double[2]}. */
    public double[] getPair(String key) {
        Object v = options.get(key);
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
            return new double[] {a.doubleValue(), b.doubleValue()};
        }
        throw new IllegalArgumentException(owner.name() + ": param group has no pair option '" + key + "' (value: "
                + PyFloat.str(v) + ")");
    }

    /** The learning rate, {@code group["lr"]}. */
    public double lr() { return getDouble("lr"); }

    /** Sets the learning rate ({@code group["lr"] = lr}); returns this. */
    public ParamGroup setLr(double lr) { return set("lr", lr); }

    /**
     * Sets an option ({@code group[key] = value}); returns this. The optimizer's own
     * hyper-parameters are checked as its constructor checks them, and a refused value changes
     * nothing. The key then belongs to this group: the optimizer's fluent setters no longer change it.
     */
    public ParamGroup set(String key, Object value) {
        options.put(key, owner.normalizeOption(key, value));
        overridden.add(key);
        return this;
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, " + options + ")";
    }
}
