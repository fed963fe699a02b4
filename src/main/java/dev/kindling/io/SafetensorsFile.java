package dev.kindling.io;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A safetensors file opened for reading: its validated header and zero-copy access to each
 * tensor's bytes through a read-only memory mapping.
 *
 * <p>The format (Hugging Face safetensors): an 8-byte little-endian unsigned header length N, N
 * bytes of UTF-8 JSON, then the data region. The JSON object maps each tensor name to
 * {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}}, offsets relative to the
 * first byte of the data region, plus an optional {@code "__metadata__"} object of string values.
 * Tensor bytes are little-endian and C-contiguous.
 *
 * <p>Created by {@link #open}; used by the Tensor adapter of this package (which turns
 * {@link #data} into tensors with {@link TensorBytes}) and by anyone inspecting a checkpoint.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #open} checks the whole header before returning, and every check failure is a
 *       {@link KindlingException} whose message starts with the file's path and says what is
 *       wrong: the header length (beyond the file, or above {@link #MAX_HEADER_BYTES}), the JSON
 *       (see {@link Json}) and its UTF-8, each entry's fields, dtype, shape and offsets, and the
 *       layout of the data region, which the tensors must cover exactly, without gaps or overlaps,
 *       as the reference implementation requires. Unknown fields in an entry are rejected rather
 *       than ignored, because a field this reader does not understand could change how the bytes
 *       are meant to be read. No allocation is sized by a number from the file before that
 *       number has been checked against the file's length.</li>
 *   <li>{@link #entries} keeps the header's order (the order a writer inserted the tensors).</li>
 *   <li>{@link #data} returns a little-endian read-only slice of the mapping: no copy.
 *       The mappings are made once in {@link #open}, each at most {@link #MAX_MAPPING_BYTES}
 *       and covering whole tensors, so files above 2 GiB need several; a tensor larger than one
 *       mapping is mapped on demand in ranges with {@link #data(String, long, int)}.</li>
 *   <li>Buffers stay valid after {@link #close}: the JVM unmaps them when they become
 *       unreachable. Closing only releases the file handle and forbids new calls. Changing or
 *       truncating the file while its buffers are in use is undefined (the JVM may throw an
 *       {@link InternalError} on access to a truncated page).</li>
 *   <li>Reading methods are safe to call from several threads at once.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SafetensorsFile f = SafetensorsFile.open(Path.of("model.safetensors"))) {
 *     for (SafetensorsFile.Entry e : f.entries()) {
 *         Object values = TensorBytes.toArray(e.dtype(), f.data(e.name()));   // float[], long[], ...
 *     }
 * }
 * }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SafetensorsFile.class);

    /** Size of the header-length prefix, in bytes. */
    static final int PREFIX_BYTES = 8;
    /** Largest JSON header accepted, in bytes (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Largest single memory mapping, in bytes: the most one {@link ByteBuffer} can address. */
    public static final long MAX_MAPPING_BYTES = Integer.MAX_VALUE;
    /** The key of the optional string-to-string metadata object in the header. */
    static final String METADATA_KEY = "__metadata__";

    /** Longest JSON value quoted in an error message, in characters. */
    private static final int MAX_SHOWN_CHARS = 80;
    private static final String DATA_OFFSETS = "data_offsets";
    private static final String SHAPE = "shape";
    private static final String DTYPE = "dtype";

    /**
     * One tensor of the file: its name, dtype, shape and byte range {@code [begin, end)} relative
     * to the start of the data region.
     */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public Entry {
            if (name == null || dtype == null || shape == null) {
                throw new IllegalArgumentException("Entry: name, dtype and shape must not be null");
            }
            shape = shape.clone();
        }

        /** A copy of the shape. */
        @Override
        public long[] shape() { return shape.clone(); }

        /** The number of elements: the product of the shape (1 for a 0-dim tensor). */
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        /** The number of bytes: {@code end - begin}. */
        public long byteSize() { return end - begin; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype
                    && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
        }

        @Override
        public String toString() {
            return "Entry[" + name + ", " + code(dtype) + ", " + Arrays.toString(shape)
                    + ", [" + begin + ", " + end + ")]";
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataLength;
    private final List<Entry> entries;
    private final Map<String, Entry> byName;
    private final Map<String, String> metadata;
    /** The mappings, each covering whole tensors; {@code segmentOf} gives each tensor's. */
    private final ByteBuffer[] segments;
    private final long[] segmentBegin;
    private final Map<String, Integer> segmentOf;
    private volatile boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, long dataLength,
                            List<Entry> entries, Map<String, String> metadata, long maxMapping)
            throws IOException {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
        this.entries = Collections.unmodifiableList(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
        Map<String, Entry> names = new LinkedHashMap<>();
        for (Entry e : entries) names.put(e.name(), e);
        this.byName = names;

        // Group tensors, in offset order, into mappings of at most maxMapping bytes each.
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        List<long[]> ranges = new ArrayList<>();
        Map<String, Integer> where = new LinkedHashMap<>();
        long segStart = -1;
        long segEnd = -1;
        for (Entry e : sorted) {
            if (e.byteSize() > maxMapping) {
                where.put(e.name(), -1);
                continue;
            }
            if (segStart < 0 || e.end() - segStart > maxMapping) {
                if (segStart >= 0) ranges.add(new long[]{segStart, segEnd});
                segStart = e.begin();
            }
            segEnd = e.end();
            where.put(e.name(), ranges.size());
        }
        if (segStart >= 0) ranges.add(new long[]{segStart, segEnd});
        this.segments = new ByteBuffer[ranges.size()];
        this.segmentBegin = new long[ranges.size()];
        for (int i = 0; i < segments.length; i++) {
            long[] r = ranges.get(i);
            segmentBegin[i] = r[0];
            segments[i] = map(r[0], r[1] - r[0]);
        }
        this.segmentOf = where;
    }

    /**
     * Opens and validates a safetensors file, memory-mapping its data region read-only.
     *
     * @throws KindlingException when the file is not a valid safetensors file (the message names
     *         the file and the problem)
     * @throws IOException when the file cannot be read
     */
    public static SafetensorsFile open(Path path) throws IOException {
        return open(path, MAX_MAPPING_BYTES);
    }

    /** {@link #open(Path)} with a smaller mapping limit, so tests can exercise several mappings. */
    static SafetensorsFile open(Path path, long maxMappingBytes) throws IOException {
        if (maxMappingBytes < 1 || maxMappingBytes > MAX_MAPPING_BYTES) {
            throw new IllegalArgumentException("open: mapping limit " + maxMappingBytes
                    + " must be in [1, " + MAX_MAPPING_BYTES + "]");
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < PREFIX_BYTES) {
                throw invalid(path, "file is " + size + " bytes, shorter than the "
                        + PREFIX_BYTES + "-byte header length");
            }
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0);
            long headerLength = prefix.getLong(0);
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw invalid(path, "header length " + Long.toUnsignedString(headerLength)
                        + " is above the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLength > size - PREFIX_BYTES) {
                throw invalid(path, "header length " + headerLength + " runs past the end of the file ("
                        + size + " bytes, so at most " + (size - PREFIX_BYTES) + ")");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, PREFIX_BYTES);
            long dataStart = PREFIX_BYTES + headerLength;
            long dataLength = size - dataStart;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = parseHeader(path, decodeUtf8(path, headerBytes), dataLength, metadata);
            SafetensorsFile file = new SafetensorsFile(path, channel, dataStart, dataLength,
                    entries, metadata, maxMappingBytes);
            log.debug("opened {}: {} tensors, {} data bytes, {} mappings",
                    path, entries.size(), dataLength, file.segments.length);
            return file;
        } catch (RuntimeException | IOException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The path this file was opened from. */
    public Path path() { return path; }

    /** The tensors, in the header's order. */
    public List<Entry> entries() { return entries; }

    /** The {@code "__metadata__"} map, in the header's order; empty when the file has none. */
    public Map<String, String> metadata() { return metadata; }

    /** Whether the file has a tensor of this name. */
    public boolean contains(String name) { return byName.containsKey(name); }

    /**
     * The entry of the tensor called {@code name}.
     *
     * @throws IllegalArgumentException when there is none
     */
    public Entry entry(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no tensor named \"" + name + "\" (the file has "
                    + entries.size() + " tensors" + (entries.isEmpty() ? "" : ", e.g. \"" + entries.get(0).name() + "\"")
                    + ")");
        }
        return e;
    }

    /**
     * The bytes of tensor {@code name}: a read-only, little-endian slice of the mapping with
     * position 0 and limit {@link Entry#byteSize()}. Each call returns a new buffer.
     *
     * @throws IllegalArgumentException when there is no such tensor
     * @throws KindlingException when the tensor is larger than one buffer; read it in ranges with
     *         {@link #data(String, long, int)}
     * @throws IllegalStateException when the file is closed
     */
    public ByteBuffer data(String name) {
        Entry e = entry(name);
        if (closed) throw new IllegalStateException(path + ": the file is closed");
        int segment = segmentOf.get(name);
        if (segment < 0) {
            throw new KindlingException(path + ": tensor \"" + name + "\" has " + e.byteSize()
                    + " bytes, more than one ByteBuffer holds (" + MAX_MAPPING_BYTES
                    + "); read it in ranges with data(name, byteOffset, byteLength)");
        }
        return slice(e, segment, 0, (int) e.byteSize());
    }

    /**
     * {@code byteLength} bytes of tensor {@code name} starting {@code byteOffset} bytes into it,
     * as a read-only little-endian buffer (a slice of the mapping, or a new mapping for a tensor
     * larger than one mapping).
     *
     * @throws IllegalArgumentException when there is no such tensor or the range is out of bounds
     * @throws IllegalStateException when the file is closed
     */
    public ByteBuffer data(String name, long byteOffset, int byteLength) throws IOException {
        Entry e = entry(name);
        if (byteOffset < 0 || byteLength < 0 || byteOffset > e.byteSize() - byteLength) {
            throw new IllegalArgumentException(path + ": byte range [" + byteOffset + ", " + byteOffset
                    + " + " + byteLength + ") is outside tensor \"" + name + "\" of " + e.byteSize() + " bytes");
        }
        if (closed) throw new IllegalStateException(path + ": the file is closed");
        int segment = segmentOf.get(name);
        if (segment >= 0) return slice(e, segment, byteOffset, byteLength);
        return map(e.begin() + byteOffset, byteLength).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer slice(Entry e, int segment, long byteOffset, int byteLength) {
        int at = (int) (e.begin() - segmentBegin[segment] + byteOffset);
        return segments[segment].slice(at, byteLength).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Releases the file handle; buffers already returned stay readable. Idempotent. */
    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    /** The number of mappings made at open (tensors larger than one mapping are not counted). */
    int mappingCount() { return segments.length; }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + entries.size() + " tensors, " + dataLength + " data bytes]";
    }

    /** Maps {@code length} bytes of the data region starting at {@code offset} within it. */
    private ByteBuffer map(long offset, long length) throws IOException {
        if (length == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer();
        return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + offset, length);
    }

    // ---------------------------------------------------------------- header validation

    private static String decodeUtf8(Path path, ByteBuffer bytes) {
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw invalid(path, "header is not valid UTF-8 (near byte " + (PREFIX_BYTES + bytes.position())
                    + " of the file)");
        }
    }

    private static List<Entry> parseHeader(Path path, String json, long dataLength, Map<String, String> metadataOut) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new KindlingException(path + ": invalid safetensors file: header is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> header)) {
            throw invalid(path, "header is not a JSON object but " + kind(root));
        }
        List<Entry> entries = new ArrayList<>(header.size());
        for (Map.Entry<?, ?> kv : header.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals(METADATA_KEY)) {
                readMetadata(path, kv.getValue(), metadataOut);
            } else {
                entries.add(readEntry(path, name, kv.getValue(), dataLength));
            }
        }
        checkCoverage(path, entries, dataLength);
        return entries;
    }

    private static void readMetadata(Path path, Object value, Map<String, String> out) {
        if (!(value instanceof Map<?, ?> map)) {
            throw invalid(path, "\"" + METADATA_KEY + "\" is not an object but " + kind(value));
        }
        for (Map.Entry<?, ?> kv : map.entrySet()) {
            if (!(kv.getValue() instanceof String s)) {
                throw invalid(path, "\"" + METADATA_KEY + "\" value of \"" + kv.getKey()
                        + "\" is not a string but " + kind(kv.getValue()));
            }
            out.put((String) kv.getKey(), s);
        }
    }

    private static Entry readEntry(Path path, String name, Object value, long dataLength) {
        String what = "tensor \"" + name + "\"";
        if (!(value instanceof Map<?, ?> fields)) {
            throw invalid(path, what + " is not an object with dtype, shape and data_offsets but " + kind(value));
        }
        for (Object key : fields.keySet()) {
            if (!key.equals(DTYPE) && !key.equals(SHAPE) && !key.equals(DATA_OFFSETS)) {
                throw invalid(path, what + " has an unknown field \"" + key + "\" (expected dtype, shape, data_offsets)");
            }
        }
        Object code = require(path, what, fields, DTYPE);
        if (!(code instanceof String codeString)) {
            throw invalid(path, what + ": dtype is not a string but " + kind(code));
        }
        DType dtype = dtypeOf(codeString);
        if (dtype == null) {
            throw invalid(path, what + ": unknown dtype \"" + codeString
                    + "\" (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        }
        long[] shape = readShape(path, what, require(path, what, fields, SHAPE));
        Object offsets = require(path, what, fields, DATA_OFFSETS);
        if (!(offsets instanceof List<?> pair) || pair.size() != 2
                || !(pair.get(0) instanceof Long) || !(pair.get(1) instanceof Long)) {
            throw invalid(path, what + ": data_offsets is not a list of 2 integers but " + show(offsets));
        }
        long begin = (Long) pair.get(0);
        long end = (Long) pair.get(1);
        if (begin < 0 || end < begin || end > dataLength) {
            throw invalid(path, what + ": data_offsets [" + begin + ", " + end
                    + "] are out of range for a data region of " + dataLength + " bytes");
        }
        long bytes;
        try {
            long numel = 1;
            for (long d : shape) numel = Math.multiplyExact(numel, d);
            bytes = Math.multiplyExact(numel, dtype.itemSize());
        } catch (ArithmeticException overflow) {
            throw invalid(path, what + ": element count of shape " + Arrays.toString(shape) + " overflows 64 bits");
        }
        if (bytes != end - begin) {
            throw invalid(path, what + ": shape " + Arrays.toString(shape) + " of " + codeString + " needs "
                    + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static Object require(Path path, String what, Map<?, ?> fields, String key) {
        if (!fields.containsKey(key)) throw invalid(path, what + " is missing \"" + key + "\"");
        return fields.get(key);
    }

    private static long[] readShape(Path path, String what, Object value) {
        if (value instanceof List<?> list) {
            long[] shape = new long[list.size()];
            boolean ok = true;
            for (int i = 0; i < shape.length && ok; i++) {
                ok = list.get(i) instanceof Long d && d >= 0;
                if (ok) shape[i] = (Long) list.get(i);
            }
            if (ok) return shape;
        }
        throw invalid(path, what + ": shape is not a list of non-negative integers but " + show(value));
    }

    /** The tensors must tile the data region [0, dataLength) exactly, in offset order. */
    private static void checkCoverage(Path path, List<Entry> entries, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry last = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw invalid(path, "tensors \"" + last.name() + "\" [" + last.begin() + ", " + last.end()
                        + ") and \"" + e.name() + "\" [" + e.begin() + ", " + e.end() + ") overlap");
            }
            if (e.begin() > covered) {
                throw invalid(path, "bytes [" + covered + ", " + e.begin() + ") of the data region, before tensor \""
                        + e.name() + "\", belong to no tensor");
            }
            last = e;
            covered = e.end();
        }
        if (covered != dataLength) {
            throw invalid(path, "bytes [" + covered + ", " + dataLength
                    + ") at the end of the data region belong to no tensor");
        }
    }

    /** A parsed JSON value as short text for a message. */
    private static String show(Object v) {
        String s = Json.write(v);
        return s.length() <= MAX_SHOWN_CHARS ? s : s.substring(0, MAX_SHOWN_CHARS - 3) + "...";
    }

    private static String kind(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "a list";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        return "a number";
    }

    private static KindlingException invalid(Path path, String what) {
        return new KindlingException(path + ": invalid safetensors file: " + what);
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) throw new EOFException("unexpected end of file at byte " + position);
            position += n;
        }
    }

    // ---------------------------------------------------------------- dtype codes

    /** The safetensors dtype code of {@code dtype} ("F32", "BF16", "BOOL", ...). */
    public static String code(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> "F64";
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT16 -> "I16";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    /** The dtype of a safetensors code, or null for a code Kindling does not hold. */
    static DType dtypeOf(String code) {
        return switch (code) {
            case "F64" -> DType.FLOAT64;
            case "F32" -> DType.FLOAT32;
            case "F16" -> DType.FLOAT16;
            case "BF16" -> DType.BFLOAT16;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "I16" -> DType.INT16;
            case "I8" -> DType.INT8;
            case "U8" -> DType.UINT8;
            case "BOOL" -> DType.BOOL;
            default -> null;
        };
    }
}
