/**
 * {@link dev.kindling.nn.functional.F}: the stateless forms of the layers and losses, as
 * {@code torch.nn.functional}. Compositions of public tensor ops (the convolutions and poolings
 * call the core's kernels), with PyTorch's argument checks and error messages.
 */
package dev.kindling.nn.functional;
