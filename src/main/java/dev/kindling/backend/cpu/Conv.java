package dev.kindling.backend.cpu;

import java.util.Objects;

/**
 * 2-D convolution on Java arrays (float and double): forward, and the gradients with respect to
 * input, weight and bias. This is the CPU backend's conv kernel; the tensor layer (conv2d,
 * conv_transpose2d and their derivatives) calls it with contiguous NCHW arrays and offsets.
 *
 * <p>Shapes: input {@code [n, c, h, w]}, weight {@code [o, c/groups, kH, kW]}, bias {@code [o]},
 * output {@code [n, o, oH, oW]} with {@code oH = outSize(h, kH, padH, strideH, dilH)} and likewise
 * oW; each array is contiguous from its offset. Padding is symmetric and implicit zeros. Every
 * routine overwrites its output (gradients are not accumulated into it; that is the autograd
 * engine's job). The integer tail of every routine is the same:
 * {@code (n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups)}, where h and w
 * are always the input's size, so {@link #conv2dBackwardInput} is also the forward of a
 * transposed convolution (with output_padding the caller picks h and w).
 *
 * <p>Method: for each sample and group, one {@link Gemm} product with the unfolded input (the
 * im2col matrix, {@code [c/groups·kH·kW, oH·oW]}) as an operand, read implicitly (below). A 1×1,
 * stride-1, unpadded convolution uses the input as that matrix directly. Work is spread over
 * threads by (sample, group) when each unit is small or there are enough of them, and inside the
 * products otherwise (batch size 1). Results are deterministic for a given
 * {@link Parallel#numThreads()}.
 *
 * <h2>Note [implicit GEMM]</h2>
 * The unfolded input is never materialised: the packed GEMM (Note [GEMM packing] in {@link Gemm})
 * asks for B one block of micro-panels at a time ({@link GemmFloat.Panels}), and the driver copies
 * the panels straight from the input. The forward stages each unit's input once with its zero
 * padding, so every panel row is a few runs along input rows with no bounds checks, and the input
 * (9 times smaller than its unfolding for a 3×3 kernel) is read from cache. The weight gradient
 * needs the unfolding transposed (output positions down, kernel taps across); it stages the input
 * channels-last, so that a panel row is runs of consecutive channels, and accumulates with the
 * columns in (ki, kj, ch) order, permuted into the weight's (ch, ki, kj) order at the end.
 * Products too thin for packing (the GEMM's direct loops) unfold into an explicit matrix instead.
 *
 * <h2>Note [shifted columns]</h2>
 * With stride 1, output position (oy, ox) and kernel row r = (ch, ki, kj) read the staged
 * (padded, hp×wp) source at {@code taps[r] + oy·wp + ox}, where
 * {@code taps[r] = ch·hp·wp + ki·dH·wp + kj·dW}. Numbering output positions as
 * {@code j = oy·wp + ox}, with the row length of the source rather than of the output, makes that
 * {@code taps[r] + j}: row r of the unfolding is the source itself shifted by {@code taps[r]}, and
 * every panel row is one contiguous copy however narrow the output is. The product is computed
 * over {@code (oH − 1)·wp + oW} such positions into a scratch matrix; the {@code wp − oW}
 * positions at the end of each row (windows that wrap into the next row) are computed and dropped
 * when the rows are copied out. That costs {@code (wp − oW)/wp} more multiply-adds (6 % for a 3×3
 * kernel on a 32-wide output) and saves splitting every panel row at output-row ends.
 *
 * <h2>Note [input gradient as a correlation]</h2>
 * With stride 1 the input gradient is itself a correlation: of the output gradient padded by
 * {@code dil·(k − 1) − pad} on each side (cropped where that is negative), with the weight flipped
 * in both spatial dimensions and its channel dimensions swapped within each group. It runs as a
 * forward, through the same implicit GEMM, with no col2im. Strided convolutions, and those with
 * fewer than 8 input channels per group (the correlation's product would have that few rows),
 * keep the GEMM into an explicit col matrix and col2im's scatter-add.
 *
 * <p>Bad geometry throws {@link IllegalArgumentException} with PyTorch's wording, prefixed by the
 * routine, e.g. {@code "conv2d: Calculated padded input size per channel: (2 x 2). Kernel size:
 * (3 x 3). Kernel size can't be greater than actual input size"}.
 */
