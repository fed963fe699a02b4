package dev.kindling.backend.cpu;

import java.util.Objects;

/**
 * 2-D pooling on Java arrays (float and double): max, average, adaptive average and adaptive max
 * pooling, forward and backward. This is the CPU backend's pooling kernel; the tensor layer
 * (max_pool2d, avg_pool2d, adaptive_*_pool2d and their derivatives) calls it with contiguous NCHW
 * arrays and offsets.
 *
 * <p>Shapes: input {@code [n, c, h, w]}, output (and indices) {@code [n, c, oH, oW]}, each array
 * contiguous from its offset. Windows, output sizes, tie and NaN rules follow PyTorch's CPU
 * kernels: the output size is {@link #outSize} (with ceil mode's rule that the last window must
 * start inside the input or the left padding); a max window returns the first largest element, or
 * the last NaN; indices are flat positions {@code ih·w + iw} within each input plane, as
 * {@code torch.max_pool2d_with_indices} returns them; adaptive windows run from
 * {@code floor(i·in/out)} to {@code ceil((i+1)·in/out)}. Forward and backward routines overwrite
 * their output; backward routines take the input size (h, w) and the output size (oH, oW).
 * Work is split over threads by plane (n·c planes). Window sums are accumulated in double.
 *
 * <p>Bad geometry throws {@link IllegalArgumentException} with PyTorch's wording prefixed by the
 * routine, e.g. {@code "max_pool2d: Given input size: (3x2x2). Calculated output size: (3x0x0).
 * Output size is too small"}.
 */
public final class Pool {
    private Pool() {}

    /** The max-pooling row kernel in use: Vector API when available, plain Java otherwise. */
    static final PoolKernel KERNEL = Simd.choose("dev.kindling.backend.cpu.VectorPoolKernel",
            PoolKernel.class, new PoolKernel.Scalar());

    /** Positions in a row of windows from which {@link #KERNEL} takes one output row at a time (four float vectors). */
    static final int WIDE_ROW = 64;
    /** Positions of input a block of narrower output rows spans in one call of {@link #KERNEL}. */
    static final int BLOCK_SPAN = 2048;

    /** Output rows per call of {@link #KERNEL}: one when a row is wide, else enough to span about {@link #BLOCK_SPAN}. */
    static int kernelRows(int cols, int sW, int rowStep) {
        return cols * sW >= WIDE_ROW ? 1 : Math.max(1, BLOCK_SPAN / Math.max(1, rowStep));
    }

    /**
     * The output length of a pooling window along one dimension, as PyTorch computes it:
     * {@code floor((in + 2·pad − dil·(k − 1) − 1 + (ceilMode ? stride − 1 : 0)) / stride) + 1},
     * minus one in ceil mode when the last window would start at or past {@code in + pad}.
     */
    public static int outSize(int in, int k, int pad, int stride, int dil, boolean ceilMode) {
        int out = Math.floorDiv(in + 2 * pad - dil * (k - 1) - 1 + (ceilMode ? stride - 1 : 0), stride) + 1;
        if (ceilMode && (out - 1) * stride >= in + pad) out--;
        return out;
    }

    /** The checked sizes of one call. Adaptive pooling uses only n, c, h, w, oH, oW. */
    record Geometry(int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                    int padH, int padW, int dilH, int dilW, int oH, int oW) {
        int planes() { return n * c; }

        int inPlane() { return h * w; }

        int outPlane() { return oH * oW; }
    }

    // ---- max pooling ----

    /**
     * Max pooling forward in float: {@code output} gets each window's maximum and
     * {@code indices} its flat position {@code ih·w + iw} in the input plane.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void maxPool2d(float[] input, int inOff, float[] output, int outOff, long[] indices, int idxOff,
                                 int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                                 int padH, int padW, int dilH, int dilW, boolean ceilMode) {
        Geometry g = window("max_pool2d", n, c, h, w, kH, kW, strideH, strideW, padH, padW, dilH, dilW, ceilMode);
        arrays("max_pool2d", g, len(input), inOff, len(output), outOff);
        Conv.fits("max_pool2d", "indices", len(indices), idxOff, (long) g.planes() * g.outPlane());
        PoolFloat.maxPool(g, input, inOff, output, outOff, indices, idxOff);
    }

    /** Max pooling forward in double; arguments as the float {@link #maxPool2d}. */
    public static void maxPool2d(double[] input, int inOff, double[] output, int outOff, long[] indices, int idxOff,
                                 int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                                 int padH, int padW, int dilH, int dilW, boolean ceilMode) {
        Geometry g = window("max_pool2d", n, c, h, w, kH, kW, strideH, strideW, padH, padW, dilH, dilW, ceilMode);
        arrays("max_pool2d", g, len(input), inOff, len(output), outOff);
        Conv.fits("max_pool2d", "indices", len(indices), idxOff, (long) g.planes() * g.outPlane());
        PoolDouble.maxPool(g, input, inOff, output, outOff, indices, idxOff);
    }

