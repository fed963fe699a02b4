package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.backend.Backend;
import dev.kindling.backend.Storage;

/**
 * A tensor's elements on the Java heap: one primitive array ({@code float[]}, {@code double[]},
 * {@code long[]}, {@code int[]}, {@code short[]}, {@code byte[]} or {@code boolean[]}, as
 * {@link DType} lists). Created by {@link CpuBackend#allocate} or by wrapping a caller's array with
 * no copy; kernels read and write {@link #array} directly. The garbage collector frees it.
 */
public final class CpuStorage extends Storage {
    /** The backing array; its type matches the dtype. */
    public final Object array;
    private final int length;

    private CpuStorage(DType dtype, Object array, int length) {
        super(dtype);
        this.array = array;
        this.length = length;
    }

    /** A new zero-filled storage of {@code n} elements. */
    public static CpuStorage allocate(DType dtype, long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("CPU tensors hold at most " + (Integer.MAX_VALUE - 8)
                    + " elements in one storage (a Java array); requested " + n + " elements of " + dtype);
        }
        int len = (int) n;
        Object array = switch (dtype) {
            case FLOAT32 -> new float[len];
            case FLOAT64 -> new double[len];
            case INT64 -> new long[len];
            case INT32 -> new int[len];
            case INT16, FLOAT16, BFLOAT16 -> new short[len];
            case INT8, UINT8 -> new byte[len];
            case BOOL -> new boolean[len];
        };
        return new CpuStorage(dtype, array, len);
    }

    /** Wraps {@code array} without copying; its element type must be the one {@code dtype} uses. */
    public static CpuStorage wrap(DType dtype, Object array) {
        Class<?> expected = arrayClass(dtype);
        if (array == null || array.getClass() != expected) {
            throw new IllegalArgumentException("a " + dtype + " tensor is stored in a " + expected.getSimpleName()
                    + ", not a " + (array == null ? "null" : array.getClass().getSimpleName()));
        }
        return new CpuStorage(dtype, array, java.lang.reflect.Array.getLength(array));
    }

    /** The Java array type that holds {@code dtype}. */
    public static Class<?> arrayClass(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT64 -> long[].class;
            case INT32 -> int[].class;
            case INT16, FLOAT16, BFLOAT16 -> short[].class;
            case INT8, UINT8 -> byte[].class;
            case BOOL -> boolean[].class;
        };
    }

    @Override
    public Device device() { return Device.CPU; }

    @Override
    public long size() { return length; }

    @Override
    public Backend backend() { return CpuBackend.INSTANCE; }
}
