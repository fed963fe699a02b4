package dev.kindling.autograd;

import dev.kindling.Tensor;

/**
 * Records ops into the backward graph (the autograd half of dispatch). An op calls
 * {@link #record} with its derivatives-table row, its fresh output and its inputs; when grad mode
 * is on and some input requires grad, the output gets a new {@link OpNode} as its {@code gradFn}
 * and so requires grad itself; otherwise nothing happens and the call costs two checks.
 */
public final class Graph {
    private Graph() {}

    /** Whether an op on these inputs would be recorded now. */
    public static boolean isRecording(Tensor a) {
        return a.requiresGrad() && GradMode.isEnabled();
    }

    public static boolean isRecording(Tensor a, Tensor b) {
        return (a.requiresGrad() || (b != null && b.requiresGrad())) && GradMode.isEnabled();
    }

    public static boolean isRecording(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /** Records a unary op: {@code out = op(a)}. Returns {@code out}. */
    public static Tensor record(Derivative d, Tensor out, Tensor a, Object... args) {
        if (!isRecording(a)) return out;
        return doRecord(d, out, new Tensor[] {a}, args);
    }

    /**
     * Records a binary op: {@code out = op(a, b)}; b may be null (a scalar). Returns {@code out}.
     * (Named apart from {@link #record} so that a tensor argument is never taken for an input.)
     */
    public static Tensor record2(Derivative d, Tensor out, Tensor a, Tensor b, Object... args) {
        if (!isRecording(a, b)) return out;
        return doRecord(d, out, new Tensor[] {a, b}, args);
    }

    /** Records an op with any number of tensor inputs (null entries are constants). */
    public static Tensor recordN(Derivative d, Tensor out, Tensor[] inputs, Object... args) {
        if (!isRecording(inputs)) return out;
        return doRecord(d, out, inputs, args);
    }

    private static Tensor doRecord(Derivative d, Tensor out, Tensor[] inputs, Object[] args) {
        Internal.TensorAccess access = Internal.access();
        Edge[] edges = new Edge[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            edges[i] = t != null && t.requiresGrad() ? access.gradientEdge(t) : null;
        }
        OpNode node = new OpNode(d, edges, Node.metaOf(inputs), inputs, args);
        access.setHistory(out, node, 0);
        node.saveResult(out);
        return out;
    }

    /**
     * For an in-place op recorded out of place: if the node that produced {@code result} saved
     * {@code target} (which is about to be overwritten), it keeps {@code snapshot}'s value instead.
     */
    public static void protectSaved(Tensor result, Tensor target, java.util.function.Supplier<Tensor> snapshot) {
        if (result.gradFn() instanceof OpNode op) op.snapshotSaved(target, snapshot);
    }

    /** Whether a tensor of shape {@code target} broadcasts to {@code shape}. */
    public static boolean isExpandable(int[] target, int[] shape) {
        return Engine.expandable(target, shape);
    }

    /** The gradient edge of a tensor that requires grad (grad_fn and slot, or its accumulator). */
    public static Edge gradientEdge(Tensor t) {
        return Internal.access().gradientEdge(t);
    }
}