    /**
     * Backward of {@link #maxPool2d} and of {@link #adaptiveMaxPool2d} in float: zeroes
     * {@code gradInput} ({@code [n, c, h, w]}) and adds each element of {@code gradOutput}
     * ({@code [n, c, oH, oW]}) at its index.
     *
     * @throws IllegalArgumentException for negative sizes, arrays too short for the shapes, or an
     *     index outside its input plane
     */
    public static void maxPool2dBackward(float[] gradOutput, int goOff, long[] indices, int idxOff,
                                         float[] gradInput, int giOff, int n, int c, int h, int w, int oH, int oW) {
        Geometry g = sizes("max_pool2d_backward", n, c, h, w, oH, oW);
        arrays("max_pool2d_backward", g, len(gradInput), giOff, len(gradOutput), goOff);
        Conv.fits("max_pool2d_backward", "indices", len(indices), idxOff, (long) g.planes() * g.outPlane());
        PoolFloat.maxBackward(g, gradOutput, goOff, indices, idxOff, gradInput, giOff);
    }

    /** Max pooling backward in double; arguments as the float {@link #maxPool2dBackward}. */
    public static void maxPool2dBackward(double[] gradOutput, int goOff, long[] indices, int idxOff,
                                         double[] gradInput, int giOff, int n, int c, int h, int w, int oH, int oW) {
        Geometry g = sizes("max_pool2d_backward", n, c, h, w, oH, oW);
        arrays("max_pool2d_backward", g, len(gradInput), giOff, len(gradOutput), goOff);
        Conv.fits("max_pool2d_backward", "indices", len(indices), idxOff, (long) g.planes() * g.outPlane());
        PoolDouble.maxBackward(g, gradOutput, goOff, indices, idxOff, gradInput, giOff);
    }

    // ---- average pooling ----

    /**
     * Average pooling forward in float. Windows are clipped to the padded input; the divisor is
     * {@code divisorOverride} when it is not 0, else the clipped window's size counting padding
     * when {@code countIncludePad}, else the number of input elements in the window.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void avgPool2d(float[] input, int inOff, float[] output, int outOff,
                                 int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                                 int padH, int padW, boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        Geometry g = window("avg_pool2d", n, c, h, w, kH, kW, strideH, strideW, padH, padW, 1, 1, ceilMode);
        arrays("avg_pool2d", g, len(input), inOff, len(output), outOff);
        PoolFloat.avgPool(g, input, inOff, output, outOff, countIncludePad, divisorOverride);
    }

    /** Average pooling forward in double; arguments as the float {@link #avgPool2d}. */
    public static void avgPool2d(double[] input, int inOff, double[] output, int outOff,
                                 int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                                 int padH, int padW, boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        Geometry g = window("avg_pool2d", n, c, h, w, kH, kW, strideH, strideW, padH, padW, 1, 1, ceilMode);
        arrays("avg_pool2d", g, len(input), inOff, len(output), outOff);
        PoolDouble.avgPool(g, input, inOff, output, outOff, countIncludePad, divisorOverride);
    }

    /**
     * Backward of {@link #avgPool2d} in float: {@code gradInput} ({@code [n, c, h, w]}, the forward's
     * input size) from {@code gradOutput}; the other arguments are the forward's.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void avgPool2dBackward(float[] gradOutput, int goOff, float[] gradInput, int giOff,
                                         int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                                         int padH, int padW, boolean ceilMode, boolean countIncludePad,
                                         int divisorOverride) {
        Geometry g = window("avg_pool2d_backward", n, c, h, w, kH, kW, strideH, strideW, padH, padW, 1, 1, ceilMode);
        arrays("avg_pool2d_backward", g, len(gradInput), giOff, len(gradOutput), goOff);
        PoolFloat.avgBackward(g, gradOutput, goOff, gradInput, giOff, countIncludePad, divisorOverride);
    }

    /** Average pooling backward in double; arguments as the float {@link #avgPool2dBackward}. */
    public static void avgPool2dBackward(double[] gradOutput, int goOff, double[] gradInput, int giOff,
                                         int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                                         int padH, int padW, boolean ceilMode, boolean countIncludePad,
                                         int divisorOverride) {
        Geometry g = window("avg_pool2d_backward", n, c, h, w, kH, kW, strideH, strideW, padH, padW, 1, 1, ceilMode);
        arrays("avg_pool2d_backward", g, len(gradInput), giOff, len(gradOutput), goOff);
        PoolDouble.avgBackward(g, gradOutput, goOff, gradInput, giOff, countIncludePad, divisorOverride);
    }

    // ---- adaptive pooling ----

