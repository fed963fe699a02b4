package dev.kindling.autograd;

import dev.kindling.Tensor;

/**
 * The backward node of an op recorded from the {@link Derivatives} table: its row, the tensors it
 * saved, and the op's other arguments. Applies the row's formula to the incoming gradient.
 */
final class OpNode extends Node {
    private final Derivative derivative;
    private final SavedTensor[] savedInputs;
    private SavedTensor savedResult;
    private final Object[] args;
    private final BackwardContext ctx = new BackwardContext(this);
    private volatile boolean released;

    OpNode(Derivative d, Edge[] edges, InputMeta[] meta, Tensor[] inputs, Object[] args) {
        super(edges, meta, 1);
        this.derivative = d;
        this.savedInputs = new SavedTensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if ((d.saves & (1 << i)) != 0 && inputs[i] != null) savedInputs[i] = new SavedTensor(inputs[i], false);
        }
        Object[] a = args.clone();
        for (int i = 0; i < a.length; i++) if (a[i] instanceof Tensor t) a[i] = new SavedTensor(t, false);
        this.args = a;
    }

    void saveResult(Tensor out) {
        if ((derivative.saves & Derivative.RESULT) != 0) savedResult = new SavedTensor(out, true);
    }

    @Override
    public String name() { return derivative.name; }

    Tensor savedInput(int i) {
        SavedTensor s = savedInputs[i];
        if (s == null) {
            if (released) throw new dev.kindling.KindlingException(Messages.BACKWARD_TWICE);
            throw new IllegalStateException(derivative.name + " did not save input " + i);
        }
        return s.unpack();
    }

    Tensor savedResult() {
        if (savedResult == null) {
            if (released) throw new dev.kindling.KindlingException(Messages.BACKWARD_TWICE);
            throw new IllegalStateException(derivative.name + " did not save its result");
        }
        return savedResult.unpack();
    }

    Object arg(int i) {
        Object a = args[i];
        return a instanceof SavedTensor s ? s.unpack() : a;
    }

    /** Replaces a saved tensor that is about to be overwritten in place by a snapshot of its value. */
    void snapshotSaved(Tensor target, java.util.function.Supplier<Tensor> snapshot) {
        Tensor snap = null;
        for (SavedTensor s : savedInputs) {
            if (s != null && s.peek() == target) {
                if (snap == null) snap = snapshot.get();
                s.replace(snap);
            }
        }
        for (Object a : args) {
            if (a instanceof SavedTensor s && s.peek() == target) {
                if (snap == null) snap = snapshot.get();
                s.replace(snap);
            }
        }
    }

    @Override
    protected Tensor[] apply(Tensor[] gradOutputs, boolean[] needsInputGrad) {
        Tensor g = gradOutputs[0];
        if (g == null) return new Tensor[nextEdges.length];
        ctx.setNeeds(needsInputGrad);
        try {
            return derivative.formula.apply(ctx, g);
        } finally {
            ctx.setNeeds(null);
        }
    }

    @Override
    protected void releaseVariables() {
        released = true;
        for (SavedTensor s : savedInputs) if (s != null) s.release();
        if (savedResult != null) savedResult.release();
        for (Object a : args) if (a instanceof SavedTensor s) s.release();
    }
}
