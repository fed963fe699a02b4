package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.Arrays;

/**
 * The common part of {@link Conv1d}, {@link Conv2d} and {@link ConvTranspose2d} (PyTorch's
 * {@code _ConvNd}): the settings, their checks, the weight and bias with PyTorch's default
 * initialisation (weight {@code kaiming_uniform_(a=√5)}, bias U(-1/√fan_in, 1/√fan_in)), and
 * the printed form. A convolution's weight is {@code [out, in/groups, *kernel]}, a transposed
 * one's {@code [in, out/groups, *kernel]}. Padding is per spatial dim, or the string "same" or
 * "valid"; {@code paddingMode} "zeros" pads inside the convolution, "reflect", "replicate" and
 * "circular" pad a copy of the input first.
 */
public abstract class ConvBase extends Module {
    final int inChannels;
    final int outChannels;
    final int[] kernelSize;
    final int[] stride;
    final int[] padding;        // per spatial dim; for "same", the left (before) padding
    final String paddingString; // "same", "valid" or null
    final int[] dilation;
    final int[] outputPadding;
    final int groups;
    final String paddingMode;
    /** F.pad's argument for a non-zeros padding mode: (before, after) pairs from the last dim. */
    final int[] reversedPadding;

    ConvBase(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, String paddingString, int[] dilation,
             int[] outputPadding, int groups, boolean bias, String paddingMode, boolean transposed) {
        int dims = kernelSize.length;
        if (groups <= 0) throw new IllegalArgumentException("groups must be a positive integer");
        if (inChannels % groups != 0) throw new IllegalArgumentException("in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new IllegalArgumentException("out_channels must be divisible by groups");
        if (paddingString != null) {
            if (!"same".equals(paddingString) && !"valid".equals(paddingString)) {
                throw new IllegalArgumentException("Invalid padding string '" + paddingString + "', should be one of {'valid', 'same'}");
            }
            if ("same".equals(paddingString) && Arrays.stream(stride).anyMatch(s -> s != 1)) {
                throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
            }
        }
        if (!"zeros".equals(paddingMode) && !"reflect".equals(paddingMode) && !"replicate".equals(paddingMode)
                && !"circular".equals(paddingMode)) {
            throw new IllegalArgumentException("padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got "
                    + "padding_mode='" + paddingMode + "'");
        }
        if (transposed && !"zeros".equals(paddingMode)) {
            throw new IllegalArgumentException("Only \"zeros\" padding mode is supported for " + getName());
        }
        for (int[] a : new int[][] {stride, dilation, outputPadding}) {
            if (a.length != dims) throw new IllegalArgumentException(getName() + ": expected " + dims + " values per setting, got " + Arrays.toString(a));
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.paddingString = paddingString;
        this.dilation = dilation.clone();
        this.outputPadding = outputPadding.clone();
        this.groups = groups;
        this.paddingMode = paddingMode;
        this.reversedPadding = new int[2 * dims];
        this.padding = new int[dims];
        for (int i = 0; i < dims; i++) {
            int before, after;
            if ("same".equals(paddingString)) {
                int total = dilation[i] * (kernelSize[i] - 1);
                before = total / 2;
                after = total - before;
            } else if ("valid".equals(paddingString)) {
                before = after = 0;
            } else {
                if (padding.length != dims) throw new IllegalArgumentException(getName() + ": expected " + dims + " padding values, got "
                        + Arrays.toString(padding));
                before = after = padding[i];
            }
            this.padding[i] = before;
            int r = dims - 1 - i;
            reversedPadding[2 * r] = before;
            reversedPadding[2 * r + 1] = after;
        }
        int[] shape = new int[dims + 2];
        shape[0] = transposed ? inChannels : outChannels;
        shape[1] = (transposed ? outChannels : inChannels) / groups;
        System.arraycopy(kernelSize, 0, shape, 2, dims);
        registerParameter("weight", Torch.empty(shape));
        registerParameter("bias", bias ? Torch.empty(outChannels) : null);
        resetParameters();
    }

    /** Re-draws the weight and bias with PyTorch's default initialisation. */
    public void resetParameters() { Linear.resetLinearLike(weight(), bias()); }

    public Tensor weight() { return param("weight"); }

    /** The bias, or null when built without one. */
    public Tensor bias() { return param("bias"); }

    public int inChannels() { return inChannels; }

    public int outChannels() { return outChannels; }

    /** The input padded by the padding mode when it is not "zeros" (then the convolution pads nothing). */
    Tensor padded(Tensor input) {
        return "zeros".equals(paddingMode) ? input : dev.kindling.nn.functional.F.pad(input, reversedPadding, paddingMode, 0);
    }

    private static boolean all(int[] a, int v) { return Arrays.stream(a).allMatch(x -> x == v); }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(Repr.tuple(kernelSize)).append(", stride=").append(Repr.tuple(stride));
        if (paddingString != null) s.append(", padding=").append(paddingString);
        else if (!all(padding, 0)) s.append(", padding=").append(Repr.tuple(padding));
        if (!all(dilation, 1)) s.append(", dilation=").append(Repr.tuple(dilation));
        if (!all(outputPadding, 0)) s.append(", output_padding=").append(Repr.tuple(outputPadding));
        if (groups != 1) s.append(", groups=").append(groups);
        if (bias() == null) s.append(", bias=False");
        if (!"zeros".equals(paddingMode)) s.append(", padding_mode=").append(paddingMode);
        return s.toString();
    }

    static int[] rep(int v, int n) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }
}
