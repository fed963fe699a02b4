package dev.kindling;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The op table: every element-wise op, on several layouts (contiguous, transposed, strided, offset,
 * broadcast, large enough for the parallel and vector paths) and dtypes, against a reference
 * computed independently in double precision with java.lang.Math.
 */
class OpTableTest {

    record Unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref, double lo, double hi) {}

    record Binary(String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref, double lo, double hi, boolean comparison) {}

    static final double LN2 = Math.log(2);

    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    static final List<Unary> UNARY = List.of(
            new Unary("neg", Tensor::neg, x -> -x, -5, 5),
            new Unary("abs", Tensor::abs, Math::abs, -5, 5),
            new Unary("sign", Tensor::sign, Math::signum, -5, 5),
            new Unary("reciprocal", Tensor::reciprocal, x -> 1 / x, 0.5, 5),
            new Unary("square", Tensor::square, x -> x * x, -5, 5),
            new Unary("sqrt", Tensor::sqrt, Math::sqrt, 0, 9),
            new Unary("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), 0.1, 9),
            new Unary("exp", Tensor::exp, Math::exp, -8, 8),
            new Unary("exp2", Tensor::exp2, x -> Math.pow(2, x), -8, 8),
            new Unary("expm1", Tensor::expm1, Math::expm1, -3, 3),
            new Unary("log", Tensor::log, Math::log, 0.01, 50),
            new Unary("log2", Tensor::log2, x -> Math.log(x) / LN2, 0.01, 50),
            new Unary("log10", Tensor::log10, Math::log10, 0.01, 50),
            new Unary("log1p", Tensor::log1p, Math::log1p, -0.9, 10),
            new Unary("sin", Tensor::sin, Math::sin, -6, 6),
            new Unary("cos", Tensor::cos, Math::cos, -6, 6),
            new Unary("tan", Tensor::tan, Math::tan, -1.4, 1.4),
            new Unary("asin", Tensor::asin, Math::asin, -0.99, 0.99),
            new Unary("acos", Tensor::acos, Math::acos, -0.99, 0.99),
            new Unary("atan", Tensor::atan, Math::atan, -10, 10),
            new Unary("sinh", Tensor::sinh, Math::sinh, -4, 4),
            new Unary("cosh", Tensor::cosh, Math::cosh, -4, 4),
            new Unary("tanh", Tensor::tanh, Math::tanh, -6, 6),
            new Unary("asinh", Tensor::asinh, x -> Math.log(x + Math.sqrt(x * x + 1)), 0, 8),
            new Unary("acosh", Tensor::acosh, x -> Math.log(x + Math.sqrt(x * x - 1)), 1.01, 8),
            new Unary("atanh", Tensor::atanh, x -> 0.5 * Math.log((1 + x) / (1 - x)), -0.95, 0.95),
            new Unary("sigmoid", Tensor::sigmoid, OpTableTest::sigmoid, -10, 10),
            new Unary("logSigmoid", Tensor::logSigmoid, x -> Math.log(sigmoid(x)), -10, 10),
            new Unary("relu", Tensor::relu, x -> Math.max(x, 0), -5, 5),
            new Unary("silu", Tensor::silu, x -> x * sigmoid(x), -6, 6),
            new Unary("softplus", Tensor::softplus, x -> Math.log1p(Math.exp(x)), -6, 6),
            new Unary("leakyRelu", t -> t.leakyRelu(0.1), x -> x > 0 ? x : 0.1 * x, -5, 5),
            new Unary("elu", t -> t.elu(1.5), x -> x > 0 ? x : 1.5 * (Math.exp(x) - 1), -5, 5),
            new Unary("hardtanh", t -> t.hardtanh(-1, 1), x -> Math.max(-1, Math.min(1, x)), -3, 3),
            new Unary("hardsigmoid", Tensor::hardsigmoid, x -> Math.max(0, Math.min(1, x / 6 + 0.5)), -5, 5),
            new Unary("hardswish", Tensor::hardswish, x -> x * Math.max(0, Math.min(6, x + 3)) / 6, -5, 5),
            new Unary("floor", Tensor::floor, Math::floor, -5, 5),
            new Unary("ceil", Tensor::ceil, Math::ceil, -5, 5),
            new Unary("round", Tensor::round, Math::rint, -5, 5),
            new Unary("trunc", Tensor::trunc, x -> x < 0 ? Math.ceil(x) : Math.floor(x), -5, 5),
            new Unary("frac", Tensor::frac, x -> x - (x < 0 ? Math.ceil(x) : Math.floor(x)), -5, 5),
            new Unary("clamp", t -> t.clamp(-0.5, 0.5), x -> Math.max(-0.5, Math.min(0.5, x)), -2, 2),
            new Unary("pow2.5", t -> t.pow(2.5), x -> Math.pow(x, 2.5), 0, 4),
            new Unary("pow2", t -> t.pow(2), x -> x * x, -4, 4),
            new Unary("mul_scalar", t -> t.mul(3.5), x -> x * 3.5, -4, 4),
            new Unary("add_scalar", t -> t.add(-1.25), x -> x - 1.25, -4, 4),
            new Unary("rsub", t -> t.rsub(2.0), x -> 2 - x, -4, 4),
            new Unary("div_scalar", t -> t.div(4.0), x -> x / 4, -4, 4));

    static final List<Binary> BINARY = List.of(
            new Binary("add", Tensor::add, Double::sum, -5, 5, false),
            new Binary("add_alpha", (a, b) -> a.add(b, 2.5), (a, b) -> a + 2.5 * b, -5, 5, false),
            new Binary("sub", Tensor::sub, (a, b) -> a - b, -5, 5, false),
            new Binary("mul", Tensor::mul, (a, b) -> a * b, -5, 5, false),
            new Binary("div", Tensor::div, (a, b) -> a / b, 0.5, 5, false),
            new Binary("remainder", Tensor::remainder, (a, b) -> a - Math.floor(a / b) * b, -5, 5, false),
            new Binary("fmod", Tensor::fmod, (a, b) -> a % b, -5, 5, false),
            new Binary("pow", Tensor::pow, Math::pow, 0.1, 3, false),
            new Binary("maximum", Tensor::maximum, Math::max, -5, 5, false),
            new Binary("minimum", Tensor::minimum, Math::min, -5, 5, false),
            new Binary("atan2", Tensor::atan2, Math::atan2, -5, 5, false),
            new Binary("hypot", Tensor::hypot, Math::hypot, -5, 5, false),
            new Binary("floorDivide", Tensor::floorDivide, (a, b) -> Math.floor(a / b), 0.5, 5, false),
            new Binary("eq", Tensor::eq, (a, b) -> a == b ? 1 : 0, -2, 2, true),
            new Binary("lt", Tensor::lt, (a, b) -> a < b ? 1 : 0, -2, 2, true),
            new Binary("le", Tensor::le, (a, b) -> a <= b ? 1 : 0, -2, 2, true),
            new Binary("gt", Tensor::gt, (a, b) -> a > b ? 1 : 0, -2, 2, true),
            new Binary("ge", Tensor::ge, (a, b) -> a >= b ? 1 : 0, -2, 2, true),
            new Binary("ne", Tensor::ne, (a, b) -> a != b ? 1 : 0, -2, 2, true));

    static final DType[] FLOAT_TYPES = {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16};

    /** Inputs are rounded to the dtype first; the reference runs on the rounded values. */
    private static double[] roundAll(double[] v, DType t) {
        return Ref.values(Tensor.from(v.clone()).to(t));
    }

    @TestFactory
    List<DynamicTest> unaryOps() {
        List<DynamicTest> tests = new ArrayList<>();
        Random r = new Random(1);
        for (Unary u : UNARY) {
            for (DType dt : FLOAT_TYPES) {
                List<Ref.Layout> layouts = new ArrayList<>(Ref.layouts2d(3, 5));
                layouts.add(new Ref.Layout("large", new int[] {97, 1031}, v -> Tensor.from(v.clone(), 97, 1031)));
                layouts.add(new Ref.Layout("scalar", new int[0], v -> Tensor.from(v.clone()).view()));
                for (Ref.Layout l : layouts) {
                    int n = (int) Shapes.numel(l.shape());
                    double[] raw = Ref.randomValues(r, n, u.lo(), u.hi());
                    tests.add(dynamicTest(u.name() + " " + dt + " " + l, () -> {
                        double[] v = roundAll(raw, dt);
                        Tensor x = l.make().apply(v).to(dt);
                        Tensor y = u.op().apply(x);
                        Ref.assertShape(y, l.shape());
                        double[] expected = new double[n];
                        for (int i = 0; i < n; i++) expected[i] = u.ref().applyAsDouble(v[i]);
                        if (y.dtype() != DType.FLOAT64 && y.dtype() != DType.FLOAT32) {
                            for (int i = 0; i < n; i++) expected[i] = Ref.round(expected[i], y.dtype());
                        }
                        Ref.assertClose(expected, y, Ref.rtol(dt), Ref.atol(dt), u.name());
                    }));
                }
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> binaryOps() {
        List<DynamicTest> tests = new ArrayList<>();
        Random r = new Random(2);
        int[][][] shapePairs = {
                {{3, 5}, {3, 5}}, {{3, 5}, {5}}, {{3, 1}, {1, 5}}, {{2, 3, 4}, {3, 1}}, {{4}, {}}, {{}, {4}},
                {{301, 257}, {257}}, {{301, 257}, {301, 257}}, {{301, 1}, {301, 257}}};
        for (Binary b : BINARY) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
                for (int[][] pair : shapePairs) {
                    for (boolean transposeA : new boolean[] {false, true}) {
                        if (transposeA && pair[0].length != 2) continue;
                        int na = (int) Shapes.numel(pair[0]), nb = (int) Shapes.numel(pair[1]);
                        double[] ra = Ref.randomValues(r, na, b.lo(), b.hi()), rb = Ref.randomValues(r, nb, b.lo(), b.hi());
                        if (b.comparison()) {
                            for (int i = 0; i < na; i++) ra[i] = Math.round(ra[i]);
                            for (int i = 0; i < nb; i++) rb[i] = Math.round(rb[i]);
                        }
                        String name = b.name() + " " + dt + " " + Shapes.str(pair[0]) + (transposeA ? "ᵀ" : "") + " " + Shapes.str(pair[1]);
                        tests.add(dynamicTest(name, () -> {
                            double[] va = roundAll(ra, dt), vb = roundAll(rb, dt);
                            Tensor a = transposeA ? Ref.layouts2d(pair[0][0], pair[0][1]).get(1).make().apply(va).to(dt)
                                    : Tensor.from(va.clone(), pair[0]).to(dt);
                            Tensor bt = Tensor.from(vb.clone(), pair[1]).to(dt);
                            Tensor y = b.op().apply(a, bt);
                            int[] shape = Shapes.broadcast(pair[0], pair[1]);
                            Ref.assertShape(y, shape);
                            if (b.comparison()) org.junit.jupiter.api.Assertions.assertEquals(DType.BOOL, y.dtype());
                            double[] expected = expectedBinary(b.ref(), va, pair[0], vb, pair[1], shape);
                            if (!b.comparison() && dt != DType.FLOAT64 && dt != DType.FLOAT32) {
                                for (int i = 0; i < expected.length; i++) expected[i] = Ref.round(expected[i], dt);
                            }
                            double tol = b.comparison() ? 0 : Ref.rtol(dt);
                            Ref.assertClose(expected, y, tol, b.comparison() ? 0 : Ref.atol(dt), b.name());
                        }));
                    }
                }
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> broadcastOperandsWithZeroInnerStride() {
        // both operands have stride 0 along the output's rows (e.g. a gradient expanded from a scalar)
        List<DynamicTest> tests = new ArrayList<>();
        for (Binary b : BINARY) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                tests.add(dynamicTest(b.name() + " " + dt, () -> {
                    double av = Ref.round(1.5, dt), bv = Ref.round(b.comparison() ? 1.5 : 0.75, dt);
                    Tensor a = Torch.full(av, 1, 1).to(dt).expand(5, 1);
                    Tensor c = Torch.full(bv, 5, 1).to(dt).select(1, 0).unsqueeze(1).expand(5, 1);
                    Tensor y = b.op().apply(a, c);
                    double e = b.ref().applyAsDouble(av, bv);
                    double[] expected = {e, e, e, e, e};
                    Ref.assertClose(expected, y, Ref.rtol(dt), Ref.atol(dt), b.name());
                    Tensor ys = b.op().apply(Torch.full(av, 1).to(dt).expand(7), Torch.full(bv, 1).to(dt));
                    Ref.assertClose(new double[] {e, e, e, e, e, e, e}, ys, Ref.rtol(dt), Ref.atol(dt), b.name() + " with a scalar");
                }));
            }
        }
        return tests;
    }

    /** out[i] = f(a[broadcast index], b[broadcast index]) computed by explicit index arithmetic. */
    static double[] expectedBinary(DoubleBinaryOperator f, double[] a, int[] sa, double[] b, int[] sb, int[] shape) {
        int n = (int) Shapes.numel(shape);
        double[] out = new double[n];
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            int rem = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            out[i] = f.applyAsDouble(a[flat(idx, sa)], b[flat(idx, sb)]);
        }
        return out;
    }

    static int flat(int[] idx, int[] shape) {
        int off = 0, lead = idx.length - shape.length;
        for (int d = 0; d < shape.length; d++) off = off * shape[d] + (shape[d] == 1 ? 0 : idx[d + lead]);
        return off;
    }

    @TestFactory
    List<DynamicTest> integerArithmeticWraps() {
        List<DynamicTest> tests = new ArrayList<>();
        long[] a = {-7, -1, 0, 3, 100, 127, 200, 1000};
        long[] b = {2, 3, -4, 5, 7, 1, 9, -3};
        for (DType dt : new DType[] {DType.INT64, DType.INT32, DType.INT16, DType.INT8, DType.UINT8}) {
            tests.add(dynamicTest("add/sub/mul/floorDivide/remainder " + dt, () -> {
                Tensor ta = Tensor.from(a.clone()).to(dt), tb = Tensor.from(b.clone()).to(dt);
                long[] ca = ta.toLongArray(), cb = tb.toLongArray();
                long[] add = ta.add(tb).toLongArray(), mul = ta.mul(tb).toLongArray();
                long[] fd = ta.floorDivide(tb).toLongArray(), rem = ta.remainder(tb).toLongArray();
                for (int i = 0; i < a.length; i++) {
                    org.junit.jupiter.api.Assertions.assertEquals(wrap(ca[i] + cb[i], dt), add[i], "add " + i);
                    org.junit.jupiter.api.Assertions.assertEquals(wrap(ca[i] * cb[i], dt), mul[i], "mul " + i);
                    if (cb[i] != 0) {
                        org.junit.jupiter.api.Assertions.assertEquals(wrap(Math.floorDiv(ca[i], cb[i]), dt), fd[i], "floorDivide " + i);
                        org.junit.jupiter.api.Assertions.assertEquals(wrap(Math.floorMod(ca[i], cb[i]), dt), rem[i], "remainder " + i);
                    }
                }
                org.junit.jupiter.api.Assertions.assertEquals(dt, ta.add(tb).dtype());
                org.junit.jupiter.api.Assertions.assertEquals(DType.FLOAT32, ta.div(tb).dtype(), "true division of integers is float");
            }));
        }
        return tests;
    }

    static long wrap(long v, DType t) {
        return switch (t) {
            case INT32 -> (int) v;
            case INT16 -> (short) v;
            case INT8 -> (byte) v;
            case UINT8 -> v & 0xff;
            default -> v;
        };
    }
}
