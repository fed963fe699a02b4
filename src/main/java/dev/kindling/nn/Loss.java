package dev.kindling.nn;

import dev.kindling.Tensor;

/**
 * The base of the loss modules (PyTorch's {@code _Loss}): holds the {@code reduction}
 * ({@code "mean"} by default, or {@code "sum"}, {@code "none"}) and calls
 * {@code forward(input, target)}. Each loss has a no-argument constructor with PyTorch's
 * defaults and fluent setters named after PyTorch's keyword arguments:
 *
 * <pre>{@code
 * var loss = new CrossEntropyLoss().labelSmoothing(0.1).reduction("sum");
 * Tensor l = loss.forward(logits, targets);
 * }</pre>
 *
 * Losses of three inputs ({@link TripletMarginLoss}, {@link CosineEmbeddingLoss},
 * {@link MarginRankingLoss}) have a three-argument {@code forward}.
 */
public abstract class Loss extends Module {
    private String reduction = "mean";

    protected Loss() {}

    /** The reduction: "mean", "sum" or "none" (KLDivLoss also "batchmean"). */
    public String reduction() { return reduction; }

    /** Sets the reduction after checking it (subclasses expose it with their own return type). */
    protected void setReduction(String reduction) {
        if (!"none".equals(reduction) && !"mean".equals(reduction) && !"sum".equals(reduction)
                && !("batchmean".equals(reduction) && this instanceof KLDivLoss)) {
            throw new IllegalArgumentException(reduction + " is not a valid value for reduction");
        }
        this.reduction = reduction;
    }

    /** The loss of {@code input} against {@code target}. */
    public Tensor forward(Tensor input, Tensor target) {
        throw new IllegalArgumentException(getName() + ".forward() takes " + arity() + " inputs but 2 were given");
    }

    /** The number of inputs forward takes. */
    protected int arity() { return 2; }

    @Override
    public Tensor forward(Tensor... inputs) {
        if (inputs.length != arity()) {
            throw new IllegalArgumentException(getName() + ".forward() takes " + arity() + " inputs but " + inputs.length + " were given");
        }
        return inputs.length == 2 ? forward(inputs[0], inputs[1]) : forward3(inputs[0], inputs[1], inputs[2]);
    }

    /** The three-input forward of the losses that have one. */
    Tensor forward3(Tensor a, Tensor b, Tensor c) {
        throw new IllegalArgumentException(getName() + ".forward() takes " + arity() + " inputs but 3 were given");
    }
}
