package dev.kindling;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Values and dtypes compared with libtorch 2.10 itself: type promotion for every pair of dtypes
 * (tensor/tensor, tensor/0-dim, tensor/scalar), and ops whose reference Java's Math lacks.
 */
class LibtorchParityTest {

    @Test
    void promoteTypesForEveryPair() {
        for (DType a : DType.values()) {
            for (DType b : DType.values()) {
                DType expected = Lt.dtype(torch.promote_types(Lt.scalarType(a), Lt.scalarType(b)));
                assertEquals(expected, DType.promoteTypes(a, b), "promote_types(" + a + ", " + b + ")");
                assertEquals(torch.can_cast(Lt.scalarType(a), Lt.scalarType(b)), DType.canCast(a, b), "can_cast(" + a + ", " + b + ")");
            }
        }
    }

    @Test
    void resultTypeWithZeroDimTensorsAndScalars() {
        for (DType a : DType.values()) {
            Tensor ta = Torch.zeros(new int[] {2}, a), za = Torch.zeros(new int[0], a);
            org.bytedeco.pytorch.Tensor lta = Lt.of(ta), lza = Lt.of(za);
            for (DType b : DType.values()) {
                Tensor tb = Torch.zeros(new int[] {2}, b), zb = Torch.zeros(new int[0], b);
                org.bytedeco.pytorch.Tensor ltb = Lt.of(tb), lzb = Lt.of(zb);
                assertEquals(Lt.dtype(torch.result_type(lta, ltb)), Torch.resultType(ta, tb), a + " tensor, " + b + " tensor");
                assertEquals(Lt.dtype(torch.result_type(lta, lzb)), Torch.resultType(ta, zb), a + " tensor, " + b + " 0-dim");
                assertEquals(Lt.dtype(torch.result_type(lza, lzb)), Torch.resultType(za, zb), a + " 0-dim, " + b + " 0-dim");
            }
            assertEquals(Lt.dtype(torch.result_type(lta, new Scalar(1.5))), ta.add(1.5).dtype(), a + " + 1.5");
            if (a != DType.BOOL) {
                assertEquals(Lt.dtype(torch.result_type(lta, new Scalar(2L))), ta.add(2L).dtype(), a + " + 2");
                assertEquals(Lt.dtype(torch.result_type(lza, new Scalar(2L))), za.add(2L).dtype(), a + " 0-dim + 2");
            }
        }
        assertEquals(DType.FLOAT32, Torch.arange(3).add(1.5).dtype(), "int64 tensor + 1.5 is float32");
        assertEquals(DType.FLOAT32, Torch.ones(2).add(1.5).dtype(), "float32 + double scalar stays float32");
        assertEquals(DType.FLOAT32, Torch.arange(3).div(Torch.arange(3)).dtype(), "true division of ints is float");
    }

    private static void compare(Tensor ours, org.bytedeco.pytorch.Tensor theirs, double tol, String what) {
        assertArrayEquals(Lt.shape(theirs), ours.shape(), what + ": shape");
        Ref.assertClose(Lt.values(theirs), ours, tol, tol, what);
    }

    @Test
    void specialFunctionsMatchLibtorch() {
        Random r = new Random(7);
        Tensor x = Tensor.from(Ref.randomValues(r, 2000, -4, 4));
        org.bytedeco.pytorch.Tensor lx = Lt.of(x);
        compare(x.erf(), torch.erf(lx), 1e-14, "erf");
        compare(x.erfc(), torch.erfc(lx), 1e-13, "erfc");
        compare(x.gelu(), torch.gelu(lx), 1e-14, "gelu");
        compare(x.mish(), torch.mish(lx), 1e-14, "mish");
        compare(x.logSigmoid(), torch.log_sigmoid(lx), 1e-14, "logSigmoid");
        Tensor y = Tensor.from(Ref.randomValues(r, 2000, -0.999, 0.999));
        compare(y.erfinv(), torch.erfinv(Lt.of(y)), 1e-12, "erfinv");
        Tensor xf = x.to(DType.FLOAT32);
        compare(xf.gelu("tanh"), torch.gelu(Lt.of(xf), "tanh"), 2e-6, "gelu tanh float32");
        compare(xf.erf(), torch.erf(Lt.of(xf)), 1e-6, "erf float32 (libtorch's float erf is a few ulps off)");
    }

    @Test
    void roundingDivisionAndModuloOnNegatives() {
        Tensor a = Tensor.from(new double[] {-7.5, -7, -0.5, 0.5, 7, 7.5, 2.5, -2.5, 3.5});
        Tensor b = Tensor.from(new double[] {2, -2, 3, -3, 2.5, -2, 1, 1, 1});
        org.bytedeco.pytorch.Tensor la = Lt.of(a), lb = Lt.of(b);
        compare(a.remainder(b), torch.remainder(la, lb), 0, "remainder");
        compare(a.fmod(b), torch.fmod(la, lb), 0, "fmod");
        compare(a.div(b, "floor"), torch.floor_divide(la, lb), 0, "floor divide");
        compare(a.round(), torch.round(la), 0, "round half to even");
        Tensor ia = Tensor.from(new long[] {-7, 7, -7, 7}), ib = Tensor.from(new long[] {2, -2, -2, 2});
        assertArrayEquals(new long[] {-3, -3, 3, 3}, ia.div(ib, "trunc").toLongArray(), "int trunc div");
        compare(ia.remainder(ib), torch.remainder(Lt.of(ia), Lt.of(ib)), 0, "int remainder");
    }