public final class Conv {
    private Conv() {}

    /**
     * The output length of a convolution along one dimension:
     * {@code floor((in + 2·pad − dil·(k − 1) − 1) / stride) + 1}. Zero or negative when the
     * padded input is shorter than the dilated kernel.
     */
    public static int outSize(int in, int k, int pad, int stride, int dil) {
        return Math.floorDiv(in + 2 * pad - dil * (k - 1) - 1, stride) + 1;
    }

    /** The checked sizes of one call, with the derived ones. */
    record Geometry(int n, int c, int h, int w, int o, int kH, int kW, int strideH, int strideW,
                    int padH, int padW, int dilH, int dilW, int groups, int oH, int oW) {
        int cg() { return c / groups; }

        int og() { return o / groups; }

        /** Rows of the unfolded input of one group: {@code c/groups·kH·kW}. */
        int colRows() { return cg() * kH * kW; }

        /** Columns of the unfolded input: {@code oH·oW}. */
        int colCols() { return oH * oW; }

        /** Whether the unfolded input is the input itself (1×1, stride 1, no padding). */
        boolean pointwise() {
            return kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
        }

        /** Multiply-adds of one (sample, group) product. */
        long unitWork() { return (long) og() * colRows() * colCols(); }

        long inputSize() { return (long) n * c * h * w; }

        long weightSize() { return (long) o * colRows(); }

        long outputSize() { return (long) n * o * oH * oW; }
    }

    /**
     * One correlation as the drivers run it for one (sample, group) unit: m output channels of
     * oH×oW from cs source channels of h×w, through a kH×kW kernel with the given stride,
     * padding (negative: the source is cropped) and dilation. The forward is the convolution's
     * own; a stride-1 input gradient is another one (Note [input gradient as a correlation]).
     */
    record Corr(int m, int cs, int h, int w, int kH, int kW, int sH, int sW, int padH, int padW, int dH, int dW,
                int oH, int oW) {
        static Corr forward(Geometry g) {
            return new Corr(g.og(), g.cg(), g.h(), g.w(), g.kH(), g.kW(), g.strideH(), g.strideW(),
                    g.padH(), g.padW(), g.dilH(), g.dilW(), g.oH(), g.oW());
        }

        /** The input gradient of a stride-1 convolution as a correlation of the output gradient. */
        static Corr backwardInput(Geometry g) {
            return new Corr(g.cg(), g.og(), g.oH(), g.oW(), g.kH(), g.kW(), 1, 1,
                    g.dilH() * (g.kH() - 1) - g.padH(), g.dilW() * (g.kW() - 1) - g.padW(), g.dilH(), g.dilW(),
                    g.h(), g.w());
        }

        /** Depth of the product: rows of the unfolded source, {@code cs·kH·kW}. */
        int depth() { return cs * kH * kW; }

        /** Output positions: columns of the unfolded source, {@code oH·oW}. */
        int cols() { return oH * oW; }

        /** Rows of a staged source plane, padding included. */
        int hp() { return h + 2 * padH; }

        /** Columns of a staged source plane, padding included. */
        int wp() { return w + 2 * padW; }

        /** Whether the source must be copied with its padding (or cropped) before it is read. */
        boolean staged() { return padH != 0 || padW != 0; }

        /** Whether the unfolded source is the source itself (1×1, stride 1, no padding). */
        boolean pointwise() { return kH == 1 && kW == 1 && sH == 1 && sW == 1 && padH == 0 && padW == 0; }
    }

    // ---- float ----

