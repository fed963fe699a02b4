package dev.kindling.autograd;

import dev.kindling.Tensor;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Tensor hooks: where a hook lives is an autograd detail. A non-leaf's hooks run on the gradient
 * flowing into its grad_fn's slot; a leaf's run before its AccumulateGrad; retained grads are
 * recorded after the other hooks have run, as in PyTorch 2.
 */
public final class Hooks {
    private Hooks() {}

    public static RemovableHandle registerTensorHook(Tensor t, UnaryOperator<Tensor> hook) {
        Edge e = Graph.gradientEdge(t);
        return e.node().addTensorHook(e.inputNr(), hook);
    }

    public static RemovableHandle registerPostAccumulateHook(Tensor leaf, Consumer<Tensor> hook) {
        AccumulateGrad acc = (AccumulateGrad) Graph.gradientEdge(leaf).node();
        return acc.addPostHook(hook);
    }

    public static void retainGrad(Node gradFn, int outputNr, Tensor t) {
        gradFn.setRetainGrad(outputNr, t);
    }
}
