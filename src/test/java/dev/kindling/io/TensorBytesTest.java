package dev.kindling.io;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TensorBytes against an independent little-endian codec written here with shifts: every dtype,
 * heap and direct buffers of either declared byte order, non-zero positions, ranges and errors.
 */
class TensorBytesTest {

    /** Element i of {@code bytes} decoded by hand as a little-endian integer of {@code size} bytes. */
    static long le(byte[] bytes, int i, int size) {
        long v = 0;
        for (int k = size - 1; k >= 0; k--) v = (v << 8) | (bytes[i * size + k] & 0xff);
        return v;
    }

    /** Random bytes that are valid for {@code dtype} (BOOL bytes are 0 or 1). */
    static byte[] randomBytes(DType dtype, int n, Random rnd) {
        byte[] b = new byte[n * dtype.itemSize()];
        rnd.nextBytes(b);
        if (dtype == DType.BOOL) for (int i = 0; i < b.length; i++) b[i] &= 1;
        return b;
    }

    /** Checks {@code array} element by element against the hand decoding of {@code bytes}. */
    static void assertDecodes(DType dtype, byte[] bytes, Object array, int arrayOffset) {
        int size = dtype.itemSize();
        int n = bytes.length / size;
        for (int i = 0; i < n; i++) {
            long v = le(bytes, i, size);
            int j = arrayOffset + i;
            switch (dtype) {
                case FLOAT32 -> assertEquals((int) v, Float.floatToRawIntBits(((float[]) array)[j]), "element " + i);
                case FLOAT64 -> assertEquals(v, Double.doubleToRawLongBits(((double[]) array)[j]), "element " + i);
                case INT64 -> assertEquals(v, ((long[]) array)[j], "element " + i);
                case INT32 -> assertEquals((int) v, ((int[]) array)[j], "element " + i);
                case INT16, FLOAT16, BFLOAT16 -> assertEquals((short) v, ((short[]) array)[j], "element " + i);
                case INT8, UINT8 -> assertEquals((byte) v, ((byte[]) array)[j], "element " + i);
                case BOOL -> assertEquals(v != 0, ((boolean[]) array)[j], "element " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void toArrayDecodesLittleEndianWhateverTheBufferOrder(DType dtype) {
        Random rnd = new Random(17 + dtype.ordinal());
        byte[] bytes = randomBytes(dtype, 37, rnd);
        for (ByteOrder order : new ByteOrder[]{ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (boolean direct : new boolean[]{false, true}) {
                // 3 bytes of junk before and after: only position..limit is read
                ByteBuffer buf = direct ? ByteBuffer.allocateDirect(bytes.length + 6) : ByteBuffer.allocate(bytes.length + 6);
                buf.put(new byte[]{9, 9, 9}).put(bytes).put(new byte[]{9, 9, 9});
                buf.position(3).limit(3 + bytes.length);
                buf.order(order);
                Object array = TensorBytes.toArray(dtype, buf);
                assertEquals(bytes.length / dtype.itemSize(), java.lang.reflect.Array.getLength(array));
                assertDecodes(dtype, bytes, array, 0);
                assertEquals(3, buf.position(), "position unchanged");
                assertEquals(order, buf.order(), "order unchanged");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fromArrayEncodesTheRangeAsLittleEndian(DType dtype) {
        Random rnd = new Random(99 + dtype.ordinal());
        byte[] bytes = randomBytes(dtype, 20, rnd);
        Object array = TensorBytes.toArray(dtype, ByteBuffer.wrap(bytes));
        ByteBuffer out = TensorBytes.fromArray(dtype, array, 5, 12);
        int size = dtype.itemSize();
        assertEquals(0, out.position());
        assertEquals(12 * size, out.remaining());
        byte[] got = new byte[out.remaining()];
        out.duplicate().get(got);
        byte[] want = java.util.Arrays.copyOfRange(bytes, 5 * size, 17 * size);
        assertArrayEquals(want, got);
        assertEquals(ByteOrder.LITTLE_ENDIAN, out.order());
    }

    @Test
    void fromArrayWritesKnownBitPatterns() {
        ByteBuffer f = TensorBytes.fromArray(DType.FLOAT32, new float[]{1.0f, -2.5f}, 0, 2);
        // 1.0f = 0x3f800000, -2.5f = 0xc0200000, little-endian
        assertArrayEquals(new byte[]{0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0}, f.array());
        ByteBuffer l = TensorBytes.fromArray(DType.INT64, new long[]{0x0102030405060708L}, 0, 1);
        assertArrayEquals(new byte[]{8, 7, 6, 5, 4, 3, 2, 1}, l.array());
        ByteBuffer b = TensorBytes.fromArray(DType.BOOL, new boolean[]{true, false, true}, 0, 3);
        assertArrayEquals(new byte[]{1, 0, 1}, b.array());
        ByteBuffer h = TensorBytes.fromArray(DType.FLOAT16, new short[]{0x3c00}, 0, 1); // 1.0 in half
        assertArrayEquals(new byte[]{0x00, 0x3c}, h.array());
    }

    @Test
    void copyIntoFillsAnArrayFromSeveralBuffers() {
        Random rnd = new Random(5);
        byte[] first = randomBytes(DType.FLOAT64, 7, rnd);
        byte[] second = randomBytes(DType.FLOAT64, 4, rnd);
        double[] dst = new double[13];
        dst[0] = 42;
        dst[12] = 43;
        TensorBytes.copyInto(DType.FLOAT64, ByteBuffer.wrap(first), dst, 1);
        TensorBytes.copyInto(DType.FLOAT64, ByteBuffer.wrap(second), dst, 8);
        assertDecodes(DType.FLOAT64, first, dst, 1);
        assertDecodes(DType.FLOAT64, second, dst, 8);
        assertEquals(42, dst[0]);
        assertEquals(43, dst[12]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorBytes.copyInto(DType.FLOAT64, ByteBuffer.wrap(first), dst, 7));
        assertEquals("copyInto: 7 elements of torch.float64 do not fit in an array of length 13 at offset 7", e.getMessage());
    }

    @Test
    void emptyBuffersGiveEmptyArrays() {
        assertEquals(0, ((float[]) TensorBytes.toArray(DType.FLOAT32, ByteBuffer.allocate(0))).length);
        assertEquals(0, TensorBytes.fromArray(DType.INT32, new int[3], 3, 0).remaining());
    }

    @Test
    void rejectsMismatchedArraysRangesAndLengths() {
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> TensorBytes.fromArray(DType.FLOAT32, new double[2], 0, 2));
        assertEquals("fromArray: torch.float32 is held in a float[], got double[]", kind.getMessage());
        IllegalArgumentException uint8 = assertThrows(IllegalArgumentException.class,
                () -> TensorBytes.fromArray(DType.BFLOAT16, new float[2], 0, 2));
        assertTrue(uint8.getMessage().contains("short[]"), uint8.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> TensorBytes.fromArray(DType.INT32, new int[4], 2, 3));
        assertEquals("fromArray: range [2, 2 + 3) is out of bounds for an array of length 4", range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorBytes.fromArray(DType.INT32, new int[4], -1, 1));
        assertThrows(IllegalArgumentException.class, () -> TensorBytes.fromArray(DType.INT32, null, 0, 0));
        IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                () -> TensorBytes.toArray(DType.INT32, ByteBuffer.allocate(10)));
        assertEquals("toArray: 10 bytes is not a whole number of torch.int32 elements (4 bytes each)", partial.getMessage());
    }

    @Test
    void rejectsBoolBytesOtherThanZeroAndOne() {
        KindlingException e = assertThrows(KindlingException.class,
                () -> TensorBytes.toArray(DType.BOOL, ByteBuffer.wrap(new byte[]{0, 1, 2, 1})));
        assertEquals("invalid BOOL data: byte 2 at element 2 (a bool must be 0 or 1)", e.getMessage());
    }

    /**
     * A large conversion stays correct. The time of the second of two rounds (the first pays for
     * heap growth) is printed for the record; there is no timing assertion.
     */
    @Test
    void largeFloatConversionIsCorrect() {
        int n = 1 << 24; // 64 MB of float32
        float[] src = new float[n];
        for (int i = 0; i < n; i++) src[i] = i * 0.25f - 7f;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            ByteBuffer bytes = TensorBytes.fromArray(DType.FLOAT32, src, 0, n);
            long t1 = System.nanoTime();
            float[] back = (float[]) TensorBytes.toArray(DType.FLOAT32, bytes);
            long t2 = System.nanoTime();
            assertEquals(Float.floatToRawIntBits(src[n - 1]), bytes.getInt((n - 1) * 4));
            assertArrayEquals(src, back);
            if (round == 1) {
                System.out.printf("TensorBytes float32 %d MB (allocation included): fromArray %.2f GB/s, toArray %.2f GB/s%n",
                        4L * n >> 20, 4.0 * n / (t1 - t0), 4.0 * n / (t2 - t1));
            }
        }
    }
}
