package dev.kindling.io;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading and writing safetensors files: round trips of every dtype and shape kind, files built
 * byte by byte here, a file written by the reference implementation, metadata, several mappings
 * and files above 2 GiB, and each kind of malformed file with its message.
 */
class SafetensorsFileTest {
    @TempDir
    Path dir;

    private static final long[][] SHAPES = {{3, 4}, {0}, {2, 0, 3}, {}, {1, 1, 5}};

    // ------------------------------------------------------------ helpers (independent of the code under test)

    /** {@code v} as {@code size} little-endian bytes. */
    static byte[] le(long v, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A file of the 8-byte length of {@code header}, the header's UTF-8 bytes and {@code data}. */
    Path rawFile(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return rawFile(concat(le(h.length, 8), h, data));
    }

    private int fileCounter;

    Path rawFile(byte[] bytes) throws IOException {
        Path p = dir.resolve("f" + (fileCounter++) + ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    // ------------------------------------------------------------ round trips

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripsEveryShapeKind(DType dtype) throws IOException {
        Random rnd = new Random(1000 + dtype.ordinal());
        List<SafetensorsWriter.TensorData> tensors = new ArrayList<>();
        List<byte[]> expectedBytes = new ArrayList<>();
        List<Object> expectedArrays = new ArrayList<>();
        for (int s = 0; s < SHAPES.length; s++) {
            byte[] bytes = TensorBytesTest.randomBytes(dtype, (int) numel(SHAPES[s]), rnd);
            Object array = TensorBytes.toArray(dtype, ByteBuffer.wrap(bytes));
            expectedBytes.add(bytes);
            expectedArrays.add(array);
            tensors.add(new SafetensorsWriter.TensorData("t" + s, dtype, SHAPES[s],
                    TensorBytes.fromArray(dtype, array, 0, java.lang.reflect.Array.getLength(array))));
        }
        Path path = dir.resolve("round.safetensors");
        SafetensorsWriter.write(path, tensors, Map.of());

        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertEquals(SHAPES.length, f.entries().size());
            assertEquals(Map.of(), f.metadata());
            long offset = 0;
            for (int s = 0; s < SHAPES.length; s++) {
                SafetensorsFile.Entry e = f.entries().get(s);
                long bytes = numel(SHAPES[s]) * dtype.itemSize();
                assertEquals(new SafetensorsFile.Entry("t" + s, dtype, SHAPES[s], offset, offset + bytes), e);
                offset += bytes;
                ByteBuffer data = f.data("t" + s);
                assertTrue(data.isReadOnly());
                assertEquals(ByteOrder.LITTLE_ENDIAN, data.order());
                assertArrayEquals(expectedBytes.get(s), bytesOf(data), "raw bytes of t" + s);
                assertTrue(Objects.deepEquals(expectedArrays.get(s), TensorBytes.toArray(dtype, data)), "values of t" + s);
            }
        }
    }

    @Test
    void mixedDtypesInOneFileWithUnalignedOffsets() throws IOException {
        // A BOOL of 3 bytes first puts every later tensor at an odd offset.
        Random rnd = new Random(7);
        List<SafetensorsWriter.TensorData> tensors = new ArrayList<>();
        Map<String, byte[]> expected = new LinkedHashMap<>();
        DType[] order = {DType.BOOL, DType.FLOAT64, DType.UINT8, DType.FLOAT32, DType.INT16, DType.INT64,
            DType.BFLOAT16, DType.INT8, DType.INT32, DType.FLOAT16};
        for (DType d : order) {
            int n = d == DType.BOOL ? 3 : 1 + rnd.nextInt(9);
            byte[] bytes = TensorBytesTest.randomBytes(d, n, rnd);
            expected.put(d.shortName(), bytes);
            tensors.add(new SafetensorsWriter.TensorData(d.shortName(), d, new long[]{n}, ByteBuffer.wrap(bytes)));
        }
        Path path = dir.resolve("mixed.safetensors");
        SafetensorsWriter.write(path, tensors, Map.of("k", "v"));
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            List<String> names = new ArrayList<>();
            for (SafetensorsFile.Entry e : f.entries()) names.add(e.name());
            assertEquals(new ArrayList<>(expected.keySet()), names, "insertion order kept");
            for (DType d : order) {
                byte[] want = expected.get(d.shortName());
                Object values = TensorBytes.toArray(d, f.data(d.shortName()));
                TensorBytesTest.assertDecodes(d, want, values, 0);
            }
        }
    }

    @Test
    void writerLaysOutThePaddedHeaderThenTheDataInOrder() throws IOException {
        Path path = dir.resolve("layout.safetensors");
        SafetensorsWriter.write(path, List.of(
                new SafetensorsWriter.TensorData("b", DType.INT32, new long[]{2}, ByteBuffer.wrap(new byte[8])),
                new SafetensorsWriter.TensorData("a", DType.UINT8, new long[]{}, ByteBuffer.wrap(new byte[]{(byte) 200}))),
                Map.of("format", "pt"));
        byte[] file = Files.readAllBytes(path);
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[8,9]}}";
        assertEquals(json + " ".repeat((int) n - json.length()), header);
        assertTrue(n - json.length() < 8);
        assertEquals(8 + n + 9, file.length);
    }

    @Test
    void writerRejectsBytesNotMatchingTheShape() {
        Path path = dir.resolve("bad.safetensors");
        // the buffer's position counts: 8 bytes from position 4 of 12 is 2 INT32
        ByteBuffer twelve = ByteBuffer.allocate(12).position(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path,
                List.of(new SafetensorsWriter.TensorData("w", DType.INT32, new long[]{3}, twelve)), null));
        assertEquals("safetensors write: tensor \"w\": shape [3] of torch.int32 needs 12 bytes but the data has 8",
                e.getMessage());
        assertFalse(Files.exists(path));
    }

    // ------------------------------------------------------------ files built by hand

    @Test
    void readsAFileBuiltByteByByte() throws IOException {
        // Header order differs from data order: "b" comes first in the data region.
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,32]},"
                + "\"__metadata__\":{\"format\":\"pt\",\"epoch\":\"3\"},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[32,36]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[36,38]},"
                + "\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[38,41]}}   ";
        byte[] data = concat(
                le(-5, 8), le(1L << 40, 8),                                             // b
                le(Float.floatToIntBits(1f), 4), le(Float.floatToIntBits(-2f), 4),
                le(Float.floatToIntBits(0.5f), 4), le(Float.floatToIntBits(1e-3f), 4),  // w
                le(0x3c00, 2), le(0xc000, 2),                                           // h: 1.0, -2.0 in half
                le(0x3f80, 2),                                                          // bf: 1.0 in bfloat16
                new byte[]{1, 0, 1});                                                   // m
        Path path = rawFile(header, data);
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertEquals(List.of("w", "b", "h", "bf", "m"), f.entries().stream().map(SafetensorsFile.Entry::name).toList());
            assertEquals(Map.of("format", "pt", "epoch", "3"), f.metadata());
            assertEquals(List.of("format", "epoch"), new ArrayList<>(f.metadata().keySet()));
            assertArrayEquals(new long[]{-5, 1L << 40}, (long[]) TensorBytes.toArray(DType.INT64, f.data("b")));
            assertArrayEquals(new float[]{1f, -2f, 0.5f, 1e-3f}, (float[]) TensorBytes.toArray(DType.FLOAT32, f.data("w")));
            assertArrayEquals(new short[]{0x3c00, (short) 0xc000}, (short[]) TensorBytes.toArray(DType.FLOAT16, f.data("h")));
            assertArrayEquals(new short[]{0x3f80}, (short[]) TensorBytes.toArray(DType.BFLOAT16, f.data("bf")));
            assertArrayEquals(new boolean[]{true, false, true}, (boolean[]) TensorBytes.toArray(DType.BOOL, f.data("m")));
            SafetensorsFile.Entry w = f.entry("w");
            assertEquals(DType.FLOAT32, w.dtype());
            assertArrayEquals(new long[]{2, 2}, w.shape());
            assertEquals(4, w.numel());
            assertEquals(16, w.byteSize());
            assertEquals(0, f.entry("bf").shape().length);
            assertEquals(1, f.entry("bf").numel());
        }
    }

    /** A file written by the reference implementation (see make_reference.py beside it). */
    @Test
    void readsFileWrittenByReferenceImplementation() throws IOException {
        Path path = dir.resolve("reference.safetensors");
        try (InputStream in = getClass().getResourceAsStream("reference.safetensors")) {
            Files.copy(Objects.requireNonNull(in, "reference.safetensors resource"), path);
        }
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertEquals(Map.of("format", "np", "note", "caf\u00e9 \"quoted\""), f.metadata());
            assertEquals(11, f.entries().size());
            double[] f64 = (double[]) TensorBytes.toArray(DType.FLOAT64, f.data("f64"));
            for (int i = 0; i < 6; i++) assertEquals(i / 4.0 - 1, f64[i]);
            assertArrayEquals(new long[]{2, 3}, f.entry("f64").shape());
            float[] f32 = (float[]) TensorBytes.toArray(DType.FLOAT32, f.data("f32"));
            for (int i = 0; i < 24; i++) assertEquals(i / 2.0f - 3, f32[i]);
            assertArrayEquals(new long[]{2, 3, 4}, f.entry("f32").shape());
            short[] f16 = (short[]) TensorBytes.toArray(DType.FLOAT16, f.data("f16"));
            for (int i = 0; i < 5; i++) assertEquals(1.5 * i - 2, halfToDouble(f16[i]));
            long[] i64 = (long[]) TensorBytes.toArray(DType.INT64, f.data("i64"));
            for (int i = 0; i < 4; i++) assertEquals(1_000_000_007L * i - (1L << 40), i64[i]);
            assertArrayEquals(new long[]{4, 1}, f.entry("i64").shape());
            int[] i32 = (int[]) TensorBytes.toArray(DType.INT32, f.data("i32"));
            for (int i = 0; i < 3; i++) assertEquals(5 - 70000 * i, i32[i]);
            short[] i16 = (short[]) TensorBytes.toArray(DType.INT16, f.data("i16"));
            for (int i = 0; i < 4; i++) assertEquals(1000 * i - 1500, i16[i]);
            byte[] i8 = (byte[]) TensorBytes.toArray(DType.INT8, f.data("i8"));
            for (int i = 0; i < 6; i++) assertEquals(50 * i - 128, i8[i]);
            byte[] u8 = (byte[]) TensorBytes.toArray(DType.UINT8, f.data("u8"));
            for (int i = 0; i < 8; i++) assertEquals(37 * i % 256, u8[i] & 0xff);
            boolean[] bool = (boolean[]) TensorBytes.toArray(DType.BOOL, f.data("bool"));
            for (int i = 0; i < 5; i++) assertEquals(i % 2 == 0, bool[i]);
            assertArrayEquals(new float[]{3.25f}, (float[]) TensorBytes.toArray(DType.FLOAT32, f.data("scalar")));
            assertEquals(0, f.entry("scalar").shape().length);
            assertEquals(0, f.data("empty").remaining());
            assertArrayEquals(new long[]{0, 3}, f.entry("empty").shape());
        }
    }

    /** IEEE half to double, written out for the test (normal and zero values only). */
    static double halfToDouble(short h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        double v = exp == 0 ? mant / 1024.0 * Math.pow(2, -14) : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        return sign == 1 ? -v : v;
    }

    @Test
    void metadataRoundTripsWithEscapesAndUnicode() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("quote\"back\\slash", "line\nbreak\ttab\u0001");
        meta.put("\u00fcnicode \ud83d\ude00", "\u4e2d\u6587");
        meta.put("", "");
        Path path = dir.resolve("meta.safetensors");
        SafetensorsWriter.write(path, List.of(), meta);
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertEquals(meta, f.metadata());
            assertEquals(new ArrayList<>(meta.keySet()), new ArrayList<>(f.metadata().keySet()));
            assertEquals(List.of(), f.entries());
            assertThrows(UnsupportedOperationException.class, () -> f.metadata().put("x", "y"));
        }
        assertEquals(0, (Files.size(path) - 8) % 8);
    }

    // ------------------------------------------------------------ mappings

    @Test
    void groupsTensorsIntoSeveralMappingsAndMapsOversizedOnesOnDemand() throws IOException {
        Random rnd = new Random(3);
        int[] sizes = {100, 100, 300, 50, 0, 200};
        List<SafetensorsWriter.TensorData> tensors = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] b = new byte[sizes[i]];
            rnd.nextBytes(b);
            expected.add(b);
            tensors.add(new SafetensorsWriter.TensorData("t" + i, DType.UINT8, new long[]{sizes[i]}, ByteBuffer.wrap(b)));
        }
        Path path = dir.resolve("segments.safetensors");
        SafetensorsWriter.write(path, tensors, Map.of());
        // limit 256: [t0 t1] [t3 t4 t5], t2 (300 bytes) is mapped on demand
        try (SafetensorsFile f = SafetensorsFile.open(path, 256)) {
            assertEquals(2, f.mappingCount());
            for (int i = 0; i < sizes.length; i++) {
                if (i == 2) continue;
                assertArrayEquals(expected.get(i), bytesOf(f.data("t" + i)), "t" + i);
            }
            KindlingException big = assertThrows(KindlingException.class, () -> f.data("t2"));
            assertTrue(big.getMessage().contains("read it in ranges with data(name, byteOffset, byteLength)"), big.getMessage());
            ByteBuffer part = f.data("t2", 120, 150);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected.get(2), 120, 270), bytesOf(part));
            assertArrayEquals(java.util.Arrays.copyOfRange(expected.get(5), 10, 20), bytesOf(f.data("t5", 10, 10)));
            IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> f.data("t2", 200, 101));
            assertEquals(path + ": byte range [200, 200 + 101) is outside tensor \"t2\" of 300 bytes", out.getMessage());
        }
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertEquals(1, f.mappingCount());
            assertArrayEquals(expected.get(2), bytesOf(f.data("t2")));
        }
    }

    /**
     * A sparse file of just over 3 GB: two tensors of 1.5 GB in two mappings, and a 2.5 GB tensor
     * beyond one ByteBuffer read in ranges. Only the few bytes written take disk space.
     */
    @Test
    void readsFilesAboveTwoGigabytes() throws IOException {
        long a = 1_500_000_000L;
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[" + a + "],\"data_offsets\":[0," + a + "]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[" + a + "],\"data_offsets\":[" + a + "," + 2 * a + "]},"
                + "\"tail\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[" + 2 * a + "," + (2 * a + 8) + "]}}";
        Path path = rawFile(header, new byte[0]);
        long dataStart = Files.size(path);
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(dataStart + 2 * a + 8);
            raf.seek(dataStart + a - 1);
            raf.write(new byte[]{42, 43});           // last byte of a, first of b
            raf.write(le(11, 4));                    // nowhere near tail yet: middle of b is untouched
            raf.seek(dataStart + 2 * a);
            raf.write(concat(le(11, 4), le(-3, 4)));
        }
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertEquals(2, f.mappingCount());
            assertEquals(42, f.data("a").get((int) (a - 1)));
            assertEquals(43, f.data("b").get(0));
            assertEquals(11, f.data("b").get(1));
            assertEquals(0, f.data("b").get((int) (a - 1)));
            assertArrayEquals(new int[]{11, -3}, (int[]) TensorBytes.toArray(DType.INT32, f.data("tail")));
        }

        long big = 2_500_000_000L;
        String header2 = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[" + big + "," + (big + 4) + "]}}";
        Path path2 = rawFile(header2, new byte[0]);
        long start2 = Files.size(path2);
        try (RandomAccessFile raf = new RandomAccessFile(path2.toFile(), "rw")) {
            raf.setLength(start2 + big + 4);
            raf.seek(start2 + big - 3);
            raf.write(new byte[]{7, 8, 9});
            raf.write(le(-77, 4));
        }
        try (SafetensorsFile f = SafetensorsFile.open(path2)) {
            assertEquals(1, f.mappingCount());
            assertEquals(big, f.entry("big").byteSize());
            assertThrows(KindlingException.class, () -> f.data("big"));
            assertArrayEquals(new byte[]{0, 7, 8, 9}, bytesOf(f.data("big", big - 4, 4)));
            assertArrayEquals(new int[]{-77}, (int[]) TensorBytes.toArray(DType.INT32, f.data("tail")));
        } finally {
            Files.delete(path);
            Files.delete(path2);
        }
    }

    @Test
    void buffersOutliveCloseButNewCallsFail() throws IOException {
        Path path = dir.resolve("close.safetensors");
        SafetensorsWriter.write(path, List.of(new SafetensorsWriter.TensorData("x", DType.INT64, new long[]{1},
                ByteBuffer.wrap(le(123456789012L, 8)))), Map.of());
        SafetensorsFile f = SafetensorsFile.open(path);
        ByteBuffer before = f.data("x");
        f.close();
        f.close(); // idempotent
        assertArrayEquals(new long[]{123456789012L}, (long[]) TensorBytes.toArray(DType.INT64, before));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.data("x"));
        assertEquals(path + ": the file is closed", e.getMessage());
        assertTrue(f.contains("x"));
        assertFalse(f.contains("y"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> f.entry("y"));
        assertEquals(path + ": no tensor named \"y\" (the file has 1 tensors, e.g. \"x\")", missing.getMessage());
    }

    // ------------------------------------------------------------ writer behaviour

    @Test
    void writerReplacesAtomicallyAndLeavesNothingBehindOnFailure() throws IOException {
        Path path = dir.resolve("model.safetensors");
        SafetensorsWriter.write(path, List.of(new SafetensorsWriter.TensorData("a", DType.INT8, new long[]{2},
                ByteBuffer.wrap(new byte[]{1, 2}))), Map.of());
        byte[] first = Files.readAllBytes(path);

        // a later write that fails validation leaves the old file and no temporary files
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path, List.of(
                new SafetensorsWriter.TensorData("a", DType.INT8, new long[]{2}, ByteBuffer.wrap(new byte[]{1, 2})),
                new SafetensorsWriter.TensorData("a", DType.INT8, new long[]{1}, ByteBuffer.wrap(new byte[]{3}))), Map.of()));
        assertArrayEquals(first, Files.readAllBytes(path));

        // a successful write replaces it
        ByteBuffer p1 = ByteBuffer.wrap(new byte[]{9, 1, 2});
        p1.position(1);
        ByteBuffer p2 = ByteBuffer.wrap(new byte[]{3, 4});
        SafetensorsWriter.write(path, List.of(new SafetensorsWriter.TensorData("a", DType.INT16, new long[]{2},
                List.of(p1, p2))), Map.of());
        assertEquals(1, p1.position(), "buffer positions are left alone");
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertArrayEquals(new short[]{0x0201, 0x0403}, (short[]) TensorBytes.toArray(DType.INT16, f.data("a")));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(path), files.toList(), "no temporary files left");
        }
    }

    @Test
    void writerRejectsBadNamesShapesAndMetadata() {
        Path path = dir.resolve("x.safetensors");
        ByteBuffer one = ByteBuffer.wrap(new byte[1]);
        assertEquals("safetensors write: tensor \"__metadata__\": the name is reserved for the metadata",
                assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path,
                        List.of(new SafetensorsWriter.TensorData("__metadata__", DType.UINT8, new long[]{1}, one)), null)).getMessage());
        assertEquals("safetensors write: tensor \"a\" appears twice",
                assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path, List.of(
                        new SafetensorsWriter.TensorData("a", DType.UINT8, new long[]{1}, one),
                        new SafetensorsWriter.TensorData("a", DType.UINT8, new long[]{1}, one)), null)).getMessage());
        assertEquals("safetensors write: tensor \"n\": negative dimension in shape [2, -1]",
                assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path,
                        List.of(new SafetensorsWriter.TensorData("n", DType.UINT8, new long[]{2, -1}, one)), null)).getMessage());
        assertEquals("safetensors write: tensor \"o\": element count of shape [4294967296, 4294967296] overflows 64 bits",
                assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path, List.of(
                        new SafetensorsWriter.TensorData("o", DType.UINT8, new long[]{1L << 32, 1L << 32}, one)), null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path, List.of(
                new SafetensorsWriter.TensorData("bad\udc00", DType.UINT8, new long[]{1}, one)), null))
                .getMessage().contains("unpaired surrogate"));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(path, List.of(), nullValue));
        assertFalse(Files.exists(path));
    }

    // ------------------------------------------------------------ malformed files

    private void assertInvalid(Path path, String what) {
        KindlingException e = assertThrows(KindlingException.class, () -> SafetensorsFile.open(path).close());
        assertEquals(path + ": invalid safetensors file: " + what, e.getMessage());
    }

    private static final String F32_2x3 = "\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]";

    @Test
    void rejectsShortFilesAndBadHeaderLengths() throws IOException {
        assertInvalid(rawFile(new byte[]{1, 2, 3, 4, 5}), "file is 5 bytes, shorter than the 8-byte header length");
        assertInvalid(rawFile(new byte[0]), "file is 0 bytes, shorter than the 8-byte header length");
        assertInvalid(rawFile(concat(le(20, 8), "{}".getBytes(StandardCharsets.UTF_8))),
                "header length 20 runs past the end of the file (10 bytes, so at most 2)");
        assertInvalid(rawFile(concat(le(100_000_001, 8), "{}".getBytes(StandardCharsets.UTF_8))),
                "header length 100000001 is above the limit of 100000000 bytes");
        assertInvalid(rawFile(concat(le(-1, 8), "{}".getBytes(StandardCharsets.UTF_8))),
                "header length 18446744073709551615 is above the limit of 100000000 bytes");
        assertInvalid(rawFile(le(0, 8)), "header is not valid JSON: unexpected end of input, expected a value at offset 0");
    }

    @Test
    void rejectsBadJsonAndUtf8() throws IOException {
        assertInvalid(rawFile("{} x", new byte[0]),
                "header is not valid JSON: unexpected 'x' after the end of the JSON value at offset 3");
        String dup = "{\"a\":{" + F32_2x3 + "},\"a\":{" + F32_2x3 + "}}";
        assertInvalid(rawFile(dup, new byte[24]),
                "header is not valid JSON: duplicate key \"a\" at offset " + dup.lastIndexOf("\"a\""));
        Path utf8 = rawFile(concat(le(9, 8), new byte[]{'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}', ' '}));
        assertInvalid(utf8, "header is not valid UTF-8 (near byte 10 of the file)");
        assertInvalid(rawFile("[]", new byte[0]), "header is not a JSON object but a list");
        assertInvalid(rawFile("\"x\"", new byte[0]), "header is not a JSON object but a string");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // header entry for tensor "w" (24 data bytes in the file) | expected message after "tensor \"w\""
        "3                                                                          | ` is not an object with dtype, shape and data_offsets but a number`",
        "{\"dtype\":\"F8_E4M3\",\"shape\":[2,3],\"data_offsets\":[0,24]}            | `: unknown dtype \"F8_E4M3\" (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)`",
        "{\"dtype\":32,\"shape\":[2,3],\"data_offsets\":[0,24]}                     | `: dtype is not a string but a number`",
        "{\"shape\":[2,3],\"data_offsets\":[0,24]}                                  | ` is missing \"dtype\"`",
        "{\"dtype\":\"F32\",\"data_offsets\":[0,24]}                                | ` is missing \"shape\"`",
        "{\"dtype\":\"F32\",\"shape\":[2,3]}                                        | ` is missing \"data_offsets\"`",
        "{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,24]}               | `: shape is not a list of non-negative integers but [2,-3]`",
        "{\"dtype\":\"F32\",\"shape\":[2,3.0],\"data_offsets\":[0,24]}              | `: shape is not a list of non-negative integers but [2,3.0]`",
        "{\"dtype\":\"F32\",\"shape\":\"2x3\",\"data_offsets\":[0,24]}              | `: shape is not a list of non-negative integers but \"2x3\"`",
        "{\"dtype\":\"F32\",\"shape\":[[2],3],\"data_offsets\":[0,24]}              | `: shape is not a list of non-negative integers but [[2],3]`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0]}                   | `: data_offsets is not a list of 2 integers but [0]`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,12,24]}             | `: data_offsets is not a list of 2 integers but [0,12,24]`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[\"0\",24]}            | `: data_offsets is not a list of 2 integers but [\"0\",24]`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24.0]}              | `: data_offsets is not a list of 2 integers but [0,24.0]`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":null}                  | `: data_offsets is not a list of 2 integers but null`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,48]}                | `: data_offsets [0, 48] are out of range for a data region of 24 bytes`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[-24,0]}               | `: data_offsets [-24, 0] are out of range for a data region of 24 bytes`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[24,0]}                | `: data_offsets [24, 0] are out of range for a data region of 24 bytes`",
        "{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,24]}                | `: shape [2, 2] of F32 needs 16 bytes but data_offsets [0, 24] hold 24`",
        "{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[0,24]}                | `: shape [2, 3] of F64 needs 48 bytes but data_offsets [0, 24] hold 24`",
        "{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,24]} | `: element count of shape [4294967296, 4294967296] overflows 64 bits`",
        "{\"dtype\":\"F32\",\"shape\":[2305843009213693952],\"data_offsets\":[0,24]} | `: element count of shape [2305843009213693952] overflows 64 bits`",
        "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24],\"extra\":1}    | ` has an unknown field \"extra\" (expected dtype, shape, data_offsets)`",
    })
    void rejectsBadEntries(String entry, String what) throws IOException {
        assertInvalid(rawFile("{\"w\":" + entry + "}", new byte[24]), "tensor \"w\"" + what);
    }

    @Test
    void rejectsNumbersThatDoNotFit() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,24]}}";
        assertInvalid(rawFile(header, new byte[24]), "header is not valid JSON: integer 99999999999999999999 does not fit in 64 bits at offset "
                + header.indexOf("999"));
    }

    @Test
    void rejectsDeepNesting() throws IOException {
        String deep = "[".repeat(Json.MAX_DEPTH + 5) + "]".repeat(Json.MAX_DEPTH + 5);
        Path path = rawFile("{\"__metadata__\":{\"k\":" + deep + "}}", new byte[0]);
        KindlingException e = assertThrows(KindlingException.class, () -> SafetensorsFile.open(path));
        assertTrue(e.getMessage().startsWith(path + ": invalid safetensors file: header is not valid JSON: nesting deeper than 64 levels"),
                e.getMessage());
    }

    @Test
    void rejectsBadMetadata() throws IOException {
        assertInvalid(rawFile("{\"__metadata__\":[]}", new byte[0]), "\"__metadata__\" is not an object but a list");
        assertInvalid(rawFile("{\"__metadata__\":{\"epoch\":3}}", new byte[0]),
                "\"__metadata__\" value of \"epoch\" is not a string but a number");
        assertInvalid(rawFile("{\"__metadata__\":{\"a\":null}}", new byte[0]),
                "\"__metadata__\" value of \"a\" is not a string but null");
    }

    @Test
    void rejectsOverlapsGapsAndUncoveredBytes() throws IOException {
        String a = "\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}";
        assertInvalid(rawFile("{" + a + ",\"b\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[4,12]}}", new byte[12]),
                "tensors \"a\" [0, 8) and \"b\" [4, 12) overlap");
        assertInvalid(rawFile("{" + a + ",\"b\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}", new byte[8]),
                "tensors \"a\" [0, 8) and \"b\" [0, 8) overlap");
        assertInvalid(rawFile("{" + a + ",\"z\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,4]}}", new byte[8]),
                "tensors \"a\" [0, 8) and \"z\" [4, 4) overlap");
        assertInvalid(rawFile("{" + a + ",\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[10,14]}}", new byte[14]),
                "bytes [8, 10) of the data region, before tensor \"b\", belong to no tensor");
        assertInvalid(rawFile("{\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", new byte[6]),
                "bytes [0, 2) of the data region, before tensor \"b\", belong to no tensor");
        assertInvalid(rawFile("{" + a + "}", new byte[9]), "bytes [8, 9) at the end of the data region belong to no tensor");
        assertInvalid(rawFile("{}", new byte[1]), "bytes [0, 1) at the end of the data region belong to no tensor");
        // zero-size tensors at the boundaries are fine
        Path ok = rawFile("{" + a + ",\"z\":{\"dtype\":\"F64\",\"shape\":[0,2],\"data_offsets\":[8,8]},"
                + "\"y\":{\"dtype\":\"F64\",\"shape\":[0],\"data_offsets\":[0,0]}}", new byte[8]);
        try (SafetensorsFile f = SafetensorsFile.open(ok)) {
            assertEquals(3, f.entries().size());
            assertEquals(0, f.data("z").remaining());
        }
    }
}
