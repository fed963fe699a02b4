package dev.kindling.data;

import dev.kindling.KindlingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * IDX reading and writing: files built byte by byte here (plain and gzipped), each kind of bad
 * file with its message, the real Fashion-MNIST files when installed, and the subset kept in the
 * repository (against reference numbers computed from the original files).
 */
class IdxTest {
    @TempDir
    Path dir;

    static final Path FULL = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path SUBSET = Path.of("src/examples/resources/fashion-mnist-subset");

    /** A big-endian IDX header: 0, 0, type, rank, then each dimension as 4 bytes. */
    static byte[] header(int type, int... dims) {
        byte[] h = new byte[4 + 4 * dims.length];
        h[2] = (byte) type;
        h[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            int d = dims[i];
            h[4 + 4 * i] = (byte) (d >>> 24);
            h[5 + 4 * i] = (byte) (d >>> 16);
            h[6 + 4 * i] = (byte) (d >>> 8);
            h[7 + 4 * i] = (byte) d;
        }
        return h;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void assertInvalid(Path path, String what, ThrowingRead read) {
        KindlingException e = assertThrows(KindlingException.class, () -> read.read(path));
        assertEquals(path + ": invalid IDX file: " + what, e.getMessage());
    }

    interface ThrowingRead {
        IdxArray read(Path p) throws IOException;
    }

    // ------------------------------------------------------------ valid files

    @Test
    void readsPlainAndGzippedFiles() throws IOException {
        byte[] pixels = randomBytes(3 * 2 * 4, 1);
        byte[] raw = concat(header(0x08, 3, 2, 4), pixels);
        for (Path p : new Path[]{file("images-idx3-ubyte", raw), file("images-idx3-ubyte.gz", gzip(raw)),
                                 file("gzipped-without-suffix", gzip(raw)), file("plain-with-suffix.gz", raw)}) {
            IdxArray a = Idx.readImages(p);
            assertArrayEquals(new int[]{3, 2, 4}, a.dims(), p.toString());
            assertArrayEquals(pixels, a.data(), p.toString());
            assertEquals(3, a.count());
            assertEquals(3, a.rank());
            assertEquals(pixels[5] & 0xff, a.unsigned(5));
            assertEquals(a, Idx.read(p));
        }
        byte[] labels = {9, 0, 0, 3, 0};
        IdxArray l = Idx.readLabels(file("labels.gz", gzip(concat(header(0x08, 5), labels))));
        assertArrayEquals(new int[]{5}, l.dims());
        assertArrayEquals(labels, l.data());
    }

    @Test
    void readsEmptyAndLargeCompressedFiles() throws IOException {
        IdxArray empty = Idx.readImages(file("empty.gz", gzip(header(0x08, 0, 28, 28))));
        assertArrayEquals(new int[]{0, 28, 28}, empty.dims());
        assertEquals(0, empty.data().length);
        // above the 1 MiB first buffer, so the buffer grows several times
        byte[] pixels = randomBytes(5000 * 28 * 28, 2);
        IdxArray big = Idx.readImages(file("big.gz", gzip(concat(header(0x08, 5000, 28, 28), pixels))));
        assertArrayEquals(pixels, big.data());
    }

    @Test
    void writesTheStandardLayoutPlainOrGzipped() throws IOException {
        byte[] pixels = randomBytes(2 * 3 * 3, 3);
        IdxArray a = new IdxArray(new int[]{2, 3, 3}, pixels);
        Path plain = dir.resolve("w-idx3-ubyte");
        Idx.write(plain, a);
        assertArrayEquals(concat(header(0x08, 2, 3, 3), pixels), Files.readAllBytes(plain));
        Path gz = dir.resolve("w-idx3-ubyte.gz");
        Idx.write(gz, a);
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertArrayEquals(concat(header(0x08, 2, 3, 3), pixels), in.readAllBytes());
        }
        assertEquals(a, Idx.readImages(gz));
    }

