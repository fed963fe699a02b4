package dev.kindling;

import dev.kindling.cuda.Cuda;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static dev.kindling.CudaRef.CUDA;
import static dev.kindling.CudaRef.assertExact;
import static dev.kindling.CudaRef.assertSame;
import static dev.kindling.CudaRef.rtol;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The op table on cuda:0 against the CPU backend: every element-wise op of {@link OpTableTest} on
 * every layout and floating dtype, integer and bool arithmetic, casts between all dtypes,
 * reductions, scans, softmax, indexing, matrix products, mixed-device errors and printing.
 * Needs a GPU (tag {@code cuda}); skipped when {@link Cuda#isAvailable()} is false.
 */
@Tag("cuda")
class CudaOpTableTest {
    static final DType[] FLOATS = {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16};

    @BeforeAll
    static void gpu() { CudaRef.assumeCuda(); }

    private static double[] roundTo(double[] v, DType dt) {
        return Tensor.from(v.clone()).to(dt).to(DType.FLOAT64).toDoubleArray();
    }

    @TestFactory
    List<DynamicTest> unaryOpsOnEveryLayoutAndFloatDtype() {
        List<DynamicTest> tests = new ArrayList<>();
        Random r = new Random(11);
        for (OpTableTest.Unary u : OpTableTest.UNARY) {
            for (DType dt : FLOATS) {
                List<CudaRef.Layout> layouts = new ArrayList<>(CudaRef.layouts2d(3, 5));
                if (dt == DType.FLOAT32 || dt == DType.FLOAT64) layouts.add(CudaRef.large(97, 1031));
                for (CudaRef.Layout l : layouts) {
                    double[] v = CudaRef.random(r, (int) Shapes.numel(l.shape()), u.lo(), u.hi());
                    tests.add(dynamicTest(u.name() + " " + dt + " " + l, () -> {
                        Tensor[] x = l.make(roundTo(v, dt), dt);
                        assertSame(u.op().apply(x[0]), u.op().apply(x[1]), rtol(dt), rtol(dt), u.name());
                    }));
                }
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> binaryOpsWithBroadcastingAndLayouts() {
        List<DynamicTest> tests = new ArrayList<>();
        Random r = new Random(12);
        for (OpTableTest.Binary b : OpTableTest.BINARY) {
            for (DType dt : FLOATS) {
                List<CudaRef.Layout> ls = CudaRef.layouts2d(4, 6);
                for (int i = 0; i < ls.size(); i++) {
                    CudaRef.Layout la = ls.get(i), lb = ls.get((i + 2) % ls.size());
                    double[] va = CudaRef.random(r, 24, b.lo(), b.hi()), vb = CudaRef.random(r, 24, b.lo(), b.hi());
                    if (b.comparison()) for (int k = 0; k < 24; k++) { va[k] = Math.round(va[k]); vb[k] = Math.round(vb[k]); }
                    tests.add(dynamicTest(b.name() + " " + dt + " " + la + " with " + lb, () -> {
                        Tensor[] x = la.make(roundTo(va, dt), dt), y = lb.make(roundTo(vb, dt), dt);
                        assertSame(b.op().apply(x[0], y[0]), b.op().apply(x[1], y[1]), b.comparison() ? 0 : rtol(dt), rtol(dt), b.name());
                        // broadcast a row and a 0-dim CPU tensor (a scalar beside CUDA tensors)
                        Tensor row = y[0].select(0, 1), zeroDim = y[0].select(0, 2).select(0, 3);
                        assertSame(b.op().apply(x[0], row), b.op().apply(x[1], row.to(CUDA)), b.comparison() ? 0 : rtol(dt), rtol(dt),
                                b.name() + " row broadcast");
                        assertSame(b.op().apply(x[0], zeroDim), b.op().apply(x[1], zeroDim), b.comparison() ? 0 : rtol(dt), rtol(dt),
                                b.name() + " with a 0-dim CPU tensor");
                    }));
                }
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> integerAndBoolArithmetic() {
        List<DynamicTest> tests = new ArrayList<>();
        List<BinaryOperator<Tensor>> ops = List.of(Tensor::add, Tensor::sub, Tensor::mul, Tensor::floorDivide, Tensor::remainder,
                Tensor::fmod, Tensor::maximum, Tensor::minimum, Tensor::bitwiseAnd, Tensor::bitwiseOr, Tensor::bitwiseXor,
                Tensor::eq, Tensor::lt, Tensor::ge, Tensor::div, (a, b) -> a.add(b, 3), (a, b) -> a.pow(b.abs().remainder(Tensor.from(new long[] {4}).to(b.dtype()))));
        List<UnaryOperator<Tensor>> unary = List.of(Tensor::abs, Tensor::sign, Tensor::square, t -> t.clamp(-3, 50),
                t -> t.mul(7), t -> t.pow(3), t -> t.clamp(-30, 30).exp(), Tensor::bitwiseNot, Tensor::logicalNot, t -> t.sum(1, true), t -> t.cumsum(0),
                t -> t.bitwiseLeftShift(Tensor.from(new long[] {2}).to(t.dtype())), t -> t.bitwiseRightShift(Tensor.from(new long[] {1}).to(t.dtype())));
        Random r = new Random(13);
        for (DType dt : new DType[] {DType.INT64, DType.INT32, DType.INT16, DType.INT8, DType.UINT8}) {
            double[] va = CudaRef.randomInts(r, 30, dt == DType.UINT8 ? 0 : -100, 100);
            double[] vb = CudaRef.randomInts(r, 30, 1, 9);
            for (int k = 0; k < 30; k += 3) vb[k] = -vb[k] * (dt == DType.UINT8 ? 0 : 1) + (dt == DType.UINT8 ? 3 : 0);
            tests.add(dynamicTest("integer ops " + dt, () -> {
                Tensor a = Tensor.from(va.clone(), 5, 6).to(dt), b = Tensor.from(vb.clone(), 5, 6).to(dt);
                Tensor ca = a.to(CUDA), cb = b.to(CUDA);
                for (int i = 0; i < ops.size(); i++) assertSame(ops.get(i).apply(a, b), ops.get(i).apply(ca, cb), 1e-6, 0, dt + " binary op " + i);
                for (int i = 0; i < unary.size(); i++) assertSame(unary.get(i).apply(a), unary.get(i).apply(ca), 1e-6, 0, dt + " unary op " + i);
            }));
        }
        tests.add(dynamicTest("bool logic", () -> {
            boolean[] x = {true, false, true, false, true, true}, y = {true, true, false, false, false, true};
            Tensor a = Tensor.from(x.clone()).view(2, 3), b = Tensor.from(y.clone()).view(2, 3);
            for (BinaryOperator<Tensor> op : List.<BinaryOperator<Tensor>>of(Tensor::logicalAnd, Tensor::logicalOr, Tensor::logicalXor,
                    Tensor::bitwiseAnd, Tensor::bitwiseXor, Tensor::eq, Tensor::add, Tensor::mul)) {
                assertExact(op.apply(a, b), op.apply(a.to(CUDA), b.to(CUDA)), "bool op");
            }
            assertExact(a.logicalNot(), a.to(CUDA).logicalNot(), "not");
            assertExact(Torch.where(a, b.to(DType.FLOAT32), Torch.full(2.5, 2, 3)), Torch.where(a.to(CUDA), b.to(DType.FLOAT32).to(CUDA),
                    Torch.full(2.5, 2, 3).to(CUDA)), "where");
        }));
        return tests;
    }

    @Test
    void castsBetweenEveryPairOfDtypes() {
        double[] v = {-300.75, -2.5, -1.5, -0.5, -0.0, 0, 0.5, 1.5, 2.5, 127.5, 255.9, 65519.0, 70000, 1e10, -1e-9, 3.0e38,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (DType from : DType.values()) {
            Tensor x = Tensor.from(v.clone()).to(from);
            Tensor cx = x.to(CUDA);
            assertExact(x, cx.cpu().to(CUDA), "round trip of " + from);
            for (DType to : DType.values()) assertExact(x.to(to), cx.to(to), from + " -> " + to);
        }
        Tensor big = Tensor.from(new long[] {(1L << 62) + 1, -(1L << 60) - 3});
        assertExact(big, big.to(CUDA).to(DType.INT64), "int64 beyond 2^53");
        assertEquals((1L << 62) + 1, big.to(CUDA).select(0, 0).longItem());
    }

    @TestFactory
    List<DynamicTest> reductionsOverDimsAndLayouts() {
        List<DynamicTest> tests = new ArrayList<>();
        Random r = new Random(14);
        record R(String name, Function<Tensor, Tensor> f, boolean floatOnly) {}
        List<R> rs = List.of(
                new R("sum", Tensor::sum, false), new R("sum0", t -> t.sum(0, false), false), new R("sum12k", t -> t.sum(new int[] {1, 2}, true), false),
                new R("sum02", t -> t.sum(new int[] {0, 2}, false), false), new R("prod1", t -> t.prod(1, true), false),
                new R("mean2", t -> t.mean(2, false), true), new R("amax1", t -> t.amax(new int[] {1}, false), false),
                new R("amin02", t -> t.amin(new int[] {0, 2}, true), false), new R("max", Tensor::max, false), new R("min", Tensor::min, false),
                new R("maxDim", t -> t.max(1, false).values(), false), new R("argmaxDim", t -> t.max(2, true).indices(), false),
                new R("minDim", t -> t.min(0, false).values(), false), new R("argmin", t -> t.argmin(1), false), new R("argmax", t -> t.argmax(), false),
                new R("all", t -> t.ne(0).all(), false), new R("any1", t -> t.gt(0.5).any(1, false), false),
                new R("countNonzero", t -> t.countNonzero(0), false),
                new R("norm2", t -> t.norm(2, new int[] {1}, false), true), new R("norm1", t -> t.norm(1, new int[] {0, 1}, true), true),
                new R("norm3", t -> t.norm(3, new int[] {2}, false), true), new R("normInf", t -> t.norm(Double.POSITIVE_INFINITY, new int[] {1}, false), true),
                new R("normNegInf", t -> t.norm(Double.NEGATIVE_INFINITY, new int[] {1}, false), true), new R("norm0", t -> t.norm(0, new int[] {2}, false), true),
                new R("var", t -> t.var(new int[] {1}, 1, false), true), new R("std", t -> t.std(new int[] {0, 2}, 0, true), true),
                new R("logsumexp", t -> t.logsumexp(new int[] {2}, false), true));
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.FLOAT16}) {
            double[] v = dt.isFloatingPoint() ? CudaRef.random(r, 6 * 7 * 5, -2, 2) : CudaRef.randomInts(r, 6 * 7 * 5, -4, 4);
            v[17] = v[3];  // ties
            for (boolean permuted : new boolean[] {false, true}) {
                for (R red : rs) {
                    if (red.floatOnly() && !dt.isFloatingPoint()) continue;
                    tests.add(dynamicTest(red.name() + " " + dt + (permuted ? " permuted" : ""), () -> {
                        Tensor x = Tensor.from(v.clone(), 6, 7, 5).to(dt);
                        if (permuted) x = x.permute(2, 0, 1);
                        Tensor cx = permuted ? Tensor.from(v.clone(), 6, 7, 5).to(dt).to(CUDA).permute(2, 0, 1) : x.to(CUDA);
                        double rt = dt == DType.FLOAT16 ? 2e-3 : dt == DType.FLOAT32 ? 2e-5 : 1e-11;
                        double at = dt == DType.FLOAT16 ? 1e-2 : dt == DType.FLOAT32 ? 1e-4 : 1e-11;
                        assertSame(red.f().apply(x), red.f().apply(cx), rt, at, red.name());
                    }));
                }
            }
        }
        tests.add(dynamicTest("NaN propagates through max, min and argmax", () -> {
            double[] v = {1, Double.NaN, 3, 7, 2, 7, Double.NaN, 0};
            Tensor x = Tensor.from(v.clone(), 2, 4);
            for (Function<Tensor, Tensor> f : List.<Function<Tensor, Tensor>>of(Tensor::max, t -> t.max(1, false).values(),
                    t -> t.max(1, false).indices(), t -> t.min(0, true).indices(), t -> t.amax(new int[] {1}, false), t -> t.argmax(1))) {
                assertExact(f.apply(x), f.apply(x.to(CUDA)), "NaN");
            }
        }));
        tests.add(dynamicTest("long reductions split over many blocks", () -> {
            double[] v = CudaRef.random(r, 3_000_017, -1, 1);
            Tensor x = Tensor.from(v);
            assertSame(x.sum(), x.to(CUDA).sum(), 1e-9, 1e-6, "sum of 3M");
            Tensor f = x.to(DType.FLOAT32);
            assertSame(f.sum(), f.to(CUDA).sum(), 1e-5, 1e-2, "float32 sum of 3M");
            Tensor cols = Tensor.from(java.util.Arrays.copyOf(v, 4096 * 300), 4096, 300).to(DType.FLOAT32);
            assertSame(cols.sum(0, false), cols.to(CUDA).sum(0, false), 1e-5, 1e-4, "column sums");
            assertSame(cols.amax(new int[] {1}, true), cols.to(CUDA).amax(new int[] {1}, true), 0, 0, "row maxima");
            Tensor ints = Tensor.from(CudaRef.randomInts(r, 2_000_003, -1000, 1000)).to(DType.INT32);
            assertExact(ints.sum(), ints.to(CUDA).sum(), "exact int64 sum");
        }));
        return tests;
    }

    @Test
    void scansAndSoftmaxAlongEveryDim() {
        Random r = new Random(15);
        double[] v = CudaRef.random(r, 4 * 6 * 5, -3, 3);
        v[7] = v[8];
        v[40] = Double.NaN;
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.from(v.clone(), 4, 6, 5).to(dt), cx = x.to(CUDA);
            for (int d = 0; d < 3; d++) {
                assertSame(x.cumsum(d), cx.cumsum(d), rtol(dt), 1e-6, "cumsum " + d);
                assertSame(x.cumprod(d), cx.cumprod(d), rtol(dt), 1e-6, "cumprod " + d);
                assertExact(x.cummax(d).values(), cx.cummax(d).values(), "cummax " + d);
                assertExact(x.cummax(d).indices(), cx.cummax(d).indices(), "cummax indices " + d);
                assertExact(x.cummin(d).indices(), cx.cummin(d).indices(), "cummin indices " + d);
                assertSame(x.logcumsumexp(d), cx.logcumsumexp(d), rtol(dt), 1e-6, "logcumsumexp " + d);
                assertSame(x.softmax(d), cx.softmax(d), rtol(dt), 1e-7, "softmax " + d);
                assertSame(x.logSoftmax(d), cx.logSoftmax(d), rtol(dt), 1e-6, "log_softmax " + d);
            }
        }
        Tensor wide = Tensor.from(CudaRef.random(r, 3 * 5000, -20, 20), 3, 5000).to(DType.FLOAT32);
        assertSame(wide.softmax(1), wide.to(CUDA).softmax(1), 1e-5, 1e-9, "softmax over 5000");
        Tensor masked = Tensor.from(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, 2}, 2, 2);
        assertExact(masked.softmax(1), masked.to(CUDA).softmax(1), "a row of -inf");
        Tensor li = Tensor.from(new long[] {3, -1, 4, 1, -5, 9, 2, 6}).view(2, 4);
        assertExact(li.cumsum(1), li.to(CUDA).cumsum(1), "int64 cumsum");
        assertExact(li.cummax(1).indices(), li.to(CUDA).cummax(1).indices(), "int64 cummax");
    }

    @Test
    void indexingOps() {
        Random r = new Random(16);
        Tensor x = Tensor.from(CudaRef.random(r, 5 * 6, -1, 1), 5, 6).to(DType.FLOAT32), cx = x.to(CUDA);
        Tensor idx = Tensor.from(new long[] {4, 0, -1, 2, 2});
        assertExact(x.indexSelect(0, idx), cx.indexSelect(0, idx.to(CUDA)), "index_select 0");
        assertExact(x.indexSelect(1, idx), cx.indexSelect(1, idx.to(CUDA)), "index_select 1");
        assertExact(x.t().indexSelect(0, idx), cx.t().indexSelect(0, idx.to(CUDA)), "index_select of a transposed tensor");
        Tensor g = Tensor.from(new long[] {0, 5, 1, 1, 4, 3, 2, 0, 5, 5}).view(5, 2);
        assertExact(x.gather(1, g), cx.gather(1, g.to(CUDA)), "gather");
        Tensor src = Tensor.from(CudaRef.random(r, 10, -1, 1), 5, 2).to(DType.FLOAT32);
        assertExact(x.scatter(1, g.narrow(1, 0, 1), src.narrow(1, 0, 1)), cx.scatter(1, g.narrow(1, 0, 1).to(CUDA), src.narrow(1, 0, 1).to(CUDA)), "scatter");
        assertSame(x.scatterAdd(1, g, src), cx.scatterAdd(1, g.to(CUDA), src.to(CUDA)), 1e-6, 1e-7, "scatter_add with duplicates");
        Tensor xi = Tensor.from(CudaRef.randomInts(r, 30, -9, 9), 5, 6).to(DType.INT64);
        assertExact(xi.scatterAdd(1, g, src.mul(10).to(DType.INT64)), xi.to(CUDA).scatterAdd(1, g.to(CUDA), src.mul(10).to(DType.INT64).to(CUDA)), "int64 scatter_add");
        Tensor xs = xi.to(DType.INT16);
        assertExact(xs.scatterAdd(1, g, src.mul(10).to(DType.INT16)), xs.to(CUDA).scatterAdd(1, g.to(CUDA), src.mul(10).to(DType.INT16).to(CUDA)), "int16 scatter_add (host)");
        Tensor rows = Tensor.from(CudaRef.random(r, 5 * 6, -1, 1), 5, 6).to(DType.FLOAT64);
        assertSame(x.to(DType.FLOAT64).indexAdd(0, idx, rows, 0.5), cx.to(DType.FLOAT64).indexAdd(0, idx.to(CUDA), rows.to(CUDA), 0.5), 1e-12, 1e-12, "index_add");
        Tensor pos = Tensor.from(new long[] {29, 0, 7, 7});
        Tensor vals = Tensor.from(new float[] {1, 2, 3, 4});
        Tensor distinct = Tensor.from(new long[] {29, 0, 7, 13});
        assertExact(x.put(distinct, vals, false), cx.put(distinct.to(CUDA), vals.to(CUDA), false), "put");
        assertSame(x.put(pos, vals, true), cx.put(pos.to(CUDA), vals.to(CUDA), true), 1e-6, 1e-6, "put accumulate");
        assertExact(x.take(pos), cx.take(pos.to(CUDA)), "take");
        Tensor mask = x.gt(0);
        assertExact(x.maskedFill(mask, -7.0), cx.maskedFill(mask.to(CUDA), -7.0), "masked_fill");
        assertExact(x.maskedSelect(mask), cx.maskedSelect(mask.to(CUDA)), "masked_select");
        assertExact(mask.nonzero(), mask.to(CUDA).nonzero(), "nonzero");
        assertExact(x.sort(1, true).values(), cx.sort(1, true).values(), "sort");
        assertExact(x.sort(0, false).indices(), cx.sort(0, false).indices(), "sort indices");
        assertExact(x.topk(3, 1, true, true).values(), cx.topk(3, 1, true, true).values(), "topk");
        assertExact(x.flip(new int[] {0}), cx.flip(new int[] {0}), "flip");
        assertExact(x.roll(new int[] {2}, new int[] {1}), cx.roll(new int[] {2}, new int[] {1}), "roll");
        assertExact(Torch.cat(List.of(x, x.mul(2)), 1), Torch.cat(List.of(cx, cx.mul(2)), 1), "cat");
        assertExact(x.tril(0), cx.tril(0), "tril");
        assertExact(x.repeat(2, 1), cx.repeat(2, 1), "repeat");
    }

    @TestFactory
    List<DynamicTest> matrixProducts() {
        List<DynamicTest> tests = new ArrayList<>();
        Random r = new Random(17);
        int[][] shapes = {{3, 4, 5}, {1, 7, 1}, {64, 129, 33}, {257, 300, 65}};
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.FLOAT16, DType.INT32}) {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                tests.add(dynamicTest("mm " + dt + " " + m + "x" + k + "x" + n, () -> {
                    double[] va = dt.isFloatingPoint() ? CudaRef.random(r, m * k, -1, 1) : CudaRef.randomInts(r, m * k, -5, 5);
                    double[] vb = dt.isFloatingPoint() ? CudaRef.random(r, k * n, -1, 1) : CudaRef.randomInts(r, k * n, -5, 5);
                    Tensor a = Tensor.from(va, m, k).to(dt), b = Tensor.from(vb, k, n).to(dt);
                    double tol = dt == DType.FLOAT16 ? 2e-2 : dt == DType.FLOAT32 ? 1e-4 : dt == DType.FLOAT64 ? 1e-12 : 0;
                    Tensor ca = a.to(CUDA), cb = b.to(CUDA);
                    assertSame(a.matmul(b), ca.matmul(cb), tol, tol, "a b");
                    assertSame(b.t().matmul(a.t()), cb.t().matmul(ca.t()), tol, tol, "bᵀ aᵀ");
                    assertSame(a.unsqueeze(0).expand(3, m, k).matmul(b), ca.unsqueeze(0).expand(3, m, k).matmul(cb), tol, tol, "batched, broadcast");
                    assertSame(a.matmul(b.select(1, 0)), ca.matmul(cb.select(1, 0)), tol, tol, "matrix-vector");
                }));
            }
        }
        tests.add(dynamicTest("bmm with strided batches", () -> {
            Tensor a = Tensor.from(CudaRef.random(r, 4 * 6 * 10, -1, 1), 4, 6, 10).to(DType.FLOAT32);
            Tensor b = Tensor.from(CudaRef.random(r, 4 * 10 * 3, -1, 1), 4, 3, 10).to(DType.FLOAT32).transpose(1, 2);
            Tensor as = a.slice(2, 0, 10, 2);
            Tensor bs = b.slice(1, 0, 10, 2);
            assertSame(as.bmm(bs), as.to(CUDA).bmm(bs.to(CUDA)), 1e-5, 1e-5, "strided bmm");
            assertSame(a.bmm(b), a.to(CUDA).bmm(b.to(CUDA)), 1e-5, 1e-5, "bmm");
        }));
        return tests;
    }

    @Test
    void mixingDevicesGivesPyTorchsError() {
        CudaRef.assumeRealDevice();
        Tensor a = Torch.ones(2, 2).to(CUDA), b = Torch.ones(2, 2);
        KindlingException e = assertThrows(KindlingException.class, () -> a.add(b));
        assertEquals("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
                + "(when checking arguments for add)", e.getMessage());
        assertThrows(KindlingException.class, () -> b.mul(a));
        assertThrows(KindlingException.class, () -> a.matmul(b));
        assertExact(b.add(Torch.tensor(2.0)), a.add(Torch.tensor(2.0)), "a 0-dim CPU tensor acts as a scalar");
    }

    @Test
    void cudaTensorsPrintLikePyTorch() {
        CudaRef.assumeRealDevice();
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], device='cuda:0')", Torch.tensor(new float[][] {{1, 2}, {3, 4}}).to(CUDA).toString());
        assertEquals("tensor([1, 2], device='cuda:0')", Tensor.from(new long[] {1, 2}).to(CUDA).toString());
        Tensor g = Torch.ones(2).to(CUDA).requiresGrad_(true);
        assertEquals("tensor([2., 2.], device='cuda:0', grad_fn=<MulBackward0>)", g.mul(2).toString());
        assertEquals(3.0, Torch.full(3.0, 1).to(CUDA).item());
    }
}
