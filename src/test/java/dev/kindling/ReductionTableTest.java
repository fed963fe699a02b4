package dev.kindling;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Reductions over every subset of dims, with and without keepdim, on contiguous and permuted
 * inputs and on sizes that take the inner, outer and split-run kernel paths, against sums and
 * extremes computed with explicit loops in double.
 */
class ReductionTableTest {

    interface Reducer {
        double apply(double[] values);
    }

    record Op(String name, java.util.function.BiFunction<Tensor, int[], Tensor> fn, Reducer ref) {}

    static double sum(double[] v) { double s = 0; for (double x : v) s += x; return s; }

    static double mean(double[] v) { return sum(v) / v.length; }

    static double var(double[] v, double corr) {
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return s / (v.length - corr);
    }

    static final List<Op> OPS = List.of(
            new Op("sum", (t, d) -> t.sum(d, false), ReductionTableTest::sum),
            new Op("mean", (t, d) -> t.mean(d, false), ReductionTableTest::mean),
            new Op("prod", (t, d) -> d.length == 1 ? t.prod(d[0], false) : null, v -> { double p = 1; for (double x : v) p *= x; return p; }),
            new Op("amax", (t, d) -> t.amax(d, false), v -> Arrays.stream(v).max().getAsDouble()),
            new Op("amin", (t, d) -> t.amin(d, false), v -> Arrays.stream(v).min().getAsDouble()),
            new Op("var", (t, d) -> t.var(d, 1, false), v -> var(v, 1)),
            new Op("std0", (t, d) -> t.std(d, 0, false), v -> Math.sqrt(var(v, 0))),
            new Op("norm2", (t, d) -> t.norm(2, d, false), v -> Math.sqrt(Arrays.stream(v).map(x -> x * x).sum())),
            new Op("norm1", (t, d) -> t.norm(1, d, false), v -> Arrays.stream(v).map(Math::abs).sum()),
            new Op("normInf", (t, d) -> t.norm(Double.POSITIVE_INFINITY, d, false), v -> Arrays.stream(v).map(Math::abs).max().getAsDouble()),
            new Op("norm3", (t, d) -> t.norm(3, d, false), v -> Math.pow(Arrays.stream(v).map(x -> Math.pow(Math.abs(x), 3)).sum(), 1.0 / 3)),
            new Op("logsumexp", (t, d) -> t.logsumexp(d, false), v -> Math.log(Arrays.stream(v).map(Math::exp).sum())));

    /** Reduces {@code values} of {@code shape} over {@code dims} with an explicit loop. */
    static double[] reference(double[] values, int[] shape, int[] dims, Reducer r) {
        boolean[] mask = new boolean[shape.length];
        for (int d : dims) mask[d] = true;
        int[] outShape = Shapes.reducedShape(shape, mask, false);
        int outN = (int) Shapes.numel(outShape);
        List<List<Double>> groups = new ArrayList<>();
        for (int i = 0; i < outN; i++) groups.add(new ArrayList<>());
        int[] idx = new int[shape.length];
        for (int i = 0; i < values.length; i++) {
            int rem = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            int o = 0;
            for (int d = 0; d < shape.length; d++) if (!mask[d]) o = o * shape[d] + idx[d];
            groups.get(o).add(values[i]);
        }
        double[] out = new double[outN];
        for (int i = 0; i < outN; i++) out[i] = r.apply(groups.get(i).stream().mapToDouble(Double::doubleValue).toArray());
        return out;
    }

