package dev.kindling.data;

import dev.kindling.KindlingException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST, for unsigned-byte data.
 *
 * <p>Static methods only; datasets call {@link #readImages} and {@link #readLabels}. The format:
 * a big-endian 4-byte magic number (two zero bytes, a type byte, 0x08 for unsigned bytes, and the
 * number of dimensions), one big-endian 4-byte size per dimension, then the data, row-major.
 * Images are {@code 0x00000803} {@code [n, rows, cols]}, labels {@code 0x00000801} {@code [n]}.
 *
 * <p>Guarantees: gzip-compressed files (recognised by their content, as {@code *.gz} files are)
 * are decompressed transparently. Every problem with a file is a {@link KindlingException} whose
 * message starts with the file's path: a bad magic number, another element type than unsigned
 * byte, a wrong dimension count, sizes that overflow a Java array, data shorter or longer than
 * the dimensions say, corrupt gzip data. The data array is allocated only after its size has been
 * checked against the file length; for compressed files, whose length says little, it grows with
 * the bytes actually decompressed, so a lying header cannot force a huge allocation.
 */
public final class Idx {
    /** The IDX type byte of unsigned bytes, the only element type read here. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;
    /** Largest array the JVM allocates reliably, in elements (a few header words below 2^31). */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    /** First allocation for data of unknown compressed size, in bytes; grows by doubling. */
    private static final int INITIAL_BUFFER_BYTES = 1 << 20;
    /** The first two bytes of a gzip stream. */
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private Idx() {}

    /** Reads an image file: magic {@code 0x00000803}, dims {@code [n, rows, cols]}. */
    public static IdxArray readImages(Path path) throws IOException {
        return read(path, 3);
    }

    /** Reads a label file: magic {@code 0x00000801}, dims {@code [n]}. */
    public static IdxArray readLabels(Path path) throws IOException {
        return read(path, 1);
    }

    /** Reads an unsigned-byte IDX file of any number of dimensions. */
    public static IdxArray read(Path path) throws IOException {
        return read(path, -1);
    }

    private static IdxArray read(Path path, int expectedRank) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            boolean gzip = raw.read() == GZIP_MAGIC_0 && raw.read() == GZIP_MAGIC_1;
            raw.reset();
            long knownSize = gzip ? -1 : Files.size(path);
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            try {
                return parse(path, in, knownSize, expectedRank);
            } catch (ZipException | EOFException e) {
                throw new KindlingException(path + ": corrupt or truncated gzip data: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Reads the header and data from {@code in}. {@code knownSize} is the stream's total length
     * when known (an uncompressed file), else -1.
     */
    private static IdxArray parse(Path path, InputStream in, long knownSize, int expectedRank) throws IOException {
        byte[] magic = new byte[4];
        if (in.readNBytes(magic, 0, 4) < 4) {
            throw invalid(path, "file ends before the 4-byte magic number");
        }
        int magicValue = ((magic[0] & 0xff) << 24) | ((magic[1] & 0xff) << 16) | ((magic[2] & 0xff) << 8) | (magic[3] & 0xff);
        if (magic[0] != 0 || magic[1] != 0) {
            throw invalid(path, String.format("bad magic number 0x%08x: an IDX file starts with two zero bytes", magicValue));
        }
        if ((magic[2] & 0xff) != TYPE_UNSIGNED_BYTE) {
            throw invalid(path, String.format("magic number 0x%08x has element type 0x%02x; only unsigned byte (0x%02x) is supported",
                    magicValue, magic[2] & 0xff, TYPE_UNSIGNED_BYTE));
        }
        int rank = magic[3] & 0xff;
        if (rank == 0 || (expectedRank > 0 && rank != expectedRank)) {
            String want = switch (expectedRank) {
                case 3 -> "3 (an image file [n, rows, cols], magic 0x00000803)";
                case 1 -> "1 (a label file [n], magic 0x00000801)";
                default -> "at least 1";
            };
            throw invalid(path, String.format("magic number 0x%08x has %d dimensions, expected %s", magicValue, rank, want));
        }
        byte[] sizeBytes = new byte[4 * rank];
        if (in.readNBytes(sizeBytes, 0, sizeBytes.length) < sizeBytes.length) {
            throw invalid(path, "file ends inside the " + rank + " dimension sizes");
        }
        long[] sizes = new long[rank];
        for (int i = 0; i < rank; i++) {
            int at = 4 * i;
            sizes[i] = ((sizeBytes[at] & 0xffL) << 24) | ((sizeBytes[at + 1] & 0xff) << 16)
                    | ((sizeBytes[at + 2] & 0xff) << 8) | (sizeBytes[at + 3] & 0xff);
        }
        int[] dims = new int[rank];
        long numel = 1;
        for (int i = 0; i < rank; i++) {
            if (sizes[i] > Integer.MAX_VALUE) {
                throw invalid(path, "dimension " + i + " of " + Arrays.toString(sizes) + " is above " + Integer.MAX_VALUE);
            }
            numel *= sizes[i]; // below 2^31 times below 2^31: no overflow
            if (numel > MAX_ARRAY_LENGTH) {
                throw invalid(path, "dims " + Arrays.toString(sizes) + " hold more bytes than one Java array ("
                        + MAX_ARRAY_LENGTH + ")");
            }
            dims[i] = (int) sizes[i];
        }
        int expected = (int) numel;
        int headerBytes = 4 + 4 * rank;
        if (knownSize >= 0 && knownSize - headerBytes != expected) {
            throw invalid(path, "dims " + Arrays.toString(dims) + " need " + expected + " data bytes but the file has "
                    + (knownSize - headerBytes) + " after its " + headerBytes + "-byte header");
        }

        byte[] data = new byte[knownSize >= 0 ? expected : Math.min(expected, INITIAL_BUFFER_BYTES)];
        int n = 0;
        while (n < expected) {
            if (n == data.length) data = Arrays.copyOf(data, (int) Math.min(expected, 2L * data.length));
            int r = in.read(data, n, data.length - n);
            if (r < 0) {
                throw invalid(path, "truncated: dims " + Arrays.toString(dims) + " need " + expected
                        + " data bytes but the data ends after " + n);
            }
            n += r;
        }
        if (in.read() >= 0) {
            throw invalid(path, "data continues past the " + expected + " bytes that dims " + Arrays.toString(dims) + " describe");
        }
        return new IdxArray(dims, data);
    }

    /**
     * Writes {@code array} as an unsigned-byte IDX file, gzip-compressed (best compression) when
     * the file name ends in {@code .gz}. Replaces an existing file.
     */
    public static void write(Path path, IdxArray array) throws IOException {
        if (array.rank() == 0 || array.rank() > 0xff) {
            throw new IllegalArgumentException("Idx.write: an IDX file has 1 to 255 dimensions, got " + array.rank());
        }
        boolean gzip = path.getFileName().toString().endsWith(".gz");
        try (OutputStream file = Files.newOutputStream(path);
             OutputStream packed = gzip ? new BestGzip(file) : new BufferedOutputStream(file);
             DataOutputStream out = new DataOutputStream(packed)) {
            out.writeInt(TYPE_UNSIGNED_BYTE << 8 | array.rank());
            for (int d : array.dims()) out.writeInt(d);
            out.write(array.data());
        }
    }

    /** A gzip stream at the best compression level. */
    private static final class BestGzip extends GZIPOutputStream {
        BestGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }

    private static KindlingException invalid(Path path, String what) {
        return new KindlingException(path + ": invalid IDX file: " + what);
    }
}
