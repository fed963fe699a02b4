package dev.kindling.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A list of submodules registered as {@code "0"}, {@code "1"}, ..., as {@code torch.nn.ModuleList}:
 * it has no forward of its own; the owner iterates it. It prints runs of equal modules
 * compressed, as PyTorch does ({@code (0-2): 3 x Linear(...)}).
 */
public class ModuleList extends Module implements Iterable<Module> {
    public ModuleList(Module... modules) {
        for (Module m : modules) append(m);
    }

    public ModuleList(Iterable<? extends Module> modules) {
        for (Module m : modules) append(m);
    }

    /** Appends a module; returns this. */
    public ModuleList append(Module module) {
        registerModule(Integer.toString(size()), module);
        return this;
    }

    /** Appends every module; returns this. */
    public ModuleList extend(Iterable<? extends Module> modules) {
        for (Module m : modules) append(m);
        return this;
    }

    /** Inserts before position {@code index}, renumbering the modules after it. */
    public ModuleList insert(int index, Module module) {
        List<Module> l = new ArrayList<>(moduleRegistry().values());
        int n = l.size();
        int at = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
        l.add(at, module);
        moduleRegistry().clear();
        for (Module m : l) append(m);
        return this;
    }

    public int size() { return moduleRegistry().size(); }

    /** The module at {@code index} (negative counts from the end). */
    public Module get(int index) {
        int n = size();
        if (index < -n || index >= n) throw new IndexOutOfBoundsException("index " + index + " is out of range");
        return moduleRegistry().get(Integer.toString(index < 0 ? index + n : index));
    }

    /** Replaces the module at {@code index}. */
    public void set(int index, Module module) {
        int n = size();
        if (index < -n || index >= n) throw new IndexOutOfBoundsException("index " + index + " is out of range");
        registerModule(Integer.toString(index < 0 ? index + n : index), module);
    }

    @Override
    public Iterator<Module> iterator() { return new ArrayList<>(moduleRegistry().values()).iterator(); }

    @Override
    public String toString() {
        List<String> reprs = new ArrayList<>();
        for (Module m : moduleRegistry().values()) reprs.add(m == null ? "None" : m.toString());
        if (reprs.isEmpty()) return getName() + "()";
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= reprs.size(); i++) {
            if (i < reprs.size() && reprs.get(i).equals(reprs.get(start))) continue;
            String b = reprs.get(start);
            String local = start == i - 1 ? "(" + start + "): " + b : "(" + start + "-" + (i - 1) + "): " + (i - start) + " x " + b;
            lines.add(indent(local, 2));
            start = i;
        }
        return getName() + "(\n  " + String.join("\n  ", lines) + "\n)";
    }
}
