package dev.kindling.io;

import dev.kindling.DType;
import dev.kindling.KindlingException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions between raw little-endian tensor bytes (as stored in safetensors files) and the
 * Java arrays that hold each {@link DType} in Kindling.
 *
 * <p>Static methods only. The Tensor adapter of {@code dev.kindling.io} calls them: it reads with
 * {@link SafetensorsFile#data} then {@link #toArray} (or {@link #copyInto} for a tensor read in
 * parts), and writes with {@link #fromArray} then {@link SafetensorsWriter}.
 *
 * <p>The array kinds follow {@link DType}: {@code float[]} FLOAT32, {@code double[]} FLOAT64,
 * {@code long[]} INT64, {@code int[]} INT32, {@code short[]} INT16 and the raw bits of FLOAT16 and
 * BFLOAT16, {@code byte[]} INT8 and UINT8 (UINT8 read as unsigned), {@code boolean[]} BOOL (stored
 * as one byte, 0 or 1). Bytes are always little-endian whatever the {@link ByteOrder} of the
 * buffer passed in; a buffer's position and limit are never changed. The multi-byte dtypes are
 * converted with bulk view-buffer transfers (a memory copy, byte-swapped only on big-endian
 * hosts); only BOOL goes element by element, because each byte must be checked.
 */
public final class TensorBytes {
    /** Largest array the JVM allocates reliably, in elements (a few header words below 2^31). */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private TensorBytes() {}

    /**
     * Decodes all remaining bytes of {@code data} into a new array of {@code dtype}'s kind.
     *
     * @throws IllegalArgumentException when the byte count is not a multiple of the item size, or
     *         the elements exceed the largest Java array ({@link #MAX_ARRAY_LENGTH})
     * @throws KindlingException when a BOOL byte is neither 0 nor 1
     */
    public static Object toArray(DType dtype, ByteBuffer data) {
        int n = elementCount("toArray", dtype, data);
        if (n > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("toArray: " + n + " elements of " + dtype
                    + " exceed the largest Java array (" + MAX_ARRAY_LENGTH + ")");
        }
        Object array = switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case INT32 -> new int[n];
            case INT16, FLOAT16, BFLOAT16 -> new short[n];
            case INT8, UINT8 -> new byte[n];
            case BOOL -> new boolean[n];
        };
        decode(dtype, data, array, 0, n);
        return array;
    }

    /**
     * Decodes all remaining bytes of {@code data} into {@code array} starting at element
     * {@code offset}; lets a caller fill one large array from several buffers.
     *
     * @throws IllegalArgumentException when the array is not {@code dtype}'s kind, the byte count
     *         is not a multiple of the item size, or the elements do not fit after {@code offset}
     * @throws KindlingException when a BOOL byte is neither 0 nor 1
     */
    public static void copyInto(DType dtype, ByteBuffer data, Object array, int offset) {
        int n = elementCount("copyInto", dtype, data);
        int length = checkArray("copyInto", dtype, array);
        if (offset < 0 || offset > length - n) {
            throw new IllegalArgumentException("copyInto: " + n + " elements of " + dtype
                    + " do not fit in an array of length " + length + " at offset " + offset);
        }
        decode(dtype, data, array, offset, n);
    }

    /**
     * Encodes {@code count} elements of {@code array} starting at {@code offset} as a new
     * little-endian heap buffer (position 0, limit {@code count * itemSize}).
     *
     * @throws IllegalArgumentException when the array is not {@code dtype}'s kind, the range is
     *         out of bounds, or the bytes would exceed one heap buffer
     *         ({@link #MAX_ARRAY_LENGTH})
     */
    public static ByteBuffer fromArray(DType dtype, Object array, int offset, int count) {
        int length = checkArray("fromArray", dtype, array);
        if (offset < 0 || count < 0 || offset > length - count) {
            throw new IllegalArgumentException("fromArray: range [" + offset + ", " + offset + " + " + count
                    + ") is out of bounds for an array of length " + length);
        }
        if (count > MAX_ARRAY_LENGTH / dtype.itemSize()) {
            throw new IllegalArgumentException("fromArray: " + count + " elements of " + dtype + " need "
                    + (long) count * dtype.itemSize() + " bytes, more than one ByteBuffer holds ("
                    + MAX_ARRAY_LENGTH + "); convert the array in parts");
        }
        ByteBuffer out = ByteBuffer.allocate(count * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT32 -> out.asFloatBuffer().put((float[]) array, offset, count);
            case FLOAT64 -> out.asDoubleBuffer().put((double[]) array, offset, count);
            case INT64 -> out.asLongBuffer().put((long[]) array, offset, count);
            case INT32 -> out.asIntBuffer().put((int[]) array, offset, count);
            case INT16, FLOAT16, BFLOAT16 -> out.asShortBuffer().put((short[]) array, offset, count);
            case INT8, UINT8 -> out.put((byte[]) array, offset, count).clear();
            case BOOL -> {
                boolean[] b = (boolean[]) array;
                byte[] bytes = out.array();
                for (int i = 0; i < count; i++) bytes[i] = b[offset + i] ? (byte) 1 : (byte) 0;
            }
        }
        return out;
    }

    private static void decode(DType dtype, ByteBuffer data, Object array, int offset, int n) {
        ByteBuffer src = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT32 -> src.asFloatBuffer().get((float[]) array, offset, n);
            case FLOAT64 -> src.asDoubleBuffer().get((double[]) array, offset, n);
            case INT64 -> src.asLongBuffer().get((long[]) array, offset, n);
            case INT32 -> src.asIntBuffer().get((int[]) array, offset, n);
            case INT16, FLOAT16, BFLOAT16 -> src.asShortBuffer().get((short[]) array, offset, n);
            case INT8, UINT8 -> src.get((byte[]) array, offset, n);
            case BOOL -> {
                boolean[] out = (boolean[]) array;
                int base = src.position();
                for (int i = 0; i < n; i++) {
                    byte b = src.get(base + i);
                    if ((b & ~1) != 0) {
                        throw new KindlingException("invalid BOOL data: byte " + (b & 0xff)
                                + " at element " + i + " (a bool must be 0 or 1)");
                    }
                    out[offset + i] = b != 0;
                }
            }
        }
    }

    private static int elementCount(String op, DType dtype, ByteBuffer data) {
        int bytes = data.remaining();
        if (bytes % dtype.itemSize() != 0) {
            throw new IllegalArgumentException(op + ": " + bytes + " bytes is not a whole number of "
                    + dtype + " elements (" + dtype.itemSize() + " bytes each)");
        }
        return bytes / dtype.itemSize();
    }

    /** Checks that {@code array} is the array kind that holds {@code dtype}; returns its length. */
    private static int checkArray(String op, DType dtype, Object array) {
        Class<?> expected = switch (dtype) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT64 -> long[].class;
            case INT32 -> int[].class;
            case INT16, FLOAT16, BFLOAT16 -> short[].class;
            case INT8, UINT8 -> byte[].class;
            case BOOL -> boolean[].class;
        };
        if (array == null || array.getClass() != expected) {
            throw new IllegalArgumentException(op + ": " + dtype + " is held in a " + expected.getSimpleName()
                    + ", got " + (array == null ? "null" : array.getClass().getSimpleName()));
        }
        return java.lang.reflect.Array.getLength(array);
    }
}
