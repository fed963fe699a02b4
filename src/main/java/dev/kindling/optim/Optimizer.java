package dev.kindling.optim;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The base of Kindling's optimizers ({@code torch.optim.Optimizer}): parameter groups with
 * per-group hyper-parameters, per-parameter state, {@link #zeroGrad()}, {@link #step()} and
 * state dicts in PyTorch's layout.
 *
 * <p>Users create a concrete optimizer over a model's parameters
 * ({@code new SGD(net.parameters(), 0.01).momentum(0.9)}), add groups with their own options
 * ({@link #addParamGroup(List, Map)}), and call {@code zeroGrad(); loss.backward(); step()} in a
 * loop. LR schedulers ({@code dev.kindling.optim.lr}) read and write the groups' {@code "lr"}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #step()} updates each parameter tensor in place (modules and optimizers share the
 *       same {@link Tensor} objects), runs with grad mode off, and skips every parameter whose
 *       {@code grad()} is null or whose {@code requiresGrad()} is false (Note [Frozen parameters]),
 *       so a frozen parameter is never touched, not even by weight decay. Each concrete optimizer
 *       follows PyTorch's single-tensor ({@code foreach=False}) update, op for op.</li>
 *   <li>Per-parameter state tensors ({@code momentum_buffer}, {@code exp_avg}, ...) live on the
 *       parameter's device with its dtype; the step counter {@code step} is a 0-dim float32 CPU
 *       tensor, as PyTorch keeps it (Note [special device hosting for step] in PyTorch).</li>
 *   <li>Bad input (an invalid hyper-parameter, a non-leaf or repeated parameter, a malformed state
 *       dict) throws {@link IllegalArgumentException} with PyTorch's message where PyTorch has one,
 *       before anything changes.</li>
 * </ul>
 *
 * <p>See the package documentation for Note [Hyper-parameters and groups], Note [Frozen
 * parameters] and Note [State dict format].
 *
 * <p>Not thread-safe: use an optimizer from one thread at a time.
 */
public abstract class Optimizer {
    private final List<HyperParam> spec;
    private final LinkedHashMap<String, Object> defaults = new LinkedHashMap<>();
    private final List<ParamGroup> groups = new ArrayList<>();
    private final IdentityHashMap<Tensor, LinkedHashMap<String, Object>> state = new IdentityHashMap<>();
    private long stepCount;

    /**
     * For optimizers written outside Kindling: {@code defaults} are taken as given (no checks) and
     * the first group holds {@code params}.
     */
    protected Optimizer(List<Tensor> params, Map<String, ?> defaults) {
        this.spec = List.of();
        this.defaults.putAll(defaults);
        addFirstGroup(params);
    }

    /** Kindling's optimizers: defaults from {@code spec}, overridden (and checked) by {@code overrides}. */
    Optimizer(List<Tensor> params, List<HyperParam> spec, Map<String, ?> overrides) {
        this.spec = spec;
        for (HyperParam h : spec) defaults.put(h.key, h.defaultValue);
        for (HyperParam h : spec) {
            if (overrides.containsKey(h.key)) defaults.put(h.key, h.normalize(name(), overrides.get(h.key)));
        }
        addFirstGroup(params);
    }

    private void addFirstGroup(List<Tensor> params) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        addParamGroup(params, Map.of());
    }

    /** The class name, used in messages ("SGD", "Adam"). */
    String name() { return getClass().getSimpleName(); }

    // ---------------------------------------------------------------------------------------
    // what subclasses provide
    // ---------------------------------------------------------------------------------------

    /**
     * Updates one parameter in place from its gradient. Called by {@link #step()} under
     * {@code noGrad} for each parameter that has a gradient and requires grad, in group order;
     * {@code state} is the parameter's own state map (empty on its first step), which the method
     * fills and keeps up to date.
     */
    protected abstract void update(Tensor param, Tensor grad, Map<String, Object> state, ParamGroup group);

    /** Checks a group's combination of options before a step changes anything; throws to refuse. */
    protected void checkGroup(ParamGroup group) {}

    /**
     * The per-element state entries (tensors shaped like the parameter) this optimizer keeps, used
     * to check loaded state dicts; null accepts any entry.
     */
    protected Set<String> tensorStateKeys() { return null; }

    /** The scalar state entries, kept as 0-dim float32 CPU tensors ({@code step} by default). */
    protected Set<String> scalarStateKeys() { return Set.of("step"); }

    /** The state tensor under {@code key}, created as zeros shaped like {@code param} on first use. */
    protected static Tensor zerosState(Map<String, Object> state, String key, Tensor param) {
        return (Tensor) state.computeIfAbsent(key, k -> Torch.zerosLike(param));
    }

    /**
     * The gradient as PyTorch's updates first transform it: negated when the group maximizes,
     * then with weight decay: {@code g + weight_decay * p} (an L2 term), or, when the group's
     * {@code decoupled_weight_decay} is true, the weights themselves decayed in place
     * ({@code p *= 1 - lr * weight_decay}, AdamW's rule) and g unchanged. Returns a new tensor
     * only when it changes the gradient.
     */
    protected static Tensor decayedGrad(Tensor param, Tensor grad, ParamGroup group) {
        Tensor g = group.getBoolean("maximize") ? grad.neg() : grad;
        double weightDecay = group.getDouble("weight_decay");
        if (weightDecay == 0) return g;
        if (group.has("decoupled_weight_decay") && group.getBoolean("decoupled_weight_decay")) {
            param.mul_(1 - group.lr() * weightDecay);
            return g;
        }
        return g.add(param, weightDecay);
    }

    /**
     * Adds one to the parameter's {@code step} counter (a 0-dim float32 CPU tensor, created at 0 as
     * PyTorch creates it) and returns the new count.
     */
    protected static double incrementStep(Map<String, Object> state) {
        Tensor step = (Tensor) state.computeIfAbsent("step", k -> Torch.tensor(0.0));
        step.add_(1.0);
        return step.item();
    }

    /** Sets a default and every group that did not set {@code key} itself (Note [Hyper-parameters and groups]). */
    protected final void setDefault(String key, Object value) {
        Object v = normalizeOption(key, value);
        defaults.put(key, v);
        for (ParamGroup g : groups) {
            if (!g.overridden.contains(key)) g.options.put(key, v);
        }
    }

    /** The value normalised and checked when {@code key} is one of this optimizer's hyper-parameters. */
    Object normalizeOption(String key, Object value) {
        if (key == null) throw new IllegalArgumentException(name() + ": an option key is null");
        if (key.equals("params")) throw new IllegalArgumentException(name() + ": 'params' is not an option; pass parameters separately");
        for (HyperParam h : spec) {
            if (h.key.equals(key)) return h.normalize(name(), value);
        }
        for (HyperParam h : spec) {
            if (h.camelKey().equals(key)) {
                throw new IllegalArgumentException(name() + ": unknown option '" + key + "'; param group options use PyTorch's "
                        + "snake_case names: '" + h.key + "'");
            }
        }
        return value;
    }

    // ---------------------------------------------------------------------------------------
    // groups
    // ---------------------------------------------------------------------------------------

    /** The parameter groups, in order (unmodifiable; each group's options can be set). */
    public List<ParamGroup> paramGroups() { return Collections.unmodifiableList(groups); }

    /** The defaults that groups inherit (read-only). */
    public Map<String, Object> defaults() { return Collections.unmodifiableMap(defaults); }

    /** Adds a group with the optimizer's defaults ({@code add_param_group}); returns it. */
    public ParamGroup addParamGroup(List<Tensor> params) { return addParamGroup(params, Map.of()); }

    /**
     * Adds a group whose {@code options} override defaults for its parameters, e.g. a lower lr for
     * a pretrained backbone: {@code opt.addParamGroup(backbone, Map.of("lr", 1e-4))}. Keys are
     * PyTorch's names ({@code "lr"}, {@code "weight_decay"}, {@code "betas"}...). Throws, changing
     * nothing, when a parameter is null, not a leaf, repeated, or already in another group, or when
     * an option is invalid.
     */
    public ParamGroup addParamGroup(List<Tensor> params, Map<String, ?> options) {
        if (params == null) throw new IllegalArgumentException(name() + ".addParamGroup: params is null");
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : params) {
            if (p == null) throw new IllegalArgumentException("optimizer can only optimize Tensors, but one of the params is null");
            if (!(p.isLeaf() || p.retainsGrad())) throw new IllegalArgumentException("can't optimize a non-leaf Tensor");
            if (!seen.add(p)) {
                throw new IllegalArgumentException("optimizer contains a parameter group with duplicate parameters (each "
                        + "parameter may appear once; a repeated one would be updated twice per step)");
            }
        }
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                if (seen.contains(p)) throw new IllegalArgumentException("some parameters appear in more than one parameter group");
            }
        }
        LinkedHashMap<String, Object> given = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : options.entrySet()) given.put(e.getKey(), normalizeOption(e.getKey(), e.getValue()));
        LinkedHashMap<String, Object> merged = new LinkedHashMap<>(defaults);
        merged.putAll(given);
        ParamGroup group = new ParamGroup(this, params, merged, given.keySet());
        groups.add(group);
        return group;
    }

    // ---------------------------------------------------------------------------------------
    // the loop
    // ---------------------------------------------------------------------------------------

    /** Clears every parameter's gradient (sets it to null), as PyTorch 2.x's {@code zero_grad()}. */
    public void zeroGrad() { zeroGrad(true); }

    /**
     * With {@code setToNone}, sets gradients to null (no memory kept, and parameters without a new
     * gradient are skipped by the next step); otherwise zeroes them in place, detached from any graph.
     */
    public void zeroGrad(boolean setToNone) {
        try (var g = Torch.noGrad()) {
            for (ParamGroup group : groups) {
                for (Tensor p : group.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    if (setToNone) {
                        p.setGrad(null);
                    } else {
                        if (grad.gradFn() != null) grad.detach_();
                        else grad.requiresGrad_(false);
                        grad.zero_();
                    }
                }
            }
        }
    }

    /**
     * Performs one optimization step on every parameter that has a gradient and requires grad.
     * Checks every group first (and changes nothing when one is refused), then updates in place
     * with grad mode off.
     */
    public void step() {
        for (ParamGroup g : groups) checkGroup(g);
        try (var ng = Torch.noGrad()) {
            for (ParamGroup g : groups) {
                for (Tensor p : g.params()) {
                    if (!p.requiresGrad()) continue;
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    update(p, grad, state.computeIfAbsent(p, k -> new LinkedHashMap<>()), g);
                }
            }
        }
        stepCount++;
    }

    /**
     * Re-evaluates the model with {@code closure} (grad mode on: it should zero the gradients,
     * compute the loss and call backward), then steps; returns the closure's loss. This is the form
     * optimizers that evaluate the loss several times per step need; for the others it is
     * {@code closure.get()} followed by {@link #step()}.
     */
    public Tensor step(Supplier<Tensor> closure) {
        Tensor loss = null;
        if (closure != null) {
            try (var g = Torch.enableGrad()) {
                loss = closure.get();
            }
        }
        step();
        return loss;
    }

    /** Counts a step taken by an optimizer that overrides {@link #step(Supplier)}. */
    void countStep() { stepCount++; }

    /** How many times {@link #step()} has run (schedulers use it to spot a step before the first optimizer step). */
    public long stepCount() { return stepCount; }

    /** The live, writable state map of {@code param}, created empty when missing. */
    Map<String, Object> mutableState(Tensor param) { return state.computeIfAbsent(param, k -> new LinkedHashMap<>()); }

    /** The state of {@code param} (read-only; empty before its first step). */
    public Map<String, Object> state(Tensor param) {
        Map<String, Object> s = state.get(param);
        return s == null ? Map.of() : Collections.unmodifiableMap(s);
    }

    // ---------------------------------------------------------------------------------------
    // state dicts (Note [State dict format])
    // ---------------------------------------------------------------------------------------

    /** PyTorch's {@code optimizer.state_dict()}; see Note [State dict format] in the package documentation. */
    public Map<String, Object> stateDict() {
        IdentityHashMap<Tensor, Integer> index = new IdentityHashMap<>();
        List<Map<String, Object>> packedGroups = new ArrayList<>();
        int next = 0;
        for (ParamGroup g : groups) {
            LinkedHashMap<String, Object> packed = new LinkedHashMap<>(g.options);
            List<Integer> ids = new ArrayList<>();
            for (Tensor p : g.params()) {
                index.put(p, next);
                ids.add(next++);
            }
            packed.put("params", Collections.unmodifiableList(ids));
            packedGroups.add(packed);
        }
        LinkedHashMap<Integer, Map<String, Object>> packedState = new LinkedHashMap<>();
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                LinkedHashMap<String, Object> s = state.get(p);
                if (s != null && !s.isEmpty()) packedState.put(index.get(p), new LinkedHashMap<>(s));
            }
        }
        LinkedHashMap<String, Object> sd = new LinkedHashMap<>();
        sd.put("state", packedState);
        sd.put("param_groups", packedGroups);
        return sd;
    }

    /**
     * Loads a state dict written by {@link #stateDict()} (or one of PyTorch's with the same
     * structure); see Note [State dict format]. Changes nothing when the dict is refused.
     */
    public void loadStateDict(Map<String, ?> stateDict) {
        String op = name() + ".loadStateDict";
        if (stateDict == null) throw new IllegalArgumentException(op + ": the state dict is null");
        if (!(stateDict.get("param_groups") instanceof List<?> savedGroups)) {
            throw new IllegalArgumentException(op + ": the state dict has no 'param_groups' list");
        }
        if (!(stateDict.get("state") instanceof Map<?, ?> savedState)) {
            throw new IllegalArgumentException(op + ": the state dict has no 'state' map");
        }
        if (savedGroups.size() != groups.size()) {
            throw new IllegalArgumentException("loaded state dict has a different number of parameter groups");
        }
        Map<Long, Tensor> idMap = new LinkedHashMap<>();
        List<LinkedHashMap<String, Object>> newOptions = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (!(savedGroups.get(i) instanceof Map<?, ?> saved)) {
                throw new IllegalArgumentException(op + ": param_groups[" + i + "] is not a map");
            }
            if (!(saved.get("params") instanceof List<?> ids)) {
                throw new IllegalArgumentException(op + ": param_groups[" + i + "] has no 'params' list");
            }
            List<Tensor> params = groups.get(i).params();
            if (ids.size() != params.size()) {
                throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the size "
                        + "of optimizer's group");
            }
            for (int j = 0; j < ids.size(); j++) {
                if (!(ids.get(j) instanceof Number n) || n.doubleValue() != n.longValue()) {
                    throw new IllegalArgumentException(op + ": param_groups[" + i + "]['params'][" + j + "] is not an integer index: "
                            + PyFloat.str(ids.get(j)));
                }
                if (idMap.put(n.longValue(), params.get(j)) != null) {
                    throw new IllegalArgumentException(op + ": parameter index " + n.longValue() + " appears more than once in param_groups");
                }
            }
            LinkedHashMap<String, Object> options = new LinkedHashMap<>(groups.get(i).options);
            for (Map.Entry<?, ?> e : saved.entrySet()) {
                if ("params".equals(e.getKey())) continue;
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException(op + ": param_groups[" + i + "] has a key that is not a string: " + e.getKey());
                }
                options.put(key, normalizeOption(key, e.getValue()));
            }
            newOptions.add(options);
        }
        IdentityHashMap<Tensor, LinkedHashMap<String, Object>> newState = new IdentityHashMap<>();
        for (Map.Entry<?, ?> e : savedState.entrySet()) {
            if (!(e.getKey() instanceof Number n) || !idMap.containsKey(n.longValue())) {
                throw new IllegalArgumentException(op + ": the state dict has state for parameter index " + e.getKey()
                        + ", which no parameter group lists (indices: " + idMap.keySet() + ")");
            }
            if (!(e.getValue() instanceof Map<?, ?> entries)) {
                throw new IllegalArgumentException(op + ": the state of parameter " + n.longValue() + " is not a map");
            }
            Tensor p = idMap.get(n.longValue());
            LinkedHashMap<String, Object> s = new LinkedHashMap<>();
            for (Map.Entry<?, ?> en : entries.entrySet()) {
                if (!(en.getKey() instanceof String key)) {
                    throw new IllegalArgumentException(op + ": the state of parameter " + n.longValue() + " has a key that is not a string: "
                            + en.getKey());
                }
                if (en.getValue() == null) continue; // PyTorch once saved momentum_buffer=None for momentum 0
                s.put(key, loadStateEntry(op + ": state['" + key + "'] of parameter " + n.longValue(), p, key, en.getValue()));
            }
            newState.put(p, s);
        }
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).options.clear();
            groups.get(i).options.putAll(newOptions.get(i));
        }
        state.clear();
        state.putAll(newState);
    }

    /**
     * One loaded state entry of {@code param} as this optimizer keeps it (a copy), or a refusal
     * whose message starts with {@code where}. Scalar entries become 0-dim float32 CPU tensors;
     * per-element tensors must have the parameter's shape and are cast to its dtype and device.
     */
    protected Object loadStateEntry(String where, Tensor param, String key, Object value) {
        if (scalarStateKeys().contains(key)) {
            double v;
            if (value instanceof Number num) {
                v = num.doubleValue();
            } else if (value instanceof Tensor t && t.numel() == 1) {
                v = t.item();
            } else {
                throw new IllegalArgumentException(where + " must be a number or a one-element tensor, got " + describe(value));
            }
            return Torch.tensor(v);
        }
        Set<String> known = tensorStateKeys();
        if (known != null && !known.contains(key)) {
            throw new IllegalArgumentException(where + " is not an entry " + name() + " keeps (it keeps " + known + " and "
                    + scalarStateKeys() + ")");
        }
        if (!(value instanceof Tensor t)) {
            if (known == null) return value;
            throw new IllegalArgumentException(where + " must be a tensor, got " + describe(value));
        }
        if (!Arrays.equals(t.shape(), param.shape())) {
            throw new IllegalArgumentException(where + " has shape " + Arrays.toString(t.shape()) + " but the parameter has shape "
                    + Arrays.toString(param.shape()));
        }
        return copyLike(t, param);
    }

    /** A copy of {@code t} on {@code param}'s device, with its dtype when both are floating point. */
    static Tensor copyLike(Tensor t, Tensor param) {
        Tensor d = t.detach();
        DType dtype = param.isFloatingPoint() && t.isFloatingPoint() ? param.dtype() : t.dtype();
        Tensor c = d.to(param.device(), dtype);
        return c.storage() == t.storage() ? c.clone() : c;
    }

    static String describe(Object v) {
        return v == null ? "null" : v instanceof Tensor t ? "a tensor of shape " + Arrays.toString(t.shape()) : v.getClass().getSimpleName();
    }

    /** PyTorch's repr: the class name and each group's options, sorted by key. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name()).append(" (");
        for (int i = 0; i < groups.size(); i++) {
            sb.append("\nParameter Group ").append(i).append('\n');
            for (String key : new java.util.TreeSet<>(groups.get(i).options.keySet())) {
                sb.append("    ").append(key).append(": ").append(PyFloat.str(groups.get(i).options.get(key))).append('\n');
            }
        }
        return sb.append(')').toString();
    }
}
