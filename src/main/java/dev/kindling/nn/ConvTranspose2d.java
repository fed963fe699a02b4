package dev.kindling.nn;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

import java.util.Arrays;

/**
 * Transposed 2-D convolution (the gradient of a convolution with respect to its input), as
 * {@code torch.nn.ConvTranspose2d}: weight {@code [in, out/groups, kH, kW]}, bias {@code [out]};
 * see {@link ConvBase}. {@link #forward(Tensor, int...)} picks the output padding that gives a
 * requested output size, as PyTorch's {@code output_size} argument.
 */
public class ConvTranspose2d extends ConvBase {
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0, 0); }

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding) {
        this(inChannels, outChannels, rep(kernelSize, 2), rep(stride, 2), rep(padding, 2), rep(outputPadding, 2), 1, true, rep(1, 2));
    }

    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding,
                           int groups, boolean bias, int[] dilation) {
        super(inChannels, outChannels, kernelSize, stride, padding, null, dilation, outputPadding, groups, bias, "zeros", true);
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.convTranspose2d(input, weight(), bias(), stride, padding, outputPadding, groups, dilation);
    }

    /** The forward whose output has spatial size {@code outputSize} ({@code [H, W]}, or with batch and channel dims). */
    public Tensor forward(Tensor input, int... outputSize) {
        return F.convTranspose2d(input, weight(), bias(), stride, padding, outputPaddingFor(input, outputSize), groups, dilation);
    }

    private int[] outputPaddingFor(Tensor input, int[] outputSize) {
        int nonSpatial = input.dim() == 4 ? 2 : 1;
        int[] size = outputSize.length == nonSpatial + 2 ? Arrays.copyOfRange(outputSize, nonSpatial, outputSize.length) : outputSize;
        if (size.length != 2) {
            throw new KindlingException("ConvTranspose2D: for " + input.dim() + "D input, output_size must have 2 or "
                    + (nonSpatial + 2) + " elements (got " + outputSize.length + ")");
        }
        int[] min = new int[2], max = new int[2], res = new int[2];
        for (int d = 0; d < 2; d++) {
            min[d] = (input.size(d + nonSpatial) - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernelSize[d] - 1) + 1;
            max[d] = min[d] + stride[d] - 1;
        }
        for (int d = 0; d < 2; d++) {
            if (size[d] < min[d] || size[d] > max[d]) {
                throw new KindlingException("requested an output size of " + Arrays.toString(size) + ", but valid sizes range from "
                        + Arrays.toString(min) + " to " + Arrays.toString(max) + " (for an input of "
                        + Arrays.toString(Arrays.copyOfRange(input.shape(), nonSpatial, input.dim())) + ")");
            }
            res[d] = size[d] - min[d];
        }
        return res;
    }
}
