package dev.kindling.bench;

import static dev.kindling.bench.Inputs.k;
import static dev.kindling.bench.Inputs.numel;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.models.LeNet5;
import dev.kindling.models.MLP;
import dev.kindling.models.ResNet;
import dev.kindling.nn.BatchNorm2d;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Module;
import dev.kindling.optim.SGD;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Workloads on {@code dev.kindling.nn}, {@code dev.kindling.optim} and {@code dev.kindling.models}:
 * batch norm, one training step (zero grads, forward, cross-entropy, backward, SGD with momentum)
 * of the MLP and of LeNet-5, and a ResNet-18 forward.
 *
 * <p>The Kindling side is written as a user writes it: the models of {@code dev.kindling.models},
 * {@link CrossEntropyLoss} and {@link SGD}. The libtorch side is built from hand-made tensors
 * holding the Kindling model's initial parameters and buffers (so both start from the same
 * point), libtorch's functional ops, and libtorch's own C++ {@code torch::optim::SGD}; see
 * {@link #TOL_TRAINING} for the training checks.
 */
final class Networks {
    private Networks() {}

    static final double LR = 0.01, MOMENTUM = 0.9;

    /**
     * Tolerance of the training checks. They compare two steps (the second one exercises the
     * momentum buffer): the losses, the second step's gradients, and each parameter's total
     * change. A change is a difference of float32 parameters, so it carries their rounding
     * (about 1e-8 for weights near 0.1) on changes of about 1e-5; a wrong update rule is off by
     * far more.
     */
    static final double TOL_TRAINING = 1e-3;

    /** BatchNorm2d(64) forward in training mode on [32,64,32,32] (running statistics updated). */
    static Workload batchNorm() {
        int[] xs = {32, 64, 32, 32};
        return Workloads.of("batchnorm2d", "batch norm 2d [32,64,32,32], training", Workload.Unit.MS, 0, Workload.Target.NONE,
                Workloads.TOL_ELEMENTWISE, in -> {
            float[] x = in.uniform(numel(xs), -1, 1);
            Tensor kx = k(x, xs);
            BatchNorm2d bn = new BatchNorm2d(64);
            bn.train();
            float[] w = bn.weight().detach().toFloatArray(), b = bn.bias().detach().toFloatArray();
            Side kindling = new Side() {
                @Override public void run() { Sink.last = bn.forward(kx); }

                @Override public List<Part> check() {
                    Tensor y = bn.forward(kx);
                    return Side.parts("output", y, "running mean", bn.runningMean(), "running var", bn.runningVar());
                }
            };
            return new Workload.Sides(kindling, () -> {
                var lx = Lt.floats(x, xs);
                var lw = Lt.param(w, 64);
                var lb = Lt.param(b, 64);
                var rm = Lt.floats(new float[64], 64);
                var rv = Lt.floats(Torch.ones(64).toFloatArray(), 64);
                return new Side.Libtorch() {
                    @Override protected void body() {
                        torch.batch_norm(lx, Lt.opt(lw), Lt.opt(lb), Lt.opt(rm), Lt.opt(rv), true, 0.1, 1e-5, false);
                    }

                    @Override protected List<Part> checkBody() {
                        var y = torch.batch_norm(lx, Lt.opt(lw), Lt.opt(lb), Lt.opt(rm), Lt.opt(rv), true, 0.1, 1e-5, false);
                        return Side.parts("output", y, "running mean", rm, "running var", rv);
                    }
                };
            });
        });
    }

    /** MLP 784-512-256-10, batch 128: one training step. */
    static Workload mlpStep() {
        return step("mlp-step", "MLP 784-512-256-10 b128 training step (CE, SGD momentum)",
                Workload.Target.ratio(1.0, "issues 4 and 7"), new int[] {128, 784},
                () -> new MLP(784, 512, 256, 10),
                (x, p) -> {
                    var h = torch.linear(x, p.get(0), p.get(1)).relu();
                    h = torch.linear(h, p.get(2), p.get(3)).relu();
                    return torch.linear(h, p.get(4), p.get(5));
                });
    }

    /**
     * {@link LeNet5} on Fashion-MNIST-sized input [64,1,28,28]: conv 5×5 (6, padding 2), ReLU,
     * max-pool 2, conv 5×5 (16), ReLU, max-pool 2, then 400-120-84-10 with ReLUs.
     */
    static Workload cnnStep() {
        long[] one = {1, 1}, two = {2, 2}, zero = {0, 0};
        return step("cnn-step", "LeNet-5 training step, [64,1,28,28] (CE, SGD momentum)", Workload.Target.ratio(1.2, Workloads.ISSUE_7),
                new int[] {64, 1, 28, 28}, LeNet5::new,
                (x, p) -> {
                    var h = torch.conv2d(x, p.get(0), Lt.opt(p.get(1)), one, two, one, 1).relu();
                    h = torch.max_pool2d(h, two, two, zero, one, false);
                    h = torch.conv2d(h, p.get(2), Lt.opt(p.get(3)), one, zero, one, 1).relu();
                    h = torch.max_pool2d(h, two, two, zero, one, false).flatten(1, -1);
                    h = torch.linear(h, p.get(4), p.get(5)).relu();
                    h = torch.linear(h, p.get(6), p.get(7)).relu();
                    return torch.linear(h, p.get(8), p.get(9));
                });
    }

    /**
     * A training step: Kindling with the model {@code build} makes, {@link CrossEntropyLoss} and
     * {@link SGD}; libtorch with {@code forward} over copies of that model's initial parameters.
     */
    static Workload step(String id, String title, Workload.Target target, int[] inputShape,
                         java.util.function.Supplier<Module> build,
                         BiFunction<org.bytedeco.pytorch.Tensor, List<org.bytedeco.pytorch.Tensor>, org.bytedeco.pytorch.Tensor> forward) {
        return Workloads.of(id, title, Workload.Unit.MS, 0, target, TOL_TRAINING, in -> {
            int batch = inputShape[0];
            float[] x = in.uniform(numel(inputShape), 0, 1);
            long[] t = in.classes(batch, 10);
            Torch.manualSeed(id.hashCode());
            Module net = build.get();
            List<Tensor> params = net.parameters();
            List<float[]> initial = new ArrayList<>();
            for (Tensor p : params) initial.add(p.detach().toFloatArray());
            Tensor kx = k(x, inputShape), kt = k(t, batch);
            CrossEntropyLoss lossFn = new CrossEntropyLoss();
            SGD opt = new SGD(params, LR).momentum(MOMENTUM);
            Side kindling = new Side() {
                private Tensor step() {
                    opt.zeroGrad();
                    Tensor loss = lossFn.forward(net.forward(kx), kt);
                    loss.backward();
                    opt.step();
                    return loss;
                }

                @Override public void run() { Sink.last = step().item(); }

                @Override public List<Part> check() {
                    List<Part> parts = new ArrayList<>();
                    parts.add(new Part("loss 1", Side.values(step())));
                    parts.add(new Part("loss 2", Side.values(step())));
                    for (int i = 0; i < params.size(); i++) parts.add(new Part("grad 2 of param " + i, Side.values(params.get(i).grad())));
                    for (int i = 0; i < params.size(); i++) parts.add(new Part("update of param " + i, delta(params.get(i), initial.get(i))));
                    return parts;
                }
            };
            return new Workload.Sides(kindling, () -> {
                List<org.bytedeco.pytorch.Tensor> lp = new ArrayList<>();
                for (int i = 0; i < params.size(); i++) lp.add(Lt.param(initial.get(i), params.get(i).shape()));
                var lx = Lt.floats(x, inputShape);
                var lt = Lt.longs(t, batch);
                SGDOptions options = new SGDOptions(LR);
                options.momentum().put(MOMENTUM);
                org.bytedeco.pytorch.SGD lopt = new org.bytedeco.pytorch.SGD(new TensorVector(lp.toArray(new org.bytedeco.pytorch.Tensor[0])), options);
                return new Side.Libtorch() {
                    private org.bytedeco.pytorch.Tensor step() {
                        lopt.zero_grad();
                        var loss = torch.nll_loss(torch.log_softmax(forward.apply(lx, lp), 1), lt);
                        loss.backward();
                        lopt.step();
                        return loss;
                    }

                    @Override protected void body() { step().item_float(); }

                    @Override protected List<Part> checkBody() {
                        List<Part> parts = new ArrayList<>();
                        parts.add(new Part("loss 1", Lt.values(step())));
                        parts.add(new Part("loss 2", Lt.values(step())));
                        for (int i = 0; i < lp.size(); i++) parts.add(new Part("grad 2 of param " + i, Lt.values(lp.get(i).grad())));
                        for (int i = 0; i < lp.size(); i++) {
                            double[] now = Lt.values(lp.get(i));
                            float[] before = initial.get(i);
                            for (int j = 0; j < now.length; j++) now[j] -= before[j];
                            parts.add(new Part("update of param " + i, now));
                        }
                        return parts;
                    }
                };
            });
        });
    }

    /**
     * {@link ResNet#resnet18()} forward in evaluation mode without autograd (as inference runs),
     * on [8,3,224,224]. libtorch runs the same network from the model's parameters and buffers
     * with its functional ops ({@code conv2d}, {@code batch_norm} in evaluation mode,
     * {@code max_pool2d}, {@code adaptive_avg_pool2d}, {@code linear}); its tensors do not require
     * grad, so it records no graph either.
     */
    static Workload resnet18() {
        int[] xs = {8, 3, 224, 224};
        double flops = 8 * 2 * 1.814e9;
        return Workloads.of("resnet18-fwd", "ResNet-18 forward, [8,3,224,224], eval, no grad", Workload.Unit.MS, flops,
                Workload.Target.NONE, Workloads.TOL_PRODUCT, in -> {
            float[] x = in.uniform(numel(xs), -1, 1);
            Torch.manualSeed(18);
            ResNet net = ResNet.resnet18();
            net.eval();
            Tensor kx = k(x, xs);
            Map<String, float[]> state = new HashMap<>();
            Map<String, int[]> shapes = new HashMap<>();
            net.stateDict().forEach((name, t) -> {
                if (t.isFloatingPoint()) {
                    state.put(name, t.detach().toFloatArray());
                    shapes.put(name, t.shape());
                }
            });
            Side kindling = new Side() {
                @SuppressWarnings("try") // inference: no graph is recorded inside the scope
                private Tensor forward() {
                    try (var g = Torch.noGrad()) {
                        return net.forward(kx);
                    }
                }

                @Override public void run() { Sink.last = forward(); }

                @Override public List<Part> check() { return Side.parts("logits", forward()); }
            };
            return new Workload.Sides(kindling, () -> {
                Map<String, org.bytedeco.pytorch.Tensor> p = new HashMap<>();
                state.forEach((name, v) -> p.put(name, Lt.floats(v, shapes.get(name))));
                var lx = Lt.floats(x, xs);
                return new Side.Libtorch() {
                    @Override protected void body() { LtResNet.forward(lx, p); }

                    @Override protected List<Part> checkBody() { return Side.parts("logits", LtResNet.forward(lx, p)); }
                };
            });
        });
    }

    /** ResNet-18 (torchvision's layout and names) on libtorch's functional ops. */
    static final class LtResNet {
        private LtResNet() {}

        static final long[] ONE = {1, 1}, TWO = {2, 2}, ZERO = {0, 0}, THREE = {3, 3};

        static org.bytedeco.pytorch.Tensor forward(org.bytedeco.pytorch.Tensor x, Map<String, org.bytedeco.pytorch.Tensor> p) {
            var h = torch.conv2d(x, p.get("conv1.weight"), Lt.opt(null), TWO, THREE, ONE, 1);
            h = bn(h, p, "bn1").relu();
            h = torch.max_pool2d(h, THREE, TWO, ONE, ONE, false);
            for (int layer = 1; layer <= 4; layer++) {
                for (int block = 0; block < 2; block++) {
                    String b = "layer" + layer + "." + block + ".";
                    long s = layer > 1 && block == 0 ? 2 : 1;
                    var out = torch.conv2d(h, p.get(b + "conv1.weight"), Lt.opt(null), new long[] {s, s}, ONE, ONE, 1);
                    out = bn(out, p, b + "bn1").relu();
                    out = bn(torch.conv2d(out, p.get(b + "conv2.weight"), Lt.opt(null), ONE, ONE, ONE, 1), p, b + "bn2");
                    var identity = h;
                    if (p.containsKey(b + "downsample.0.weight")) {
                        identity = bn(torch.conv2d(h, p.get(b + "downsample.0.weight"), Lt.opt(null), new long[] {s, s}, ZERO, ONE, 1),
                                p, b + "downsample.1");
                    }
                    h = out.add(identity).relu();
                }
            }
            h = torch.adaptive_avg_pool2d(h, 1, 1).flatten(1, -1);
            return torch.linear(h, p.get("fc.weight"), p.get("fc.bias"));
        }

        static org.bytedeco.pytorch.Tensor bn(org.bytedeco.pytorch.Tensor h, Map<String, org.bytedeco.pytorch.Tensor> p, String name) {
            return torch.batch_norm(h, Lt.opt(p.get(name + ".weight")), Lt.opt(p.get(name + ".bias")), Lt.opt(p.get(name + ".running_mean")),
                    Lt.opt(p.get(name + ".running_var")), false, 0.1, 1e-5, false);
        }
    }

    /** A parameter's change from its initial values. */
    static double[] delta(Tensor param, float[] initial) {
        double[] now = Side.values(param);
        for (int j = 0; j < now.length; j++) now[j] -= initial[j];
        return now;
    }
}
