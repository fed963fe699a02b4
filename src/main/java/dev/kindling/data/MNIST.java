package dev.kindling.data;

import java.nio.file.Path;

/** MNIST handwritten digits, in the same IDX format as {@link FashionMNIST}; read from a directory. */
public final class MNIST extends MnistDataset {
    public MNIST(Path directory, boolean train) {
        super(directory, train, "Download the MNIST IDX files (train-images-idx3-ubyte.gz and friends) into that directory.");
    }
}
