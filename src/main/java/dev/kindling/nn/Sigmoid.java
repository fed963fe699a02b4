package dev.kindling.nn;

import dev.kindling.Tensor;

/** {@code 1 / (1 + exp(-x))}, as {@code torch.nn.Sigmoid}. */
public class Sigmoid extends Module {
    public Sigmoid() {}

    @Override
    public Tensor forward(Tensor input) { return input.sigmoid(); }
}
