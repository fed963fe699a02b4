package dev.kindling.data;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An MNIST-format dataset (IDX files of 28×28 unsigned-byte images and byte labels), shared by
 * {@link FashionMNIST} and {@link MNIST}. Samples are {@code {image, label}}: a float32
 * {@code [1, 28, 28]} image scaled to [0, 1] (torchvision's {@code ToTensor}) and an int64 0-dim
 * label. {@link #images()} and {@link #labels()} give the whole split at once, for fast batching
 * through a {@link TensorDataset}.
 */
public abstract class MnistDataset implements Dataset<Tensor[]> {
    private final Tensor images; // uint8 [N, 28, 28]
    private final Tensor labels; // int64 [N]
    private final Path directory;

    protected MnistDataset(Path directory, boolean train, String packageHint) {
        this.directory = directory;
        String prefix = train ? "train" : "t10k";
        Path img = find(directory, prefix + "-images-idx3-ubyte", packageHint);
        Path lab = find(directory, prefix + "-labels-idx1-ubyte", packageHint);
        try {
            IdxArray im = Idx.readImages(img);
            IdxArray lb = Idx.readLabels(lab);
            if (im.count() != lb.count()) {
                throw new KindlingException(directory + ": " + img.getFileName() + " has " + im.count() + " images but "
                        + lab.getFileName() + " has " + lb.count() + " labels");
            }
            this.images = Tensor.fromUnsigned(im.data(), im.dims());
            long[] l = new long[lb.count()];
            for (int i = 0; i < l.length; i++) l[i] = lb.unsigned(i);
            this.labels = Tensor.from(l);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Path find(Path dir, String base, String packageHint) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new KindlingException("dataset file " + base + "(.gz) not found in " + dir.toAbsolutePath() + ". " + packageHint);
    }

    /** The directory the files were read from. */
    public Path directory() { return directory; }

    @Override
    public int size() { return labels.size(0); }

    @Override
    public Tensor[] get(int index) {
        Tensor img = images.select(0, index).to(DType.FLOAT32).div(255.0).unsqueeze(0);
        return new Tensor[] {img, labels.select(0, index)};
    }

    /** All images as float32 {@code [N, 1, 28, 28]} in [0, 1]. */
    public Tensor images() { return images.to(DType.FLOAT32).div(255.0).unsqueeze(1); }

    /** The raw images, uint8 {@code [N, 28, 28]}. */
    public Tensor rawImages() { return images; }

    /** All labels, int64 {@code [N]}. */
    public Tensor labels() { return labels; }
}
