package dev.kindling.nn;

import dev.kindling.Tensor;

/** {@code tanh(x)}, as {@code torch.nn.Tanh}. */
public class Tanh extends Module {
    public Tanh() {}

    @Override
    public Tensor forward(Tensor input) { return input.tanh(); }
}
