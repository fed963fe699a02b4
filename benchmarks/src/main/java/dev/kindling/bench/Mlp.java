package dev.kindling.bench;

import static dev.kindling.bench.Inputs.bound;
import static dev.kindling.bench.Inputs.k;

import dev.kindling.Tensor;
import dev.kindling.nn.functional.F;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.global.torch;

/**
 * The backward pass of a 784-512-256-10 MLP (ReLU, cross-entropy) at batch 128, and, to measure
 * the autograd engine's overhead, the five matrix products that backward runs, timed alone.
 *
 * <p>The forward uses {@code F.linear} ({@code bias.addmm(x, weight.t())}), {@code relu} and
 * {@code F.crossEntropy}; libtorch uses {@code torch::linear}, {@code relu}, {@code log_softmax} and
 * {@code nll_loss}. The backward workload prepares a fresh forward graph before each iteration,
 * untimed, and times {@code loss.backward()} alone.
 *
 * <p>For a layer {@code y = b + x·Wᵀ}, {@code mm}'s backward computes {@code g·W} (the input's
 * gradient) and {@code xᵀ·g} (the weight's, transposed); the first layer's input needs no
 * gradient. So the backward runs {@code g3·W3}, {@code h2ᵀ·g3}, {@code g2·W2}, {@code h1ᵀ·g2} and
 * {@code xᵀ·g1}: the matmul workload runs exactly these shapes and transposes.
 */
final class Mlp {
    private Mlp() {}

    static final int BATCH = 128, IN = 784, H1 = 512, H2 = 256, OUT = 10;
    static final int[][] LAYERS = {{H1, IN}, {H2, H1}, {OUT, H2}};

    /** Parameters (weight, bias per layer) drawn in PyTorch's default ranges. */
    static float[][] parameters(Inputs in) {
        float[][] p = new float[2 * LAYERS.length][];
        for (int l = 0; l < LAYERS.length; l++) {
            int out = LAYERS[l][0], fanIn = LAYERS[l][1];
            double b = bound(fanIn);
            p[2 * l] = in.uniform(out * fanIn, -b, b);
            p[2 * l + 1] = in.uniform(out, -b, b);
        }
        return p;
    }

    static int[] shape(int param) { return param % 2 == 0 ? LAYERS[param / 2] : new int[] {LAYERS[param / 2][0]}; }

    /** Kindling's forward: logits of x through the three layers. */
    static Tensor forward(Tensor x, List<Tensor> p) {
        Tensor h = x;
        for (int l = 0; l < LAYERS.length; l++) {
            h = F.linear(h, p.get(2 * l), p.get(2 * l + 1));
            if (l < LAYERS.length - 1) h = h.relu();
        }
        return h;
    }

    /** libtorch's forward, with {@code torch::linear}. */
    static org.bytedeco.pytorch.Tensor forward(org.bytedeco.pytorch.Tensor x, List<org.bytedeco.pytorch.Tensor> p) {
        org.bytedeco.pytorch.Tensor h = x;
        for (int l = 0; l < LAYERS.length; l++) {
            h = torch.linear(h, p.get(2 * l), p.get(2 * l + 1));
            if (l < LAYERS.length - 1) h = h.relu();
        }
        return h;
    }