    /**
     * Convolution forward in float: {@code output = conv2d(input, weight) + bias}.
     *
     * @param bias {@code [o]} values added to every output plane, or null for none
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void conv2d(float[] input, int inOff, float[] weight, int wOff, float[] bias, int biasOff,
                              float[] output, int outOff,
                              int n, int c, int h, int w, int o, int kH, int kW,
                              int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
        Geometry g = forwardArgs(len(input), inOff, len(weight), wOff, bias == null ? -1 : bias.length, biasOff,
                len(output), outOff, n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        ConvFloat.forward(g, input, inOff, weight, wOff, bias, biasOff, output, outOff);
    }

    /**
     * Gradient of {@link #conv2d} with respect to its input, in float: {@code gradInput}
     * ({@code [n, c, h, w]}) from {@code gradOutput} ({@code [n, o, oH, oW]}) and the weight. Also
     * the forward of conv_transpose2d, whose weight {@code [c_in, c_out/groups, kH, kW]} is this
     * routine's {@code [o, c/groups, kH, kW]}.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void conv2dBackwardInput(float[] gradOutput, int goOff, float[] weight, int wOff,
                                           float[] gradInput, int giOff,
                                           int n, int c, int h, int w, int o, int kH, int kW,
                                           int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                                           int groups) {
        Geometry g = backwardInputArgs(len(gradOutput), goOff, len(weight), wOff, len(gradInput), giOff,
                n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        ConvFloat.backwardInput(g, gradOutput, goOff, weight, wOff, gradInput, giOff);
    }

    /**
     * Gradient of {@link #conv2d} with respect to its weight, in float: {@code gradWeight}
     * ({@code [o, c/groups, kH, kW]}) from {@code gradOutput} and the input, summed over the batch.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void conv2dBackwardWeight(float[] gradOutput, int goOff, float[] input, int inOff,
                                            float[] gradWeight, int gwOff,
                                            int n, int c, int h, int w, int o, int kH, int kW,
                                            int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                                            int groups) {
        Geometry g = backwardWeightArgs(len(gradOutput), goOff, len(input), inOff, len(gradWeight), gwOff,
                n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        ConvFloat.backwardWeight(g, gradOutput, goOff, input, inOff, gradWeight, gwOff);
    }

    /**
     * Gradient of {@link #conv2d} with respect to its bias, in float: {@code gradBias[j]} is the sum
     * of output plane j of {@code gradOutput} ({@code [n, o, oH, oW]}) over the batch, accumulated in
     * double.
     *
     * @throws IllegalArgumentException for negative sizes or arrays too short for the shapes
     */
    public static void conv2dBackwardBias(float[] gradOutput, int goOff, float[] gradBias, int gbOff,
                                          int n, int o, int oH, int oW) {
        biasArgs(len(gradOutput), goOff, len(gradBias), gbOff, n, o, oH, oW);
        int plane = oH * oW;
        Parallel.parallelFor(o, grain(n * (long) plane), (s, e) -> {
            for (int j = s; j < e; j++) {
                double sum = 0;
                for (int b = 0; b < n; b++) {
                    int base = goOff + (b * o + j) * plane;
                    for (int i = 0; i < plane; i++) sum += gradOutput[base + i];
                }
                gradBias[gbOff + j] = (float) sum;
            }
        });
    }

    // ---- double ----

