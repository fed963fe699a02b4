package dev.kindling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kindling.DType;
import dev.kindling.Tensor;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The bridge between Kindling tensors and libtorch tensors (org.bytedeco.pytorch) that the nn
 * tests use as their reference: copies in both directions, and closeness assertions. A test
 * class calls {@link #load()} once (in {@code @BeforeAll}); loading the natives takes seconds.
 */
final class LibTorch {
    private LibTorch() {}

    /** libtorch's at::Reduction values. */
    static final long NONE = 0, MEAN = 1, SUM = 2;

    static void load() { torch.manual_seed(0); }

    static long reduction(String r) {
        return switch (r) {
            case "none" -> NONE;
            case "mean" -> MEAN;
            case "sum" -> SUM;
            default -> throw new IllegalArgumentException(r);
        };
    }

    private static long[] longs(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        return s;
    }

    /** A libtorch copy of a Kindling CPU tensor (float32, float64 or int64), not requiring grad. */
    static org.bytedeco.pytorch.Tensor lt(Tensor t) {
        long[] shape = longs(t.shape());
        Tensor c = t.detach().contiguous();
        return switch (t.dtype()) {
            case FLOAT32 -> torch.from_blob(new FloatPointer(c.toFloatArray()), shape, new TensorOptions(ScalarType.Float)).clone();
            case FLOAT64 -> torch.from_blob(new DoublePointer(c.toDoubleArray()), shape, new TensorOptions(ScalarType.Double)).clone();
            case INT64 -> torch.from_blob(new LongPointer(c.toLongArray()), shape, new TensorOptions(ScalarType.Long)).clone();
            default -> throw new IllegalArgumentException("lt: unsupported dtype " + t.dtype());
        };
    }

    /** A libtorch copy that requires grad (a leaf). */
    static org.bytedeco.pytorch.Tensor ltGrad(Tensor t) {
        org.bytedeco.pytorch.Tensor r = lt(t);
        r.set_requires_grad(true);
        return r;
    }

    static TensorOptional opt(org.bytedeco.pytorch.Tensor t) { return t == null ? new TensorOptional() : new TensorOptional(t); }

    /** A Kindling copy of a libtorch tensor. */
    static Tensor kt(org.bytedeco.pytorch.Tensor t) {
        org.bytedeco.pytorch.Tensor c = t.contiguous();
        int dims = (int) c.dim();
        int[] shape = new int[dims];
        for (int i = 0; i < dims; i++) shape[i] = (int) c.sizes().at(i);
        int n = (int) c.numel();
        int st = c.scalar_type().value;
        if (st == ScalarType.Float.value) {
            float[] a = new float[n];
            if (n > 0) c.data_ptr_float().get(a);
            return Tensor.from(a).view(shape);
        } else if (st == ScalarType.Double.value) {
            double[] a = new double[n];
            if (n > 0) c.data_ptr_double().get(a);
            return Tensor.from(a).view(shape);
        } else if (st == ScalarType.Long.value) {
            long[] a = new long[n];
            if (n > 0) c.data_ptr_long().get(a);
            return Tensor.from(a).view(shape);
        }
        throw new IllegalArgumentException("kt: unsupported scalar type " + st);
    }

    /** Asserts same shape and |a - e| <= atol + rtol·|e| element-wise (NaN equal to NaN). */
    static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.detach().to(DType.FLOAT64).contiguous().toDoubleArray();
        double[] a = actual.detach().to(DType.FLOAT64).contiguous().toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) && Double.isNaN(a[i])) continue;
            if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (diff " + Math.abs(a[i] - e[i]) + ")");
            }
        }
    }

    /** float32 closeness: rtol 1e-5, atol 1e-6. */
    static void assertClose(Tensor expected, Tensor actual, String what) { assertClose(expected, actual, 1e-5, 1e-6, what); }

    static void assertClose(org.bytedeco.pytorch.Tensor expected, Tensor actual, String what) {
        assertClose(kt(expected), actual, what);
    }

    static void assertClose(org.bytedeco.pytorch.Tensor expected, Tensor actual, double rtol, double atol, String what) {
        assertClose(kt(expected), actual, rtol, atol, what);
    }
}
