package dev.kindling.autograd;

import dev.kindling.ConvOps;
import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.FusedOps;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.backend.Pool2dParams;

import static dev.kindling.autograd.Derivative.IN0;
import static dev.kindling.autograd.Derivative.IN1;
import static dev.kindling.autograd.Derivative.IN2;
import static dev.kindling.autograd.Derivative.NONE;
import static dev.kindling.autograd.Derivative.RESULT;
import static dev.kindling.autograd.Derivative.of;

/**
 * The derivatives table: one row per differentiable op, in the spirit of PyTorch's
 * {@code tools/autograd/derivatives.yaml}. Each row names the backward node as PyTorch does,
 * declares what it saves, and gives the input gradients from the output gradient {@code g} with
 * tensor ops (so every row is itself differentiable). Notation: {@code a}, {@code b} are the saved
 * inputs, {@code r} the saved result, {@code c.needs(i)} whether input i's gradient is wanted.
 * Formulas longer than a line are named helpers at the end, with their derivation.
 *
 * <p>The engine, not the rows, sums gradients back to broadcast inputs' shapes and casts them to the
 * inputs' dtypes (see {@link Engine}).
 */
public final class Derivatives {
    private Derivatives() {}

    private static Tensor[] grads(Tensor... gs) { return gs; }

    private static final double LN2 = Math.log(2), LN10 = Math.log(10);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    // ---- arithmetic (binary ops save their inputs; a scalar operand arrives as a 0-dim constant) ----

    public static final Derivative ADD = of("AddBackward0", NONE, (c, g) -> grads(g, scaled(g, c.doubleArg(0))));
    public static final Derivative SUB = of("SubBackward0", NONE, (c, g) -> grads(g, scaled(g, -c.doubleArg(0))));
    public static final Derivative MUL = of("MulBackward0", IN0 | IN1, (c, g) -> grads(
            c.needs(0) ? g.mul(c.input(1)) : null,
            c.needs(1) ? g.mul(c.input(0)) : null));
    public static final Derivative DIV = of("DivBackward0", IN0 | IN1, (c, g) -> grads(
            c.needs(0) ? g.div(c.input(1)) : null,
            c.needs(1) ? g.neg().mul(c.input(0)).div(c.input(1).square()) : null));
    public static final Derivative DIV_TRUNC = of("DivBackward2", NONE, (c, g) -> grads(zeros(g), zeros(g)));
    public static final Derivative DIV_FLOOR = of("DivBackward2", NONE, (c, g) -> grads(zeros(g), zeros(g)));
    public static final Derivative REMAINDER = of("RemainderBackward0", IN0 | IN1, (c, g) -> grads(
            g, c.needs(1) ? g.neg().mul(c.input(0).div(c.input(1), "floor")) : null));
    public static final Derivative FMOD = of("FmodBackward0", IN0 | IN1, (c, g) -> grads(
            g, c.needs(1) ? g.neg().mul(c.input(0).div(c.input(1), "trunc")) : null));
    public static final Derivative POW = of("PowBackward1", IN0 | IN1 | RESULT, (c, g) -> grads(
            c.needs(0) ? powSelfGrad(g, c.input(0), c.input(1)) : null,
            c.needs(1) ? powExponentGrad(g, c.input(0), c.input(1), c.result()) : null));
    public static final Derivative POW_SCALAR = of("PowBackward0", IN0, (c, g) -> {
        double p = c.doubleArg(0);
        return grads(p == 0 ? zeros(g) : g.mul(c.input(0).pow(p - 1).mul(p)));
    });
    public static final Derivative ATAN2 = of("Atan2Backward0", IN0 | IN1, (c, g) -> {
        Tensor a = c.input(0), b = c.input(1);
        Tensor denom = a.square().add(b.square());
        return grads(c.needs(0) ? g.mul(b.div(denom)) : null, c.needs(1) ? g.mul(a.neg().div(denom)) : null);
    });
    public static final Derivative HYPOT = of("HypotBackward0", IN0 | IN1 | RESULT, (c, g) -> grads(
            c.needs(0) ? g.mul(c.input(0).div(c.result())) : null,
            c.needs(1) ? g.mul(c.input(1).div(c.result())) : null));
    public static final Derivative COPYSIGN = of("CopysignBackward0", IN0 | RESULT, (c, g) -> grads(
            g.mul(c.result().div(c.input(0)).maskedFill(c.input(0).eq(0.0), 0.0)), zeros(g)));
    public static final Derivative XLOGY = of("XlogyBackward0", IN0 | IN1, (c, g) -> {
        Tensor a = c.input(0), b = c.input(1);
        return grads(
                c.needs(0) ? g.mul(b.log().maskedFill(a.eq(0.0).logicalAnd(b.le(0.0)), 0.0)) : null,
                c.needs(1) ? g.mul(a).div(b) : null);
    });
    public static final Derivative MAXIMUM = of("MaximumBackward0", IN0 | IN1, (c, g) -> {
        Tensor a = c.input(0), b = c.input(1);
        Tensor half = g.where(a.ne(b), g.div(2.0));
        return grads(c.needs(0) ? half.maskedFill(a.lt(b), 0.0) : null, c.needs(1) ? half.maskedFill(a.gt(b), 0.0) : null);
    });
    public static final Derivative MINIMUM = of("MinimumBackward0", IN0 | IN1, (c, g) -> {
        Tensor a = c.input(0), b = c.input(1);
        Tensor half = g.where(a.ne(b), g.div(2.0));
        return grads(c.needs(0) ? half.maskedFill(a.gt(b), 0.0) : null, c.needs(1) ? half.maskedFill(a.lt(b), 0.0) : null);
    });

    // ---- unary math (args: the op's two parameters) ----

