package dev.kindling.data;

import java.nio.file.Path;

/**
 * Fashion-MNIST (Zalando Research): 60,000 training and 10,000 test 28×28 grey images in 10
 * classes. Reads the gzipped IDX files from {@code directory}, by default from the environment
 * variable {@code KINDLING_DATA} or else {@link #DEFAULT_DIRECTORY}, where the Debian package
 * {@code dataset-fashion-mnist} installs them.
 *
 * <pre>{@code
 * var train = new FashionMNIST(true);
 * var loader = DataLoader.of(new TensorDataset(train.images(), train.labels())).batchSize(64).shuffle(true).build();
 * }</pre>
 */
public final class FashionMNIST extends MnistDataset {
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot"};

    static final String HINT = "Install the Debian package dataset-fashion-mnist (apt install dataset-fashion-mnist), "
            + "download the files from https://github.com/zalandoresearch/fashion-mnist, or point KINDLING_DATA at a "
            + "directory that holds them.";

    public FashionMNIST(boolean train) {
        this(defaultDirectory(), train);
    }

    public FashionMNIST(Path directory, boolean train) {
        super(directory, train, HINT);
    }

    /** {@code KINDLING_DATA} if set, else {@link #DEFAULT_DIRECTORY}. */
    public static Path defaultDirectory() {
        String env = System.getenv("KINDLING_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_DIRECTORY;
    }
}
