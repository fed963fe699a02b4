package dev.kindling;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Test bridge to libtorch (org.bytedeco.pytorch), the reference implementation: converts tensors
 * both ways through double arrays, so values computed by libtorch can be compared with Kindling's.
 */
final class Lt {
    private Lt() {}

    static ScalarType scalarType(DType t) {
        return switch (t) {
            case FLOAT32 -> ScalarType.Float;
            case FLOAT64 -> ScalarType.Double;
            case FLOAT16 -> ScalarType.Half;
            case BFLOAT16 -> ScalarType.BFloat16;
            case INT64 -> ScalarType.Long;
            case INT32 -> ScalarType.Int;
            case INT16 -> ScalarType.Short;
            case INT8 -> ScalarType.Char;
            case UINT8 -> ScalarType.Byte;
            case BOOL -> ScalarType.Bool;
        };
    }

    static DType dtype(ScalarType s) {
        for (DType t : DType.values()) if (scalarType(t).value == s.value) return t;
        throw new IllegalArgumentException(s.toString());
    }

    private static long[] longs(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) l[i] = shape[i];
        return l;
    }

    /** A libtorch copy of t (same shape, dtype and values). */
    static org.bytedeco.pytorch.Tensor of(Tensor t) {
        double[] v = t.detach().to(DType.FLOAT64).toDoubleArray();
        DoublePointer p = new DoublePointer(v);
        org.bytedeco.pytorch.Tensor lt = torch.from_blob(p, longs(t.shape()),
                new org.bytedeco.pytorch.TensorOptions(ScalarType.Double)).clone();
        return lt.to(scalarType(t.dtype()));
    }

    /** The values of a libtorch tensor as doubles (row-major). */
    static double[] values(org.bytedeco.pytorch.Tensor t) {
        org.bytedeco.pytorch.Tensor d = t.to(ScalarType.Double).contiguous();
        double[] r = new double[(int) d.numel()];
        if (r.length > 0) d.data_ptr_double().get(r);
        return r;
    }

    static int[] shape(org.bytedeco.pytorch.Tensor t) {
        long[] s = t.sizes().vec().get();
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) r[i] = (int) s[i];
        return r;
    }

    /** A Kindling copy of a libtorch tensor, in its dtype. */
    static Tensor toKindling(org.bytedeco.pytorch.Tensor t) {
        return Tensor.from(values(t)).view(shape(t)).to(dtype(t.scalar_type()));
    }
}
