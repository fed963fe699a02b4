package dev.kindling.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Submodules under string keys, in insertion order, as {@code torch.nn.ModuleDict}: it has no
 * forward of its own; the owner looks modules up.
 */
public class ModuleDict extends Module {
    public ModuleDict() {}

    public ModuleDict(Map<String, ? extends Module> modules) { update(modules); }

    /** Adds or replaces the module under {@code key}. */
    public ModuleDict put(String key, Module module) {
        registerModule(key, module);
        return this;
    }

    /** Adds or replaces every entry of {@code modules}, in its iteration order. */
    public ModuleDict update(Map<String, ? extends Module> modules) {
        for (Map.Entry<String, ? extends Module> e : modules.entrySet()) registerModule(e.getKey(), e.getValue());
        return this;
    }

    /** The module under {@code key}; throws when there is none. */
    @Override
    public Module get(String key) { return super.get(key); }

    public boolean containsKey(String key) { return moduleRegistry().containsKey(key); }

    /** Removes and returns the module under {@code key}. */
    public Module pop(String key) {
        Module m = get(key);
        moduleRegistry().remove(key);
        return m;
    }

    public int size() { return moduleRegistry().size(); }

    /** The keys, in insertion order. */
    public List<String> keys() { return new ArrayList<>(moduleRegistry().keySet()); }

    public List<Module> values() { return new ArrayList<>(moduleRegistry().values()); }

    public void clear() { moduleRegistry().clear(); }
}
