package dev.kindling.bench;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The benchmarks' bridge to libtorch 2.10 (JavaCPP's {@code org.bytedeco.pytorch}): tensors from
 * Java arrays (copied into libtorch's memory), values back as doubles, and libtorch's two thread
 * pools (OpenMP for its own kernels, OpenBLAS for matrix products), which are set separately.
 */
final class Lt {
    private Lt() {}

    /** A libtorch float32 tensor holding a copy of {@code data}. */
    static Tensor floats(float[] data, int... shape) {
        try (FloatPointer p = new FloatPointer(data)) {
            Tensor view = torch.from_blob(p, dims(shape), new TensorOptions(ScalarType.Float));
            Tensor copy = view.clone();
            view.close();
            return copy;
        }
    }

    /** A libtorch int64 tensor holding a copy of {@code data}. */
    static Tensor longs(long[] data, int... shape) {
        try (LongPointer p = new LongPointer(data)) {
            Tensor view = torch.from_blob(p, dims(shape), new TensorOptions(ScalarType.Long));
            Tensor copy = view.clone();
            view.close();
            return copy;
        }
    }

    /** A leaf that requires grad, as a parameter is. */
    static Tensor param(float[] data, int... shape) {
        Tensor t = floats(data, shape);
        t.requires_grad_(true);
        return t;
    }

    /** The values of a libtorch tensor as doubles (row-major). */
    static double[] values(Tensor t) {
        Tensor f = t.detach().to(ScalarType.Float).contiguous();
        float[] v = new float[(int) f.numel()];
        if (v.length > 0) f.data_ptr_float().get(v);
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    /** A shape as libtorch's {@code long[]}. */
    static long[] dims(int... shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) l[i] = shape[i];
        return l;
    }

    static TensorOptional opt(Tensor t) { return t == null ? new TensorOptional() : new TensorOptional(t); }

    static Scalar scalar(double v) { return new Scalar(v); }

    /** Makes a parameter's gradient undefined again, as {@code zero_grad(set_to_none=True)}. */
    static void clearGrad(Tensor param) { param.mutable_grad().reset(); }

    /** Sets libtorch's intra-op (OpenMP) threads and OpenBLAS's threads. */
    static void setThreads(int omp, int blas) {
        torch.set_num_threads(omp);
        openblas.blas_set_num_threads(blas);
    }

    /** OpenBLAS's current thread count. */
    static int blasThreads() { return openblas.blas_get_num_threads(); }

    /** libtorch's build description ({@code torch::show_config()}), one line. */
    static String config() {
        try (BytePointer p = torch.show_config()) {
            return p.getString().replace('\n', ' ').replaceAll("\\s+", " ").trim();
        }
    }
}
