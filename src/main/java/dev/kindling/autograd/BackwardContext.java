package dev.kindling.autograd;

import dev.kindling.DType;
import dev.kindling.Tensor;

/**
 * What a formula of the derivatives table can read: the saved inputs and result (version-checked),
 * the inputs' shapes and dtypes, the op's non-tensor arguments, and which input gradients are
 * wanted. One context per recorded op, owned by its {@link OpNode}.
 */
public final class BackwardContext {
    private final OpNode node;
    private boolean[] needs;

    BackwardContext(OpNode node) {
        this.node = node;
    }

    void setNeeds(boolean[] needs) { this.needs = needs; }

    /** Whether the gradient of forward input i is wanted (PyTorch's should_compute_output). */
    public boolean needs(int i) { return needs != null && i < needs.length && needs[i]; }

    /** Forward input i as saved (fails if it was modified in place since, or freed). */
    public Tensor input(int i) { return node.savedInput(i); }

    /** The forward result as saved. */
    public Tensor result() { return node.savedResult(); }

    /** Input i's shape. */
    public int[] shape(int i) { return node.inputMeta[i].shape(); }

    public DType dtype(int i) { return node.inputMeta[i].dtype(); }

    /** The op's i-th extra argument; tensors among them are saved and version-checked. */
    public Object arg(int i) { return node.arg(i); }

    public Tensor tensorArg(int i) { return (Tensor) arg(i); }

    public int intArg(int i) { return ((Number) arg(i)).intValue(); }

    public long longArg(int i) { return ((Number) arg(i)).longValue(); }

    public double doubleArg(int i) { return ((Number) arg(i)).doubleValue(); }

    public boolean boolArg(int i) { return (Boolean) arg(i); }

    public int[] intsArg(int i) { return (int[]) arg(i); }
}
