package dev.kindling.autograd;

import dev.kindling.Tensor;

/**
 * The autograd engine's access to tensor internals that are not public API (PyTorch keeps the same
 * split between {@code Tensor} and {@code AutogradMeta}). {@code dev.kindling.Tensor} installs the
 * one implementation when it is loaded; nothing else may.
 */
public final class Internal {
    private Internal() {}

    /** What the engine needs from a tensor beyond its public methods. */
    public interface TensorAccess {
        /** Makes {@code t} the {@code outputNr}-th output of {@code fn}: it now requires grad. */
        void setHistory(Tensor t, Node fn, int outputNr);

        /** The leaf's AccumulateGrad node, created on first use. */
        AccumulateGrad gradAccumulator(Tensor leaf);

        /** The grad field, read without the non-leaf warning. */
        Tensor rawGrad(Tensor t);

        /** Sets the grad field without the public setter's checks. */
        void setRawGrad(Tensor t, Tensor grad);

        /** The gradient edge of t: its grad_fn and output slot, or its accumulator for a leaf. */
        Edge gradientEdge(Tensor t);
    }

    static volatile TensorAccess access;

    /** Called once by {@code Tensor}'s static initialiser. */
    public static void install(TensorAccess a) {
        if (access != null) throw new IllegalStateException("tensor access is already installed");
        access = a;
    }

    static TensorAccess access() {
        TensorAccess a = access;
        if (a == null) {
            // loading Tensor installs it
            try {
                Class.forName("dev.kindling.Tensor");
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = access;
        }
        return a;
    }
}