    @TestFactory
    List<DynamicTest> reductions() {
        List<DynamicTest> tests = new ArrayList<>();
        Random r = new Random(3);
        int[][] shapes = {{4, 5, 6}, {3, 700}, {700, 3}, {2, 33000}};
        int[][][] dimSets = {{{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}, {-1}}, {{0}, {1}, {0, 1}}, {{0}, {1}, {0, 1}}, {{0}, {1}, {0, 1}}};
        for (int s = 0; s < shapes.length; s++) {
            int[] shape = shapes[s];
            for (int[] dims : dimSets[s]) {
                for (boolean permuted : new boolean[] {false, true}) {
                    for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                        for (Op op : OPS) {
                            double[] v = Ref.randomValues(r, (int) Shapes.numel(shape), op.name().equals("prod") ? 0.9 : -2, op.name().equals("prod") ? 1.1 : 2);
                            String name = op.name() + " " + dt + " " + Shapes.str(shape) + " dims " + Arrays.toString(dims) + (permuted ? " permuted" : "");
                            tests.add(dynamicTest(name, () -> {
                                Tensor x = make(v, shape, permuted).to(dt);
                                Tensor y = op.fn().apply(x, dims);
                                if (y == null) return;
                                int[] wrapped = Arrays.stream(dims).map(d -> d < 0 ? d + shape.length : d).toArray();
                                double[] xv = Ref.values(x);
                                double[] expected = reference(xv, shape, wrapped, op.ref());
                                double tol = dt == DType.FLOAT64 ? 1e-10 : 2e-5 * Math.max(1, Math.sqrt(xv.length / 1000.0));
                                Ref.assertClose(expected, y, tol, tol, name);
                                boolean[] mask = Shapes.dimMask(dims, shape.length);
                                assertArrayEquals(Shapes.reducedShape(shape, mask, false), y.shape());
                                Tensor yk = op.fn().apply(x.unsqueeze(0).squeeze(0), dims);
                                assertArrayEquals(y.shape(), yk.shape());
                            }));
                        }
                    }
                }
            }
        }
        return tests;
    }

    /** The values laid out either contiguously or as a permuted (non-contiguous) view. */
    static Tensor make(double[] v, int[] shape, boolean permuted) {
        Tensor c = Tensor.from(v.clone(), shape);
        if (!permuted) return c;
        int n = shape.length;
        int[] rev = new int[n];
        for (int i = 0; i < n; i++) rev[i] = n - 1 - i;
        return c.permute(rev).contiguous().permute(rev);
    }

    @Test
    void fullSumOfLargeFloatTensorIsAccurate() {
        int n = 5_000_000;
        float[] a = new float[n];
        Random r = new Random(4);
        double exact = 0;
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
            exact += a[i];
        }
        double got = Tensor.from(a).sum().item();
        assertEquals(exact, got, 1e-2, "sum of 5M float32 values");
        assertEquals(DType.FLOAT32, Tensor.from(a).sum().dtype());
    }

    @Test
    void integerReductionsAreExactInt64() {
        long big = (1L << 53) + 1;
        Tensor t = Tensor.from(new long[] {big, 1, 1});
        assertEquals(big + 2, t.sum().longItem());
        assertEquals(DType.INT64, Tensor.from(new int[] {1, 2}).sum().dtype());
        assertEquals(DType.INT64, Tensor.from(new boolean[] {true, true, false}).sum().dtype());
        assertEquals(2L, Tensor.from(new boolean[] {true, true, false}).sum().longItem());
        assertEquals(big, t.max().longItem());
        assertEquals(6L, Tensor.from(new int[] {1, 2, 3}).prod().longItem());
    }

    @Test
    void maxWithIndicesPicksFirstAndPropagatesNan() {
        Tensor t = Tensor.from(new double[] {1, 5, 5, 2, Double.NaN, 3, 0, 0, -1}, 3, 3);
        ValuesIndices m = t.max(1);
        assertArrayEquals(new long[] {1, 1, 0}, m.indices().toLongArray());
        double[] v = m.values().toDoubleArray();
        assertEquals(5, v[0]);
        assertEquals(Double.NaN, v[1]);
        assertEquals(0, v[2]);
        assertArrayEquals(new long[] {2, 1, 2}, t.argmin(0).toLongArray(), "NaN counts as the minimum");
        assertEquals(4L, t.argmax().longItem(), "argmax of the flattened tensor finds the NaN");
        assertArrayEquals(new int[] {3, 1}, t.max(1, true).values().shape());
    }

    @Test
    void allAnyAndCountNonzero() {
        Tensor t = Tensor.from(new double[] {1, 0, 2, 3, 4, 5}, 2, 3);
        assertArrayEquals(new boolean[] {false, true}, t.all(1).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, true}, t.any(0).toBooleanArray());
        assertEquals(DType.BOOL, t.all().dtype());
        assertEquals(5L, t.countNonzero().longItem());
    }

    @Test
    void cumulativeOps() {
        Tensor t = Tensor.from(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new double[] {1, 3, 6, 4, 9, 15}, t.cumsum(1).toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3, 4, 10, 18}, t.cumprod(0).toDoubleArray());
        Tensor c = Tensor.from(new double[] {1, 3, 2, 3, 0});
        ValuesIndices cm = c.cummax(0);
        assertArrayEquals(new double[] {1, 3, 3, 3, 3}, cm.values().toDoubleArray());
        assertArrayEquals(new long[] {0, 1, 1, 3, 3}, cm.indices().toLongArray());
        double[] lcse = Tensor.from(new double[] {0, 1, 2}).logcumsumexp(0).toDoubleArray();
        assertEquals(Math.log(1 + Math.E + Math.exp(2)), lcse[2], 1e-12);
    }

    @Test
    void softmaxAlongEveryDimSumsToOne() {
        Random r = new Random(5);
        Tensor x = Tensor.from(Ref.randomValues(r, 4 * 5 * 6, -5, 5), 4, 5, 6).to(DType.FLOAT32);
        for (int d = 0; d < 3; d++) {
            Tensor s = x.softmax(d);
            Ref.assertClose(new double[s.sum(d).toDoubleArray().length], s.sum(d).sub(1.0), 0, 1e-6, "softmax sums");
            Tensor ls = x.logSoftmax(d);
            Ref.assertClose(Ref.values(s.log()), ls, 1e-5, 1e-5, "logSoftmax = log(softmax)");
            double[] xv = Ref.values(x.movedim(d, 2).contiguous());
            double[] sv = Ref.values(s.movedim(d, 2).contiguous());
            int len = x.size(d);
            for (int row = 0; row < xv.length / len; row++) {
                double m = Double.NEGATIVE_INFINITY, z = 0;
                for (int i = 0; i < len; i++) m = Math.max(m, xv[row * len + i]);
                for (int i = 0; i < len; i++) z += Math.exp(xv[row * len + i] - m);
                for (int i = 0; i < len; i++) assertEquals(Math.exp(xv[row * len + i] - m) / z, sv[row * len + i], 1e-6);
            }
        }
        Tensor huge = Tensor.from(new float[] {1000, 1000, -1000});
        Ref.assertClose(new double[] {0.5, 0.5, 0}, huge.softmax(0), 0, 1e-7, "softmax is stable");
    }
}
