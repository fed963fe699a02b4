package dev.kindling;

import dev.kindling.nn.BatchNorm2d;
import dev.kindling.nn.functional.F;
import dev.kindling.optim.Adam;
import dev.kindling.optim.SGD;
import dev.kindling.models.MLP;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Kindling-only timing of the core workloads that the side-by-side benchmarks compare with
 * libtorch (softmax, cross entropy, batch norm, MLP backward and step, sum, in-place add, Adam),
 * for quick iteration and for profiling under JFR. A main program, not a unit test: the
 * side-by-side numbers come from {@code benchmarks/}.
 *
 * <pre>
 * mvn -q -o test-compile
 * java --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$(cat cp.txt)" \
 *     dev.kindling.CorePerfProbe [threads=2] [seconds=3] [only=REGEX]
 * </pre>
 */
public final class CorePerfProbe {
    private CorePerfProbe() {}

    /** One timed workload: {@code prepare} runs untimed before each {@code run}. */
    private record Case(String name, Runnable prepare, Runnable run) {}

    /** A workload built only when selected, so that unselected inputs take no heap. */
    private record Lazy(String name, java.util.function.Supplier<Case> build) {}

    private static Object sink;

    public static void main(String[] args) {
        int threads = 2;
        double seconds = 3;
        String only = ".*";
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                case "only" -> only = kv[1];
                default -> throw new IllegalArgumentException("CorePerfProbe: unknown argument " + arg);
            }
        }
        Torch.setNumThreads(threads);
        Torch.manualSeed(0);
        for (Lazy l : cases()) {
            if (!l.name().matches(only)) continue;
            Case c = l.build().get();
            double[] ms = time(c, seconds);
            sink = null;
            System.gc();
            System.out.printf(Locale.ROOT, "%-14s median %8.3f ms   best %8.3f ms   (%d runs)%n", c.name(), ms[0], ms[1], (int) ms[2]);
        }
    }

    /**
     * Warms up for {@code seconds} (and at least {@link #WARMUP_ITERATIONS} runs: until the JIT has
     * compiled the Vector API code, it runs interpreted and orders of magnitude slower), then
     * times runs for {@code seconds}: median, best and count.
     */
    private static double[] time(Case c, double seconds) {
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        for (int i = 0; i < WARMUP_ITERATIONS || System.nanoTime() < warmEnd; i++) {
            c.prepare().run();
            c.run().run();
        }
        List<Double> times = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || times.size() < 5) {
            c.prepare().run();
            long t0 = System.nanoTime();
            c.run().run();
            times.add((System.nanoTime() - t0) / 1e6);
        }
        double[] s = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {s[s.length / 2], s[0], s.length};
    }

    private static final int WARMUP_ITERATIONS = 200;

    private static List<Lazy> cases() {
        List<Lazy> cs = new ArrayList<>();
        Runnable none = () -> { };
        cs.add(new Lazy("softmax", () -> {
            Tensor sm = Torch.rand(4096, 1024).mul(8).sub(4);
            return new Case("softmax", none, () -> sink = sm.softmax(1));
        }));
        cs.add(new Lazy("empty-4m", () -> new Case("empty-4m", none, () -> sink = Torch.empty(4096, 1024))));
        cs.add(new Lazy("cross-entropy", () -> {
            Tensor ce = Torch.rand(4096, 1000).mul(8).sub(4);
            Tensor ceT = Torch.randint(0, 1000, 4096);
            return new Case("cross-entropy", none, () -> sink = F.nllLoss(ce.logSoftmax(1), ceT));
        }));
        cs.add(new Lazy("ce-fwdbwd", () -> {
            Tensor ceG = Torch.rand(4096, 1000).mul(8).sub(4).requiresGrad_(true);
            Tensor ceT = Torch.randint(0, 1000, 4096);
            return new Case("ce-fwdbwd", () -> ceG.setGrad(null), () -> F.crossEntropy(ceG, ceT).backward());
        }));
        cs.add(new Lazy("batchnorm", () -> {
            Tensor bx = Torch.rand(32, 64, 32, 32).mul(2).sub(1);
            BatchNorm2d bn = new BatchNorm2d(64);
            bn.train();
            return new Case("batchnorm", none, () -> sink = bn.forward(bx));
        }));
        cs.add(new Lazy("bn-fwdbwd", () -> {
            Tensor bxg = Torch.rand(32, 64, 32, 32).mul(2).sub(1).requiresGrad_(true);
            Tensor bg = Torch.randn(32, 64, 32, 32);
            BatchNorm2d bn = new BatchNorm2d(64);
            bn.train();
            return new Case("bn-fwdbwd", () -> { bxg.setGrad(null); bn.zeroGrad(); }, () -> bn.forward(bxg).backward(bg));
        }));
        Tensor x = Torch.rand(128, 784);
        Tensor t = Torch.randint(0, 10, 128);
        cs.add(new Lazy("mlp-backward", () -> {
            MLP mlp = new MLP(784, 512, 256, 10);
            Tensor[] loss = new Tensor[1];
            return new Case("mlp-backward", () -> { mlp.zeroGrad(); loss[0] = F.crossEntropy(mlp.forward(x), t); },
                    () -> loss[0].backward());
        }));
        cs.add(new Lazy("mlp-mm", () -> {
            Tensor g3 = Torch.randn(128, 10), w3 = Torch.randn(10, 256), h2 = Torch.rand(128, 256);
            Tensor g2 = Torch.randn(128, 256), w2 = Torch.randn(256, 512), h1 = Torch.rand(128, 512), g1 = Torch.randn(128, 512);
            return new Case("mlp-mm", none, () -> sink = new Tensor[] {g3.mm(w3), h2.t().mm(g3), g2.mm(w2), h1.t().mm(g2), x.t().mm(g1)});
        }));
        cs.add(new Lazy("mlp-step", () -> {
            MLP mlp = new MLP(784, 512, 256, 10);
            SGD sgd = new SGD(mlp.parameters(), 0.01).momentum(0.9);
            return new Case("mlp-step", none, () -> {
                sgd.zeroGrad();
                F.crossEntropy(mlp.forward(x), t).backward();
                sgd.step();
            });
        }));
        cs.add(new Lazy("adam-step", () -> {
            MLP mlp = new MLP(784, 512, 256, 10);
            Adam adam = new Adam(mlp.parameters(), 1e-3);
            F.crossEntropy(mlp.forward(x), t).backward();
            return new Case("adam-step", none, adam::step);
        }));
        cs.add(new Lazy("sum-16m", () -> {
            Tensor big = Torch.rand(16 << 20);
            return new Case("sum-16m", none, () -> sink = big.sum());
        }));
        cs.add(new Lazy("add_-16m", () -> {
            Tensor big = Torch.rand(16 << 20), big2 = Torch.rand(16 << 20);
            return new Case("add_-16m", none, () -> sink = big.add_(big2));
        }));
        cs.add(new Lazy("add-16m", () -> {
            Tensor big = Torch.rand(16 << 20), big2 = Torch.rand(16 << 20);
            return new Case("add-16m", none, () -> sink = big.add(big2));
        }));
        for (String op : new String[] {"exp", "log", "tanh", "sigmoid"}) {
            cs.add(new Lazy(op + "-4m", () -> {
                Tensor v = Torch.rand(4 << 20).add(0.01);
                Runnable r = switch (op) {
                    case "exp" -> () -> sink = v.exp();
                    case "log" -> () -> sink = v.log();
                    case "tanh" -> () -> sink = v.tanh();
                    default -> () -> sink = v.sigmoid();
                };
                return new Case(op + "-4m", none, r);
            }));
        }
        cs.add(new Lazy("tiny-autograd", () -> {
            Tensor small = Torch.ones(1).requiresGrad_(true);
            return new Case("tiny-autograd", none, () -> small.mul(2).add(1).sum().backward());
        }));
        return cs;
    }

    @SuppressWarnings("unused")
    private static String str(double[] v) { return Arrays.toString(v); }
}
