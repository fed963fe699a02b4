/**
 * {@link dev.kindling.nn.init.Init}: in-place parameter initialisation, as {@code torch.nn.init},
 * drawing from the default generator in PyTorch's order.
 */
package dev.kindling.nn.init;
