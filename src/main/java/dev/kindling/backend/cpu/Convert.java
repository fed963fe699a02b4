package dev.kindling.backend.cpu;

import dev.kindling.backend.Strided;

import java.util.Arrays;

/**
 * Gathers strided elements of any dtype into a contiguous {@code double[]} or {@code long[]} block
 * and scatters a block back, converting on the way. Kernels that are not specialised for a dtype
 * run on such blocks: floating dtypes compute in double (exactly rounded for +, -, *, /, sqrt),
 * integral and bool dtypes in long. Stores follow PyTorch's casts: floats to integers truncate
 * toward zero, integers wrap to the target width, anything non-zero is {@code true}.
 */
public final class Convert {
    private Convert() {}

    /** {@code buf[i] = s[off + i * stride]} as double, for i in [0, n). */
    public static void load(Strided s, int off, int stride, double[] buf, int n) {
        if (s.isScalar()) {
            Arrays.fill(buf, 0, n, s.scalar);
            return;
        }
        Object a = ((CpuStorage) s.storage).array;
        switch (s.dtype) {
            case FLOAT32 -> { float[] x = (float[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case FLOAT64 -> { double[] x = (double[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case INT64 -> { long[] x = (long[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case INT32 -> { int[] x = (int[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case INT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case INT8 -> { byte[] x = (byte[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case UINT8 -> { byte[] x = (byte[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride] & 0xff; }
            case BOOL -> { boolean[] x = (boolean[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride] ? 1 : 0; }
            case FLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) buf[i] = HalfFloat.halfToFloat(x[off + i * stride]); }
            case BFLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) buf[i] = HalfFloat.bfloat16ToFloat(x[off + i * stride]); }
        }
    }

    /** {@code buf[i] = s[off + i * stride]} as long, for i in [0, n). Floats truncate toward zero. */
    public static void load(Strided s, int off, int stride, long[] buf, int n) {
        if (s.isScalar()) {
            Arrays.fill(buf, 0, n, s.dtype.isFloatingPoint() ? (long) s.scalar : s.scalarLong);
            return;
        }
        Object a = ((CpuStorage) s.storage).array;
        switch (s.dtype) {
            case FLOAT32 -> { float[] x = (float[]) a; for (int i = 0; i < n; i++) buf[i] = (long) x[off + i * stride]; }
            case FLOAT64 -> { double[] x = (double[]) a; for (int i = 0; i < n; i++) buf[i] = (long) x[off + i * stride]; }
            case INT64 -> { long[] x = (long[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case INT32 -> { int[] x = (int[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case INT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case INT8 -> { byte[] x = (byte[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride]; }
            case UINT8 -> { byte[] x = (byte[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride] & 0xff; }
            case BOOL -> { boolean[] x = (boolean[]) a; for (int i = 0; i < n; i++) buf[i] = x[off + i * stride] ? 1 : 0; }
            case FLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) buf[i] = (long) HalfFloat.halfToFloat(x[off + i * stride]); }
            case BFLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) buf[i] = (long) HalfFloat.bfloat16ToFloat(x[off + i * stride]); }
        }
    }

    /** {@code s[off + i * stride] = buf[i]}, converted to the operand's dtype. */
    public static void store(double[] buf, Strided s, int off, int stride, int n) {
        Object a = ((CpuStorage) s.storage).array;
        switch (s.dtype) {
            case FLOAT32 -> { float[] x = (float[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (float) buf[i]; }
            case FLOAT64 -> { double[] x = (double[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = buf[i]; }
            case INT64 -> { long[] x = (long[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (long) buf[i]; }
            case INT32 -> { int[] x = (int[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (int) (long) buf[i]; }
            case INT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (short) (long) buf[i]; }
            case INT8, UINT8 -> { byte[] x = (byte[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (byte) (long) buf[i]; }
            case BOOL -> { boolean[] x = (boolean[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = buf[i] != 0; }
            case FLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = HalfFloat.floatToHalf((float) buf[i]); }
            case BFLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = HalfFloat.floatToBfloat16((float) buf[i]); }
        }
    }

    /** {@code s[off + i * stride] = buf[i]}, converted to the operand's dtype. */
    public static void store(long[] buf, Strided s, int off, int stride, int n) {
        Object a = ((CpuStorage) s.storage).array;
        switch (s.dtype) {
            case FLOAT32 -> { float[] x = (float[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = buf[i]; }
            case FLOAT64 -> { double[] x = (double[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = buf[i]; }
            case INT64 -> { long[] x = (long[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = buf[i]; }
            case INT32 -> { int[] x = (int[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (int) buf[i]; }
            case INT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (short) buf[i]; }
            case INT8, UINT8 -> { byte[] x = (byte[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = (byte) buf[i]; }
            case BOOL -> { boolean[] x = (boolean[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = buf[i] != 0; }
            case FLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = HalfFloat.floatToHalf(buf[i]); }
            case BFLOAT16 -> { short[] x = (short[]) a; for (int i = 0; i < n; i++) x[off + i * stride] = HalfFloat.floatToBfloat16(buf[i]); }
        }
    }

    /** Reads one element as double. */
    public static double get(Strided s, int index) {
        if (s.isScalar()) return s.scalar;
        Object a = ((CpuStorage) s.storage).array;
        return switch (s.dtype) {
            case FLOAT32 -> ((float[]) a)[index];
            case FLOAT64 -> ((double[]) a)[index];
            case INT64 -> ((long[]) a)[index];
            case INT32 -> ((int[]) a)[index];
            case INT16 -> ((short[]) a)[index];
            case INT8 -> ((byte[]) a)[index];
            case UINT8 -> ((byte[]) a)[index] & 0xff;
            case BOOL -> ((boolean[]) a)[index] ? 1 : 0;
            case FLOAT16 -> HalfFloat.halfToFloat(((short[]) a)[index]);
            case BFLOAT16 -> HalfFloat.bfloat16ToFloat(((short[]) a)[index]);
        };
    }

    /** Reads one element as long (exact for integral dtypes). */
    public static long getLong(Strided s, int index) {
        if (s.isScalar()) return s.dtype.isFloatingPoint() ? (long) s.scalar : s.scalarLong;
        Object a = ((CpuStorage) s.storage).array;
        return switch (s.dtype) {
            case INT64 -> ((long[]) a)[index];
            case INT32 -> ((int[]) a)[index];
            case INT16 -> ((short[]) a)[index];
            case INT8 -> ((byte[]) a)[index];
            case UINT8 -> ((byte[]) a)[index] & 0xff;
            case BOOL -> ((boolean[]) a)[index] ? 1 : 0;
            default -> (long) get(s, index);
        };
    }
}
