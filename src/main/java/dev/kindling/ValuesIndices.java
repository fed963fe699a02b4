package dev.kindling;

/**
 * The values and int64 indices returned by {@code max(dim)}, {@code min(dim)}, {@code sort},
 * {@code topk}, {@code cummax} and friends, as PyTorch's named tuples.
 *
 * <pre>{@code
 * var r = t.max(1);
 * r.values(); r.indices();
 * }</pre>
 */
public record ValuesIndices(Tensor values, Tensor indices) {}
