package dev.kindling.io;

import dev.kindling.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes safetensors files (format: see {@link SafetensorsFile}).
 *
 * <p>Static methods only. The Tensor adapter of this package calls {@link #write} with each
 * tensor's bytes from {@link TensorBytes#fromArray}; anyone with raw little-endian bytes can too.
 *
 * <p>Guarantees: the header lists {@code "__metadata__"} first (when there is metadata), then the
 * tensors in the order given, and is padded with spaces to a multiple of {@link #HEADER_ALIGNMENT}
 * bytes so that the data region starts 8-byte aligned; the data follows in the same order with no
 * gaps. Every argument is checked before the file system is touched
 * ({@link IllegalArgumentException}). The file is written to a temporary file in the same
 * directory, flushed to the device, then moved over {@code path} (atomically where the file
 * system allows), so readers never see a half-written file and a failed write leaves any
 * existing file as it was.
 */
public final class SafetensorsWriter {
    /** The header is padded with spaces to a multiple of this many bytes. */
    public static final int HEADER_ALIGNMENT = 8;
    /** Attempts at finding an unused temporary file name. */
    private static final int TEMP_NAME_ATTEMPTS = 100;

    private SafetensorsWriter() {}

    /**
     * One tensor to write: its name, dtype, shape and raw little-endian bytes, given as one or
     * more buffers whose remaining bytes are written in order (several buffers let a tensor
     * exceed the 2 GiB of one buffer). Buffers are read without changing their position.
     */
    public record TensorData(String name, DType dtype, long[] shape, List<ByteBuffer> parts) {
        public TensorData {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            shape = Objects.requireNonNull(shape, "shape").clone();
            parts = List.copyOf(parts);
        }

        /** A tensor whose bytes are the remaining bytes of one buffer. */
        public TensorData(String name, DType dtype, long[] shape, ByteBuffer data) {
            this(name, dtype, shape, List.of(data));
        }

        /** A copy of the shape. */
        @Override
        public long[] shape() { return shape.clone(); }

        /** The total remaining bytes of the parts. */
        public long byteSize() {
            long n = 0;
            for (ByteBuffer b : parts) n += b.remaining();
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorData t && name.equals(t.name) && dtype == t.dtype
                    && Arrays.equals(shape, t.shape) && parts.equals(t.parts);
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "TensorData[" + name + ", " + SafetensorsFile.code(dtype) + ", " + Arrays.toString(shape)
                    + ", " + byteSize() + " bytes]";
        }
    }

    /**
     * Writes {@code tensors} (in this order) and {@code metadata} (may be empty or null) to
     * {@code path}, replacing any existing file.
     *
     * @throws IllegalArgumentException on a duplicate, reserved or non-UTF-8-encodable name, a
     *         negative dimension, a byte count that does not match shape × item size, or a header
     *         above {@link SafetensorsFile#MAX_HEADER_BYTES}
     * @throws IOException when the file cannot be written
     */
    public static void write(Path path, List<TensorData> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(path, "path");
        byte[] header = header(tensors, metadata == null ? Map.of() : metadata);

        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = createTemp(dir, target.getFileName().toString());
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer prefix = ByteBuffer.allocate(SafetensorsFile.PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(0, header.length);
                writeFully(ch, prefix);
                writeFully(ch, ByteBuffer.wrap(header));
                for (TensorData t : tensors) {
                    for (ByteBuffer part : t.parts()) writeFully(ch, part.duplicate());
                }
                ch.force(false);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(temp);
        }
    }

    /** Validates everything and builds the padded JSON header. */
    static byte[] header(List<TensorData> tensors, Map<String, String> metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("safetensors write: metadata keys and values must not be null, got "
                            + e.getKey() + "=" + e.getValue());
                }
                Json.checkWellFormed(e.getKey());
                Json.checkWellFormed(e.getValue());
                meta.put(e.getKey(), e.getValue());
            }
            root.put(SafetensorsFile.METADATA_KEY, meta);
        }
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (TensorData t : tensors) {
            String what = "safetensors write: tensor \"" + t.name() + "\"";
            if (t.name().equals(SafetensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException(what + ": the name is reserved for the metadata");
            }
            if (!names.add(t.name())) throw new IllegalArgumentException(what + " appears twice");
            Json.checkWellFormed(t.name());
            long[] shape = t.shape();
            long bytes;
            try {
                long numel = 1;
                for (long d : shape) {
                    if (d < 0) throw new IllegalArgumentException(what + ": negative dimension in shape " + Arrays.toString(shape));
                    numel = Math.multiplyExact(numel, d);
                }
                bytes = Math.multiplyExact(numel, t.dtype().itemSize());
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException(what + ": element count of shape " + Arrays.toString(shape)
                        + " overflows 64 bits");
            }
            if (t.byteSize() != bytes) {
                throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape) + " of " + t.dtype()
                        + " needs " + bytes + " bytes but the data has " + t.byteSize());
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", SafetensorsFile.code(t.dtype()));
            info.put("shape", shape);
            info.put("data_offsets", new long[]{offset, offset + bytes});
            root.put(t.name(), info);
            offset += bytes;
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
        if (padded > SafetensorsFile.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors write: the header would be " + padded
                    + " bytes, above the limit of " + SafetensorsFile.MAX_HEADER_BYTES + " that readers accept");
        }
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    /** Creates an empty file next to the target, with the default permissions for new files. */
    private static Path createTemp(Path dir, String fileName) throws IOException {
        FileAlreadyExistsException taken = null;
        for (int i = 0; i < TEMP_NAME_ATTEMPTS; i++) {
            Path temp = dir.resolve("." + fileName + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                taken = e;
            }
        }
        throw new IOException("safetensors write: no free temporary file name in " + dir + " after "
                + TEMP_NAME_ATTEMPTS + " attempts", taken);
    }

    private static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) ch.write(src);
    }
}
