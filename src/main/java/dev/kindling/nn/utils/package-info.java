/**
 * {@link dev.kindling.nn.utils.Utils}: gradient clipping and the conversion between parameters
 * and one flat vector, as {@code torch.nn.utils}.
 */
package dev.kindling.nn.utils;
