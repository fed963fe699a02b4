package dev.kindling.nn;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.autograd.RemovableHandle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The base class of every layer and model, as PyTorch's {@code torch.nn.Module}.
 *
 * <p><b>Import it by name</b>: {@code import dev.kindling.nn.Module;}. Every Java file imports
 * {@code java.lang.*} implicitly, and {@code java.lang.Module} exists, so with only
 * {@code import dev.kindling.nn.*;} the simple name {@code Module} is ambiguous and does not
 * compile. A single-type import wins over both wildcards.
 *
 * <p><b>What it holds.</b> A module owns three ordered registries, filled from a subclass's
 * constructor with one call each, every call returning its argument so that it can be kept in a
 * field: {@link #registerParameter} (trainable leaf tensors; the call turns on
 * {@code requiresGrad}), {@link #registerBuffer} (state that is not trained, such as BatchNorm's
 * running mean, persistent or not) and {@link #registerModule} (submodules). Names are PyTorch's
 * attribute names, and walks over the tree give PyTorch's dotted names ({@code 0.weight},
 * {@code layer1.0.conv1.weight}, {@code bn1.running_mean}) in registration order.
 *
 * <pre>{@code
 * class Net extends Module {
 *     Net() {
 *         registerModule("fc1", new Linear(784, 128));
 *         registerModule("fc2", new Linear(128, 10));
 *     }
 *     public Tensor forward(Tensor x) {
 *         return get("fc2").call(get("fc1").call(x).relu());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Note [Reading submodules in forward].</b> {@link #setSubmodule} replaces an entry of the
 * registry (a pretrained network's {@code "fc"} by a new head, say), as Python's attribute
 * assignment does. A Java field cannot follow such a replacement, so a {@code forward} that
 * must honour it reads its children through {@link #get(String)} (a map lookup, cheap next to
 * any layer's arithmetic), as above; a field holding what {@link #registerModule} returned is
 * fine for configuration that is never replaced. Kindling's own layers read their parameters
 * through the registry the same way, so a replaced parameter is seen too.
 *
 * <p><b>Calling.</b> {@link #forward(Tensor)} (or {@link #forward(Tensor...)} for several inputs)
 * is the subclass's computation. {@link #call(Tensor...)} is Python's {@code module(x)}: it runs
 * the forward pre-hooks, {@code forward} and the forward hooks. Containers call their children
 * through {@code call}, so hooks fire inside a {@link Sequential}.
 *
 * <p><b>Threads.</b> Changing a module (registration, {@code train}/{@code eval}, {@code to},
 * {@code loadStateDict}) is not synchronised and must not overlap other use of it; hooks may be
 * added and removed at any time.
 * Forward calls that change nothing (eval mode, under {@code Torch.noGrad()}) may run from many
 * threads at once: they only read the registries, and grad mode is per thread. A training-mode
 * forward of BatchNorm updates its running statistics and is not safe to run concurrently.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistentBuffers = new HashSet<>();
    private final Map<String, Module> modules = new LinkedHashMap<>();
    private boolean training = true;
    /** Copy-on-write lists: a call iterates a snapshot, so hooks may change while other threads call. */
    private final List<Registered<ForwardPreHook>> forwardPreHooks = new CopyOnWriteArrayList<>();
    private final List<Registered<ForwardHook>> forwardHooks = new CopyOnWriteArrayList<>();

    /** Subclasses register their parameters, buffers and submodules in their constructors. */
    protected Module() {}

    // =====================================================================================
    // Registration
    // =====================================================================================

    /**
     * Registers (or replaces) a parameter: a leaf tensor that is trained. The tensor itself is
     * registered (no copy) and its {@code requiresGrad} is turned on; null registers an absent
     * parameter (as {@code bias=False}), which walks and state dicts skip.
     *
     * @return {@code param}, for assignment to a field
     */
    public Tensor registerParameter(String name, Tensor param) {
        checkName("parameter", name);
        if (!parameters.containsKey(name) && (buffers.containsKey(name) || modules.containsKey(name))) {
            throw new KindlingException("attribute '" + name + "' already exists");
        }
        if (param != null) {
            if (!param.isLeaf()) {
                throw new KindlingException("Cannot assign non-leaf Tensor to parameter '" + name + "'. Model parameters must be "
                        + "created explicitly. To express '" + name + "' as a function of another Tensor, compute the value in "
                        + "the forward() method.");
            }
            param.requiresGrad_(true);
        }
        parameters.put(name, param);
        return param;
    }

    /** Registers a persistent buffer (part of the state dict); null registers an absent one. */
    public Tensor registerBuffer(String name, Tensor buffer) {
        return registerBuffer(name, buffer, true);
    }

    /**
     * Registers (or replaces) a buffer: module state that is not a parameter. A persistent buffer
     * is part of {@link #stateDict()}; a non-persistent one is moved by {@link #to(Device)} but not
     * saved.
     *
     * @return {@code buffer}, for assignment to a field
     */
    public Tensor registerBuffer(String name, Tensor buffer, boolean persistent) {
        checkName("buffer", name);
        if (!buffers.containsKey(name) && (parameters.containsKey(name) || modules.containsKey(name))) {
            throw new KindlingException("attribute '" + name + "' already exists");
        }
        buffers.put(name, buffer);
        if (persistent) nonPersistentBuffers.remove(name);
        else nonPersistentBuffers.add(name);
        return buffer;
    }

    /**
     * Registers (or replaces, keeping its position) a submodule; null registers an absent one.
     *
     * @return {@code module}, for assignment to a field (see Note [Reading submodules in forward])
     */
    public <M extends Module> M registerModule(String name, M module) {
        if (name == null || name.isEmpty()) throw new KindlingException("module name can't be empty string \"\"");
        if (name.contains(".")) throw new KindlingException("module name can't contain \".\", got: " + name);
        if (!modules.containsKey(name) && (parameters.containsKey(name) || buffers.containsKey(name))) {
            throw new KindlingException("attribute '" + name + "' already exists");
        }
        modules.put(name, module);
        return module;
    }

    private static void checkName(String kind, String name) {
        if (name == null || name.isEmpty()) throw new KindlingException(kind + " name can't be empty string \"\"");
        if (name.contains(".")) throw new KindlingException(kind + " name can't contain \".\"");
    }

    /**
     * The submodule registered here under {@code name}, as it is now: what {@code forward}
     * should use (see Note [Reading submodules in forward]).
     */
    protected Module get(String name) {
        Module m = modules.get(name);
        if (m == null) throw new KindlingException(getName() + " has no attribute `" + name + "`");
        return m;
    }

    /** The parameter registered here under {@code name} (null for an absent one such as a missing bias). */
    protected Tensor param(String name) {
        if (!parameters.containsKey(name)) throw new KindlingException(getName() + " has no parameter `" + name + "`");
        return parameters.get(name);
    }

    /** The buffer registered here under {@code name} (null for an absent one). */
    protected Tensor buffer(String name) {
        if (!buffers.containsKey(name)) throw new KindlingException(getName() + " has no buffer `" + name + "`");
        return buffers.get(name);
    }

    // =====================================================================================
    // Walks
    // =====================================================================================

    /** All parameters of this module and its descendants, in registration order, each once. */
    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** This module's own parameters only ({@code recurse} false), or all of them. */
    public List<Tensor> parameters(boolean recurse) { return new ArrayList<>(namedParameters("", recurse).values()); }

    /** Parameters by dotted name ({@code "0.weight"}), in registration order, each tensor once. */
    public Map<String, Tensor> namedParameters() { return namedParameters("", true); }

    public Map<String, Tensor> namedParameters(String prefix, boolean recurse) {
        return namedMembers(prefix, recurse, false, true);
    }

    /** All buffers of this module and its descendants, each once. */
    public List<Tensor> buffers() { return new ArrayList<>(namedBuffers().values()); }

    public List<Tensor> buffers(boolean recurse) { return new ArrayList<>(namedBuffers("", recurse).values()); }

    /** Buffers by dotted name ({@code "bn1.running_mean"}), each tensor once. */
    public Map<String, Tensor> namedBuffers() { return namedBuffers("", true); }

    public Map<String, Tensor> namedBuffers(String prefix, boolean recurse) {
        return namedMembers(prefix, recurse, true, true);
    }

    private Map<String, Tensor> namedMembers(String prefix, boolean recurse, boolean ofBuffers, boolean dedupe) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, Module> mods = recurse ? namedModules(prefix) : Map.of(prefix, this);
        for (Map.Entry<String, Module> e : mods.entrySet()) {
            Module m = e.getValue();
            String p = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            for (Map.Entry<String, Tensor> t : (ofBuffers ? m.buffers : m.parameters).entrySet()) {
                Tensor v = t.getValue();
                if (v == null || (dedupe && !seen.add(v))) continue;
                out.put(p + t.getKey(), v);
            }
        }
        return out;
    }

    /** The direct submodules, in registration order, each once. */
    public List<Module> children() { return new ArrayList<>(namedChildren().values()); }

    /** The direct submodules by name. */
    public Map<String, Module> namedChildren() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            if (e.getValue() != null && seen.add(e.getValue())) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** This module and all its descendants, pre-order, each once. */
    public List<Module> modules() { return new ArrayList<>(namedModules().values()); }

    /** This module (name {@code ""}) and its descendants by dotted name, pre-order, each once. */
    public Map<String, Module> namedModules() { return namedModules(""); }

    public Map<String, Module> namedModules(String prefix) {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        // iterative pre-order walk: deep models must not exhaust the stack
        ArrayList<Map.Entry<String, Module>> stack = new ArrayList<>();
        stack.add(Map.entry(prefix, this));
        while (!stack.isEmpty()) {
            Map.Entry<String, Module> e = stack.remove(stack.size() - 1);
            Module m = e.getValue();
            if (!seen.add(m)) continue;
            out.put(e.getKey(), m);
            List<Map.Entry<String, Module>> kids = new ArrayList<>();
            for (Map.Entry<String, Module> c : m.modules.entrySet()) {
                if (c.getValue() == null) continue;
                kids.add(Map.entry(e.getKey().isEmpty() ? c.getKey() : e.getKey() + "." + c.getKey(), c.getValue()));
            }
            for (int i = kids.size() - 1; i >= 0; i--) stack.add(kids.get(i));
        }
        return out;
    }

    /**
     * The submodule at a dotted path ({@code "layer1.0.conv1"}); {@code ""} is this module.
     * Throws naming the module that lacks the next name.
     */
    public Module getSubmodule(String target) {
        if (target == null || target.isEmpty()) return this;
        Module mod = this;
        for (String item : target.split("\\.", -1)) {
            if (!mod.modules.containsKey(item)) {
                if (mod.parameters.containsKey(item) || mod.buffers.containsKey(item)) {
                    throw new KindlingException("`" + item + "` is not an nn.Module");
                }
                throw new KindlingException(mod.getName() + " has no attribute `" + item + "`");
            }
            mod = mod.modules.get(item);
            if (mod == null) throw new KindlingException("`" + item + "` is not an nn.Module");
        }
        return mod;
    }

    /** The parameter at a dotted path ({@code "fc.weight"}), as {@code get_parameter}. */
    public Tensor getParameter(String target) {
        int dot = target.lastIndexOf('.');
        Module m = getSubmodule(dot < 0 ? "" : target.substring(0, dot));
        String name = target.substring(dot + 1);
        if (!m.parameters.containsKey(name)) throw new KindlingException(m.getName() + " has no attribute `" + name + "`");
        return m.parameters.get(name);
    }

    /** The buffer at a dotted path ({@code "bn1.running_mean"}), as {@code get_buffer}. */
    public Tensor getBuffer(String target) {
        int dot = target.lastIndexOf('.');
        Module m = getSubmodule(dot < 0 ? "" : target.substring(0, dot));
        String name = target.substring(dot + 1);
        if (!m.buffers.containsKey(name)) throw new KindlingException(m.getName() + " has no attribute `" + name + "`");
        return m.buffers.get(name);
    }

    /**
     * Puts {@code module} at a dotted path, replacing the submodule there (keeping its position)
     * or adding it to the existing parent, as PyTorch's {@code set_submodule(target, module)}.
     */
    public void setSubmodule(String target, Module module) { setSubmodule(target, module, false); }

    /** As {@link #setSubmodule(String, Module)}; with {@code strict}, only replaces an existing submodule. */
    public void setSubmodule(String target, Module module, boolean strict) {
        if (target == null || target.isEmpty()) throw new KindlingException("Cannot set the submodule without a target name!");
        if (module == null) throw new KindlingException("`module` is not an nn.Module, found null");
        int dot = target.lastIndexOf('.');
        Module parent = getSubmodule(dot < 0 ? "" : target.substring(0, dot));
        String name = target.substring(dot + 1);
        boolean exists = parent.modules.containsKey(name) || parent.parameters.containsKey(name) || parent.buffers.containsKey(name);
        if (strict && !exists) throw new KindlingException(parent.getName() + " has no attribute `" + name + "`");
        if (exists && !parent.modules.containsKey(name)) throw new KindlingException("`" + name + "` is not an nn.Module");
        parent.registerModule(name, module);
    }

    // =====================================================================================
    // State dict
    // =====================================================================================

    /**
     * Parameters and persistent buffers by dotted name, module by module (each module's
     * parameters, then its buffers, then its children), as PyTorch orders them. The values are
     * detached tensors sharing storage with the module's.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : namedModulesAll().entrySet()) {
            Module m = e.getValue();
            String p = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            m.parameters.forEach((k, v) -> { if (v != null) out.put(p + k, v.detach()); });
            m.buffers.forEach((k, v) -> { if (v != null && !m.nonPersistentBuffers.contains(k)) out.put(p + k, v.detach()); });
        }
        return out;
    }

    /** Pre-order walk that keeps a module shared under two names under both, as state dicts do. */
    private Map<String, Module> namedModulesAll() {
        Map<String, Module> out = new LinkedHashMap<>();
        ArrayList<Map.Entry<String, Module>> stack = new ArrayList<>();
        stack.add(Map.entry("", this));
        while (!stack.isEmpty()) {
            Map.Entry<String, Module> e = stack.remove(stack.size() - 1);
            out.put(e.getKey(), e.getValue());
            List<Map.Entry<String, Module>> kids = new ArrayList<>();
            for (Map.Entry<String, Module> c : e.getValue().modules.entrySet()) {
                if (c.getValue() == null) continue;
                kids.add(Map.entry(e.getKey().isEmpty() ? c.getKey() : e.getKey() + "." + c.getKey(), c.getValue()));
            }
            for (int i = kids.size() - 1; i >= 0; i--) stack.add(kids.get(i));
        }
        return out;
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict} true. */
    public IncompatibleKeys loadStateDict(Map<String, Tensor> stateDict) { return loadStateDict(stateDict, true); }

    /**
     * Copies a state dict's tensors into this module's parameters and persistent buffers (in
     * place, converting dtype and device, so optimizers keep their references). With
     * {@code strict}, missing and unexpected keys are errors; shape mismatches always are. All
     * checks run before anything is copied, so a failed load changes nothing. The message is
     * PyTorch's: {@code Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight:
     * copying a param with shape [2, 3] from checkpoint, the shape in current model is [3, 3].}
     *
     * @return the missing and unexpected keys (both empty after a strict load)
     */
    public IncompatibleKeys loadStateDict(Map<String, Tensor> stateDict, boolean strict) {
        Map<String, Tensor> sd = new LinkedHashMap<>(stateDict);
        Map<String, Module> mods = namedModulesAll();
        for (Map.Entry<String, Module> e : mods.entrySet()) {
            e.getValue().upgradeStateDict(e.getKey().isEmpty() ? "" : e.getKey() + ".", sd);
        }
        List<String> missing = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> used = new HashSet<>();
        List<Tensor[]> copies = new ArrayList<>();
        for (Map.Entry<String, Module> e : mods.entrySet()) {
            Module m = e.getValue();
            String p = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            Map<String, Tensor> local = new LinkedHashMap<>();
            m.parameters.forEach((k, v) -> { if (v != null) local.put(k, v); });
            m.buffers.forEach((k, v) -> { if (v != null && !m.nonPersistentBuffers.contains(k)) local.put(k, v); });
            for (Map.Entry<String, Tensor> t : local.entrySet()) {
                String key = p + t.getKey();
                if (!sd.containsKey(key)) {
                    missing.add(key);
                    continue;
                }
                used.add(key);
                Tensor input = sd.get(key);
                Tensor mine = t.getValue();
                if (input == null) {
                    errors.add("While copying the parameter named \"" + key + "\", expected a Tensor from checkpoint but received null");
                } else if (!Arrays.equals(input.shape(), mine.shape())) {
                    errors.add("size mismatch for " + key + ": copying a param with shape " + Arrays.toString(input.shape())
                            + " from checkpoint, the shape in current model is " + Arrays.toString(mine.shape()) + ".");
                } else {
                    copies.add(new Tensor[] {mine, input});
                }
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : sd.keySet()) if (!used.contains(k)) unexpected.add(k);
        if (strict) {
            if (!unexpected.isEmpty()) errors.add(0, "Unexpected key(s) in state_dict: " + quoted(unexpected) + ". ");
            if (!missing.isEmpty()) errors.add(0, "Missing key(s) in state_dict: " + quoted(missing) + ". ");
        }
        if (!errors.isEmpty()) {
            throw new KindlingException("Error(s) in loading state_dict for " + getName() + ":\n\t" + String.join("\n\t", errors));
        }
        try (var g = Torch.noGrad()) {
            for (Tensor[] c : copies) c[0].copy_(c[1]);
        }
        return new IncompatibleKeys(List.copyOf(missing), List.copyOf(unexpected));
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            if (sb.length() > 0) sb.append(", ");
            sb.append('"').append(k).append('"');
        }
        return sb.toString();
    }

    /**
     * Adjusts a state dict being loaded before keys are matched (entries for this module start
     * with {@code prefix}); the default does nothing. BatchNorm fills in a missing
     * {@code num_batches_tracked}, as PyTorch does for checkpoints that predate it.
     */
    protected void upgradeStateDict(String prefix, Map<String, Tensor> stateDict) {}

    /**
     * The keys a non-strict {@link #loadStateDict(Map, boolean)} did not match, as PyTorch's
     * {@code _IncompatibleKeys}.
     */
    public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
        @Override
        public String toString() {
            if (missingKeys.isEmpty() && unexpectedKeys.isEmpty()) return "<All keys matched successfully>";
            return "IncompatibleKeys(missing_keys=" + pyList(missingKeys) + ", unexpected_keys=" + pyList(unexpectedKeys) + ")";
        }

        private static String pyList(List<String> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", '" : "'").append(l.get(i)).append('\'');
            return sb.append(']').toString();
        }
    }

    // =====================================================================================
    // Modes, gradients, devices
    // =====================================================================================

    /** Sets training mode on this module and all descendants; returns this. */
    public Module train(boolean mode) {
        for (Module m : modules()) m.training = mode;
        return this;
    }

    /** {@code train(true)}. */
    public Module train() { return train(true); }

    /** {@code train(false)}: Dropout passes inputs through, BatchNorm uses its running statistics. */
    public Module eval() { return train(false); }

    public boolean isTraining() { return training; }

    /** Sets every parameter's gradient to null (PyTorch 2.x's default); returns nothing. */
    public void zeroGrad() { zeroGrad(true); }

    /** Clears gradients: to null, or (setToNone false) to zeros in place. */
    public void zeroGrad(boolean setToNone) {
        for (Tensor p : parameters()) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (setToNone) {
                p.setGrad(null);
            } else {
                if (g.gradFn() != null) g.detach_();
                else g.requiresGrad_(false);
                g.zero_();
            }
        }
    }

    /** Turns gradient recording on or off for every parameter (freezing); returns this. */
    public Module requiresGrad_(boolean requiresGrad) {
        for (Tensor p : parameters()) p.requiresGrad_(requiresGrad);
        return this;
    }

    /**
     * Moves every parameter, buffer and gradient to {@code device}, in place
     * ({@link Tensor#setData_}), so tensors held elsewhere (an optimizer's list) follow.
     */
    public Module to(Device device) {
        applyToTensors(t -> t.to(device));
        return this;
    }

    /** Converts every floating-point parameter, buffer and gradient to {@code dtype}, in place. */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new KindlingException("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=" + dtype);
        }
        applyToTensors(t -> t.isFloatingPoint() ? t.to(dtype) : t);
        return this;
    }

    private void applyToTensors(java.util.function.UnaryOperator<Tensor> fn) {
        Set<Tensor> done = Collections.newSetFromMap(new IdentityHashMap<>());
        try (var g = Torch.noGrad()) {
            for (Module m : modules()) {
                for (Tensor t : m.parameters.values()) convertInPlace(t, fn, done);
                for (Tensor t : m.buffers.values()) convertInPlace(t, fn, done);
            }
        }
    }

    private static void convertInPlace(Tensor t, java.util.function.UnaryOperator<Tensor> fn, Set<Tensor> done) {
        if (t == null || !done.add(t)) return;
        Tensor moved = fn.apply(t.detach());
        if (moved.dtype() != t.dtype() || !moved.device().equals(t.device())) t.setData_(moved);
    }

    /** {@code to(Device.CPU)}. */
    public Module cpu() { return to(Device.CPU); }

    /** {@code to(Device.cuda(0))}. */
    public Module cuda() { return to(Device.cuda(0)); }

    /** Calls {@code fn} on every descendant (children first) and then on this module; returns this. */
    public Module apply(Consumer<Module> fn) {
        for (Module child : children()) child.apply(fn);
        fn.accept(this);
        return this;
    }

    // =====================================================================================
    // Forward and hooks
    // =====================================================================================

    /** Whether a class overrides forward(Tensor) / forward(Tensor...) below Module. */
    private static final ClassValue<boolean[]> OVERRIDES = new ClassValue<>() {
        @Override
        protected boolean[] computeValue(Class<?> type) {
            return new boolean[] {declares(type, Tensor.class), declares(type, Tensor[].class)};
        }

        private boolean declares(Class<?> type, Class<?> param) {
            for (Class<?> k = type; k != null && k != Module.class; k = k.getSuperclass()) {
                try {
                    k.getDeclaredMethod("forward", param);
                    return true;
                } catch (NoSuchMethodException notHere) {
                    // keep looking in the superclass
                }
            }
            return false;
        }
    };

    /** The computation of a one-input module. Subclasses override this or {@link #forward(Tensor...)}. */
    public Tensor forward(Tensor input) {
        if (OVERRIDES.get(getClass())[1]) return forward(new Tensor[] {input});
        throw missingForward();
    }

    /** The computation of a module with several inputs (losses: input and target). */
    public Tensor forward(Tensor... inputs) {
        if (inputs.length == 1 && OVERRIDES.get(getClass())[0]) return forward(inputs[0]);
        if (!OVERRIDES.get(getClass())[0]) throw missingForward();
        throw new KindlingException(getName() + ".forward() takes 1 input but " + inputs.length + " were given");
    }

    private KindlingException missingForward() {
        return new KindlingException("Module [" + getName() + "] is missing the required \"forward\" function");
    }

    /**
     * Runs the module as Python's {@code module(*inputs)}: forward pre-hooks (which may replace
     * the inputs), {@code forward}, then forward hooks (which may replace the output).
     */
    public final Tensor call(Tensor... inputs) {
        Tensor[] in = inputs;
        for (Registered<ForwardPreHook> h : forwardPreHooks) {
            Tensor[] r = h.fn.apply(this, in);
            if (r != null) in = r;
        }
        Tensor out = in.length == 1 ? forward(in[0]) : forward(in);
        for (Registered<ForwardHook> h : forwardHooks) {
            Tensor r = h.fn.apply(this, in, out);
            if (r != null) out = r;
        }
        return out;
    }

    /** Called before {@code forward} by {@link #call}; returns replacement inputs, or null to keep them. */
    @FunctionalInterface
    public interface ForwardPreHook {
        Tensor[] apply(Module module, Tensor[] inputs);
    }

    /** Called after {@code forward} by {@link #call}; returns a replacement output, or null to keep it. */
    @FunctionalInterface
    public interface ForwardHook {
        Tensor apply(Module module, Tensor[] inputs, Tensor output);
    }

    /** One registration of a hook: identity-equal, so a hook registered twice is removed once per handle. */
    private static final class Registered<F> {
        final F fn;

        Registered(F fn) { this.fn = fn; }
    }

    private static <F> RemovableHandle register(List<Registered<F>> hooks, F fn) {
        Registered<F> r = new Registered<>(fn);
        hooks.add(r);
        return () -> hooks.remove(r);
    }

    /** Registers a hook run before each {@link #call}; the handle removes it. */
    public RemovableHandle registerForwardPreHook(ForwardPreHook hook) { return register(forwardPreHooks, hook); }

    /** Registers a hook run after each {@link #call}'s forward; the handle removes it. */
    public RemovableHandle registerForwardHook(ForwardHook hook) { return register(forwardHooks, hook); }

    // =====================================================================================
    // Printing
    // =====================================================================================

    /** The name printed for this module: its class's simple name. */
    public String getName() {
        String s = getClass().getSimpleName();
        if (!s.isEmpty()) return s;
        String n = getClass().getName();
        return n.substring(n.lastIndexOf('.') + 1);
    }

    /** The module's own settings for {@link #toString()}, as PyTorch's {@code extra_repr} ({@code ""} for none). */
    protected String extraRepr() { return ""; }

    /**
     * PyTorch's repr: {@code Linear(in_features=784, out_features=512, bias=True)}, and for a
     * module with children one {@code (name): child} line each, indented by two spaces.
     */
    @Override
    public String toString() {
        String extra = extraRepr();
        List<String> extraLines = extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\n", -1));
        List<String> childLines = new ArrayList<>();
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            String s = e.getValue() == null ? "None" : e.getValue().toString();
            childLines.add(indent("(" + e.getKey() + "): " + s, 2));
        }
        return reprOf(getName(), extraLines, childLines);
    }

    static String reprOf(String name, List<String> extraLines, List<String> childLines) {
        List<String> lines = new ArrayList<>(extraLines);
        lines.addAll(childLines);
        StringBuilder sb = new StringBuilder(name).append('(');
        if (!lines.isEmpty()) {
            if (extraLines.size() == 1 && childLines.isEmpty()) sb.append(extraLines.get(0));
            else sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return sb.append(')').toString();
    }

    /** Python's {@code _addindent}: indents every line but the first. */
    static String indent(String s, int spaces) {
        String[] lines = s.split("\n", -1);
        if (lines.length == 1) return s;
        String pad = " ".repeat(spaces);
        StringBuilder sb = new StringBuilder(lines[0]);
        for (int i = 1; i < lines.length; i++) sb.append('\n').append(pad).append(lines[i]);
        return sb.toString();
    }

    /** The registered submodules in order, with null entries (for containers). */
    Map<String, Module> moduleRegistry() { return modules; }
}
