package dev.kindling.bench;

import dev.kindling.Generator;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.data.FashionMNIST;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The main job's epoch beside libtorch: the same model (the MLP 784-512-512-10 or the two-layer
 * CNN of {@code examples.Main}), the same initial parameters, the same batches in the same order
 * (batch size 64, a shuffle drawn from one seeded {@link Generator}), cross-entropy and Adam
 * (lr 1e-3), on the full Fashion-MNIST training set, one epoch of Kindling then one of libtorch,
 * repeated. It prints each epoch's wall time and the test accuracy after it.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... dev.kindling.bench.EpochBench --models=mlp,cnn --epochs=2 --threads=2 --omp=2 --blas=2
 * </pre>
 *
 * <p>A timed epoch is the training loop only (batch gathering, forward, loss, backward, step, and
 * reading the loss as a number, as the main job does); the test evaluation is not timed. The main
 * job also multiplies the learning rate by 0.3 after each epoch, which costs nothing and is left
 * out here. libtorch's results are freed by a {@link PointerScope} per batch.
 */
public final class EpochBench {
    private EpochBench() {}

    static final int BATCH = 64;
    static final double LR = 1e-3, MEAN = 0.2860, STD = 0.3530;

    /** The main job's CNN: two 3×3 convolutions (32 and 64 channels) with pooling, then 128 hidden units. */
    static Module cnn() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(), new Linear(128, 10));
    }

    /** libtorch's forward of the same network over its parameters (in Kindling's parameter order). */
    static org.bytedeco.pytorch.Tensor ltForward(String model, org.bytedeco.pytorch.Tensor x, List<org.bytedeco.pytorch.Tensor> p) {
        if (model.equals("mlp")) {
            var h = torch.linear(x.flatten(1, -1), p.get(0), p.get(1)).relu();
            h = torch.linear(h, p.get(2), p.get(3)).relu();
            return torch.linear(h, p.get(4), p.get(5));
        }
        long[] one = {1, 1}, two = {2, 2}, zero = {0, 0};
        var h = torch.conv2d(x, p.get(0), Lt.opt(p.get(1)), one, one, one, 1).relu();
        h = torch.max_pool2d(h, two, two, zero, one, false);
        h = torch.conv2d(h, p.get(2), Lt.opt(p.get(3)), one, one, one, 1).relu();
        h = torch.max_pool2d(h, two, two, zero, one, false).flatten(1, -1);
        h = torch.linear(h, p.get(4), p.get(5)).relu();
        return torch.linear(h, p.get(6), p.get(7));
    }

    public static void main(String[] args) {
        String models = "mlp,cnn";
        int epochs = 2, threads = 2, omp = 2, blas = 2;
        Path data = FashionMNIST.defaultDirectory();
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--models=")) models = v;
            else if (a.startsWith("--epochs=")) epochs = Integer.parseInt(v);
            else if (a.startsWith("--threads=")) threads = Integer.parseInt(v);
            else if (a.startsWith("--omp=")) omp = Integer.parseInt(v);
            else if (a.startsWith("--blas=")) blas = Integer.parseInt(v);
            else if (a.startsWith("--data=")) data = Path.of(v);
            else throw new IllegalArgumentException("unknown option " + a);
        }
        Torch.setNumThreads(threads);
        Lt.setThreads(omp, blas);
        FashionMNIST train = new FashionMNIST(data, true), test = new FashionMNIST(data, false);
        Tensor x = train.images().sub(MEAN).div(STD).contiguous(), y = train.labels();
        Tensor tx = test.images().sub(MEAN).div(STD).contiguous(), ty = test.labels();
        var lx = Lt.floats(x.toFloatArray(), x.shape());
        var ly = Lt.longs(y.toLongArray(), y.shape());
        var ltx = Lt.floats(tx.toFloatArray(), tx.shape());
        var lty = Lt.longs(ty.toLongArray(), ty.shape());
        System.out.printf(Locale.ROOT, "%s; Kindling %d threads, libtorch omp %d blas %d; %d training images, batch %d, Adam lr %g%n",
                System.getProperty("java.vm.version"), threads, omp, blas, train.size(), BATCH, LR);
        System.out.println("| model | epoch | Kindling (s) | libtorch (s) | ratio | test accuracy: Kindling / libtorch |");
        System.out.println("|---|--:|--:|--:|--:|---|");
        for (String model : models.split(",")) run(model, epochs, x, y, tx, ty, lx, ly, ltx, lty);
    }

    static void run(String model, int epochs, Tensor x, Tensor y, Tensor tx, Tensor ty,
                    org.bytedeco.pytorch.Tensor lx, org.bytedeco.pytorch.Tensor ly,
                    org.bytedeco.pytorch.Tensor ltx, org.bytedeco.pytorch.Tensor lty) {
        Torch.manualSeed(0);
        Module net = model.equals("mlp") ? new MLP(784, 512, 512, 10) : cnn();
        List<org.bytedeco.pytorch.Tensor> lp = new ArrayList<>();
        for (Tensor p : net.parameters()) lp.add(Lt.param(p.detach().toFloatArray(), p.shape()));
        Adam opt = new Adam(net.parameters(), LR);
        var lopt = new org.bytedeco.pytorch.Adam(new TensorVector(lp.toArray(new org.bytedeco.pytorch.Tensor[0])), new AdamOptions(LR));
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Generator shuffle = new Generator().manualSeed(1);
        int n = x.size(0), batches = n / BATCH + (n % BATCH == 0 ? 0 : 1);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long[] order = Torch.randperm(n, shuffle).toLongArray();
            Tensor perm = Torch.tensor(order);

            net.train();
            long t0 = System.nanoTime();
            double kLoss = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * BATCH, len = Math.min(BATCH, n - from);
                Tensor idx = perm.narrow(0, from, len);
                Tensor xb = x.indexSelect(0, idx), yb = y.indexSelect(0, idx);
                opt.zeroGrad();
                Tensor loss = lossFn.forward(net.call(xb), yb);
                loss.backward();
                opt.step();
                kLoss += loss.item();
            }
            double kSeconds = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            double lLoss = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * BATCH, len = Math.min(BATCH, n - from);
                try (PointerScope scope = new PointerScope()) {
                    long[] part = java.util.Arrays.copyOfRange(order, from, from + len);
                    var idx = Lt.longs(part, len);
                    var xb = lx.index_select(0, idx);
                    var yb = ly.index_select(0, idx);
                    lopt.zero_grad();
                    var loss = torch.nll_loss(torch.log_softmax(ltForward(model, xb, lp), 1), yb);
                    loss.backward();
                    lopt.step();
                    lLoss += loss.item_double();
                }
            }
            double lSeconds = (System.nanoTime() - t1) / 1e9;

            double kAcc = kindlingAccuracy(net, tx, ty), lAcc = libtorchAccuracy(model, lp, ltx, lty);
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f | %.2f%% / %.2f%% (train loss %.4f / %.4f) |%n", model, epoch,
                    kSeconds, lSeconds, kSeconds / lSeconds, 100 * kAcc, 100 * lAcc, kLoss / batches, lLoss / batches);
        }
    }

    static double kindlingAccuracy(Module net, Tensor tx, Tensor ty) {
        net.eval();
        try (var g = Torch.noGrad()) {
            return net.call(tx).argmax(1).eq(ty).sum().longItem() / (double) tx.size(0);
        }
    }

    static double libtorchAccuracy(String model, List<org.bytedeco.pytorch.Tensor> lp, org.bytedeco.pytorch.Tensor ltx,
                                   org.bytedeco.pytorch.Tensor lty) {
        try (PointerScope scope = new PointerScope(); var g = new org.bytedeco.pytorch.NoGradGuard()) {
            var pred = ltForward(model, ltx, lp).argmax(new org.bytedeco.pytorch.LongOptional(1), false);
            return pred.eq(lty).sum().item_long() / (double) ltx.size(0);
        }
    }
}