    @Test
    void idxArrayChecksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IdxArray(new int[]{2, 3}, new byte[5]));
        assertEquals("IdxArray: dims [2, 3] hold 6 bytes but data has 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IdxArray(new int[]{-1}, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new IdxArray(new int[]{65536, 65536}, new byte[0]));
        int[] dims = {1, 2};
        IdxArray a = new IdxArray(dims, new byte[2]);
        dims[0] = 7;
        assertEquals(1, a.dim(0), "dims are copied");
        assertEquals("IdxArray[dims=[1, 2]]", a.toString());
    }

    // ------------------------------------------------------------ bad files

    @Test
    void rejectsBadMagicNumbers() throws IOException {
        byte[] bad = concat(header(0x08, 2), new byte[]{1, 2});
        bad[1] = 1;
        assertInvalid(file("bad1", bad), "bad magic number 0x00010801: an IDX file starts with two zero bytes", Idx::read);
        assertInvalid(file("png", new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}),
                "bad magic number 0x89504e47: an IDX file starts with two zero bytes", Idx::read);
        assertInvalid(file("float", concat(header(0x0D, 1), new byte[4])),
                "magic number 0x00000d01 has element type 0x0d; only unsigned byte (0x08) is supported", Idx::read);
        assertInvalid(file("rank0", header(0x08)), "magic number 0x00000800 has 0 dimensions, expected at least 1", Idx::read);
        Path labels = file("labels", concat(header(0x08, 2), new byte[]{1, 2}));
        assertInvalid(labels, "magic number 0x00000801 has 1 dimensions, expected 3 (an image file [n, rows, cols], magic 0x00000803)",
                Idx::readImages);
        Path images = file("images", concat(header(0x08, 1, 1, 1), new byte[]{1}));
        assertInvalid(images, "magic number 0x00000803 has 3 dimensions, expected 1 (a label file [n], magic 0x00000801)",
                Idx::readLabels);
        assertInvalid(file("tiny", new byte[]{0, 0}), "file ends before the 4-byte magic number", Idx::read);
        assertInvalid(file("cut-dims", Arrays.copyOf(header(0x08, 6, 28, 28), 10)), "file ends inside the 3 dimension sizes", Idx::read);
    }

    @Test
    void rejectsWrongCountsAndTruncation() throws IOException {
        byte[] pixels = randomBytes(2 * 2 * 4, 4);
        // the header claims 3 images, the file holds 2
        byte[] claimsThree = concat(header(0x08, 3, 2, 4), pixels);
        assertInvalid(file("three", claimsThree),
                "dims [3, 2, 4] need 24 data bytes but the file has 16 after its 16-byte header", Idx::readImages);
        assertInvalid(file("three.gz", gzip(claimsThree)),
                "truncated: dims [3, 2, 4] need 24 data bytes but the data ends after 16", Idx::readImages);
        // the header claims 1 image, the file holds 2
        byte[] claimsOne = concat(header(0x08, 1, 2, 4), pixels);
        assertInvalid(file("one", claimsOne),
                "dims [1, 2, 4] need 8 data bytes but the file has 16 after its 16-byte header", Idx::readImages);
        assertInvalid(file("one.gz", gzip(claimsOne)),
                "data continues past the 8 bytes that dims [1, 2, 4] describe", Idx::readImages);
        // sizes beyond a Java array, or beyond int
        assertInvalid(file("huge", concat(header(0x08, 65536, 65536), new byte[3])),
                "dims [65536, 65536] hold more bytes than one Java array (2147483639)", Idx::read);
        assertInvalid(file("neg", concat(header(0x08, 0, 0x80000000), new byte[0])),
                "dimension 1 of [0, 2147483648] is above 2147483647", Idx::read);
    }

    @Test
    void aLyingCompressedHeaderFailsWithoutAllocatingItsClaim() throws IOException {
        // claims 2 GB of labels in a file of a few dozen bytes: the buffer grows only with the data
        Path liar = file("liar.gz", gzip(concat(header(0x08, Idx.MAX_ARRAY_LENGTH), new byte[100])));
        long before = usedHeap();
        assertInvalid(liar, "truncated: dims [2147483639] need 2147483639 data bytes but the data ends after 100", Idx::readLabels);
        assertInvalid(file("max.gz", gzip(header(0x08, Idx.MAX_ARRAY_LENGTH + 1))),
                "dims [2147483640] hold more bytes than one Java array (2147483639)", Idx::readLabels);
        assertTrue(usedHeap() - before < 512L << 20, "no allocation near the claimed size");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void reportsCorruptGzipData() throws IOException {
        byte[] gz = gzip(concat(header(0x08, 1000), randomBytes(1000, 5)));
        Path cut = file("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        KindlingException e = assertThrows(KindlingException.class, () -> Idx.readLabels(cut));
        assertTrue(e.getMessage().startsWith(cut + ": corrupt or truncated gzip data: "), e.getMessage());
        byte[] flipped = gz.clone();
        flipped[gz.length / 2] ^= 0x55;
        Path bad = file("flipped.gz", flipped);
        KindlingException f = assertThrows(KindlingException.class, () -> Idx.readLabels(bad));
        assertTrue(f.getMessage().startsWith(bad.toString()), f.getMessage());
    }

    // ------------------------------------------------------------ Fashion-MNIST

    private static int[] histogram(IdxArray labels) {
        int[] h = new int[10];
        for (int i = 0; i < labels.count(); i++) h[labels.unsigned(i)]++;
        return h;
    }

    private static long sum(byte[] data, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) s += data[i] & 0xff;
        return s;
    }

    /** Reference numbers computed from the original files with Python's gzip module. */
    @Test
    void readsTheInstalledFashionMnist() throws IOException {
        assumeTrue(Files.isDirectory(FULL), "Fashion-MNIST not installed (apt install dataset-fashion-mnist)");
        IdxArray trainImages = Idx.readImages(FULL.resolve("train-images-idx3-ubyte.gz"));
        IdxArray trainLabels = Idx.readLabels(FULL.resolve("train-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[]{60000, 28, 28}, trainImages.dims());
        assertArrayEquals(new int[]{60000}, trainLabels.dims());
        int[] sixThousand = new int[10];
        Arrays.fill(sixThousand, 6000);
        assertArrayEquals(sixThousand, histogram(trainLabels));
        assertArrayEquals(new byte[]{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(trainLabels.data(), 10));
        assertEquals(76247, sum(trainImages.data(), 0, 784));
        assertEquals(3431114169L, sum(trainImages.data(), 0, trainImages.data().length));

        IdxArray testImages = Idx.readImages(FULL.resolve("t10k-images-idx3-ubyte.gz"));
        IdxArray testLabels = Idx.readLabels(FULL.resolve("t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[]{10000, 28, 28}, testImages.dims());
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, histogram(testLabels));
        assertArrayEquals(new byte[]{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(testLabels.data(), 10));
        assertEquals(33456, sum(testImages.data(), 0, 784));
        assertEquals(573469082L, sum(testImages.data(), 0, testImages.data().length));
    }

    @Test
    void theRepositorySubsetIsTheStartOfFashionMnist() throws IOException {
        IdxArray trainImages = Idx.readImages(SUBSET.resolve("train-images-idx3-ubyte.gz"));
        IdxArray trainLabels = Idx.readLabels(SUBSET.resolve("train-labels-idx1-ubyte.gz"));
        IdxArray testImages = Idx.readImages(SUBSET.resolve("t10k-images-idx3-ubyte.gz"));
        IdxArray testLabels = Idx.readLabels(SUBSET.resolve("t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[]{6000, 28, 28}, trainImages.dims());
        assertArrayEquals(new int[]{6000}, trainLabels.dims());
        assertArrayEquals(new int[]{1000, 28, 28}, testImages.dims());
        assertArrayEquals(new int[]{1000}, testLabels.dims());
        // reference numbers from the first items of the original files
        assertArrayEquals(new int[]{560, 643, 608, 612, 584, 594, 590, 617, 590, 602}, histogram(trainLabels));
        assertArrayEquals(new int[]{107, 105, 111, 93, 115, 87, 97, 95, 95, 95}, histogram(testLabels));
        assertEquals(342670278L, sum(trainImages.data(), 0, trainImages.data().length));
        assertEquals(58034149L, sum(testImages.data(), 0, testImages.data().length));

        long total = 0;
        try (var files = Files.list(SUBSET)) {
            for (Path p : files.toList()) total += Files.size(p);
        }
        assertTrue(total < 5_000_000, "subset is " + total + " bytes");

        if (Files.isDirectory(FULL)) {
            IdxArray full = Idx.readImages(FULL.resolve("t10k-images-idx3-ubyte.gz"));
            assertArrayEquals(Arrays.copyOf(full.data(), 1000 * 784), testImages.data());
        }
    }
}
