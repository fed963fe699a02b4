package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * 2-D convolution over {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}) inputs, as
 * {@code torch.nn.Conv2d}: weight {@code [out, in/groups, kH, kW]}, bias {@code [out]}; see
 * {@link ConvBase} for the initialisation and padding modes.
 *
 * <pre>{@code
 * new Conv2d(3, 64, 7, 2, 3, 1, 1, false);      // ResNet's stem: kernel 7, stride 2, padding 3, no bias
 * new Conv2d(16, 16, new int[] {3, 3}, new int[] {1, 1}, "same", new int[] {1, 1}, 1, true, "reflect");
 * }</pre>
 */
public class Conv2d extends ConvBase {
    public Conv2d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0); }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias) {
        this(inChannels, outChannels, rep(kernelSize, 2), rep(stride, 2), rep(padding, 2), rep(dilation, 2), groups, bias, "zeros");
    }

    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, String paddingMode) {
        super(inChannels, outChannels, kernelSize, stride, padding, null, dilation, new int[2], groups, bias, paddingMode, false);
    }

    /** With padding "same" (stride 1) or "valid". */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, String padding, int[] dilation, int groups,
                  boolean bias, String paddingMode) {
        super(inChannels, outChannels, kernelSize, stride, new int[0], padding, dilation, new int[2], groups, bias, paddingMode, false);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (!"zeros".equals(paddingMode)) return F.conv2d(padded(input), weight(), bias(), stride, new int[] {0}, dilation, groups);
        if ("same".equals(paddingString)) return F.conv2d(input, weight(), bias(), stride, "same", dilation, groups);
        return F.conv2d(input, weight(), bias(), stride, padding, dilation, groups);
    }
}
