package dev.kindling;

import dev.kindling.autograd.GradCheck;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * gradcheck (finite differences in double precision) on every differentiable op of the tensor
 * core, with broadcasting and non-contiguous inputs; gradgradcheck on the smooth ones.
 */
class GradcheckTableTest {

    /** One case: a function of the inputs, input shapes, value range, and whether to check 2nd order. */
    record Case(String name, GradCheck.Fn1 fn, int[][] shapes, double lo, double hi, boolean secondOrder, boolean transposeFirst) {
        Case(String name, GradCheck.Fn1 fn, int[][] shapes, double lo, double hi, boolean secondOrder) {
            this(name, fn, shapes, lo, hi, secondOrder, false);
        }
    }

    static int[][] s(int[]... shapes) { return shapes; }

    static final int[] V = {4}, M = {3, 4}, M2 = {4, 3}, T3 = {2, 3, 4}, ROW = {1, 4}, COL = {3, 1}, SC = {};

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // element-wise unary
        c.add(new Case("neg", in -> in[0].neg(), s(M), -2, 2, true, true));
        c.add(new Case("abs", in -> in[0].abs(), s(M), 0.2, 2, true));
        c.add(new Case("reciprocal", in -> in[0].reciprocal(), s(M), 0.5, 2, true, true));
        c.add(new Case("square", in -> in[0].square(), s(M), -2, 2, true));
        c.add(new Case("sqrt", in -> in[0].sqrt(), s(M), 0.5, 3, true, true));
        c.add(new Case("rsqrt", in -> in[0].rsqrt(), s(M), 0.5, 3, true));
        c.add(new Case("exp", in -> in[0].exp(), s(M), -2, 2, true, true));
        c.add(new Case("exp2", in -> in[0].exp2(), s(M), -2, 2, true));
        c.add(new Case("expm1", in -> in[0].expm1(), s(M), -2, 2, true));
        c.add(new Case("log", in -> in[0].log(), s(M), 0.5, 3, true, true));
        c.add(new Case("log2", in -> in[0].log2(), s(M), 0.5, 3, true));
        c.add(new Case("log10", in -> in[0].log10(), s(M), 0.5, 3, true));
        c.add(new Case("log1p", in -> in[0].log1p(), s(M), 0, 3, true));
        c.add(new Case("sin", in -> in[0].sin(), s(M), -3, 3, true));
        c.add(new Case("cos", in -> in[0].cos(), s(M), -3, 3, true));
        c.add(new Case("tan", in -> in[0].tan(), s(M), -1, 1, true));
        c.add(new Case("asin", in -> in[0].asin(), s(M), -0.8, 0.8, true));
        c.add(new Case("acos", in -> in[0].acos(), s(M), -0.8, 0.8, true));
        c.add(new Case("atan", in -> in[0].atan(), s(M), -3, 3, true));
        c.add(new Case("sinh", in -> in[0].sinh(), s(M), -2, 2, true));
        c.add(new Case("cosh", in -> in[0].cosh(), s(M), -2, 2, true));
        c.add(new Case("tanh", in -> in[0].tanh(), s(M), -2, 2, true, true));
        c.add(new Case("asinh", in -> in[0].asinh(), s(M), -2, 2, true));
        c.add(new Case("acosh", in -> in[0].acosh(), s(M), 1.2, 3, true));
        c.add(new Case("atanh", in -> in[0].atanh(), s(M), -0.8, 0.8, true));
        c.add(new Case("sigmoid", in -> in[0].sigmoid(), s(M), -3, 3, true, true));
        c.add(new Case("logSigmoid", in -> in[0].logSigmoid(), s(M), -3, 3, true));
        c.add(new Case("relu", in -> in[0].relu(), s(M), -2, 2, true, true));
        // its second derivative is checked through relu's (the zero gradient for self requires no grad)
        c.add(new Case("thresholdBackward", in -> FusedOps.thresholdBackward(in[0], in[1], 0.3), s(M, M), -2, 2, false, true));
        c.add(new Case("gelu", in -> in[0].gelu(), s(M), -3, 3, true));
        c.add(new Case("gelu_tanh", in -> in[0].gelu("tanh"), s(M), -3, 3, true));
        c.add(new Case("silu", in -> in[0].silu(), s(M), -3, 3, true));
        c.add(new Case("mish", in -> in[0].mish(), s(M), -3, 3, true));
        c.add(new Case("softplus", in -> in[0].softplus(2, 20), s(M), -3, 3, true));
        c.add(new Case("leakyRelu", in -> in[0].leakyRelu(0.2), s(M), -2, 2, false));
        c.add(new Case("elu", in -> in[0].elu(1.3), s(M), -2, 2, false));
        c.add(new Case("hardtanh", in -> in[0].hardtanh(-1, 1), s(M), -2, 2, false));
        c.add(new Case("hardsigmoid", in -> in[0].hardsigmoid(), s(M), -5, 5, false));
        c.add(new Case("hardswish", in -> in[0].hardswish(), s(M), -5, 5, false));
        c.add(new Case("erf", in -> in[0].erf(), s(M), -2, 2, true));
        c.add(new Case("erfc", in -> in[0].erfc(), s(M), -2, 2, true));
        c.add(new Case("erfinv", in -> in[0].erfinv(), s(M), -0.8, 0.8, true));
        c.add(new Case("frac", in -> in[0].frac(), s(M), 0.1, 0.9, false));
        c.add(new Case("clamp", in -> in[0].clamp(-0.5, 0.7), s(M), -1, 1, false));
        c.add(new Case("pow_scalar", in -> in[0].pow(2.5), s(M), 0.5, 2, true));
        c.add(new Case("nanToNum", in -> in[0].nanToNum(), s(M), -2, 2, false));
        // element-wise binary, with broadcasting
        c.add(new Case("add", in -> in[0].add(in[1]), s(M, V), -2, 2, true, true));
        c.add(new Case("add_alpha", in -> in[0].add(in[1], -1.5), s(COL, ROW), -2, 2, true));
        c.add(new Case("sub", in -> in[0].sub(in[1]), s(T3, COL), -2, 2, true));
        c.add(new Case("mul", in -> in[0].mul(in[1]), s(M, ROW), -2, 2, true, true));
        c.add(new Case("mul_scalar", in -> in[0].mul(3.0), s(M), -2, 2, true));
        c.add(new Case("div", in -> in[0].div(in[1]), s(M, V), 0.5, 2, true, true));
        c.add(new Case("div_scalar_tensor", in -> in[0].div(in[1]), s(M, SC), 0.5, 2, true));
        c.add(new Case("pow", in -> in[0].pow(in[1]), s(M, V), 0.5, 2, true));
        c.add(new Case("atan2", in -> in[0].atan2(in[1]), s(M, M), 0.5, 2, true));
        c.add(new Case("hypot", in -> in[0].hypot(in[1]), s(M, M), 0.5, 2, true));
        c.add(new Case("maximum", in -> in[0].maximum(in[1]), s(M, M), -2, 2, false));
        c.add(new Case("minimum", in -> in[0].minimum(in[1]), s(M, V), -2, 2, false));
        c.add(new Case("remainder", in -> in[0].remainder(in[1]), s(M, M), 0.5, 2, false));
        c.add(new Case("fmod", in -> in[0].fmod(in[1]), s(M, M), 0.5, 2, false));
        c.add(new Case("xlogy", in -> in[0].xlogy(in[1]), s(M, M), 0.5, 2, true));
        c.add(new Case("lerp", in -> in[0].lerp(in[1], 0.3), s(M, M), -2, 2, true));
        c.add(new Case("lerp_tensor", in -> in[0].lerp(in[1], in[2]), s(M, M, V), -2, 2, true));
        c.add(new Case("addcmul", in -> in[0].addcmul(in[1], in[2], 0.5), s(M, V, M), -2, 2, true));
        c.add(new Case("addcdiv", in -> in[0].addcdiv(in[1], in[2], 0.5), s(M, V, M), 0.5, 2, true));
        c.add(new Case("where", in -> in[0].where(in[0].gt(0.0), in[1]), s(M, V), -2, 2, true));
        c.add(new Case("maskedFill", in -> in[0].maskedFill(in[0].gt(0.0), 2.0), s(M), -2, 2, true));
        c.add(new Case("clamp_tensor", in -> in[0].clamp(in[1], in[2].add(1.0)), s(M, V, V), -1, 1, false));
        // reductions
        c.add(new Case("sum", in -> in[0].sum(), s(T3), -2, 2, true, false));
        c.add(new Case("sum_dim", in -> in[0].sum(1), s(T3), -2, 2, true));
        c.add(new Case("sum_dims_keep", in -> in[0].sum(new int[] {0, 2}, true), s(T3), -2, 2, true));
        c.add(new Case("mean", in -> in[0].mean(), s(M), -2, 2, true, true));
        c.add(new Case("mean_dim", in -> in[0].mean(-1, true), s(T3), -2, 2, true));
        c.add(new Case("prod", in -> in[0].prod(), s(M), 0.5, 1.5, true));
        c.add(new Case("prod_dim", in -> in[0].prod(1, false), s(M), -1.5, 1.5, true));
        c.add(new Case("max", in -> in[0].max(), s(M), -2, 2, false));
        c.add(new Case("amax", in -> in[0].amax(new int[] {1}, true), s(T3), -2, 2, false));
        c.add(new Case("min_dim", in -> in[0].min(1).values(), s(M), -2, 2, false));
        c.add(new Case("max_dim_keep", in -> in[0].max(0, true).values(), s(M), -2, 2, false));
        c.add(new Case("var", in -> in[0].var(), s(M), -2, 2, true));
        c.add(new Case("var_dim", in -> in[0].var(new int[] {1}, 0, true), s(T3), -2, 2, true));
        c.add(new Case("std", in -> in[0].std(), s(M), -2, 2, true));
        c.add(new Case("std_dim", in -> in[0].std(new int[] {0}, 1, false), s(M), -2, 2, true));
        c.add(new Case("norm2", in -> in[0].norm(), s(M), -2, 2, true));
        c.add(new Case("norm1_dim", in -> in[0].norm(1, 1, false), s(M), 0.2, 2, false));
        c.add(new Case("norm3", in -> in[0].norm(3), s(M), 0.2, 2, true));
        c.add(new Case("logsumexp", in -> in[0].logsumexp(1, false), s(M), -2, 2, true));
        c.add(new Case("cumsum", in -> in[0].cumsum(1), s(M), -2, 2, true));
        c.add(new Case("cumprod", in -> in[0].cumprod(0), s(M), 0.5, 1.5, true));
        c.add(new Case("cummax", in -> in[0].cummax(1).values(), s(M), -2, 2, false));
        c.add(new Case("logcumsumexp", in -> in[0].logcumsumexp(1), s(M), -2, 2, true));
        c.add(new Case("softmax", in -> in[0].softmax(1), s(M), -2, 2, true, true));
        c.add(new Case("softmax0", in -> in[0].softmax(0), s(T3), -2, 2, true));
        c.add(new Case("logSoftmax", in -> in[0].logSoftmax(-1), s(M), -2, 2, true, true));
        // views and shape ops
        c.add(new Case("view", in -> in[0].view(2, 6).mul(in[0].view(2, 6)), s(M), -2, 2, true));
        c.add(new Case("reshape_noncontig", in -> in[0].t().reshape(-1), s(M), -2, 2, false));
        c.add(new Case("permute", in -> in[0].permute(2, 0, 1).exp(), s(T3), -2, 2, true));
        c.add(new Case("transpose", in -> in[0].transpose(0, 2), s(T3), -2, 2, false));
        c.add(new Case("t", in -> in[0].t().matmul(in[0]), s(M), -2, 2, true));
        c.add(new Case("expand", in -> in[0].expand(3, 4).exp(), s(ROW), -2, 2, true));
        c.add(new Case("narrow", in -> in[0].narrow(1, 1, 2), s(M), -2, 2, false));
        c.add(new Case("slice_step", in -> in[0].slice(1, 0, 4, 2).square(), s(M), -2, 2, true));
        c.add(new Case("select", in -> in[0].select(0, 1), s(M), -2, 2, false));
        c.add(new Case("squeeze_unsqueeze", in -> in[0].unsqueeze(1).squeeze(1).sin(), s(M), -2, 2, true));
        c.add(new Case("flatten_unflatten", in -> in[0].flatten().unflatten(0, 2, 6), s(M), -2, 2, false));
        c.add(new Case("diagonal", in -> in[0].diagonal(1, 0, 1), s(M), -2, 2, false));
        c.add(new Case("unfold", in -> in[0].unfold(1, 2, 1).square(), s(M), -2, 2, true));
        c.add(new Case("asStrided", in -> in[0].contiguous().asStrided(new int[] {2, 2}, new int[] {1, 2}, 1), s(M), -2, 2, false));
        c.add(new Case("movedim", in -> in[0].movedim(0, 2), s(T3), -2, 2, false));
        c.add(new Case("chunk", in -> in[0].chunk(2, 1).get(1).mul(2.0), s(M), -2, 2, false));
        c.add(new Case("unbind", in -> in[0].unbind(0).get(2), s(M), -2, 2, false));
        c.add(new Case("flip", in -> in[0].flip(0, 1).mul(in[0]), s(M), -2, 2, true));
        c.add(new Case("roll", in -> in[0].roll(1, 1), s(M), -2, 2, false));
        c.add(new Case("repeat", in -> in[0].repeat(2, 1, 3).sin(), s(M), -2, 2, true));
        c.add(new Case("tril", in -> in[0].tril(), s(M), -2, 2, false));
        c.add(new Case("triu", in -> in[0].triu(1), s(M), -2, 2, false));
        c.add(new Case("cat", in -> Torch.cat(List.of(in[0], in[1].exp()), 0), s(M, M), -2, 2, true));
        c.add(new Case("stack", in -> Torch.stack(List.of(in[0], in[1]), 1), s(M, M), -2, 2, false));
        c.add(new Case("sliceScatter", in -> in[0].sliceScatter(in[1], 1, 0, 4, 2), s(M, new int[] {3, 2}), -2, 2, false));
        c.add(new Case("selectScatter", in -> in[0].selectScatter(in[1], 0, 1), s(M, V), -2, 2, false));
        c.add(new Case("diagonalScatter", in -> in[0].diagonalScatter(in[1], 0, 0, 1), s(M, new int[] {3}), -2, 2, false));
        // indexing
        c.add(new Case("indexSelect", in -> in[0].indexSelect(1, Tensor.from(new long[] {3, 0, 3})), s(M), -2, 2, true));
        c.add(new Case("gather", in -> in[0].gather(1, Tensor.from(new long[] {0, 3, 1, 1, 2, 2}, 3, 2)), s(M), -2, 2, false));
        c.add(new Case("scatter", in -> in[0].scatter(0, Tensor.from(new long[] {2, 0, 1, 0}, 1, 4), in[1]), s(M, ROW), -2, 2, false));
        c.add(new Case("scatterAdd", in -> in[0].scatterAdd(1, Tensor.from(new long[] {0, 0, 1, 3, 2, 2}, 3, 2), in[1]), s(M, new int[] {3, 2}), -2, 2, false));
        c.add(new Case("indexAdd", in -> in[0].indexAdd(0, Tensor.from(new long[] {2, 2}), in[1], 2.0), s(M, new int[] {2, 4}), -2, 2, false));
        c.add(new Case("index", in -> in[0].index(Tensor.from(new long[] {2, 0, 2}), null), s(M), -2, 2, false));
        c.add(new Case("index_mask", in -> in[0].index(in[0].detach().gt(0.0)), s(M), -2, 2, false));
        c.add(new Case("indexPut_acc", in -> in[0].indexPut(new Tensor[] {Tensor.from(new long[] {1, 1})}, in[1], true), s(M, ROW), -2, 2, false));
        c.add(new Case("maskedSelect", in -> in[0].maskedSelect(in[0].detach().lt(0.5)), s(M), -2, 2, false));
        c.add(new Case("take", in -> in[0].take(Tensor.from(new long[] {0, 5, 11, 5})), s(M), -2, 2, false));
        c.add(new Case("put", in -> in[0].put(Tensor.from(new long[] {0, 5}), in[1], false), s(M, new int[] {2}), -2, 2, false));
        c.add(new Case("sort", in -> in[0].sort(1, true).values(), s(M), -2, 2, false));
        c.add(new Case("topk", in -> in[0].topk(2, 1, true, true).values(), s(M), -2, 2, false));
        // linear algebra
        c.add(new Case("mm", in -> in[0].mm(in[1]), s(M, M2), -2, 2, true, true));
        c.add(new Case("matmul_batched_broadcast", in -> in[0].matmul(in[1]), s(T3, M2), -2, 2, true));
        c.add(new Case("matmul_broadcast_both", in -> in[0].matmul(in[1]), s(new int[] {2, 1, 3, 4}, new int[] {3, 4, 2}), -2, 2, true));
        c.add(new Case("matmul_vec", in -> in[0].matmul(in[1]), s(M, V), -2, 2, true));
        c.add(new Case("matmul_vec_mat", in -> in[0].matmul(in[1]), s(new int[] {3}, M), -2, 2, true));
        c.add(new Case("bmm", in -> in[0].bmm(in[1]), s(T3, new int[] {2, 4, 2}), -2, 2, true));
        c.add(new Case("mv", in -> in[0].mv(in[1]), s(M, V), -2, 2, true));
        c.add(new Case("dot", in -> in[0].dot(in[1]), s(V, V), -2, 2, true));
        c.add(new Case("outer", in -> in[0].outer(in[1]), s(V, new int[] {3}), -2, 2, true));
        c.add(new Case("addmm", in -> in[0].addmm(in[1], in[2], 0.5, 2.0), s(new int[] {3}, M, new int[] {4, 3}), -2, 2, true));
        // column-major operands (a linear layer's weight.t()) take the layout-preserving gradient formulas
        c.add(new Case("addmm_transposed_weight", in -> in[0].addmm(in[1], in[2].t(), 0.5, 2.0), s(new int[] {3}, M, M), -2, 2, true));
        c.add(new Case("mm_column_major_both", in -> in[0].t().mm(in[1].t()), s(M2, new int[] {2, 4}), -2, 2, true));
        c.add(new Case("baddbmm", in -> in[0].baddbmm(in[1], in[2], 0.5, 2.0), s(new int[] {2, 3, 2}, T3, new int[] {2, 4, 2}), -2, 2, true));
        // convolution and pooling
        int[] one = {1}, two = {2}, zero = {0};
        c.add(new Case("conv2d_groups_stride_pad", in -> Torch.conv2d(in[0], in[1], in[2], two, one, one, 2),
                s(new int[] {2, 4, 5, 5}, new int[] {6, 2, 3, 3}, new int[] {6}), -1, 1, true));
        c.add(new Case("conv2d_dilation", in -> Torch.conv2d(in[0], in[1], null, one, new int[] {2, 1}, two, 1),
                s(new int[] {1, 2, 6, 5}, new int[] {3, 2, 2, 3}), -1, 1, true));
        c.add(new Case("conv2d_unbatched", in -> Torch.conv2d(in[0], in[1], null), s(new int[] {2, 4, 4}, new int[] {3, 2, 2, 2}), -1, 1, false));
        c.add(new Case("convTranspose2d", in -> Torch.convTranspose2d(in[0], in[1], in[2], two, one, one, 1, one),
                s(new int[] {2, 4, 3, 3}, new int[] {4, 3, 3, 3}, new int[] {3}), -1, 1, true));
        c.add(new Case("maxPool2d", in -> Torch.maxPool2d(in[0], new int[] {3}, two, one, one, true),
                s(new int[] {2, 2, 6, 5}), -1, 1, true));
        c.add(new Case("avgPool2d", in -> Torch.avgPool2d(in[0], new int[] {3}, two, one, true, false, null),
                s(new int[] {2, 2, 6, 5}), -1, 1, true));
        c.add(new Case("adaptiveAvgPool2d", in -> Torch.adaptiveAvgPool2d(in[0], 2, 3), s(new int[] {2, 2, 5, 7}), -1, 1, true));
        c.add(new Case("adaptiveMaxPool2d", in -> Torch.adaptiveMaxPool2d(in[0], 2, 2).values(), s(new int[] {1, 2, 5, 4}), -1, 1, false));
        // type conversion keeps the graph
        c.add(new Case("clone_contiguous", in -> in[0].t().contiguous().clone().exp(), s(M), -2, 2, true));
        return c;
    }

    @TestFactory
    List<DynamicTest> gradcheck() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case k : cases()) {
            tests.add(dynamicTest(k.name(), () -> GradCheck.gradcheck(k.fn(), inputs(k))));
            if (k.secondOrder()) {
                tests.add(dynamicTest(k.name() + " (2nd order)", () -> GradCheck.gradgradcheck(k.fn(), inputs(k))));
            }
        }
        return tests;
    }

    private static Tensor[] inputs(Case k) {
        Random r = new Random(k.name().hashCode());
        Tensor[] in = new Tensor[k.shapes().length];
        for (int i = 0; i < in.length; i++) {
            int[] shape = k.shapes()[i];
            double[] v = Ref.randomValues(r, (int) Shapes.numel(shape), k.lo(), k.hi());
            Tensor t;
            if (i == 0 && k.transposeFirst() && shape.length == 2) {
                t = Ref.layouts2d(shape[0], shape[1]).get(1).make().apply(v);
            } else {
                t = Tensor.from(v).view(shape);
            }
            in[i] = t.requiresGrad_(true);
        }
        return in;
    }
}
