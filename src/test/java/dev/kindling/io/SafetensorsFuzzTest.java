package dev.kindling.io;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random mutations and truncations of valid safetensors files. Each mutated file must
 * either open as a valid file (whose tensors then tile the data region and read back with the
 * right sizes) or be rejected with a {@link KindlingException} naming the file; any other
 * exception, an out-of-memory error or a hang fails the test with the seed that reproduces it.
 */
class SafetensorsFuzzTest {
    /** Mutated files per base file. */
    private static final int ITERATIONS_PER_BASE = 2500;
    private static final long SEED = 0x5AFE_7E45L;
    private static final Duration LIMIT = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    private static final String[] HEADER_CHARS = {
        "{", "}", "[", "]", "\"", ",", ":", "-", ".", "e", "0", "1", "9", "\\", "u", " ", "\u00ff", "\u0000", "n", "t",
    };
    private static final String[] NUMBERS = {
        "0", "-1", "1", "7", "8", "24", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "1e999", "1.5", "2305843009213693952", "100000001", "00", "-0", "1e2",
    };
    private static final long[] PREFIXES = {
        0, 1, 2, 7, 8, 100_000_000, 100_000_001, Integer.MAX_VALUE, 1L << 32, Long.MAX_VALUE, -1, Long.MIN_VALUE,
    };
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");

    private List<byte[]> bases() throws IOException {
        List<byte[]> bases = new ArrayList<>();
        Random rnd = new Random(SEED);
        List<SafetensorsWriter.TensorData> tensors = new ArrayList<>();
        for (DType d : DType.values()) {
            int n = 1 + rnd.nextInt(6);
            byte[] bytes = TensorBytesTest.randomBytes(d, n, rnd);
            long[] shape = n % 2 == 0 ? new long[]{2, n / 2} : new long[]{n};
            tensors.add(new SafetensorsWriter.TensorData(d.shortName(), d, shape, ByteBuffer.wrap(bytes)));
        }
        tensors.add(new SafetensorsWriter.TensorData("scalar", DType.FLOAT32, new long[]{}, ByteBuffer.wrap(new byte[4])));
        tensors.add(new SafetensorsWriter.TensorData("empty", DType.INT64, new long[]{3, 0}, ByteBuffer.allocate(0)));
        Path written = dir.resolve("base.safetensors");
        Map<String, String> metadata = new LinkedHashMap<>(); // Map.of would order keys differently per run
        metadata.put("format", "pt");
        metadata.put("k\u00e9y", "v");
        SafetensorsWriter.write(written, tensors, metadata);
        bases.add(Files.readAllBytes(written));
        try (InputStream in = getClass().getResourceAsStream("reference.safetensors")) {
            bases.add(Objects.requireNonNull(in).readAllBytes());
        }
        return bases;
    }

