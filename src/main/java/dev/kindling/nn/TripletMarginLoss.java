package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * {@code max(0, margin + d(a, p) - d(a, n))}, as {@code torch.nn.TripletMarginLoss} (margin 1,
 * p 2, eps 1e-6, no swap); see {@link F#tripletMarginLoss}.
 *
 * <pre>{@code
 * new TripletMarginLoss(1.0).forward(anchor, positive, negative);
 * }</pre>
 */
public class TripletMarginLoss extends Loss {
    private double margin = 1.0;
    private double p = 2.0;
    private double eps = 1e-6;
    private boolean swap;

    public TripletMarginLoss() {}

    public TripletMarginLoss(double margin) { this.margin = margin; }

    public TripletMarginLoss margin(double margin) {
        this.margin = margin;
        return this;
    }

    /** The norm degree of the pairwise distance. */
    public TripletMarginLoss p(double p) {
        this.p = p;
        return this;
    }

    public TripletMarginLoss eps(double eps) {
        this.eps = eps;
        return this;
    }

    /** Whether to use the distance swap (the smaller of d(a, n) and d(p, n)). */
    public TripletMarginLoss swap(boolean swap) {
        this.swap = swap;
        return this;
    }

    public TripletMarginLoss reduction(String reduction) {
        setReduction(reduction);
        return this;
    }

    public Tensor forward(Tensor anchor, Tensor positive, Tensor negative) {
        return F.tripletMarginLoss(anchor, positive, negative, margin, p, eps, swap, reduction());
    }

    @Override
    protected int arity() { return 3; }

    @Override
    Tensor forward3(Tensor a, Tensor b, Tensor c) { return forward(a, b, c); }
}