    /**
     * Adaptive average pooling forward in float: output {@code [n, c, oH, oW]}, window (i, j)
     * covering rows {@code [floor(i·h/oH), ceil((i+1)·h/oH))} and likewise columns.
     *
     * @throws IllegalArgumentException for negative or empty sizes, or arrays too short for the shapes
     */
    public static void adaptiveAvgPool2d(float[] input, int inOff, float[] output, int outOff,
                                         int n, int c, int h, int w, int oH, int oW) {
        Geometry g = adaptive("adaptive_avg_pool2d", n, c, h, w, oH, oW);
        arrays("adaptive_avg_pool2d", g, len(input), inOff, len(output), outOff);
        PoolFloat.adaptiveAvg(g, input, inOff, output, outOff);
    }

    /** Adaptive average pooling forward in double; arguments as the float {@link #adaptiveAvgPool2d}. */
    public static void adaptiveAvgPool2d(double[] input, int inOff, double[] output, int outOff,
                                         int n, int c, int h, int w, int oH, int oW) {
        Geometry g = adaptive("adaptive_avg_pool2d", n, c, h, w, oH, oW);
        arrays("adaptive_avg_pool2d", g, len(input), inOff, len(output), outOff);
        PoolDouble.adaptiveAvg(g, input, inOff, output, outOff);
    }

    /**
     * Backward of {@link #adaptiveAvgPool2d} in float: {@code gradInput} ({@code [n, c, h, w]}) gets
     * each output gradient divided by its window's size, summed where windows overlap.
     *
     * @throws IllegalArgumentException for negative or empty sizes, or arrays too short for the shapes
     */
    public static void adaptiveAvgPool2dBackward(float[] gradOutput, int goOff, float[] gradInput, int giOff,
                                                 int n, int c, int h, int w, int oH, int oW) {
        Geometry g = adaptive("adaptive_avg_pool2d_backward", n, c, h, w, oH, oW);
        arrays("adaptive_avg_pool2d_backward", g, len(gradInput), giOff, len(gradOutput), goOff);
        PoolFloat.adaptiveAvgBackward(g, gradOutput, goOff, gradInput, giOff);
    }

    /** Adaptive average pooling backward in double; arguments as the float {@link #adaptiveAvgPool2dBackward}. */
    public static void adaptiveAvgPool2dBackward(double[] gradOutput, int goOff, double[] gradInput, int giOff,
                                                 int n, int c, int h, int w, int oH, int oW) {
        Geometry g = adaptive("adaptive_avg_pool2d_backward", n, c, h, w, oH, oW);
        arrays("adaptive_avg_pool2d_backward", g, len(gradInput), giOff, len(gradOutput), goOff);
        PoolDouble.adaptiveAvgBackward(g, gradOutput, goOff, gradInput, giOff);
    }

    /**
     * Adaptive max pooling forward in float: windows as {@link #adaptiveAvgPool2d}, values and
     * indices as {@link #maxPool2d}. Its backward is {@link #maxPool2dBackward}.
     *
     * @throws IllegalArgumentException for negative or empty sizes, or arrays too short for the shapes
     */
    public static void adaptiveMaxPool2d(float[] input, int inOff, float[] output, int outOff,
                                         long[] indices, int idxOff, int n, int c, int h, int w, int oH, int oW) {
        Geometry g = adaptive("adaptive_max_pool2d", n, c, h, w, oH, oW);
        arrays("adaptive_max_pool2d", g, len(input), inOff, len(output), outOff);
        Conv.fits("adaptive_max_pool2d", "indices", len(indices), idxOff, (long) g.planes() * g.outPlane());
        PoolFloat.adaptiveMax(g, input, inOff, output, outOff, indices, idxOff);
    }

    /** Adaptive max pooling forward in double; arguments as the float {@link #adaptiveMaxPool2d}. */
    public static void adaptiveMaxPool2d(double[] input, int inOff, double[] output, int outOff,
                                         long[] indices, int idxOff, int n, int c, int h, int w, int oH, int oW) {
        Geometry g = adaptive("adaptive_max_pool2d", n, c, h, w, oH, oW);
        arrays("adaptive_max_pool2d", g, len(input), inOff, len(output), outOff);
        Conv.fits("adaptive_max_pool2d", "indices", len(indices), idxOff, (long) g.planes() * g.outPlane());
        PoolDouble.adaptiveMax(g, input, inOff, output, outOff, indices, idxOff);
    }

    /** The first input row (or column) of adaptive window {@code i} of {@code out} over {@code in}. */
    static int adaptiveStart(int i, int out, int in) {
        return (int) ((long) i / out * in + ((long) i % out) * in / out);
    }

    /** One past the last input row (or column) of adaptive window {@code i}. */
    static int adaptiveEnd(int i, int out, int in) {
        return (int) (1 + ((long) (i + 1) * in - 1) / out);
    }

    // ---- checks ----

