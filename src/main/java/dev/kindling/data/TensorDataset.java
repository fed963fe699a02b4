package dev.kindling.data;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;

import java.util.Arrays;

/**
 * Samples taken along the first dim of several tensors of equal length, as
 * {@code torch.utils.data.TensorDataset}: sample i is {@code {t0[i], t1[i], ...}} (views).
 *
 * <pre>{@code
 * var ds = new TensorDataset(images, labels);   // images [N, 1, 28, 28], labels [N]
 * Tensor[] first = ds.get(0);                    // {images[0], labels[0]}
 * }</pre>
 */
public final class TensorDataset implements Dataset<Tensor[]> {
    private final Tensor[] tensors;

    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) throw new IllegalArgumentException("TensorDataset needs at least one tensor");
        int n = tensors[0].size(0);
        for (Tensor t : tensors) {
            if (t.dim() == 0 || t.size(0) != n) {
                throw new KindlingException("Size mismatch between tensors: first dims " + Arrays.toString(
                        Arrays.stream(tensors).mapToInt(x -> x.dim() == 0 ? -1 : x.size(0)).toArray()));
            }
        }
        this.tensors = tensors.clone();
    }

    /** The tensors, in order. */
    public Tensor[] tensors() { return tensors.clone(); }

    @Override
    public int size() { return tensors[0].size(0); }

    @Override
    public Tensor[] get(int index) {
        Tensor[] out = new Tensor[tensors.length];
        for (int i = 0; i < out.length; i++) out[i] = tensors[i].select(0, index);
        return out;
    }
}
