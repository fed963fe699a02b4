package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;

/**
 * One training step of the MLP 784-512-256-10 (ReLU, cross entropy, batch 128, plain SGD with
 * momentum 0.9 written out), in Kindling and in libtorch side by side on the same thread count,
 * best and median of timed steps after warm-up. A main program, not a unit test:
 *
 * <pre>
 * mvn -q -o test-compile
 * java --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$(cat cp.txt)" \
 *     dev.kindling.nn.MlpStepBench [threads=2] [steps=200]
 * </pre>
 * ({@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt} writes the classpath.)
 */
public final class MlpStepBench {
    private MlpStepBench() {}

    public static void main(String[] args) {
        int threads = 2, steps = 200;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "steps" -> steps = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("MlpStepBench: unknown argument " + arg);
            }
        }
        Torch.setNumThreads(threads);
        torch.set_num_threads(threads);
        System.out.printf(Locale.ROOT, "MlpStepBench: threads=%d steps=%d%n", threads, steps);
        report("kindling", kindling(steps));
        report("libtorch", libtorch(steps));
    }

    private static void report(String name, double[] ms) {
        double[] s = ms.clone();
        java.util.Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-9s best %6.2f ms   median %6.2f ms%n", name, s[0], s[s.length / 2]);
    }

    private static double[] kindling(int steps) {
        Torch.manualSeed(0);
        Sequential mlp = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));
        Tensor x = Torch.randn(128, 784);
        Tensor t = Torch.randint(0, 10, 128);
        List<Tensor> params = mlp.parameters();
        Tensor[] buf = new Tensor[params.size()];
        double[] ms = new double[steps];
        for (int i = -20; i < steps; i++) {
            long t0 = System.nanoTime();
            mlp.zeroGrad();
            Tensor loss = F.crossEntropy(mlp.forward(x), t);
            loss.backward();
            try (var g = Torch.noGrad()) {
                for (int k = 0; k < buf.length; k++) {
                    Tensor p = params.get(k);
                    buf[k] = buf[k] == null ? p.grad().clone() : buf[k].mul_(0.9).add_(p.grad());
                    p.sub_(buf[k], 0.01);
                }
            }
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    private static double[] libtorch(int steps) {
        torch.manual_seed(0);
        org.bytedeco.pytorch.Tensor[] w = {
            torch.randn(512, 784).mul(new Scalar(0.03)), torch.zeros(512),
            torch.randn(256, 512).mul(new Scalar(0.04)), torch.zeros(256),
            torch.randn(10, 256).mul(new Scalar(0.06)), torch.zeros(10)};
        for (org.bytedeco.pytorch.Tensor p : w) p.set_requires_grad(true);
        org.bytedeco.pytorch.Tensor x = torch.randn(128, 784);
        org.bytedeco.pytorch.Tensor t = torch.randint(10, new long[] {128});
        org.bytedeco.pytorch.Tensor[] buf = new org.bytedeco.pytorch.Tensor[w.length];
        double[] ms = new double[steps];
        for (int i = -20; i < steps; i++) {
            long t0 = System.nanoTime();
            try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
                org.bytedeco.pytorch.Tensor h = torch.relu(torch.linear(x, w[0], new org.bytedeco.pytorch.TensorOptional(w[1])));
                h = torch.relu(torch.linear(h, w[2], new org.bytedeco.pytorch.TensorOptional(w[3])));
                org.bytedeco.pytorch.Tensor out = torch.linear(h, w[4], new org.bytedeco.pytorch.TensorOptional(w[5]));
                org.bytedeco.pytorch.Tensor loss = torch.cross_entropy_loss(out, t);
                loss.backward();
                try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
                    for (int k = 0; k < w.length; k++) {
                        org.bytedeco.pytorch.Tensor g = w[k].grad();
                        if (buf[k] == null) {
                            buf[k] = g.clone();
                            buf[k].retainReference();
                        } else {
                            buf[k].mul_(new Scalar(0.9)).add_(g);
                        }
                        w[k].sub_(buf[k], new Scalar(0.01));
                        g.zero_();
                    }
                }
            }
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

}
