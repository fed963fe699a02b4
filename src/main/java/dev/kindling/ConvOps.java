package dev.kindling;

import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Graph;
import dev.kindling.backend.Conv2dParams;
import dev.kindling.backend.Pool2dParams;

/**
 * Convolution and pooling dispatch: shape checks with PyTorch's messages, unbatched (3-D) inputs,
 * half precision computed in float32, dense operands for the backend kernels, and autograd
 * recording. Every backward is itself one of these ops (the input gradient of a convolution is a
 * transposed convolution, its weight gradient a correlation with its own derivative), so
 * convolutions and poolings are differentiable to any order. The forward ops are reached through
 * {@link Torch}; the gradient ops are public for the derivatives table and for custom functions.
 */
public final class ConvOps {
    private ConvOps() {}

    private static DType computeType(String op, Tensor t) {
        DType d = t.dtype();
        if (!d.isFloatingPoint()) throw new KindlingException("\"" + op + "\" not implemented for '" + d.scalarName() + "'");
        return d == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    }

    private static Tensor dense(Tensor t, DType dt) {
        Tensor c = t.dtype() == dt ? t : t.to(dt);
        return c.contiguous();
    }

    private static int[] pair(String op, String name, int[] v) {
        if (v.length == 1) return new int[] {v[0], v[0]};
        if (v.length != 2) throw new KindlingException(op + ": expected " + name + " to be a single int or a pair, got " + Shapes.str(v));
        return v;
    }

