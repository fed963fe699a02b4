package dev.kindling.nn;

import dev.kindling.Tensor;

/** Splits dim {@code dim} into {@code sizes}, as {@code torch.nn.Unflatten}. */
public class Unflatten extends Module {
    private final int dim;
    private final int[] sizes;

    public Unflatten(int dim, int... unflattenedSize) {
        if (unflattenedSize.length == 0) throw new IllegalArgumentException("Unflatten: unflattened_size must not be empty");
        this.dim = dim;
        this.sizes = unflattenedSize.clone();
    }

    @Override
    public Tensor forward(Tensor input) { return input.unflatten(dim, sizes); }

    @Override
    protected String extraRepr() { return "dim=" + dim + ", unflattened_size=" + Repr.tuple(sizes); }
}
