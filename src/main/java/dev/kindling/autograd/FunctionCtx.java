package dev.kindling.autograd;

import dev.kindling.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The context of one call of a custom {@link Function}: what forward saves for backward (version
 * checked like any saved tensor), which inputs need gradients, and free-form state.
 */
public final class FunctionCtx {
    private SavedTensor[] saved = new SavedTensor[0];
    boolean[] needsInputGrad = new boolean[0];
    boolean materializeGrads = true;
    final java.util.Set<Tensor> nonDifferentiable = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    final java.util.Set<Tensor> dirty = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final Map<String, Object> state = new HashMap<>();
    private boolean released;

    /** Saves tensors for backward ({@code ctx.save_for_backward}). */
    public void saveForBackward(Tensor... tensors) {
        saved = new SavedTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) saved[i] = tensors[i] == null ? null : new SavedTensor(tensors[i], false);
    }

    /** The saved tensors ({@code ctx.saved_tensors}); fails if one was modified in place since. */
    public List<Tensor> savedTensors() {
        if (released) throw new dev.kindling.KindlingException(Messages.BACKWARD_TWICE);
        Tensor[] out = new Tensor[saved.length];
        for (int i = 0; i < saved.length; i++) out[i] = saved[i] == null ? null : saved[i].unpack();
        return java.util.Arrays.asList(out);
    }

    /** Whether input i needs its gradient ({@code ctx.needs_input_grad[i]}). */
    public boolean needsInputGrad(int i) { return i < needsInputGrad.length && needsInputGrad[i]; }

    /** Marks outputs that are not differentiable (e.g. indices). */
    public void markNonDifferentiable(Tensor... outputs) {
        for (Tensor t : outputs) nonDifferentiable.add(t);
    }

    /** Marks inputs that forward modified in place. */
    public void markDirty(Tensor... inputs) {
        for (Tensor t : inputs) dirty.add(t);
    }

    /** Whether backward receives zeros (true, the default) or null for outputs without a gradient. */
    public void setMaterializeGrads(boolean value) { materializeGrads = value; }

    public void put(String key, Object value) { state.put(key, value); }

    @SuppressWarnings("unchecked")
    public <T> T get(String key) { return (T) state.get(key); }

    void release() {
        released = true;
        for (SavedTensor s : saved) if (s != null) s.release();
    }
}