    // ---------------------------------------------------------------------------------------
    // convolution
    // ---------------------------------------------------------------------------------------

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        if (input.dim() == 3) return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0);
        String op = "conv2d";
        int[] s = pair(op, "stride", stride), p = pair(op, "padding", padding), d = pair(op, "dilation", dilation);
        if (weight.dim() != 4) throw new KindlingException("weight should have 4 dimensions, got " + weight.dim());
        if (input.dim() != 4) {
            throw new KindlingException("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                    + Shapes.str(input.shape));
        }
        Ops.device(op, input, weight, bias);
        if (groups <= 0) throw new KindlingException("non-positive groups is not supported");
        if (s[0] <= 0 || s[1] <= 0) throw new KindlingException("non-positive stride is not supported");
        if (p[0] < 0 || p[1] < 0) throw new KindlingException("negative padding is not supported");
        if (d[0] <= 0 || d[1] <= 0) throw new KindlingException("dilation should be greater than zero");
        int n = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        int o = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3];
        if (c != weight.shape[1] * groups) {
            throw new KindlingException("Given groups=" + groups + ", weight of size " + Shapes.str(weight.shape) + ", expected input"
                    + Shapes.str(input.shape) + " to have " + weight.shape[1] * groups + " channels, but got " + c + " channels instead");
        }
        if (o % groups != 0) {
            throw new KindlingException("Given groups=" + groups + ", expected weight to be divisible by " + groups
                    + " at dimension 0, but got weight of size " + Shapes.str(weight.shape) + " instead");
        }
        if (bias != null && (bias.dim() != 1 || bias.shape[0] != o)) {
            throw new KindlingException("Given weight of size " + Shapes.str(weight.shape) + ", expected bias to be 1-dimensional with "
                    + o + " elements, but got bias of size " + Shapes.str(bias.shape) + " instead");
        }
        int ph = h + 2 * p[0], pw = w + 2 * p[1];
        int ekh = d[0] * (kh - 1) + 1, ekw = d[1] * (kw - 1) + 1;
        if (ph < ekh || pw < ekw) {
            throw new KindlingException("Calculated padded input size per channel: (" + ph + " x " + pw + "). Kernel size: ("
                    + ekh + " x " + ekw + "). Kernel size can't be greater than actual input size");
        }
        DType dt = computeType("slow_conv2d_cpu", input);
        if (weight.dtype() != input.dtype()) {
            throw new KindlingException("Input type (" + input.dtype().tensorTypeName(input.device()) + ") and weight type ("
                    + weight.dtype().tensorTypeName(weight.device()) + ") should be the same");
        }
        Conv2dParams cp = new Conv2dParams(n, c, h, w, o, kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], groups);
        Tensor x = dense(input, dt), wt = dense(weight, dt), b = bias == null ? null : dense(bias, dt);
        Tensor out = Torch.empty(new int[] {n, o, cp.outH(), cp.outW()}, dt, input.device());
        if (out.numel() > 0) {
            out.storage.backend().conv2d(x.strided(), wt.strided(), b == null ? null : b.strided(), out.strided(), cp);
        }
        if (input.dtype() != dt) out = out.to(input.dtype());
        if (Graph.isRecording(input, weight, bias)) {
            Graph.recordN(Derivatives.CONV2D, out, new Tensor[] {input, weight, bias}, s, p, d, groups);
        }
        return out;
    }

    /** The output padding that makes a transposed convolution produce {@code target} positions. */
    public static int outputPadding(int target, int in, int k, int s, int p, int d) {
        return target - ((in - 1) * s - 2 * p + d * (k - 1) + 1);
    }

    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                  int groups, int[] dilation) {
        if (input.dim() == 3) {
            return convTranspose2d(input.unsqueeze(0), weight, bias, stride, padding, outputPadding, groups, dilation).squeeze(0);
        }
        String op = "conv_transpose2d";
        int[] s = pair(op, "stride", stride), p = pair(op, "padding", padding), d = pair(op, "dilation", dilation);
        int[] op2 = pair(op, "output_padding", outputPadding);
        if (weight.dim() != 4 || input.dim() != 4) {
            throw new KindlingException("Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: "
                    + Shapes.str(input.shape));
        }
        Ops.device(op, input, weight, bias);
        int n = input.shape[0], cin = input.shape[1], h = input.shape[2], w = input.shape[3];
        if (cin != weight.shape[0]) {
            throw new KindlingException("Given transposed=1, weight of size " + Shapes.str(weight.shape) + ", expected input"
                    + Shapes.str(input.shape) + " to have " + weight.shape[0] + " channels, but got " + cin + " channels instead");
        }
        int cout = weight.shape[1] * groups, kh = weight.shape[2], kw = weight.shape[3];
        if (op2[0] >= Math.max(s[0], d[0]) || op2[1] >= Math.max(s[1], d[1])) {
            throw new KindlingException("output padding must be smaller than either stride or dilation, but got output_padding_height: "
                    + op2[0] + " output_padding_width: " + op2[1] + " stride_height: " + s[0] + " stride_width: " + s[1]
                    + " dilation_height: " + d[0] + " dilation_width: " + d[1]);
        }
        int oh = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op2[0] + 1;
        int ow = (w - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op2[1] + 1;
        if (oh <= 0 || ow <= 0) {
            throw new KindlingException("Given input size per channel: (" + h + " x " + w + "). Calculated output size per channel: ("
                    + oh + " x " + ow + "). Output size is too small");
        }
        DType dt = computeType("slow_conv_transpose2d_cpu", input);
        Conv2dParams cp = new Conv2dParams(n, cout, oh, ow, cin, kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], groups);
        Tensor x = dense(input, dt), wt = dense(weight, dt);
        Tensor out = Torch.empty(new int[] {n, cout, oh, ow}, dt, input.device());
        if (out.numel() > 0) out.storage.backend().conv2dBackwardInput(x.strided(), wt.strided(), out.strided(), cp);
        if (bias != null) {
            try (var g = Torch.noGrad()) {
                out.add_(dense(bias, dt).view(1, cout, 1, 1));
            }
        }
        if (input.dtype() != dt) out = out.to(input.dtype());
        if (Graph.isRecording(input, weight, bias)) {
            Graph.recordN(Derivatives.CONV_TRANSPOSE2D, out, new Tensor[] {input, weight, bias}, s, p, d, groups);
        }
        return out;
    }

    /** The weight gradient of conv2d(x, w) given the output gradient g: a differentiable op of (x, g). */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor g, int[] weightShape, int[] s, int[] p, int[] d, int groups) {
        DType dt = computeType("slow_conv2d_cpu", x);
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        Conv2dParams cp = new Conv2dParams(n, c, h, w, weightShape[0], weightShape[2], weightShape[3], s[0], s[1], p[0], p[1],
                d[0], d[1], groups);
        Tensor xd = dense(x, dt), gd = dense(g, dt);
        Tensor out = Torch.empty(weightShape, dt, x.device());
        if (out.numel() > 0) out.storage.backend().conv2dBackwardWeight(gd.strided(), xd.strided(), out.strided(), cp);
        if (x.dtype() != dt) out = out.to(x.dtype());
        if (Graph.isRecording(x, g)) Graph.record2(Derivatives.CONV2D_WEIGHT_GRAD, out, x, g, s, p, d, groups);
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // pooling
    // ---------------------------------------------------------------------------------------

    private static Tensor batched(Tensor x, String op) {
        if (x.dim() == 3) return x.unsqueeze(0);
        if (x.dim() != 4) {
            throw new KindlingException(op + ": Expected 3D or 4D (batch mode) tensor for input, but got: " + Shapes.str(x.shape));
        }
        return x;
    }

    private static Tensor unbatch(Tensor r, Tensor original) {
        return original.dim() == 3 ? r.squeeze(0) : r;
    }

    private static int poolOut(String op, int in, int k, int pad, int stride, int dil, boolean ceil) {
        if (pad * 2 > k) {
            throw new KindlingException("pad should be at most half of effective kernel size, but got pad=" + pad
                    + ", kernel_size=" + k + " and dilation=" + dil);
        }
        int num = in + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        int out = Math.floorDiv(num, stride) + 1;
        if (ceil && (out - 1) * stride >= in + pad) out--;
        return out;
    }

    public static ValuesIndices maxPool2d(Tensor input, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        String op = "max_pool2d";
        Tensor x = batched(input, op);
        int[] k = pair(op, "kernel_size", kernel), s = stride == null || stride.length == 0 ? k : pair(op, "stride", stride);
        int[] p = pair(op, "padding", padding), d = pair(op, "dilation", dilation);
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        int oh = poolOut(op, h, k[0], p[0], s[0], d[0], ceilMode), ow = poolOut(op, w, k[1], p[1], s[1], d[1], ceilMode);
        if (oh <= 0 || ow <= 0) {
            throw new KindlingException("Given input size: (" + c + "x" + h + "x" + w + "). Calculated output size: (" + c + "x"
                    + oh + "x" + ow + "). Output size is too small");
        }
        Pool2dParams pp = new Pool2dParams(n, c, h, w, oh, ow, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], ceilMode, false, 0);
        return maxPoolRun(input, x, pp, Derivatives.MAX_POOL2D);
    }

    public static ValuesIndices adaptiveMaxPool2d(Tensor input, int[] outSize) {
        Tensor x = batched(input, "adaptive_max_pool2d");
        int[] o = pair("adaptive_max_pool2d", "output_size", outSize);
        Pool2dParams pp = Pool2dParams.adaptive(x.shape[0], x.shape[1], x.shape[2], x.shape[3], o[0], o[1]);
        return maxPoolRun(input, x, pp, Derivatives.ADAPTIVE_MAX_POOL2D);
    }

    private static ValuesIndices maxPoolRun(Tensor input, Tensor x, Pool2dParams pp, dev.kindling.autograd.Derivative d) {
        DType dt = computeType("max_pool2d", x);
        Tensor xd = dense(x, dt);
        int[] shape = {pp.n(), pp.c(), pp.oH(), pp.oW()};
        Tensor out = Torch.empty(shape, dt, x.device());
        Tensor idx = Torch.empty(shape, DType.INT64, x.device());
        if (out.numel() > 0) out.storage.backend().maxPool2d(xd.strided(), out.strided(), idx.strided(), pp);
        if (x.dtype() != dt) out = out.to(x.dtype());
        if (Graph.isRecording(x)) Graph.record(d, out, x, idx, pp);
        return new ValuesIndices(unbatch(out, input), unbatch(idx, input));
    }

    /** The input gradient of a max pooling: g scattered to the indices (itself differentiable). */
    public static Tensor maxPool2dBackward(Tensor g, Tensor indices, Pool2dParams pp, DType inputType) {
        DType dt = computeType("max_pool2d_backward", g);
        Tensor gd = dense(g, dt);
        Tensor gi = Torch.zeros(new int[] {pp.n(), pp.c(), pp.h(), pp.w()}, dt, g.device());
        if (gd.numel() > 0) gi.storage.backend().maxPool2dBackward(gd.strided(), indices.contiguous().strided(), gi.strided(), pp);
        if (g.dtype() != dt) gi = gi.to(g.dtype());
        if (Graph.isRecording(g)) Graph.record(Derivatives.MAX_POOL2D_BACKWARD, gi, g, indices, pp);
        return gi;
    }

    public static Tensor avgPool2d(Tensor input, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                            Integer divisorOverride) {
        String op = "avg_pool2d";
        Tensor x = batched(input, op);
        int[] k = pair(op, "kernel_size", kernel), s = stride == null || stride.length == 0 ? k : pair(op, "stride", stride);
        int[] p = pair(op, "padding", padding);
        if (divisorOverride != null && divisorOverride == 0) throw new KindlingException("divisor must be not zero");
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        int oh = poolOut(op, h, k[0], p[0], s[0], 1, ceilMode), ow = poolOut(op, w, k[1], p[1], s[1], 1, ceilMode);
        if (oh <= 0 || ow <= 0) {
            throw new KindlingException("Given input size: (" + c + "x" + h + "x" + w + "). Calculated output size: (" + c + "x"
                    + oh + "x" + ow + "). Output size is too small");
        }
        Pool2dParams pp = new Pool2dParams(n, c, h, w, oh, ow, k[0], k[1], s[0], s[1], p[0], p[1], 1, 1, ceilMode,
                countIncludePad, divisorOverride == null ? 0 : divisorOverride);
        return unbatch(avgPoolRun(x, pp, Derivatives.AVG_POOL2D), input);
    }

    public static Tensor adaptiveAvgPool2d(Tensor input, int[] outSize) {
        Tensor x = batched(input, "adaptive_avg_pool2d");
        int[] o = pair("adaptive_avg_pool2d", "output_size", outSize);
        Pool2dParams pp = Pool2dParams.adaptive(x.shape[0], x.shape[1], x.shape[2], x.shape[3], o[0], o[1]);
        return unbatch(avgPoolRun(x, pp, Derivatives.ADAPTIVE_AVG_POOL2D), input);
    }

    private static Tensor avgPoolRun(Tensor x, Pool2dParams pp, dev.kindling.autograd.Derivative d) {
        DType dt = computeType("avg_pool2d", x);
        Tensor xd = dense(x, dt);
        Tensor out = Torch.empty(new int[] {pp.n(), pp.c(), pp.oH(), pp.oW()}, dt, x.device());
        if (out.numel() > 0) out.storage.backend().avgPool2d(xd.strided(), out.strided(), pp);
        if (x.dtype() != dt) out = out.to(x.dtype());
        if (Graph.isRecording(x)) Graph.record(d, out, x, pp);
        return out;
    }

    /** The input gradient of an average pooling (itself differentiable: its adjoint is the pooling). */
    public static Tensor avgPool2dBackward(Tensor g, Pool2dParams pp) {
        DType dt = computeType("avg_pool2d_backward", g);
        Tensor gd = dense(g, dt);
        Tensor gi = Torch.zeros(new int[] {pp.n(), pp.c(), pp.h(), pp.w()}, dt, g.device());
        if (gd.numel() > 0) gi.storage.backend().avgPool2dBackward(gd.strided(), gi.strided(), pp);
        if (g.dtype() != dt) gi = gi.to(g.dtype());
        if (Graph.isRecording(g)) Graph.record(Derivatives.AVG_POOL2D_BACKWARD, gi, g, pp);
        return gi;
    }

    /** Pooling with the same geometry applied to gg (the adjoint of the pooling's backward). */
    public static Tensor avgPoolSameGeometry(Tensor gg, Pool2dParams pp) {
        return avgPoolRun(gg, pp, pp.kH() == 0 ? Derivatives.ADAPTIVE_AVG_POOL2D : Derivatives.AVG_POOL2D);
    }
}
