package dev.kindling;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helpers: random inputs in several memory layouts, and comparison of a tensor with values
 * computed independently in double precision.
 */
final class Ref {
    private Ref() {}

    /** A labelled way of building a tensor of a given logical shape. */
    record Layout(String name, int[] shape, java.util.function.Function<double[], Tensor> make) {
        @Override
        public String toString() { return name + Shapes.str(shape); }
    }

    static double[] randomValues(java.util.Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    /** Layouts of a 2-D shape [rows, cols]: contiguous, transposed, strided slice, expanded, offset. */
    static List<Layout> layouts2d(int rows, int cols) {
        List<Layout> out = new ArrayList<>();
        int[] shape = {rows, cols};
        out.add(new Layout("contiguous", shape, v -> Tensor.from(v.clone(), rows, cols)));
        out.add(new Layout("transposed", shape, v -> {
            double[] t = new double[v.length];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = v[i * cols + j];
            return Tensor.from(t, cols, rows).t();
        }));
        out.add(new Layout("step2", shape, v -> {
            double[] t = new double[rows * cols * 2];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[i * cols * 2 + j * 2] = v[i * cols + j];
            return Tensor.from(t, rows, cols * 2).slice(1, 0, cols * 2, 2);
        }));
        out.add(new Layout("offset", shape, v -> {
            double[] t = new double[v.length + 7];
            System.arraycopy(v, 0, t, 7, v.length);
            return Tensor.from(t).narrow(0, 7, v.length).view(rows, cols);
        }));
        return out;
    }

    /** The logical values of t, row-major, as doubles. */
    static double[] values(Tensor t) {
        return t.detach().to(DType.FLOAT64).toDoubleArray();
    }

    static void assertClose(double[] expected, Tensor actual, double rtol, double atol, String what) {
        double[] a = values(actual);
        assertEquals(expected.length, a.length, what + ": element count");
        for (int i = 0; i < a.length; i++) {
            double e = expected[i], x = a[i];
            if (Double.isNaN(e)) {
                if (!Double.isNaN(x)) fail(what + ": element " + i + " expected NaN but was " + x);
                continue;
            }
            if (Double.isInfinite(e)) {
                if (e != x) fail(what + ": element " + i + " expected " + e + " but was " + x);
                continue;
            }
            if (!(Math.abs(e - x) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " but was " + x + " (|diff| " + Math.abs(e - x) + ")");
            }
        }
    }

    static void assertShape(Tensor t, int... shape) {
        assertArrayEquals(shape, t.shape(), "shape");
    }

    static double rtol(DType t) {
        return switch (t) {
            case FLOAT64 -> 1e-12;
            case FLOAT32 -> 2e-6;
            case FLOAT16 -> 2e-3;
            case BFLOAT16 -> 1.6e-2;
            default -> 0;
        };
    }

    static double atol(DType t) {
        return switch (t) {
            case FLOAT64 -> 1e-12;
            case FLOAT32 -> 2e-6;
            case FLOAT16 -> 2e-3;
            case BFLOAT16 -> 1.6e-2;
            default -> 0;
        };
    }

    /** Rounds a double to the precision of dtype (what storing it in that dtype does). */
    static double round(double v, DType t) {
        return Tensor.from(new double[] {v}).to(t).to(DType.FLOAT64).toDoubleArray()[0];
    }

    static <T extends Throwable> String message(Class<T> type, Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            if (!type.isInstance(e)) throw new AssertionError("expected " + type.getSimpleName() + " but got " + e, e);
            return e.getMessage();
        }
        throw new AssertionError("expected " + type.getSimpleName() + " but nothing was thrown");
    }

    static <T> T quietly(Supplier<T> s) { return s.get(); }
}