    @Test
    void matmulShapesAndValues() {
        Random r = new Random(8);
        int[][][] cases = {{{5}, {5}}, {{3, 5}, {5}}, {{5}, {5, 4}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5, 4}}, {{2, 1, 3, 5}, {4, 5, 2}},
                {{7, 3, 5}, {7, 5, 2}}, {{5}, {2, 5, 3}}, {{2, 3, 5}, {5}}};
        for (int[][] c : cases) {
            Tensor a = Tensor.from(Ref.randomValues(r, (int) Shapes.numel(c[0]), -1, 1)).view(c[0]);
            Tensor b = Tensor.from(Ref.randomValues(r, (int) Shapes.numel(c[1]), -1, 1)).view(c[1]);
            compare(a.matmul(b), Lt.of(a).matmul(Lt.of(b)), 1e-12, "matmul " + Shapes.str(c[0]) + " @ " + Shapes.str(c[1]));
        }
    }

    @Test
    void sortTopkAndStability() {
        Tensor x = Tensor.from(new double[] {3, 1, 2, 1, Double.NaN, 0, 2, -1}, 2, 4);
        org.bytedeco.pytorch.Tensor lx = Lt.of(x);
        var ours = x.sort(1, false);
        var theirs = torch.sort(lx, new org.bytedeco.pytorch.BoolOptional(true), 1, false);
        compare(ours.values(), theirs.get0(), 0, "sort values");
        compare(ours.indices(), theirs.get1(), 0, "sort indices (stable)");
        var oursD = x.sort(1, true);
        var theirsD = torch.sort(lx, new org.bytedeco.pytorch.BoolOptional(true), 1, true);
        compare(oursD.values(), theirsD.get0(), 0, "sort descending values");
        compare(oursD.indices(), theirsD.get1(), 0, "sort descending indices");
        Tensor y = Tensor.from(new double[] {5, 1, 4, 2, 3, 9, 0, 7});
        var top = y.topk(3);
        var ltop = torch.topk(Lt.of(y), 3);
        compare(top.values(), ltop.get0(), 0, "topk values");
        compare(top.indices(), ltop.get1(), 0, "topk indices");
    }

    @Test
    void varianceNormAndLogsumexp() {
        Random r = new Random(9);
        Tensor x = Tensor.from(Ref.randomValues(r, 60, -3, 3)).view(3, 4, 5);
        org.bytedeco.pytorch.Tensor lx = Lt.of(x);
        compare(x.var(), torch.var(lx), 1e-12, "var");
        compare(x.std(), torch.std(lx), 1e-12, "std");
        compare(x.logsumexp(1, false), torch.logsumexp(lx, new long[] {1}, false), 1e-12, "logsumexp");
        compare(x.norm(), torch.norm(lx), 1e-12, "norm");
    }

    @Test
    void convolutionAndPoolingMatchLibtorch() {
        Random r = new Random(10);
        Tensor x = Tensor.from(Ref.randomValues(r, 2 * 4 * 9 * 8, -1, 1)).view(2, 4, 9, 8).to(DType.FLOAT32);
        Tensor w = Tensor.from(Ref.randomValues(r, 6 * 2 * 3 * 2, -1, 1)).view(6, 2, 3, 2).to(DType.FLOAT32);
        Tensor b = Tensor.from(Ref.randomValues(r, 6, -1, 1)).to(DType.FLOAT32);
        org.bytedeco.pytorch.Tensor lx = Lt.of(x), lw = Lt.of(w), lb = Lt.of(b);
        compare(Torch.conv2d(x, w, b, new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2}, 2),
                torch.conv2d(lx, lw, new org.bytedeco.pytorch.TensorOptional(lb), new long[] {2, 1}, new long[] {1, 2}, new long[] {1, 2}, 2),
                1e-5, "conv2d");
        Tensor wt = Tensor.from(Ref.randomValues(r, 4 * 3 * 3 * 3, -1, 1)).view(4, 3, 3, 3).to(DType.FLOAT32);
        compare(Torch.convTranspose2d(x, wt, null, new int[] {2}, new int[] {1}, new int[] {1}, 1, new int[] {1}),
                torch.conv_transpose2d(lx, Lt.of(wt), new org.bytedeco.pytorch.TensorOptional(), new long[] {2, 2}, new long[] {1, 1},
                        new long[] {1, 1}, 1, new long[] {1, 1}), 1e-5, "conv_transpose2d");
        var mp = Torch.maxPool2dWithIndices(x, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, true);
        var lmp = torch.max_pool2d_with_indices(lx, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, true);
        compare(mp.values(), lmp.get0(), 0, "max_pool2d values");
        compare(mp.indices(), lmp.get1(), 0, "max_pool2d indices");
        compare(Torch.avgPool2d(x, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, false, false, null),
                torch.avg_pool2d(lx, new long[] {3, 2}, new long[] {2, 1}, new long[] {1, 0}, false, false, new org.bytedeco.pytorch.LongOptional()),
                1e-6, "avg_pool2d");
        compare(Torch.adaptiveAvgPool2d(x, 4, 3), torch.adaptive_avg_pool2d(lx, new long[] {4, 3}), 1e-6, "adaptive_avg_pool2d");
    }
}
