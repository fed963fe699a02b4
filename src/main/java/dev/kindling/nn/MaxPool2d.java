package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.ValuesIndices;
import dev.kindling.nn.functional.F;

/**
 * 2-D max pooling, as {@code torch.nn.MaxPool2d}: kernel, stride (by default the kernel),
 * padding, dilation and ceil mode, each setting one int or a pair. {@link #forwardWithIndices}
 * also returns the flat index of each maximum in its input plane (PyTorch's
 * {@code return_indices=True}).
 */
public class MaxPool2d extends Module {
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final boolean ceilMode;

    public MaxPool2d(int kernelSize) { this(new int[] {kernelSize}, null, new int[] {0}, new int[] {1}, false); }

    public MaxPool2d(int kernelSize, int stride) { this(new int[] {kernelSize}, new int[] {stride}, new int[] {0}, new int[] {1}, false); }

    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1}, false);
    }

    /** @param stride null for the kernel size */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null || stride.length == 0 ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
    }

    @Override
    public Tensor forward(Tensor input) { return F.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode); }

    /** The pooled values and the flat ({@code h·W + w}) index of each maximum in its input plane. */
    public ValuesIndices forwardWithIndices(Tensor input) {
        return F.maxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Repr.intOrTuple(kernelSize) + ", stride=" + Repr.intOrTuple(stride) + ", padding="
                + Repr.intOrTuple(padding) + ", dilation=" + Repr.intOrTuple(dilation) + ", ceil_mode=" + Repr.pyBool(ceilMode);
    }
}