    /**
     * Convolution forward in double; arguments as the float {@link #conv2d}.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void conv2d(double[] input, int inOff, double[] weight, int wOff, double[] bias, int biasOff,
                              double[] output, int outOff,
                              int n, int c, int h, int w, int o, int kH, int kW,
                              int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
        Geometry g = forwardArgs(len(input), inOff, len(weight), wOff, bias == null ? -1 : bias.length, biasOff,
                len(output), outOff, n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        ConvDouble.forward(g, input, inOff, weight, wOff, bias, biasOff, output, outOff);
    }

    /**
     * Input gradient in double; arguments as the float {@link #conv2dBackwardInput}.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void conv2dBackwardInput(double[] gradOutput, int goOff, double[] weight, int wOff,
                                           double[] gradInput, int giOff,
                                           int n, int c, int h, int w, int o, int kH, int kW,
                                           int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                                           int groups) {
        Geometry g = backwardInputArgs(len(gradOutput), goOff, len(weight), wOff, len(gradInput), giOff,
                n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        ConvDouble.backwardInput(g, gradOutput, goOff, weight, wOff, gradInput, giOff);
    }

    /**
     * Weight gradient in double; arguments as the float {@link #conv2dBackwardWeight}.
     *
     * @throws IllegalArgumentException for impossible geometry or arrays too short for the shapes
     */
    public static void conv2dBackwardWeight(double[] gradOutput, int goOff, double[] input, int inOff,
                                            double[] gradWeight, int gwOff,
                                            int n, int c, int h, int w, int o, int kH, int kW,
                                            int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                                            int groups) {
        Geometry g = backwardWeightArgs(len(gradOutput), goOff, len(input), inOff, len(gradWeight), gwOff,
                n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        ConvDouble.backwardWeight(g, gradOutput, goOff, input, inOff, gradWeight, gwOff);
    }

    /**
     * Bias gradient in double; arguments as the float {@link #conv2dBackwardBias}.
     *
     * @throws IllegalArgumentException for negative sizes or arrays too short for the shapes
     */
    public static void conv2dBackwardBias(double[] gradOutput, int goOff, double[] gradBias, int gbOff,
                                          int n, int o, int oH, int oW) {
        biasArgs(len(gradOutput), goOff, len(gradBias), gbOff, n, o, oH, oW);
        int plane = oH * oW;
        Parallel.parallelFor(o, grain(n * (long) plane), (s, e) -> {
            for (int j = s; j < e; j++) {
                double sum = 0;
                for (int b = 0; b < n; b++) {
                    int base = goOff + (b * o + j) * plane;
                    for (int i = 0; i < plane; i++) sum += gradOutput[base + i];
                }
                gradBias[gbOff + j] = sum;
            }
        });
    }

    /** The first ox with {@code ox·sW + dx >= 0}, at most oW. */
    static int firstInside(int dx, int sW, int oW) {
        return dx >= 0 ? 0 : Math.min(oW, (-dx + sW - 1) / sW);
    }

    /** One past the last ox with {@code ox·sW + dx < w}, at least 0 and at most oW. */
    static int endInside(int dx, int w, int sW, int oW) {
        return w - dx <= 0 ? 0 : Math.min(oW, (w - dx + sW - 1) / sW);
    }

    // ---- checks ----

    /** Elements one task of a plain loop should cover before it is worth a thread. */
    static final long LOOP_GRAIN = 32 * 1024;

    /** The grain, in items, for a loop whose items cost {@code perItem} elements each. */
    static int grain(long perItem) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, LOOP_GRAIN / Math.max(1, perItem)));
    }

    /** Validates a geometry as PyTorch's convolution does; returns it with the output size. */
    static Geometry check(String op, int n, int c, int h, int w, int o, int kH, int kW,
                          int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
        if (n < 0 || c < 0 || h < 0 || w < 0 || o < 0) {
            throw new IllegalArgumentException(op + ": expected non-negative sizes, got n=" + n + ", c=" + c
                    + ", h=" + h + ", w=" + w + ", o=" + o);
        }
        if (kH < 1 || kW < 1) {
            throw new IllegalArgumentException(op + ": kernel size should be greater than zero, but got kH: "
                    + kH + " kW: " + kW);
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException(op + ": non-positive stride is not supported");
        }
        if (padH < 0 || padW < 0) throw new IllegalArgumentException(op + ": negative padding is not supported");
        if (dilH < 1 || dilW < 1) {
            throw new IllegalArgumentException(op + ": dilation should be greater than zero, but got ["
                    + dilH + ", " + dilW + "]");
        }
        if (groups < 1) throw new IllegalArgumentException(op + ": non-positive groups is not supported");
        if (o % groups != 0) {
            throw new IllegalArgumentException(op + ": Given groups=" + groups + ", expected weight to be divisible by "
                    + groups + " at dimension 0, but got weight of size [" + o + ", ?, " + kH + ", " + kW
                    + "] instead");
        }
        if (c % groups != 0) {
            throw new IllegalArgumentException(op + ": Given groups=" + groups + ", expected input[" + n + ", " + c
                    + ", " + h + ", " + w + "] to have a number of channels divisible by " + groups);
        }
        long padded = (long) h + 2L * padH, paddedW = (long) w + 2L * padW;
        long effH = (long) dilH * (kH - 1) + 1, effW = (long) dilW * (kW - 1) + 1;
        if (padded < effH || paddedW < effW) {
            throw new IllegalArgumentException(op + ": Calculated padded input size per channel: (" + padded + " x "
                    + paddedW + "). Kernel size: (" + effH + " x " + effW
                    + "). Kernel size can't be greater than actual input size");
        }
        int oH = outSize(h, kH, padH, strideH, dilH), oW = outSize(w, kW, padW, strideW, dilW);
        Geometry g = new Geometry(n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups, oH, oW);
        long colSize = (long) g.colRows() * g.colCols();
        if (g.inputSize() > Integer.MAX_VALUE || g.outputSize() > Integer.MAX_VALUE || colSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": input [" + n + ", " + c + ", " + h + ", " + w + "] with kernel ["
                    + kH + " x " + kW + "] needs more than 2^31-1 elements in one array");
        }
        return g;
    }

    /** Checks a forward call: the geometry, then input, weight, bias (length -1: none) and output. */
    private static Geometry forwardArgs(int inLen, int inOff, int wLen, int wOff, int biasLen, int biasOff,
                                        int outLen, int outOff, int n, int c, int h, int w, int o, int kH, int kW,
                                        int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                                        int groups) {
        Geometry g = check("conv2d", n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        fits("conv2d", "input", inLen, inOff, g.inputSize());
        fits("conv2d", "weight", wLen, wOff, g.weightSize());
        if (biasLen >= 0) fits("conv2d", "bias", biasLen, biasOff, o);
        fits("conv2d", "output", outLen, outOff, g.outputSize());
        return g;
    }

    /** Checks an input-gradient call: the geometry, then grad_output, weight and grad_input. */
    private static Geometry backwardInputArgs(int goLen, int goOff, int wLen, int wOff, int giLen, int giOff,
                                              int n, int c, int h, int w, int o, int kH, int kW,
                                              int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                                              int groups) {
        String op = "conv2d_backward_input";
        Geometry g = check(op, n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        fits(op, "grad_output", goLen, goOff, g.outputSize());
        fits(op, "weight", wLen, wOff, g.weightSize());
        fits(op, "grad_input", giLen, giOff, g.inputSize());
        return g;
    }

    /** Checks a weight-gradient call: the geometry, then grad_output, input and grad_weight. */
    private static Geometry backwardWeightArgs(int goLen, int goOff, int inLen, int inOff, int gwLen, int gwOff,
                                               int n, int c, int h, int w, int o, int kH, int kW,
                                               int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                                               int groups) {
        String op = "conv2d_backward_weight";
        Geometry g = check(op, n, c, h, w, o, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups);
        fits(op, "grad_output", goLen, goOff, g.outputSize());
        fits(op, "input", inLen, inOff, g.inputSize());
        fits(op, "grad_weight", gwLen, gwOff, g.weightSize());
        return g;
    }

    /** Checks a bias-gradient call. */
    private static void biasArgs(int goLen, int goOff, int gbLen, int gbOff, int n, int o, int oH, int oW) {
        if (n < 0 || o < 0 || oH < 0 || oW < 0) {
            throw new IllegalArgumentException("conv2d_backward_bias: expected non-negative sizes, got n=" + n
                    + ", o=" + o + ", oH=" + oH + ", oW=" + oW);
        }
        fits("conv2d_backward_bias", "grad_output", goLen, goOff, (long) n * o * oH * oW);
        fits("conv2d_backward_bias", "grad_bias", gbLen, gbOff, o);
    }

    /** Checks that {@code [off, off + size)} lies in an array of length {@code length}. */
    static void fits(String op, String name, int length, int off, long size) {
        if (off < 0 || off + size > length) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + size + " elements from offset " + off
                    + " but its array has length " + length);
        }
    }

    private static int len(float[] a) { return Objects.requireNonNull(a, "conv2d: an array argument is null").length; }

    private static int len(double[] a) { return Objects.requireNonNull(a, "conv2d: an array argument is null").length; }
}
