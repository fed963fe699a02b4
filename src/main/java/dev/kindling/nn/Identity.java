package dev.kindling.nn;

import dev.kindling.Tensor;

/** Returns its input unchanged, as {@code torch.nn.Identity}: a placeholder, e.g. for a removed head. */
public class Identity extends Module {
    public Identity() {}

    @Override
    public Tensor forward(Tensor input) { return input; }
}
