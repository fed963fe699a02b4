package dev.kindling.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Builds the Fashion-MNIST subset kept in the repository (src/examples/resources/fashion-mnist-subset)
 * from the full data set: the first {@link #TRAIN_COUNT} training and first {@link #TEST_COUNT}
 * test images and labels, written as gzipped IDX files under the standard names.
 *
 * <p>Run from the project root after {@code mvn test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes dev.kindling.data.MakeSubset [sourceDir [outDir]]
 * </pre>
 * It refuses to write a subset whose classes are unbalanced by more than
 * {@link #MAX_CLASS_IMBALANCE} of the mean class size.
 */
public final class MakeSubset {
    static final Path DEFAULT_SOURCE = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path DEFAULT_OUT = Path.of("src/examples/resources/fashion-mnist-subset");
    static final int TRAIN_COUNT = 6000;
    static final int TEST_COUNT = 1000;
    static final int CLASSES = 10;
    /** Largest accepted deviation of a class's count from the mean, as a fraction of the mean. */
    static final double MAX_CLASS_IMBALANCE = 0.2;

    private MakeSubset() {}

    public static void main(String[] args) throws IOException {
        Path source = args.length > 0 ? Path.of(args[0]) : DEFAULT_SOURCE;
        Path out = args.length > 1 ? Path.of(args[1]) : DEFAULT_OUT;
        Files.createDirectories(out);
        subset(source, out, "train", TRAIN_COUNT);
        subset(source, out, "t10k", TEST_COUNT);
    }

    private static void subset(Path source, Path out, String prefix, int count) throws IOException {
        String imagesName = prefix + "-images-idx3-ubyte.gz";
        String labelsName = prefix + "-labels-idx1-ubyte.gz";
        IdxArray images = Idx.readImages(source.resolve(imagesName));
        IdxArray labels = Idx.readLabels(source.resolve(labelsName));
        if (images.count() != labels.count() || images.count() < count) {
            throw new IllegalStateException(source + ": " + images.count() + " images and " + labels.count()
                    + " labels; need " + count + " of each");
        }
        int imageBytes = images.dim(1) * images.dim(2);
        IdxArray subImages = new IdxArray(new int[]{count, images.dim(1), images.dim(2)},
                Arrays.copyOf(images.data(), count * imageBytes));
        IdxArray subLabels = new IdxArray(new int[]{count}, Arrays.copyOf(labels.data(), count));

        int[] perClass = new int[CLASSES];
        for (byte b : subLabels.data()) perClass[b & 0xff]++;
        double mean = (double) count / CLASSES;
        for (int c = 0; c < CLASSES; c++) {
            if (Math.abs(perClass[c] - mean) > MAX_CLASS_IMBALANCE * mean) {
                throw new IllegalStateException(prefix + ": class " + c + " has " + perClass[c]
                        + " of the first " + count + " items, too far from " + mean);
            }
        }
        Idx.write(out.resolve(imagesName), subImages);
        Idx.write(out.resolve(labelsName), subLabels);
        System.out.printf("%s: %d items, per class %s, %s %d bytes, %s %d bytes%n", prefix, count,
                Arrays.toString(perClass), imagesName, Files.size(out.resolve(imagesName)),
                labelsName, Files.size(out.resolve(labelsName)));
    }
}
