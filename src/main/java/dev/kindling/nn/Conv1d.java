package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;

/**
 * 1-D convolution over {@code [N, C, L]} (or unbatched {@code [C, L]}) inputs, as
 * {@code torch.nn.Conv1d}: weight {@code [out, in/groups, k]}, bias {@code [out]}; computed as a
 * 2-D convolution of height 1. See {@link ConvBase} for the initialisation and padding modes.
 */
public class Conv1d extends ConvBase {
    public Conv1d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0); }

    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true, "zeros");
    }

    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias,
                  String paddingMode) {
        super(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, null, new int[] {dilation},
                new int[1], groups, bias, paddingMode, false);
    }

    /** With padding "same" (stride 1) or "valid". */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, String padding, int dilation, int groups, boolean bias,
                  String paddingMode) {
        super(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[0], padding, new int[] {dilation},
                new int[1], groups, bias, paddingMode, false);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (!"zeros".equals(paddingMode)) return F.conv1d(padded(input), weight(), bias(), stride[0], 0, dilation[0], groups);
        if ("same".equals(paddingString)) return F.conv1d(input, weight(), bias(), stride[0], "same", dilation[0], groups);
        return F.conv1d(input, weight(), bias(), stride[0], padding[0], dilation[0], groups);
    }
}
