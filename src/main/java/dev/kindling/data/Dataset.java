package dev.kindling.data;

/**
 * A map-style dataset, as {@code torch.utils.data.Dataset}: a size and random access by index.
 * A {@link DataLoader} draws batches from it.
 *
 * @param <T> the type of one sample, e.g. {@code Tensor[]} for (input, target)
 */
public interface Dataset<T> {
    int size();

    T get(int index);
}