    public static final Derivative NEG = of("NegBackward0", NONE, (c, g) -> grads(g.neg()));
    public static final Derivative ABS = of("AbsBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).sgn())));
    public static final Derivative SIGN = of("SignBackward0", NONE, (c, g) -> grads(zeros(g)));
    public static final Derivative RECIPROCAL = of("ReciprocalBackward0", RESULT, (c, g) -> grads(g.neg().mul(c.result().square())));
    public static final Derivative SQUARE = of("PowBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).mul(2.0))));
    public static final Derivative SQRT = of("SqrtBackward0", RESULT, (c, g) -> grads(g.div(c.result().mul(2.0))));
    public static final Derivative RSQRT = of("RsqrtBackward0", RESULT, (c, g) -> grads(g.mul(c.result().pow(3.0)).mul(-0.5)));
    public static final Derivative EXP = of("ExpBackward0", RESULT, (c, g) -> grads(g.mul(c.result())));
    public static final Derivative EXP2 = of("Exp2Backward0", RESULT, (c, g) -> grads(g.mul(c.result()).mul(LN2)));
    public static final Derivative EXPM1 = of("Expm1Backward0", RESULT, (c, g) -> grads(g.mul(c.result().add(1.0))));
    public static final Derivative LOG = of("LogBackward0", IN0, (c, g) -> grads(g.div(c.input(0))));
    public static final Derivative LOG2 = of("Log2Backward0", IN0, (c, g) -> grads(g.div(c.input(0).mul(LN2))));
    public static final Derivative LOG10 = of("Log10Backward0", IN0, (c, g) -> grads(g.div(c.input(0).mul(LN10))));
    public static final Derivative LOG1P = of("Log1PBackward0", IN0, (c, g) -> grads(g.div(c.input(0).add(1.0))));
    public static final Derivative SIN = of("SinBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).cos())));
    public static final Derivative COS = of("CosBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).sin()).neg()));
    public static final Derivative TAN = of("TanBackward0", RESULT, (c, g) -> grads(g.mul(c.result().square().add(1.0))));
    public static final Derivative ASIN = of("AsinBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).square().rsub(1.0).rsqrt())));
    public static final Derivative ACOS = of("AcosBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).square().rsub(1.0).rsqrt()).neg()));
    public static final Derivative ATAN = of("AtanBackward0", IN0, (c, g) -> grads(g.div(c.input(0).square().add(1.0))));
    public static final Derivative SINH = of("SinhBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).cosh())));
    public static final Derivative COSH = of("CoshBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).sinh())));
    public static final Derivative TANH = of("TanhBackward0", RESULT, (c, g) -> grads(g.mul(c.result().square().rsub(1.0))));
    public static final Derivative ASINH = of("AsinhBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).square().add(1.0).rsqrt())));
    public static final Derivative ACOSH = of("AcoshBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).square().sub(1.0).rsqrt())));
    public static final Derivative ATANH = of("AtanhBackward0", IN0, (c, g) -> grads(g.div(c.input(0).square().rsub(1.0))));
    public static final Derivative SIGMOID = of("SigmoidBackward0", RESULT, (c, g) -> grads(g.mul(c.result().mul(c.result().rsub(1.0)))));
    public static final Derivative LOGSIGMOID = of("LogSigmoidBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).neg().sigmoid())));
    public static final Derivative RELU = of("ReluBackward0", RESULT, (c, g) -> grads(FusedOps.thresholdBackward(g, c.result(), 0)));
    /** threshold_backward(g, x, t) is linear in g and piecewise constant in x. */
    public static final Derivative THRESHOLD_BACKWARD = of("ThresholdBackwardBackward0", IN1, (c, g) -> grads(
            c.needs(0) ? FusedOps.thresholdBackward(g, c.input(1), c.doubleArg(0)) : null,
            c.needs(1) ? zeros(g, c.shape(1)) : null));
    public static final Derivative GELU = of("GeluBackward0", IN0, (c, g) -> grads(g.mul(geluGrad(c.input(0)))));
    public static final Derivative GELU_TANH = of("GeluBackward0", IN0, (c, g) -> grads(g.mul(geluTanhGrad(c.input(0)))));
    public static final Derivative SILU = of("SiluBackward0", IN0, (c, g) -> {
        Tensor x = c.input(0), s = x.sigmoid();
        return grads(g.mul(s.mul(x.mul(s.rsub(1.0)).add(1.0))));
    });
    public static final Derivative MISH = of("MishBackward0", IN0, (c, g) -> {
        Tensor x = c.input(0), t = x.softplus().tanh();
        return grads(g.mul(t.add(x.mul(x.sigmoid()).mul(t.square().rsub(1.0)))));
    });
    public static final Derivative SOFTPLUS = of("SoftplusBackward0", IN0, (c, g) -> {
        Tensor z = c.input(0).mul(c.doubleArg(0));
        return grads(g.mul(z.sigmoid().where(z.le(c.doubleArg(1)), 1.0)));
    });
    public static final Derivative LEAKY_RELU = of("LeakyReluBackward0", IN0, (c, g) ->
            grads(g.where(c.input(0).gt(0.0), g.mul(c.doubleArg(0)))));
    public static final Derivative ELU = of("EluBackward0", IN0 | RESULT, (c, g) ->
            grads(g.where(c.input(0).gt(0.0), g.mul(c.result().add(c.doubleArg(0))))));
    public static final Derivative HARDTANH = of("HardtanhBackward0", IN0, (c, g) -> {
        Tensor x = c.input(0);
        return grads(g.mul(x.gt(c.doubleArg(0)).logicalAnd(x.lt(c.doubleArg(1)))));
    });
    public static final Derivative HARDSIGMOID = of("HardsigmoidBackward0", IN0, (c, g) -> {
        Tensor x = c.input(0);
        return grads(g.div(6.0).mul(x.gt(-3.0).logicalAnd(x.lt(3.0))));
    });
    public static final Derivative HARDSWISH = of("HardswishBackward0", IN0, (c, g) -> {
        Tensor x = c.input(0);
        Tensor mid = g.mul(x.div(3.0).add(0.5));
        return grads(g.where(x.gt(3.0), mid).maskedFill(x.lt(-3.0), 0.0));
    });
    public static final Derivative ERF = of("ErfBackward0", IN0, (c, g) ->
            grads(g.mul(c.input(0).square().neg().exp().mul(TWO_OVER_SQRT_PI))));
    public static final Derivative ERFC = of("ErfcBackward0", IN0, (c, g) ->
            grads(g.mul(c.input(0).square().neg().exp().mul(-TWO_OVER_SQRT_PI))));
    public static final Derivative ERFINV = of("ErfinvBackward0", RESULT, (c, g) ->
            grads(g.mul(c.result().square().exp().mul(Math.sqrt(Math.PI) / 2))));
    public static final Derivative FLOOR = of("FloorBackward0", NONE, (c, g) -> grads(zeros(g)));
    public static final Derivative CEIL = of("CeilBackward0", NONE, (c, g) -> grads(zeros(g)));
    public static final Derivative ROUND = of("RoundBackward0", NONE, (c, g) -> grads(zeros(g)));
    public static final Derivative ROUND_DECIMALS = of("RoundBackward1", NONE, (c, g) -> grads(zeros(g)));
    public static final Derivative TRUNC = of("TruncBackward0", NONE, (c, g) -> grads(zeros(g)));
    public static final Derivative FRAC = of("FracBackward0", NONE, (c, g) -> grads(g));
    public static final Derivative CLAMP = of("ClampBackward1", IN0, (c, g) -> grads(g.mul(clampMask(c.input(0), c.doubleArg(0), c.doubleArg(1)))));
    public static final Derivative CLAMP_TENSOR = of("ClampBackward0", IN0 | IN1 | IN2, (c, g) -> clampTensorGrad(c, g));
    public static final Derivative NAN_TO_NUM = of("NanToNumBackward0", IN0, (c, g) -> grads(g.mul(c.input(0).isfinite())));

    // ---- selection and interpolation ----

    public static final Derivative WHERE = of("WhereBackward0", NONE, (c, g) -> {
        Tensor cond = c.tensorArg(0);
        return grads(null, c.needs(1) ? g.where(cond, 0.0) : null, c.needs(2) ? zeros(g).where(cond, g) : null);
    });
    public static final Derivative LERP = of("LerpBackward0", NONE, (c, g) -> {
        double w = c.doubleArg(0);
        return grads(g.mul(1 - w), g.mul(w));
    });
    public static final Derivative LERP_TENSOR = of("LerpBackward1", IN0 | IN1 | IN2, (c, g) -> grads(
            c.needs(0) ? g.mul(c.input(2).rsub(1.0)) : null,
            c.needs(1) ? g.mul(c.input(2)) : null,
            c.needs(2) ? g.mul(c.input(1).sub(c.input(0))) : null));
    public static final Derivative ADDCMUL = of("AddcmulBackward0", IN1 | IN2, (c, g) -> {
        double v = c.doubleArg(0);
        return grads(g, c.needs(1) ? g.mul(c.input(2)).mul(v) : null, c.needs(2) ? g.mul(c.input(1)).mul(v) : null);
    });
    public static final Derivative ADDCDIV = of("AddcdivBackward0", IN1 | IN2, (c, g) -> {
        double v = c.doubleArg(0);
        Tensor t1 = c.input(1), t2 = c.input(2);
        return grads(g, c.needs(1) ? g.mul(v).div(t2) : null, c.needs(2) ? g.neg().mul(v).mul(t1).div(t2.square()) : null);
    });
    public static final Derivative MASKED_FILL = of("MaskedFillBackward0", NONE, (c, g) -> grads(g.maskedFill(c.tensorArg(0), 0.0)));
    public static final Derivative MASKED_FILL_TENSOR = of("MaskedFillBackward1", NONE, (c, g) -> {
        Tensor mask = c.tensorArg(0);
        return grads(c.needs(0) ? g.maskedFill(mask, 0.0) : null, c.needs(1) ? zeros(g).where(mask, g).sum() : null);
    });

    // ---- copies ----

    public static final Derivative CLONE = of("CloneBackward0", NONE, (c, g) -> grads(g));
    public static final Derivative TO_COPY = of("ToCopyBackward0", NONE, (c, g) -> grads(g.to((Device) c.arg(0))));
    public static final Derivative COPY = of("CopyBackwards", NONE, (c, g) -> grads(
            c.needs(0) ? zeros(g) : null, c.needs(1) ? g.to((Device) c.arg(0)) : null));
    public static final Derivative FILL = of("FillBackward0", NONE, (c, g) -> grads(zeros(g)));

    // ---- reductions (args: the reduced-dims mask and keepdim, where the op has dims) ----

    public static final Derivative SUM = of("SumBackward0", NONE, (c, g) -> grads(g.expand(c.shape(0))));
    public static final Derivative SUM_DIM = of("SumBackward1", NONE, (c, g) ->
            grads(unsqueezeReduced(g, (boolean[]) c.arg(0), c.boolArg(1)).expand(c.shape(0))));
    public static final Derivative MEAN = of("MeanBackward0", NONE, (c, g) ->
            grads(g.expand(c.shape(0)).div((double) numel(c.shape(0)))));
    public static final Derivative MEAN_DIM = of("MeanBackward1", NONE, (c, g) -> {
        boolean[] mask = (boolean[]) c.arg(0);
        return grads(unsqueezeReduced(g, mask, c.boolArg(1)).expand(c.shape(0)).div((double) count(mask, c.shape(0))));
    });
    public static final Derivative PROD = of("ProdBackward0", IN0, (c, g) ->
            grads(prodGrad(g.reshape(1), c.input(0).reshape(-1), 0).reshape(c.shape(0))));
    public static final Derivative PROD_DIM = of("ProdBackward1", IN0, (c, g) -> {
        int d = c.intArg(0);
        Tensor gu = c.boolArg(1) || c.shape(0).length == 0 ? g : g.unsqueeze(d);
        return grads(prodGrad(gu, c.input(0), d));
    });
    public static final Derivative MAX_ALL = of("MaxBackward1", IN0 | RESULT, Derivatives::evenlyDistributed);
    public static final Derivative MIN_ALL = of("MinBackward1", IN0 | RESULT, Derivatives::evenlyDistributed);
    public static final Derivative AMAX = of("AmaxBackward0", IN0 | RESULT, Derivatives::evenlyDistributed);
    public static final Derivative AMIN = of("AminBackward0", IN0 | RESULT, Derivatives::evenlyDistributed);
    public static final Derivative MAX_DIM = of("MaxBackward0", NONE, Derivatives::valueSelecting);
    public static final Derivative MIN_DIM = of("MinBackward0", NONE, Derivatives::valueSelecting);
    public static final Derivative VAR = of("VarBackward0", IN0, (c, g) -> {
        boolean[] mask = (boolean[]) c.arg(0);
        Tensor a = c.input(0);
        double n = count(mask, c.shape(0)) - c.doubleArg(1);
        Tensor gu = unsqueezeReduced(g, mask, c.boolArg(2));
        return grads(gu.mul(a.sub(a.mean(dims(mask), true))).mul(2.0 / n));
    });
    public static final Derivative STD = of("StdBackward0", IN0 | RESULT, (c, g) -> {
        boolean[] mask = (boolean[]) c.arg(0);
        Tensor a = c.input(0);
        double n = count(mask, c.shape(0)) - c.doubleArg(1);
        boolean keep = c.boolArg(2);
        Tensor r = unsqueezeReduced(c.result(), mask, keep);
        Tensor gu = unsqueezeReduced(g, mask, keep).div(r.mul(n)).maskedFill(r.eq(0.0), 0.0);
        return grads(gu.mul(a.sub(a.mean(dims(mask), true))));
    });
    public static final Derivative NORM = of("NormBackward1", IN0 | RESULT, (c, g) ->
            grads(normGrad(g, c.input(0), c.result(), c.doubleArg(0), (boolean[]) c.arg(1), c.boolArg(2))));
    public static final Derivative LOGSUMEXP = of("LogsumexpBackward0", IN0 | RESULT, (c, g) -> {
        boolean[] mask = (boolean[]) c.arg(0);
        boolean keep = c.boolArg(1);
        return grads(unsqueezeReduced(g, mask, keep).mul(c.input(0).sub(unsqueezeReduced(c.result(), mask, keep)).exp()));
    });
    public static final Derivative CUMSUM = of("CumsumBackward0", NONE, (c, g) -> {
        int d = c.intArg(0);
        return grads(g.dim() == 0 ? g : g.flip(d).cumsum(d).flip(d));
    });
    public static final Derivative CUMPROD = of("CumprodBackward0", IN0 | RESULT, (c, g) -> {
        int d = c.intArg(0);
        if (g.dim() == 0) return grads(g);
        return grads(g.mul(c.result()).flip(d).cumsum(d).flip(d).div(c.input(0)));
    });
    public static final Derivative CUMMAX = of("CummaxBackward0", NONE, (c, g) ->
            grads(g.dim() == 0 ? g : zeros(g).scatterAdd(c.intArg(0), c.tensorArg(1), g)));
    public static final Derivative CUMMIN = of("CumminBackward0", NONE, (c, g) ->
            grads(g.dim() == 0 ? g : zeros(g).scatterAdd(c.intArg(0), c.tensorArg(1), g)));
    public static final Derivative LOGCUMSUMEXP = of("LogcumsumexpBackward0", IN0 | RESULT, (c, g) -> {
        int d = c.intArg(0);
        if (g.dim() == 0) return grads(g);
        return grads(g.mul(c.result().neg().exp()).flip(d).cumsum(d).flip(d).mul(c.input(0).exp()));
    });
    public static final Derivative SOFTMAX = of("SoftmaxBackward0", RESULT, (c, g) -> {
        Tensor r = c.result();
        int d = c.intArg(0);
        return grads(r.mul(g.sub(g.mul(r).sum(d, true))));
    });
    public static final Derivative LOG_SOFTMAX = of("LogSoftmaxBackward0", RESULT, (c, g) -> {
        int d = c.intArg(0);
        return grads(g.sub(c.result().exp().mul(g.sum(d, true))));
    });

    // ---- views ----

    public static final Derivative VIEW = of("ViewBackward0", NONE, (c, g) -> grads(g.reshape(c.shape(0))));
    public static final Derivative PERMUTE = of("PermuteBackward0", NONE, (c, g) -> grads(g.permute(inverse(c.intsArg(0)))));
    public static final Derivative TRANSPOSE = of("TransposeBackward0", NONE, (c, g) -> grads(g.transpose(c.intArg(0), c.intArg(1))));
    public static final Derivative T = of("TBackward0", NONE, (c, g) -> grads(g.t()));
    public static final Derivative EXPAND = of("ExpandBackward0", NONE, (c, g) -> grads(g.sumToSize(c.shape(0))));
    public static final Derivative SLICE = of("SliceBackward0", NONE, (c, g) ->
            grads(zeros(g, c.shape(0)).sliceScatter(g, c.intArg(0), c.intArg(1), c.intArg(2), c.intArg(3))));
    public static final Derivative SELECT = of("SelectBackward0", NONE, (c, g) ->
            grads(zeros(g, c.shape(0)).selectScatter(g, c.intArg(0), c.intArg(1))));
    public static final Derivative SQUEEZE = of("SqueezeBackward0", NONE, (c, g) -> grads(g.reshape(c.shape(0))));
    public static final Derivative SQUEEZE_DIM = of("SqueezeBackward1", NONE, (c, g) -> grads(g.reshape(c.shape(0))));
    public static final Derivative SQUEEZE_DIMS = of("SqueezeBackward2", NONE, (c, g) -> grads(g.reshape(c.shape(0))));
    public static final Derivative UNSQUEEZE = of("UnsqueezeBackward0", NONE, (c, g) -> grads(g.squeeze(c.intArg(0))));
    public static final Derivative DIAGONAL = of("DiagonalBackward0", NONE, (c, g) ->
            grads(zeros(g, c.shape(0)).diagonalScatter(g, c.intArg(0), c.intArg(1), c.intArg(2))));
    public static final Derivative UNFOLD = of("UnfoldBackward0", NONE, (c, g) -> {
        int d = c.intArg(0), size = c.intArg(1), step = c.intArg(2);
        return grads(viewGrad(g, c.shape(0), t -> t.unfold(d, size, step)));
    });
    public static final Derivative AS_STRIDED = of("AsStridedBackward0", NONE, (c, g) -> {
        int[] size = c.intsArg(0), stride = c.intsArg(1);
        int off = c.intArg(2);
        return grads(viewGrad(g, c.shape(0), t -> t.asStrided(size, stride, off)));
    });
    /** An in-place op on a view: the base's new value is its old value with the view replaced by r. */
    public static final Derivative COPY_SLICES = of("CopySlices", NONE, (c, g) -> {
        int[] size = c.intsArg(0), stride = c.intsArg(1);
        int off = c.intArg(2);
        Tensor pos = positions(c.shape(0), g.device(), t -> t.asStrided(size, stride, off));
        Tensor flat = pos.reshape(-1);
        return grads(
                c.needs(0) ? g.put(flat, Torch.zeros(new int[] {(int) flat.numel()}, g.dtype(), g.device()), false) : null,
                c.needs(1) ? g.take(pos) : null);
    });
    public static final Derivative SLICE_SCATTER = of("SliceScatterBackward0", IN1, (c, g) -> {
        int d = c.intArg(0), s = c.intArg(1), e = c.intArg(2), st = c.intArg(3);
        return grads(c.needs(0) ? g.sliceScatter(zeros(g, c.shape(1)), d, s, e, st) : null,
                c.needs(1) ? g.slice(d, s, e, st) : null);
    });
    public static final Derivative SELECT_SCATTER = of("SelectScatterBackward0", NONE, (c, g) -> {
        int d = c.intArg(0), i = c.intArg(1);
        return grads(c.needs(0) ? g.selectScatter(zeros(g, c.shape(1)), d, i) : null, c.needs(1) ? g.select(d, i) : null);
    });
    public static final Derivative DIAGONAL_SCATTER = of("DiagonalScatterBackward0", NONE, (c, g) -> {
        int o = c.intArg(0), a = c.intArg(1), b = c.intArg(2);
        return grads(c.needs(0) ? g.diagonalScatter(zeros(g, c.shape(1)), o, a, b) : null, c.needs(1) ? g.diagonal(o, a, b) : null);
    });
    public static final Derivative AS_STRIDED_SCATTER = of("AsStridedScatterBackward0", NONE, (c, g) -> {
        int[] size = c.intsArg(0), stride = c.intsArg(1);
        int off = c.intArg(2);
        Tensor gc = g.contiguous();
        return grads(c.needs(0) ? gc.asStridedScatter(zeros(g, c.shape(1)), size, stride, off) : null,
                c.needs(1) ? gc.asStrided(size, stride, off) : null);
    });

    // ---- indexing (args: dim, then the int64 index tensor) ----

    public static final Derivative INDEX_SELECT = of("IndexSelectBackward0", NONE, (c, g) ->
            grads(zeros(g, c.shape(0)).indexAdd(c.intArg(0), c.tensorArg(1), g)));
    public static final Derivative GATHER = of("GatherBackward0", NONE, (c, g) ->
            grads(zeros(g, c.shape(0)).scatterAdd(c.intArg(0), c.tensorArg(1), g)));
    public static final Derivative SCATTER = of("ScatterBackward0", NONE, (c, g) -> grads(
            c.needs(0) ? g.scatter(c.intArg(0), c.tensorArg(1), 0.0) : null,
            c.needs(1) ? g.gather(c.intArg(0), c.tensorArg(1)) : null));
    public static final Derivative SCATTER_VALUE = of("ScatterBackward1", NONE, (c, g) ->
            grads(g.scatter(c.intArg(0), c.tensorArg(1), 0.0)));
    public static final Derivative SCATTER_ADD = of("ScatterAddBackward0", NONE, (c, g) ->
            grads(g, c.needs(1) ? g.gather(c.intArg(0), c.tensorArg(1)) : null));
    public static final Derivative INDEX_ADD = of("IndexAddBackward0", NONE, (c, g) ->
            grads(g, c.needs(1) ? scaled(g.indexSelect(c.intArg(0), c.tensorArg(1)), c.doubleArg(2)) : null));
    public static final Derivative TAKE = of("TakeBackward0", NONE, (c, g) ->
            grads(zeros(g, c.shape(0)).put(c.tensorArg(0), g, true)));
    public static final Derivative PUT = of("PutBackward0", NONE, (c, g) -> {
        Tensor idx = c.tensorArg(0);
        boolean acc = c.boolArg(1);
        return grads(c.needs(0) ? (acc ? g : g.put(idx, zeros(g, new int[] {(int) idx.numel()}), false)) : null,
                c.needs(1) ? g.take(idx).reshape(c.shape(1)) : null);
    });
    public static final Derivative SORT = of("SortBackward0", NONE, (c, g) ->
            grads(g.dim() == 0 ? g : zeros(g, c.shape(0)).scatter(c.intArg(0), c.tensorArg(1), g)));
    public static final Derivative TOPK = of("TopkBackward0", NONE, (c, g) ->
            grads(g.dim() == 0 ? g : zeros(g, c.shape(0)).scatter(c.intArg(0), c.tensorArg(1), g)));
    public static final Derivative FLIP = of("FlipBackward0", NONE, (c, g) -> grads(g.flip(c.intsArg(0))));
    public static final Derivative TRIL = of("TrilBackward0", NONE, (c, g) -> grads(g.tril(c.intArg(0))));
    public static final Derivative TRIU = of("TriuBackward0", NONE, (c, g) -> grads(g.triu(c.intArg(0))));
    public static final Derivative CAT = of("CatBackward0", NONE, (c, g) -> {
        int d = c.intArg(0);
        int[] sizes = c.intsArg(1);
        Tensor[] out = new Tensor[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (c.needs(i)) out[i] = g.narrow(d, at, sizes[i]);
            at += sizes[i];
        }
        return out;
    });

    // ---- linear algebra ----

    public static final Derivative MM = of("MmBackward0", IN0 | IN1, (c, g) -> grads(
            c.needs(0) ? mmMat1Grad(g, c.input(0), c.input(1)) : null,
            c.needs(1) ? mmMat2Grad(g, c.input(0), c.input(1)) : null));
    public static final Derivative BMM = of("BmmBackward0", IN0 | IN1, (c, g) -> grads(
            c.needs(0) ? g.bmm(c.input(1).transpose(1, 2)) : null,
            c.needs(1) ? c.input(0).transpose(1, 2).bmm(g) : null));
    public static final Derivative MV = of("MvBackward0", IN0 | IN1, (c, g) -> grads(
            c.needs(0) ? g.unsqueeze(1).mul(c.input(1).unsqueeze(0)) : null,
            c.needs(1) ? c.input(0).t().mv(g) : null));
    public static final Derivative DOT = of("DotBackward0", IN0 | IN1, (c, g) -> grads(
            c.needs(0) ? c.input(1).mul(g) : null,
            c.needs(1) ? c.input(0).mul(g) : null));
    public static final Derivative ADDMM = of("AddmmBackward0", IN1 | IN2, (c, g) -> {
        double beta = c.doubleArg(0), alpha = c.doubleArg(1);
        return grads(c.needs(0) ? scaled(g, beta) : null,
                c.needs(1) ? scaled(mmMat1Grad(g, c.input(1), c.input(2)), alpha) : null,
                c.needs(2) ? scaled(mmMat2Grad(g, c.input(1), c.input(2)), alpha) : null);
    });
    public static final Derivative BADDBMM = of("BaddbmmBackward0", IN1 | IN2, (c, g) -> {
        double beta = c.doubleArg(0), alpha = c.doubleArg(1);
        return grads(c.needs(0) ? scaled(g, beta) : null,
                c.needs(1) ? scaled(g.bmm(c.input(2).transpose(1, 2)), alpha) : null,
                c.needs(2) ? scaled(c.input(1).transpose(1, 2).bmm(g), alpha) : null);
    });

    // ---- normalisation (args: the forward's per-channel mean and invstd, eps) ----

    public static final Derivative BATCH_NORM = of("NativeBatchNormBackward0", IN0 | IN1, (c, g) -> FusedOps.batchNormBackward(
            g, c.input(0), maybe(c, 1), (double[]) c.arg(0), (double[]) c.arg(1), c.doubleArg(2),
            new boolean[] {c.needs(0), c.needs(1), c.needs(2)}));

    // ---- convolution and pooling (args: stride, padding, dilation, groups / pooling geometry) ----

    public static final Derivative CONV2D = of("ConvolutionBackward0", IN0 | IN1, (c, g) -> convolutionGrads(c, g, false));
    public static final Derivative CONV_TRANSPOSE2D = of("ConvolutionBackward0", IN0 | IN1, (c, g) -> convolutionGrads(c, g, true));
    public static final Derivative CONV2D_WEIGHT_GRAD = of("ConvolutionBackwardBackward0", IN0 | IN1, Derivatives::weightGradGrads);
    public static final Derivative MAX_POOL2D = of("MaxPool2DWithIndicesBackward0", NONE, (c, g) ->
            grads(ConvOps.maxPool2dBackward(g, c.tensorArg(0), (Pool2dParams) c.arg(1), c.dtype(0))));
    public static final Derivative ADAPTIVE_MAX_POOL2D = of("AdaptiveMaxPool2DBackward0", NONE, (c, g) ->
            grads(ConvOps.maxPool2dBackward(g, c.tensorArg(0), (Pool2dParams) c.arg(1), c.dtype(0))));
    public static final Derivative MAX_POOL2D_BACKWARD = of("MaxPool2DWithIndicesBackwardBackward0", NONE, (c, g) -> {
        Tensor idx = c.tensorArg(0);
        return grads(g.flatten(2, 3).gather(2, idx.flatten(2, 3)).view(idx.shape()));
    });
    public static final Derivative AVG_POOL2D = of("AvgPool2DBackward0", NONE, (c, g) ->
            grads(ConvOps.avgPool2dBackward(g, (Pool2dParams) c.arg(0))));
    public static final Derivative ADAPTIVE_AVG_POOL2D = of("AdaptiveAvgPool2DBackward0", NONE, (c, g) ->
            grads(ConvOps.avgPool2dBackward(g, (Pool2dParams) c.arg(0))));
    public static final Derivative AVG_POOL2D_BACKWARD = of("AvgPool2DBackwardBackward0", NONE, (c, g) ->
            grads(ConvOps.avgPoolSameGeometry(g, (Pool2dParams) c.arg(0))));

    // =====================================================================================
    // Helpers (formulas longer than a line, with their derivation)
    // =====================================================================================

    /** Whether a matrix is laid out column-major (a transposed view of a row-major one). */
    private static boolean columnMajor(Tensor m) {
        int[] st = m.stride();
        return m.dim() == 2 && st[0] == 1 && st[1] == m.size(0);
    }

    /**
     * The gradient of mat1 in {@code mat1·mat2}: {@code g·mat2ᵀ}, computed as {@code (mat2·gᵀ)ᵀ}
     * when mat1 is column-major so that the gradient has mat1's layout (PyTorch's
     * {@code mm_mat1_backward}).
     */
    private static Tensor mmMat1Grad(Tensor g, Tensor mat1, Tensor mat2) {
        return columnMajor(mat1) ? mat2.mm(g.t()).t() : g.mm(mat2.t());
    }

    /**
     * The gradient of mat2 in {@code mat1·mat2}: {@code mat1ᵀ·g}, computed as {@code (gᵀ·mat1)ᵀ}
     * when mat2 is column-major (PyTorch's {@code mm_mat2_backward}). A linear layer's
     * {@code weight.t()} is such a mat2: its weight then receives a contiguous gradient through
     * {@code TBackward0}, which the engine can hand to the leaf without a copy.
     */
    private static Tensor mmMat2Grad(Tensor g, Tensor mat1, Tensor mat2) {
        return columnMajor(mat2) ? g.t().mm(mat1).t() : mat1.t().mm(g);
    }

    private static Tensor scaled(Tensor g, double alpha) {
        return alpha == 1 ? g : g.mul(alpha);
    }

    private static Tensor zeros(Tensor like) {
        return Torch.zerosLike(like);
    }

    private static Tensor zeros(Tensor like, int[] shape) {
        return Torch.zeros(shape, like.dtype(), like.device());
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    private static long count(boolean[] mask, int[] shape) {
        long n = 1;
        for (int d = 0; d < shape.length; d++) if (mask[d]) n *= shape[d];
        return n;
    }

    private static int[] dims(boolean[] mask) {
        return java.util.stream.IntStream.range(0, mask.length).filter(d -> mask[d]).toArray();
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    /** Re-inserts the reduced dims (as size 1) of a reduction that dropped them. */
    private static Tensor unsqueezeReduced(Tensor g, boolean[] mask, boolean keepdim) {
        if (keepdim) return g;
        Tensor r = g;
        for (int d = 0; d < mask.length; d++) if (mask[d]) r = r.unsqueeze(d);
        return r;
    }

    /**
     * d(a^b)/da = b·a^(b−1), taken as 0 where b = 0 (so 0^0 has no NaN gradient), as PyTorch's
     * pow_backward_self.
     */
    private static Tensor powSelfGrad(Tensor g, Tensor a, Tensor b) {
        Tensor d = b.mul(a.pow(b.sub(1.0)));
        return g.mul(d.maskedFill(b.eq(0.0), 0.0));
    }

    /** d(a^b)/db = a^b·ln(a), taken as 0 where a = 0 and b ≥ 0 (PyTorch's pow_backward_exponent). */
    private static Tensor powExponentGrad(Tensor g, Tensor a, Tensor b, Tensor r) {
        Tensor d = r.mul(a.log());
        return g.mul(d.maskedFill(a.eq(0.0).logicalAnd(b.ge(0.0)), 0.0));
    }

    /** GELU'(x) = Φ(x) + x·φ(x), with Φ the normal CDF and φ its density. */
    private static Tensor geluGrad(Tensor x) {
        Tensor cdf = x.mul(1 / Math.sqrt(2)).erf().add(1.0).mul(0.5);
        Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
        return cdf.add(x.mul(pdf));
    }

    /**
     * For y = x/2·(1 + tanh(u)), u = k(x + 0.044715x³), k = √(2/π):
     * y' = (1 + tanh u)/2 + x/2·(1 − tanh²u)·k(1 + 3·0.044715x²).
     */
    private static Tensor geluTanhGrad(Tensor x) {
        double k = Math.sqrt(2 / Math.PI);
        Tensor x2 = x.square();
        Tensor t = x.add(x2.mul(x).mul(0.044715)).mul(k).tanh();
        Tensor du = x2.mul(3 * 0.044715).add(1.0).mul(k);
        return t.add(1.0).mul(0.5).add(x.mul(0.5).mul(t.square().rsub(1.0)).mul(du));
    }

    private static Tensor clampMask(Tensor x, double min, double max) {
        Tensor m = null;
        if (!Double.isNaN(min)) m = x.ge(min);
        if (!Double.isNaN(max)) m = m == null ? x.le(max) : m.logicalAnd(x.le(max));
        return m;
    }

    /** clamp(x, lo, hi): the gradient goes to x inside [lo, hi], to lo below it, to hi above it. */
    private static Tensor[] clampTensorGrad(BackwardContext c, Tensor g) {
        Tensor x = c.input(0);
        Tensor lo = maybe(c, 1);
        Tensor hi = maybe(c, 2);
        Tensor inside = null;
        if (lo != null) inside = x.ge(lo);
        if (hi != null) inside = inside == null ? x.le(hi) : inside.logicalAnd(x.le(hi));
        return grads(
                c.needs(0) ? g.mul(inside) : null,
                c.needs(1) ? g.mul(x.lt(lo)) : null,
                c.needs(2) ? g.mul(x.gt(hi)) : null);
    }

    private static Tensor maybe(BackwardContext c, int i) {
        try {
            return c.input(i);
        } catch (IllegalStateException notSaved) {
            return null;
        }
    }

    /**
     * The gradient of a product along dim without dividing (so zeros are handled):
     * ∂/∂a_i Π_k a_k = Π_{k&lt;i} a_k · Π_{k&gt;i} a_k, the exclusive cumulative products from both
     * ends. {@code g} has a's rank (size 1 in dim).
     */
    private static Tensor prodGrad(Tensor g, Tensor a, int dim) {
        int n = a.size(dim);
        if (n == 0) return zeros(a);
        Tensor ones = Torch.onesLike(a.narrow(dim, 0, 1));
        Tensor left = Torch.cat(java.util.List.of(ones, a.narrow(dim, 0, n - 1).cumprod(dim)), dim);
        Tensor rev = a.flip(dim);
        Tensor right = Torch.cat(java.util.List.of(ones, rev.narrow(dim, 0, n - 1).cumprod(dim)), dim).flip(dim);
        return g.mul(left.mul(right));
    }

    /** max/min over all or some dims: the gradient is shared evenly among the tied extremes. */
    private static Tensor[] evenlyDistributed(BackwardContext c, Tensor g) {
        Tensor a = c.input(0);
        boolean[] mask = (boolean[]) c.arg(0);
        boolean keep = c.boolArg(1);
        Tensor r = unsqueezeReduced(c.result(), mask, keep);
        Tensor hit = a.eq(r).to(g.dtype());
        Tensor n = hit.sum(dims(mask), true);
        return grads(unsqueezeReduced(g, mask, keep).mul(hit).div(n));
    }

    /** max/min along a dim with indices: the gradient goes to the selected element. */
    private static Tensor[] valueSelecting(BackwardContext c, Tensor g) {
        int d = c.intArg(0);
        boolean keep = c.boolArg(1);
        Tensor idx = c.tensorArg(2);
        int[] shape = c.shape(0);
        if (shape.length == 0) return grads(g);
        Tensor gu = keep ? g : g.unsqueeze(d);
        Tensor iu = keep ? idx : idx.unsqueeze(d);
        return grads(zeros(g, shape).scatter(d, iu, gu));
    }

    /**
     * d‖a‖_p/da = a·|a|^(p−2) / ‖a‖_p^(p−1); for p = 2 that is a/‖a‖, for p = 1 sign(a), for p = ∞
     * sign(a) shared among the elements of largest magnitude, for p = 0 zero. Where the norm is 0 the
     * gradient is taken as 0.
     */
    private static Tensor normGrad(Tensor g, Tensor a, Tensor r, double p, boolean[] mask, boolean keep) {
        Tensor gu = unsqueezeReduced(g, mask, keep);
        Tensor ru = unsqueezeReduced(r, mask, keep);
        if (p == 0) return zeros(a);
        if (p == 1) return gu.mul(a.sgn());
        if (p == 2) return gu.mul(a.div(ru).maskedFill(ru.eq(0.0), 0.0));
        if (Double.isInfinite(p)) {
            Tensor hit = a.abs().eq(ru).to(g.dtype());
            return gu.mul(a.sgn()).mul(hit).div(hit.sum(dims(mask), true));
        }
        Tensor scale = a.abs().pow(p - 2).mul(a).div(ru.pow(p - 1)).maskedFill(ru.eq(0.0), 0.0);
        return gu.mul(scale);
    }

    /**
     * Gradients of y = conv2d(x, w) + b: dx is the transposed convolution of g with w (its output
     * padding chosen to give back x's size), dw the correlation of x with g, db the sum of g over
     * batch and space. For y = conv_transpose2d(x, w) + b the roles swap: dx = conv2d(g, w) and dw
     * correlates g with x.
     */
    private static Tensor[] convolutionGrads(BackwardContext c, Tensor g, boolean transposed) {
        int[] s = c.intsArg(0), p = c.intsArg(1), d = c.intsArg(2);
        int groups = c.intArg(3);
        Tensor x = c.input(0), w = c.input(1);
        Tensor dx = null, dw = null, db = null;
        if (c.needs(0)) {
            if (transposed) {
                dx = ConvOps.conv2d(g, w, null, s, p, d, groups);
            } else {
                int[] op = {
                    ConvOps.outputPadding(x.size(-2), g.size(-2), w.size(2), s[0], p[0], d[0]),
                    ConvOps.outputPadding(x.size(-1), g.size(-1), w.size(3), s[1], p[1], d[1])};
                dx = ConvOps.convTranspose2d(g, w, null, s, p, op, groups, d);
            }
        }
        if (c.needs(1)) dw = transposed ? ConvOps.conv2dWeightGrad(g, x, w.shape(), s, p, d, groups)
                : ConvOps.conv2dWeightGrad(x, g, w.shape(), s, p, d, groups);
        if (c.needs(2)) db = convBiasGrad(g);
        return grads(dx, dw, db);
    }

    /**
     * The bias gradient of a convolution, g [n, o, oH, oW] summed over batch and positions: one
     * matrix-vector product with a vector of ones (a vectorised dot product per output plane)
     * and a sum over the batch of the [n, o] result; half precision sums through a reduction.
     */
    private static Tensor convBiasGrad(Tensor g) {
        if (g.dtype() != DType.FLOAT32 && g.dtype() != DType.FLOAT64) return g.sum(new int[] {0, 2, 3}, false);
        Tensor ones = Torch.ones(new int[] {g.size(2) * g.size(3)}, g.dtype(), g.device());
        return g.flatten(2, 3).matmul(ones).sum(0);
    }

    /**
     * Gradients of W = B(x, g), the weight gradient of a convolution, which is bilinear with
     * ⟨B(x, g), V⟩ = ⟨conv2d(x, V), g⟩: so dx = conv_transpose2d(g, V) and dg = conv2d(x, V) for the
     * incoming gradient V.
     */
    private static Tensor[] weightGradGrads(BackwardContext c, Tensor v) {
        int[] s = c.intsArg(0), p = c.intsArg(1), d = c.intsArg(2);
        int groups = c.intArg(3);
        Tensor x = c.input(0), g = c.input(1);
        Tensor dx = null, dg = null;
        if (c.needs(0)) {
            int[] op = {
                ConvOps.outputPadding(x.size(-2), g.size(-2), v.size(2), s[0], p[0], d[0]),
                ConvOps.outputPadding(x.size(-1), g.size(-1), v.size(3), s[1], p[1], d[1])};
            dx = ConvOps.convTranspose2d(g, v, null, s, p, op, groups, d);
        }
        if (c.needs(1)) dg = ConvOps.conv2d(x, v, null, s, p, d, groups);
        return grads(dx, dg);
    }

    /** The flat positions, in a tensor of shape {@code shape}, of the elements a view takes. */
    private static Tensor positions(int[] shape, Device device, java.util.function.UnaryOperator<Tensor> view) {
        try (var s = GradMode.scope(false)) {
            Tensor idx = Torch.arange(numel(shape)).view(shape);
            return view.apply(idx).contiguous().to(device);
        }
    }

    /**
     * The gradient of a (possibly overlapping) view: zeros of the input's shape with g added at the
     * positions the view reads; differentiable through put's own row.
     */
    private static Tensor viewGrad(Tensor g, int[] inputShape, java.util.function.UnaryOperator<Tensor> view) {
        Tensor pos = positions(inputShape, g.device(), view);
        return zeros(g, inputShape).put(pos.reshape(-1), g.reshape(-1), true);
    }

    /** Whether a dtype can carry gradients (floating point). */
    static boolean differentiable(DType t) {
        return t.isFloatingPoint();
    }
}
