package dev.kindling.examples;

import dev.kindling.Device;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.cuda.Cuda;
import dev.kindling.data.DataLoader;
import dev.kindling.data.FashionMNIST;
import dev.kindling.data.TensorDataset;
import dev.kindling.models.MLP;
import dev.kindling.nn.Conv2d;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Flatten;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MaxPool2d;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.optim.Adam;
import dev.kindling.optim.Optimizer;
import dev.kindling.optim.lr.StepLR;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The main job ({@code mvn -q compile exec:java}): trains a classifier on Fashion-MNIST and reports
 * its test accuracy.
 *
 * <p>Options through {@code -Dexec.args="..."}: {@code --model mlp|cnn} (default mlp:
 * 784-512-512-10), {@code --epochs N} (3), {@code --batch-size N} (64), {@code --lr X} (1e-3,
 * Adam, times 0.3 after each epoch), {@code --device cpu|cuda}, {@code --data DIR},
 * {@code --threads N}, {@code --seed N}, {@code --out DIR} (runs). Images are normalised with Fashion-MNIST's mean and
 * standard deviation, as torchvision's {@code Normalize((0.2860,), (0.3530,))}.
 * Without the data set (the Debian package {@code dataset-fashion-mnist}) it trains on the small
 * subset kept in {@code src/examples/resources/fashion-mnist-subset} and says so. It writes
 * {@code runs/<timestamp>/model.safetensors} and {@code curves.png}, and its last line is
 * {@code test accuracy: NN.N%}.
 */
public final class Main {
    private Main() {}

    record Options(String model, int epochs, int batchSize, double lr, Device device, Path data, int threads, long seed, Path out) {
        static Options parse(String[] args) {
            String model = "mlp";
            int epochs = 3, batch = 64, threads = Torch.getNumThreads();
            double lr = 1e-3;
            Device device = Device.CPU;
            Path data = null;
            long seed = 0;
            Path out = Path.of("runs");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--model" -> { model = need(a, v); i++; }
                    case "--epochs" -> { epochs = Integer.parseInt(need(a, v)); i++; }
                    case "--batch-size" -> { batch = Integer.parseInt(need(a, v)); i++; }
                    case "--lr" -> { lr = Double.parseDouble(need(a, v)); i++; }
                    case "--device" -> { device = Device.of(need(a, v)); i++; }
                    case "--data" -> { data = Path.of(need(a, v)); i++; }
                    case "--threads" -> { threads = Integer.parseInt(need(a, v)); i++; }
                    case "--seed" -> { seed = Long.parseLong(need(a, v)); i++; }
                    case "--out" -> { out = Path.of(need(a, v)); i++; }
                    case "--help", "-h" -> {
                        System.out.println("options: --model mlp|cnn --epochs N --batch-size N --lr X --device cpu|cuda "
                                + "--data DIR --threads N --seed N --out DIR");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
                }
            }
            if (!model.equals("mlp") && !model.equals("cnn")) throw new IllegalArgumentException("--model must be mlp or cnn, got " + model);
            return new Options(model, epochs, batch, lr, device, data, threads, seed, out);
        }

        private static String need(String option, String value) {
            if (value == null) throw new IllegalArgumentException(option + " needs a value");
            return value;
        }
    }

    /** Two 3×3 convolutions (32 and 64 channels) with pooling, then a 128-unit hidden layer. */
    static Module cnn() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(), new Linear(128, 10));
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Torch.setNumThreads(o.threads());
        Torch.manualSeed(o.seed());
        if (o.device().isCuda() && !Cuda.isAvailable()) {
            throw new IllegalStateException("--device cuda: " + Cuda.reason());
        }
        System.out.println("Kindling: device " + o.device() + ", " + Torch.getNumThreads() + " CPU threads, model " + o.model());

        Path dir = o.data() != null ? o.data() : FashionMNIST.defaultDirectory();
        if (o.data() == null && !Files.isDirectory(dir)) {
            dir = Path.of("src/examples/resources/fashion-mnist-subset");
            System.out.println("Fashion-MNIST was not found in " + FashionMNIST.defaultDirectory() + "; training on the bundled "
                    + "subset (6,000 training and 1,000 test images). For the full set: apt install dataset-fashion-mnist");
        }
        FashionMNIST train = new FashionMNIST(dir, true), test = new FashionMNIST(dir, false);
        System.out.println("data: " + dir + " (" + train.size() + " training, " + test.size() + " test images)");

        Module model = o.model().equals("mlp") ? new MLP(784, 512, 512, 10) : cnn();
        model.to(o.device());
        Optimizer opt = new Adam(model.parameters(), o.lr());
        StepLR schedule = new StepLR(opt, 1, LR_DECAY);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        DataLoader<Tensor[]> loader = DataLoader.of(new TensorDataset(normalize(train.images()), train.labels()))
                .batchSize(o.batchSize()).shuffle(true).seed(o.seed()).build();
        Tensor testX = normalize(test.images()).to(o.device()), testY = test.labels().to(o.device());

        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        long start = System.nanoTime();
        double accuracy = 0;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            model.train();
            Progress bar = new Progress("epoch " + epoch + "/" + o.epochs(), loader.numBatches());
            double running = 0;
            int seen = 0;
            for (Tensor[] batch : loader) {
                Tensor x = batch[0].to(o.device()), y = batch[1].to(o.device());
                opt.zeroGrad();
                Tensor loss = lossFn.forward(model.call(x), y);
                loss.backward();
                opt.step();
                double l = loss.item();
                running += l;
                seen++;
                losses.add(l);
                bar.step(running / seen);
            }
            bar.done();
            schedule.step();
            accuracy = evaluate(model, testX, testY, 1000);
            accuracies.add(accuracy);
            System.out.printf("epoch %d: train loss %.4f, test accuracy %.2f%%%n", epoch, running / seen, 100 * accuracy);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("wall time: %.1f s (%.1f s per epoch)%n", seconds, seconds / Math.max(1, o.epochs()));

        Path run = o.out().resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(run);
        Torch.save(model.stateDict(), run.resolve("model.safetensors"));
        Chart.write(run.resolve("curves.png"), losses, accuracies, loader.numBatches());
        System.out.println("saved: " + run.resolve("model.safetensors") + ", " + run.resolve("curves.png"));
        System.out.printf("test accuracy: %.1f%%%n", 100 * accuracy);
    }

    /** Fashion-MNIST's pixel mean and standard deviation (training set), for normalisation. */
    static final double MEAN = 0.2860, STD = 0.3530;

    /** The learning rate's factor after each epoch. */
    static final double LR_DECAY = 0.3;

    static Tensor normalize(Tensor images) {
        return images.sub(MEAN).div(STD);
    }

    /** The fraction of correct predictions, in chunks, in eval mode and without recording. */
    static double evaluate(Module model, Tensor x, Tensor y, int chunk) {
        model.eval();
        long correct = 0;
        try (var g = Torch.noGrad()) {
            for (int i = 0; i < x.size(0); i += chunk) {
                int n = Math.min(chunk, x.size(0) - i);
                Tensor pred = model.call(x.narrow(0, i, n)).argmax(1);
                correct += pred.eq(y.narrow(0, i, n)).sum().longItem();
            }
        }
        return (double) correct / x.size(0);
    }
}
