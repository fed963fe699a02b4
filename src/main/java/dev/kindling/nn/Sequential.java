package dev.kindling.nn;

import dev.kindling.Tensor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chain of modules, each fed the previous one's output, as {@code torch.nn.Sequential}. Built
 * from modules (named {@code "0"}, {@code "1"}, ...) or from an ordered map of names; the
 * registry is read at every forward, so {@code setSubmodule("2", ...)} takes effect at once.
 *
 * <pre>{@code
 * Module net = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10));
 * net.setSubmodule("2", new Linear(512, 100));   // a new head
 * }</pre>
 */
public class Sequential extends Module implements Iterable<Module> {
    public Sequential(Module... modules) {
        for (Module m : modules) append(m);
    }

    /** Modules under the given names, in the map's iteration order (PyTorch's OrderedDict form). */
    public Sequential(Map<String, ? extends Module> modules) {
        for (Map.Entry<String, ? extends Module> e : modules.entrySet()) {
            if (e.getValue() == null) throw new IllegalArgumentException("Sequential: module '" + e.getKey() + "' is null");
            registerModule(e.getKey(), e.getValue());
        }
    }

    /** Appends a module under the next index; returns this. */
    public Sequential append(Module module) {
        if (module == null) throw new IllegalArgumentException("Sequential: cannot append null");
        registerModule(Integer.toString(size()), module);
        return this;
    }

    /** Same as {@link #append}. */
    public Sequential add(Module module) { return append(module); }

    /** The number of modules. */
    public int size() { return moduleRegistry().size(); }

    /** The module at position {@code index} (negative counts from the end). */
    public Module get(int index) { return entries().get(wrap(index)).getValue(); }

    /** The module registered under {@code name}. */
    @Override
    public Module get(String name) { return super.get(name); }

    /** A new Sequential of positions {@code [from, to)} sharing the modules and keeping their names. */
    public Sequential slice(int from, int to) {
        List<Map.Entry<String, Module>> e = entries();
        int n = e.size();
        int a = Math.max(0, Math.min(n, from < 0 ? from + n : from));
        int b = Math.max(a, Math.min(n, to < 0 ? to + n : to));
        Map<String, Module> part = new LinkedHashMap<>();
        for (int i = a; i < b; i++) part.put(e.get(i).getKey(), e.get(i).getValue());
        return new Sequential(part);
    }

    private List<Map.Entry<String, Module>> entries() { return new ArrayList<>(moduleRegistry().entrySet()); }

    private int wrap(int index) {
        int n = size();
        if (index < -n || index >= n) throw new IndexOutOfBoundsException("index " + index + " is out of range");
        return index < 0 ? index + n : index;
    }

    @Override
    public Iterator<Module> iterator() { return new ArrayList<>(moduleRegistry().values()).iterator(); }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : moduleRegistry().values()) x = m.call(x);
        return x;
    }
}
