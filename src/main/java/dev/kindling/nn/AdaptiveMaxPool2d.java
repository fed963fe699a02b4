package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.ValuesIndices;
import dev.kindling.nn.functional.F;

/** Max pooling to a fixed output size, as {@code torch.nn.AdaptiveMaxPool2d}. */
public class AdaptiveMaxPool2d extends Module {
    private final int[] outputSize;

    /** One int (a square output) or {@code (H, W)}. */
    public AdaptiveMaxPool2d(int... outputSize) {
        if (outputSize.length != 1 && outputSize.length != 2) {
            throw new IllegalArgumentException("AdaptiveMaxPool2d: output_size must be one int or a pair, got " + outputSize.length + " values");
        }
        this.outputSize = outputSize.clone();
    }

    @Override
    public Tensor forward(Tensor input) { return F.adaptiveMaxPool2d(input, outputSize).values(); }

    /** The pooled values and the flat index of each maximum in its input plane. */
    public ValuesIndices forwardWithIndices(Tensor input) { return F.adaptiveMaxPool2d(input, outputSize); }

    @Override
    protected String extraRepr() { return "output_size=" + Repr.intOrTuple(outputSize); }
}
