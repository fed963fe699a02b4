package dev.kindling.autograd;

import dev.kindling.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The node of a leaf tensor that requires grad: the engine sends it the leaf's gradient, which it
 * adds into the leaf's {@code grad} (PyTorch's {@code AccumulateGrad}). One per leaf, created on
 * first use and cached on the tensor. It runs before any other ready node, as in PyTorch.
 */
public final class AccumulateGrad extends Node {
    private final Tensor variable;
    private final List<Consumer<Tensor>> postHooks = new ArrayList<>();

    AccumulateGrad(Tensor variable) {
        super(Long.MAX_VALUE, new Edge[0], new InputMeta[0], 1);
        this.variable = variable;
    }

    /** Creates the accumulator of {@code leaf} (called through the tensor's internals). */
    public static AccumulateGrad create(Tensor leaf) {
        return new AccumulateGrad(leaf);
    }

    /** The leaf this node accumulates into. */
    public Tensor variable() { return variable; }

    @Override
    public String name() { return "torch::autograd::AccumulateGrad"; }

    @Override
    protected Tensor[] apply(Tensor[] gradOutputs, boolean[] needsInputGrad) {
        return new Tensor[0]; // the engine accumulates, after the pass succeeds
    }

    synchronized RemovableHandle addPostHook(Consumer<Tensor> hook) {
        postHooks.add(hook);
        return () -> {
            synchronized (AccumulateGrad.this) {
                postHooks.remove(hook);
            }
        };
    }

    synchronized List<Consumer<Tensor>> postHooks() { return List.copyOf(postHooks); }

    /**
     * Adds {@code g} into the leaf's grad: when there is none, stored as g itself if the engine
     * found that nothing else can reach g's memory ({@code steal}), else as a fresh copy; added in
     * place otherwise, or out of place (keeping history) under createGraph.
     */
    void accumulate(Tensor g, boolean createGraph, boolean steal) {
        Internal.TensorAccess a = Internal.access();
        Tensor old = a.rawGrad(variable);
        if (old == null) {
            a.setRawGrad(variable, createGraph ? g.clone() : steal ? g.detach() : g.detach().clone());
        } else if (!createGraph && !old.requiresGrad()) {
            try (var s = GradMode.scope(false)) {
                old.add_(g);
            }
        } else {
            a.setRawGrad(variable, old.add(g));
        }
    }
}