    /** Validates a pooling window as PyTorch's max_pool2d / avg_pool2d do; returns the geometry. */
    private static Geometry window(String op, int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                                   int padH, int padW, int dilH, int dilW, boolean ceilMode) {
        if (kH < 1 || kW < 1) {
            throw new IllegalArgumentException(op + ": kernel size should be greater than zero, but got kH: " + kH
                    + " kW: " + kW);
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException(op + ": stride should be greater than zero, but got dH: " + strideH
                    + " dW: " + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException(op + ": pad must be non-negative, but got pad: " + Math.min(padH, padW));
        }
        if (dilH < 1 || dilW < 1) {
            throw new IllegalArgumentException(op + ": dilation should be greater than zero, but got dilationH: "
                    + dilH + " dilationW: " + dilW);
        }
        if (n < 0 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException(op + ": Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                    + "size for input, but got:[" + n + ", " + c + ", " + h + ", " + w + "]");
        }
        halfKernel(op, padH, kH, dilH);
        halfKernel(op, padW, kW, dilW);
        if (kW / 2 < padW || kH / 2 < padH) {
            throw new IllegalArgumentException(op + ": pad should be smaller than or equal to half of kernel size, "
                    + "but got padW = " + padW + ", padH = " + padH + ", kW = " + kW + ", kH = " + kH);
        }
        int oH = outSize(h, kH, padH, strideH, dilH, ceilMode), oW = outSize(w, kW, padW, strideW, dilW, ceilMode);
        if (oH < 1 || oW < 1) {
            throw new IllegalArgumentException(op + ": Given input size: (" + c + "x" + h + "x" + w
                    + "). Calculated output size: (" + c + "x" + oH + "x" + oW + "). Output size is too small");
        }
        return sizeLimit(op, new Geometry(n, c, h, w, kH, kW, strideH, strideW, padH, padW, dilH, dilW, oH, oW));
    }

    private static void halfKernel(String op, int pad, int k, int dil) {
        if (pad > ((k - 1) * dil + 1) / 2) {
            throw new IllegalArgumentException(op + ": pad should be at most half of effective kernel size, but got "
                    + "pad=" + pad + ", kernel_size=" + k + " and dilation=" + dil);
        }
    }

    private static Geometry adaptive(String op, int n, int c, int h, int w, int oH, int oW) {
        if (oH < 0 || oW < 0) {
            throw new IllegalArgumentException(op + ": elements of output_size must be greater than or equal to 0 "
                    + "but received {" + oH + ", " + oW + "}");
        }
        if (n < 0 || c < 1 || h < 1 || w < 1) {
            int dim = c < 1 ? 1 : h < 1 ? 2 : 3;
            throw new IllegalArgumentException(op + "(): Expected input to have non-zero size for non-batch "
                    + "dimensions, but input has sizes [" + n + ", " + c + ", " + h + ", " + w + "] with dimension "
                    + dim + " being empty");
        }
        return sizeLimit(op, new Geometry(n, c, h, w, 0, 0, 1, 1, 0, 0, 1, 1, oH, oW));
    }

    private static Geometry sizes(String op, int n, int c, int h, int w, int oH, int oW) {
        if (n < 0 || c < 0 || h < 0 || w < 0 || oH < 0 || oW < 0) {
            throw new IllegalArgumentException(op + ": expected non-negative sizes, got n=" + n + ", c=" + c
                    + ", h=" + h + ", w=" + w + ", oH=" + oH + ", oW=" + oW);
        }
        return sizeLimit(op, new Geometry(n, c, h, w, 0, 0, 1, 1, 0, 0, 1, 1, oH, oW));
    }

    private static Geometry sizeLimit(String op, Geometry g) {
        if ((long) g.n() * g.c() * g.h() * g.w() > Integer.MAX_VALUE
                || (long) g.n() * g.c() * g.oH() * g.oW() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": input [" + g.n() + ", " + g.c() + ", " + g.h() + ", " + g.w()
                    + "] or output needs more than 2^31-1 elements in one array");
        }
        return g;
    }

    /** Checks the input-side and output-side arrays against the geometry. */
    private static void arrays(String op, Geometry g, int inLen, int inOff, int outLen, int outOff) {
        boolean backward = op.endsWith("_backward");
        Conv.fits(op, backward ? "grad_input" : "input", inLen, inOff, (long) g.planes() * g.inPlane());
        Conv.fits(op, backward ? "grad_output" : "output", outLen, outOff, (long) g.planes() * g.outPlane());
    }

    private static int len(float[] a) { return Objects.requireNonNull(a, "pool: an array argument is null").length; }

    private static int len(double[] a) { return Objects.requireNonNull(a, "pool: an array argument is null").length; }

    private static int len(long[] a) { return Objects.requireNonNull(a, "pool: an array argument is null").length; }
}
