package dev.kindling.autograd;

import dev.kindling.Tensor;

/**
 * A tensor kept by a node for its backward formula, with the version it had when saved
 * (PyTorch's {@code SavedVariable}).
 *
 * <p>{@link #unpack} fails with PyTorch's message when the tensor was modified in place since
 * (its version moved on), or when the graph's saved tensors were already freed by an earlier
 * backward without {@code retainGraph}. Versions are only checked for tensors a formula actually
 * reads, so a modification that the requested gradients do not depend on is not an error.
 */
final class SavedTensor {
    private Tensor tensor;
    private final int savedVersion;
    private final boolean isOutput;
    /** The grad_fn the tensor had when saved (for the message), null for a leaf. */
    private final String producer;
    private final int producerOutput;

    SavedTensor(Tensor t, boolean isOutput) {
        this.tensor = t;
        this.savedVersion = t.version();
        this.isOutput = isOutput;
        Node fn = t.gradFn();
        this.producer = fn == null ? null : fn.name();
        this.producerOutput = t.outputNr();
    }

    Tensor unpack() {
        Tensor t = tensor;
        if (t == null) throw new dev.kindling.KindlingException(Messages.BACKWARD_TWICE);
        if (t.version() != savedVersion) {
            String desc = "[" + t.dtype().tensorTypeName(t.device()) + " " + shapeString(t.shape()) + "]";
            String origin = producer == null ? "" : ", which is output " + producerOutput + " of " + producer + ",";
            throw new dev.kindling.KindlingException("one of the variables needed for gradient computation has been "
                    + "modified by an inplace operation: " + desc + origin + " is at version " + t.version()
                    + "; expected version " + savedVersion + " instead. "
                    + (Anomaly.isEnabled()
                        ? "Hint: the backtrace further above shows the operation that failed to compute its gradient. "
                          + "The variable in question was changed in there or anywhere later. Good luck!"
                        : "Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
                          + "with Autograd.setDetectAnomaly(true)."));
        }
        return t;
    }

    boolean isOutput() { return isOutput; }

    Tensor peek() { return tensor; }

    void replace(Tensor snapshot) { tensor = snapshot; }

    void release() { tensor = null; }

    static String shapeString(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
