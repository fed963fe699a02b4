package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * Average pooling to a fixed output size whatever the input size, as
 * {@code torch.nn.AdaptiveAvgPool2d}: {@code new AdaptiveAvgPool2d(1, 1)} is global average pooling.
 */
public class AdaptiveAvgPool2d extends Module {
    private final int[] outputSize;

    /** One int (a square output) or {@code (H, W)}. */
    public AdaptiveAvgPool2d(int... outputSize) {
        if (outputSize.length != 1 && outputSize.length != 2) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output_size must be one int or a pair, got " + outputSize.length + " values");
        }
        this.outputSize = outputSize.clone();
    }

    @Override
    public Tensor forward(Tensor input) { return F.adaptiveAvgPool2d(input, outputSize); }

    @Override
    protected String extraRepr() { return "output_size=" + Repr.intOrTuple(outputSize); }
}