    static Workload backward() {
        return Workloads.of("mlp-backward", "MLP 784-512-256-10 b128 backward only", Workload.Unit.MS, 0,
                Workload.Target.overhead(0.10, "issue 3"),
                Workloads.TOL_PRODUCT, in -> {
            float[][] params = parameters(in);
            float[] x = in.uniform(BATCH * IN, 0, 1);
            long[] t = in.classes(BATCH, OUT);
            List<Tensor> kp = new ArrayList<>();
            for (int i = 0; i < params.length; i++) kp.add(k(params[i], shape(i)).requiresGrad_(true));
            Tensor kx = k(x, BATCH, IN), kt = k(t, BATCH);
            Side kindling = new Side() {
                private Tensor loss;

                @Override public boolean hasPrepare() { return true; }

                @Override public void prepare() {
                    for (Tensor p : kp) p.setGrad(null);
                    loss = F.crossEntropy(forward(kx, kp), kt);
                }

                @Override public void run() { loss.backward(); }

                @Override public List<Part> check() {
                    prepare();
                    run();
                    List<Part> parts = new ArrayList<>(Side.parts("loss", loss));
                    for (int i = 0; i < kp.size(); i++) parts.add(new Part("grad " + i, Side.values(kp.get(i).grad())));
                    return parts;
                }
            };
            return new Workload.Sides(kindling, () -> {
                List<org.bytedeco.pytorch.Tensor> lp = new ArrayList<>();
                for (int i = 0; i < params.length; i++) lp.add(Lt.param(params[i], shape(i)));
                var lx = Lt.floats(x, BATCH, IN);
                var lt = Lt.longs(t, BATCH);
                return new Side.Libtorch() {
                    private org.bytedeco.pytorch.Tensor loss;

                    @Override public boolean hasPrepare() { return true; }

                    @Override protected void prepareBody() {
                        for (var p : lp) Lt.clearGrad(p);
                        loss = torch.nll_loss(torch.log_softmax(forward(lx, lp), 1), lt);
                    }

                    @Override protected void body() {
                        loss.backward();
                        loss = null;
                    }

                    @Override protected List<Part> checkBody() {
                        List<Part> parts = new ArrayList<>(Side.parts("loss", loss));
                        body();
                        for (int i = 0; i < lp.size(); i++) parts.add(new Part("grad " + i, Lt.values(lp.get(i).grad())));
                        return parts;
                    }
                };
            });
        });
    }

    /** The five products of the backward above, with the same shapes and transposed views. */
    static Workload backwardMatmuls() {
        return Workloads.of("mlp-backward-mm", "  its 5 matmuls alone", Workload.Unit.MS, 0, Workload.Target.NONE,
                Workloads.TOL_PRODUCT, in -> {
            float[] g3 = in.uniform(BATCH * OUT, -1, 1), w3 = in.uniform(OUT * H2, -1, 1), h2 = in.uniform(BATCH * H2, 0, 1);
            float[] g2 = in.uniform(BATCH * H2, -1, 1), w2 = in.uniform(H2 * H1, -1, 1), h1 = in.uniform(BATCH * H1, 0, 1);
            float[] g1 = in.uniform(BATCH * H1, -1, 1), x = in.uniform(BATCH * IN, 0, 1);
            Tensor kg3 = k(g3, BATCH, OUT), kw3 = k(w3, OUT, H2), kh2 = k(h2, BATCH, H2);
            Tensor kg2 = k(g2, BATCH, H2), kw2 = k(w2, H2, H1), kh1 = k(h1, BATCH, H1);
            Tensor kg1 = k(g1, BATCH, H1), kx = k(x, BATCH, IN);
            Side kindling = new Side() {
                private Tensor[] products() {
                    return new Tensor[] {kg3.mm(kw3), kh2.t().mm(kg3), kg2.mm(kw2), kh1.t().mm(kg2), kx.t().mm(kg1)};
                }

                @Override public void run() { Sink.last = products(); }

                @Override public List<Part> check() {
                    List<Part> parts = new ArrayList<>();
                    for (Tensor p : products()) parts.add(new Part("product " + parts.size(), Side.values(p)));
                    return parts;
                }
            };
            return new Workload.Sides(kindling, () -> {
                var lg3 = Lt.floats(g3, BATCH, OUT);
                var lw3 = Lt.floats(w3, OUT, H2);
                var lh2 = Lt.floats(h2, BATCH, H2);
                var lg2 = Lt.floats(g2, BATCH, H2);
                var lw2 = Lt.floats(w2, H2, H1);
                var lh1 = Lt.floats(h1, BATCH, H1);
                var lg1 = Lt.floats(g1, BATCH, H1);
                var lx = Lt.floats(x, BATCH, IN);
                return new Side.Libtorch() {
                    private org.bytedeco.pytorch.Tensor[] products() {
                        return new org.bytedeco.pytorch.Tensor[] {lg3.mm(lw3), lh2.t().mm(lg3), lg2.mm(lw2), lh1.t().mm(lg2), lx.t().mm(lg1)};
                    }

                    @Override protected void body() { products(); }

                    @Override protected List<Part> checkBody() {
                        List<Part> parts = new ArrayList<>();
                        for (var p : products()) parts.add(new Part("product " + parts.size(), Lt.values(p)));
                        return parts;
                    }
                };
            });
        });
    }
}