    @Test
    void mutatedFilesOpenOrFailCleanly() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<byte[]> bases = bases();
            int valid = 0;
            int rejected = 0;
            for (int b = 0; b < bases.size(); b++) {
                for (int i = 0; i < ITERATIONS_PER_BASE; i++) {
                    long seed = SEED * 31 + b * 1_000_003L + i;
                    Random rnd = new Random(seed);
                    StringBuilder how = new StringBuilder();
                    byte[] mutated = bases.get(b);
                    int rounds = 1 + (rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0);
                    for (int r = 0; r < rounds; r++) mutated = mutate(mutated, rnd, how);
                    Path path = dir.resolve("m" + b + "_" + i + ".safetensors");
                    Files.write(path, mutated);
                    try {
                        if (check(path)) valid++;
                        else rejected++;
                    } catch (Throwable t) {
                        fail("base " + b + " iteration " + i + " (seed " + seed + ", mutations:" + how + ") threw "
                                + t, t);
                    } finally {
                        Files.delete(path);
                    }
                }
            }
            System.out.printf("safetensors fuzz: %d mutated files, %d valid, %d rejected%n", valid + rejected, valid, rejected);
            // Both outcomes must occur, or the mutations are not exercising the reader.
            assertTrue(valid >= 50, "valid results: " + valid);
            assertTrue(rejected > 1000, "rejections: " + rejected);
        });
    }

    /** Opens and reads everything; true when valid, false when cleanly rejected. */
    private static boolean check(Path path) throws IOException {
        SafetensorsFile f;
        try {
            f = SafetensorsFile.open(path);
        } catch (KindlingException e) {
            assertTrue(e.getMessage().startsWith(path + ": invalid safetensors file: "), e.getMessage());
            return false;
        }
        try (f) {
            long dataLength = Files.size(path) - 8 - ByteBuffer.wrap(Files.readAllBytes(path), 0, 8)
                    .order(ByteOrder.LITTLE_ENDIAN).getLong();
            List<SafetensorsFile.Entry> sorted = new ArrayList<>(f.entries());
            sorted.sort(Comparator.comparingLong(SafetensorsFile.Entry::begin));
            long covered = 0;
            for (SafetensorsFile.Entry e : sorted) {
                assertEquals(covered, e.begin(), "tensors tile the data region");
                covered = e.end();
                ByteBuffer data = f.data(e.name());
                assertEquals(e.byteSize(), data.remaining());
                assertEquals(e.numel() * e.dtype().itemSize(), e.byteSize());
                try {
                    Object array = TensorBytes.toArray(e.dtype(), data);
                    assertEquals(e.numel(), java.lang.reflect.Array.getLength(array));
                } catch (KindlingException badBool) {
                    assertEquals(DType.BOOL, e.dtype(), badBool.getMessage());
                }
            }
            assertEquals(dataLength, covered, "tensors cover the data region");
            return true;
        }
    }

    private static byte[] mutate(byte[] file, Random rnd, StringBuilder how) {
        long headerLength = file.length >= 8
                ? ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() : 0;
        int headerEnd = headerLength >= 0 && headerLength <= file.length - 8 ? (int) (8 + headerLength) : file.length;
        int kind = rnd.nextInt(8);
        how.append(' ').append(kind);
        switch (kind) {
            case 0 -> { // flip bits anywhere
                byte[] out = file.clone();
                if (out.length == 0) return out;
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) out[rnd.nextInt(out.length)] ^= (byte) (1 << rnd.nextInt(8));
                return out;
            }
            case 1 -> { // overwrite header bytes with JSON-significant characters
                byte[] out = file.clone();
                if (headerEnd <= 8) return out;
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    byte[] c = HEADER_CHARS[rnd.nextInt(HEADER_CHARS.length)].getBytes(StandardCharsets.UTF_8);
                    int at = 8 + rnd.nextInt(headerEnd - 8);
                    System.arraycopy(c, 0, out, at, Math.min(c.length, out.length - at));
                }
                return out;
            }
            case 2 -> { // truncate
                return java.util.Arrays.copyOf(file, rnd.nextInt(file.length + 1));
            }
            case 3 -> { // append junk
                byte[] extra = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(extra);
                byte[] out = java.util.Arrays.copyOf(file, file.length + extra.length);
                System.arraycopy(extra, 0, out, file.length, extra.length);
                return out;
            }
            case 4 -> { // a different header length
                byte[] out = file.length >= 8 ? file.clone() : java.util.Arrays.copyOf(file, 8);
                long v = rnd.nextBoolean() ? PREFIXES[rnd.nextInt(PREFIXES.length)] : headerLength + rnd.nextInt(17) - 8;
                ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
                return out;
            }
            case 5 -> { // replace a number in the header
                if (headerEnd <= 8) return file;
                String header = new String(file, 8, headerEnd - 8, StandardCharsets.ISO_8859_1);
                List<int[]> spans = new ArrayList<>();
                Matcher m = NUMBER.matcher(header);
                while (m.find()) spans.add(new int[]{m.start(), m.end()});
                if (spans.isEmpty()) return file;
                int[] s = spans.get(rnd.nextInt(spans.size()));
                String replaced = header.substring(0, s[0]) + NUMBERS[rnd.nextInt(NUMBERS.length)] + header.substring(s[1]);
                return withHeader(file, headerEnd, replaced.getBytes(StandardCharsets.ISO_8859_1), rnd.nextInt(4) != 0);
            }
            case 6 -> { // insert or delete one header byte
                if (headerEnd <= 8) return file;
                byte[] h = java.util.Arrays.copyOfRange(file, 8, headerEnd);
                int at = rnd.nextInt(h.length);
                byte[] changed;
                if (rnd.nextBoolean()) {
                    changed = new byte[h.length - 1];
                    System.arraycopy(h, 0, changed, 0, at);
                    System.arraycopy(h, at + 1, changed, at, h.length - at - 1);
                } else {
                    changed = new byte[h.length + 1];
                    System.arraycopy(h, 0, changed, 0, at);
                    changed[at] = HEADER_CHARS[rnd.nextInt(HEADER_CHARS.length)].getBytes(StandardCharsets.UTF_8)[0];
                    System.arraycopy(h, at, changed, at + 1, h.length - at);
                }
                return withHeader(file, headerEnd, changed, rnd.nextBoolean());
            }
            default -> { // swap two tensors' offsets or shapes by exchanging bracketed lists
                if (headerEnd <= 8) return file;
                String header = new String(file, 8, headerEnd - 8, StandardCharsets.ISO_8859_1);
                List<int[]> lists = new ArrayList<>();
                Matcher m = Pattern.compile("\\[[^\\[\\]]*\\]").matcher(header);
                while (m.find()) lists.add(new int[]{m.start(), m.end()});
                if (lists.size() < 2) return file;
                int x = rnd.nextInt(lists.size());
                int y = rnd.nextInt(lists.size());
                if (x == y) return file;
                int[] a = lists.get(Math.min(x, y));
                int[] b = lists.get(Math.max(x, y));
                String swapped = header.substring(0, a[0]) + header.substring(b[0], b[1]) + header.substring(a[1], b[0])
                        + header.substring(a[0], a[1]) + header.substring(b[1]);
                return withHeader(file, headerEnd, swapped.getBytes(StandardCharsets.ISO_8859_1), true);
            }
        }
    }

    /** The file with its header bytes replaced, the length prefix updated or left stale. */
    private static byte[] withHeader(byte[] file, int headerEnd, byte[] header, boolean fixLength) {
        byte[] out = new byte[8 + header.length + file.length - headerEnd];
        System.arraycopy(file, 0, out, 0, 8);
        System.arraycopy(header, 0, out, 8, header.length);
        System.arraycopy(file, headerEnd, out, 8 + header.length, file.length - headerEnd);
        if (fixLength) ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        return out;
    }

    /** Random token soup straight into the JSON reader: a value or an IllegalArgumentException. */
    @Test
    void randomTextParsesOrFailsCleanly() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String[] tokens = {"{", "}", "[", "]", "\"", "\"a\"", ",", ":", "-", "0", "12", ".", "e", "E", "+",
                "true", "false", "null", "\\", "\\u", "d83d", "\\ud83d", "\\udc00", "\\n", " ", "\n", "\u00e9",
                "\u0001", "99999999999999999999", "1e999", "tru"};
            Random rnd = new Random(SEED);
            int parsed = 0;
            for (int i = 0; i < 20_000; i++) {
                StringBuilder sb = new StringBuilder();
                for (int k = rnd.nextInt(30); k > 0; k--) sb.append(tokens[rnd.nextInt(tokens.length)]);
                String text = sb.toString();
                try {
                    Object v = Json.parse(text);
                    parsed++;
                    // whatever parsed must write back to text that parses to the same value
                    assertEquals(v, Json.parse(Json.write(v)), text);
                } catch (IllegalArgumentException expected) {
                    // clean rejection
                } catch (Throwable t) {
                    fail("input " + text + " threw " + t, t);
                }
            }
            assertTrue(parsed > 100, "parsed: " + parsed);
        });
    }
}
