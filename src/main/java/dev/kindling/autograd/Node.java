package dev.kindling.autograd;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A function of the backward graph: given the gradients of its forward op's outputs, it computes
 * the gradients of that op's inputs (PyTorch's {@code Node}, shown as a tensor's {@code gradFn}).
 *
 * <p>Created when an op runs in grad mode with an input that requires grad ({@link Graph#record}),
 * or per leaf as its {@link AccumulateGrad}. Consumed by the {@link Engine}, which calls
 * {@link #apply} once all gradients flowing into the node have been summed, in decreasing
 * {@link #sequenceNr()} order. Each node keeps, per forward input, the {@link Edge} to the node that
 * receives that input's gradient ({@code null} when the input does not require grad) and the
 * input's shape, dtype and device, against which the engine checks and reduces what
 * {@code apply} returns. Nodes never recurse into one another: the engine walks the graph.
 */
public abstract class Node {
    private static final AtomicLong NEXT_SEQUENCE = new AtomicLong();

    /** Shape, dtype and device of one forward input, to validate the gradient returned for it. */
    public record InputMeta(int[] shape, DType dtype, Device device) {
        static InputMeta of(Tensor t) {
            return new InputMeta(t.shape(), t.dtype(), t.device());
        }
    }

    final long sequenceNr;
    final Edge[] nextEdges;
    final InputMeta[] inputMeta;
    private final int numOutputs;
    /** Tensor hooks per gradient slot, run before the node (PyTorch's tensor pre-hooks). */
    private List<UnaryOperator<Tensor>>[] preHooks;
    /** Non-leaf tensors that retain their grad, per slot (run after the other hooks). */
    private Tensor[] retainGrad;
    /** The stack where the node was created, when anomaly detection was on. */
    final Throwable creationTrace;
    /** An upper bound on the number of nodes reachable from here (for the growth warning). */
    final long graphSize;

    protected Node(Edge[] nextEdges, InputMeta[] inputMeta, int numOutputs) {
        this(NEXT_SEQUENCE.getAndIncrement(), nextEdges, inputMeta, numOutputs);
    }

    Node(long sequenceNr, Edge[] nextEdges, InputMeta[] inputMeta, int numOutputs) {
        this.sequenceNr = sequenceNr;
        this.nextEdges = nextEdges;
        this.inputMeta = inputMeta;
        this.numOutputs = numOutputs;
        this.creationTrace = Anomaly.isEnabled() ? new Throwable("The node " + getClass().getSimpleName() + " was created here") : null;
        long size = 1;
        Node prev = null;
        for (Edge e : nextEdges) {
            if (e != null && e.node() != prev) {
                size = Math.min(Long.MAX_VALUE / 4, size + e.node().graphSize);
                prev = e.node();
            }
        }
        this.graphSize = size;
        GraphGrowth.check(size);
    }

    /** PyTorch's name for the node, such as "MulBackward0". */
    public abstract String name();

    /** The order in which nodes were created; the engine runs later nodes first. */
    public long sequenceNr() { return sequenceNr; }

    /** The number of gradients this node receives (its forward op's outputs). */
    public int numOutputs() { return numOutputs; }

    /** The next functions, one per forward input, as {@code grad_fn.next_functions}. */
    public List<Edge> nextFunctions() {
        List<Edge> list = new ArrayList<>(nextEdges.length);
        for (Edge e : nextEdges) list.add(e == null ? new Edge(null, 0) : e);
        return Collections.unmodifiableList(list);
    }

    /** Computes the input gradients from the output gradients ({@code null} means zero). */
    protected abstract Tensor[] apply(Tensor[] gradOutputs, boolean[] needsInputGrad);

    /** Frees saved tensors after a backward pass that did not ask to retain the graph. */
    protected void releaseVariables() {}

    /** Registers a hook on the gradient flowing into slot {@code slot}; it may return a replacement. */
    @SuppressWarnings("unchecked")
    synchronized RemovableHandle addTensorHook(int slot, UnaryOperator<Tensor> hook) {
        if (preHooks == null) preHooks = new List[numOutputs];
        if (preHooks[slot] == null) preHooks[slot] = new ArrayList<>();
        List<UnaryOperator<Tensor>> list = preHooks[slot];
        list.add(hook);
        return () -> {
            synchronized (Node.this) {
                list.remove(hook);
            }
        };
    }

    synchronized void setRetainGrad(int slot, Tensor tensor) {
        if (retainGrad == null) retainGrad = new Tensor[numOutputs];
        retainGrad[slot] = tensor;
    }

    /** Whether any tensor hook is registered on this node. */
    synchronized boolean hasTensorHooks() {
        if (preHooks == null) return false;
        for (List<UnaryOperator<Tensor>> l : preHooks) if (l != null && !l.isEmpty()) return true;
        return false;
    }

    /** Runs the tensor hooks of each slot on the incoming gradients, in registration order. */
    Tensor[] runTensorHooks(Tensor[] grads) {
        List<UnaryOperator<Tensor>>[] hooks;
        synchronized (this) {
            hooks = preHooks == null ? null : preHooks.clone();
        }
        if (hooks == null) return grads;
        Tensor[] out = grads;
        for (int s = 0; s < hooks.length; s++) {
            if (hooks[s] == null || out[s] == null) continue;
            for (UnaryOperator<Tensor> h : List.copyOf(hooks[s])) {
                Tensor r = h.apply(out[s]);
                if (r != null) {
                    if (out == grads) out = grads.clone();
                    out[s] = r;
                }
            }
        }
        return out;
    }

    /** The retained-grad tensors by slot, or null. */
    synchronized Tensor[] retainGradTargets() {
        return retainGrad == null ? null : retainGrad.clone();
    }

    @Override
    public String toString() {
        return "<" + name() + " object>";
    }

    static InputMeta[] metaOf(Tensor[] inputs) {
        InputMeta[] m = new InputMeta[inputs.length];
        for (int i = 0; i < inputs.length; i++) m[i] = inputs[i] == null ? null : InputMeta.of(inputs[i]);
        return m;
    }

    @Override
    public final boolean equals(Object o) { return this == o; }

    @Override
    public final int hashCode() { return System.identityHashCode(this); }

    /** For diagnostics: the shapes of the inputs. */
    String describeInputs() {
        StringBuilder sb = new StringBuilder();
        for (InputMeta m : inputMeta) sb.append(m == null ? "-" : Arrays.toString(m.shape())).append(' ');
        return sb.toString().trim();
    }
}
