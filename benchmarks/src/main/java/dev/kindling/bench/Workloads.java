package dev.kindling.bench;

import static dev.kindling.bench.Inputs.bound;
import static dev.kindling.bench.Inputs.k;
import static dev.kindling.bench.Inputs.numel;
import static dev.kindling.bench.Workload.Target;
import static dev.kindling.bench.Workload.Unit;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The workloads of issue 7 (with the performance goals of issues 2 to 5), in table order. Each
 * builds its Kindling side with Kindling's public API and its libtorch side with the same inputs
 * through {@link Lt}; workloads whose Kindling API is not in the library yet are entries with a
 * reason instead of a factory.
 *
 * <p>Inputs are uniform in [-1, 1) unless a comment says otherwise; weights and biases are
 * uniform in ±1/sqrt(fan_in), PyTorch's default initialisation range.
 */
final class Workloads {
    private Workloads() {}

    /** Loose enough for float32 sums of thousands of products computed in different orders. */
    static final double TOL_PRODUCT = 1e-4;
    /** For results each computed from a few operations per element. */
    static final double TOL_ELEMENTWISE = 1e-5;

    static final String ISSUE_7 = "issue 7";

    static List<Workload> all() {
        List<Workload> w = new ArrayList<>();
        for (int n : new int[] {256, 512, 1024, 2048}) w.add(sgemm(n));
        w.add(addAllocating());
        w.add(addInPlace());
        w.add(relu());
        w.add(sum());
        w.add(softmax());
        w.add(crossEntropy());
        w.add(conv("conv-3-fwd", 3, false));
        w.add(conv("conv-3-fwdbwd", 3, true));
        w.add(conv("conv-64-fwd", 64, false));
        w.add(conv("conv-64-fwdbwd", 64, true));
        w.add(maxPool());
        w.add(Networks.batchNorm());
        w.add(addOneElement());
        w.add(tinyAutograd());
        w.add(Mlp.backward());
        w.add(Mlp.backwardMatmuls());
        w.add(Networks.mlpStep());
        w.add(Networks.cnnStep());
        w.add(Networks.resnet18());
        return w;
    }

    static Workload missing(String id, String title, Unit unit, String reason) {
        return new Workload(id, title, unit, 0, Target.NONE, 0, null, reason);
    }

    static Workload of(String id, String title, Unit unit, double flops, Target target, double tol,
                       Function<Inputs, Workload.Sides> factory) {
        return new Workload(id, title, unit, flops, target, tol, factory, null);
    }

    // ---------------------------------------------------------------------------------------
    // Matrix products and elementwise ops
    // ---------------------------------------------------------------------------------------

    static Workload sgemm(int n) {
        Target target = n == 1024 ? Target.ratio(1.1, "issues 2 and 7").gflops(100) : Target.NONE;
        return of("sgemm-" + n, "sgemm " + n + "×" + n + " · " + n + "×" + n, Unit.MS, 2.0 * n * n * n, target, TOL_PRODUCT, in -> {
            float[] a = in.uniform(n * n, -1, 1), b = in.uniform(n * n, -1, 1);
            Tensor ka = k(a, n, n), kb = k(b, n, n);
            return new Workload.Sides(Side.kindling(() -> ka.matmul(kb)), () -> {
                var la = Lt.floats(a, n, n);
                var lb = Lt.floats(b, n, n);
                return Side.libtorch(() -> la.mm(lb));
            });
        });
    }

    static final int M16 = 16 << 20;

    static Workload addAllocating() {
        return of("add-16m", "add 16M, allocating", Unit.MS, 0, Target.ratio(0.5, "issues 2 and 7").time(20),
                TOL_ELEMENTWISE, in -> {
            float[] a = in.uniform(M16, -1, 1), b = in.uniform(M16, -1, 1);
            Tensor ka = k(a, M16), kb = k(b, M16);
            return new Workload.Sides(Side.kindling(() -> ka.add(kb)), () -> {
                var la = Lt.floats(a, M16);
                var lb = Lt.floats(b, M16);
                return Side.libtorch(() -> la.add(lb));
            });
        });
    }

    static Workload addInPlace() {
        return of("add-16m-inplace", "add_ 16M, in place", Unit.MS, 0, Target.NONE, TOL_ELEMENTWISE, in -> {
            float[] a = in.uniform(M16, -1, 1), b = in.uniform(M16, -1, 1);
            Tensor ka = k(a, M16), kb = k(b, M16);
            return new Workload.Sides(Side.kindling(() -> ka.add_(kb)), () -> {
                var la = Lt.floats(a, M16);
                var lb = Lt.floats(b, M16);
                return Side.libtorch(() -> la.add_(lb));
            });
        });
    }

    static Workload relu() {
        return of("relu-16m", "relu 16M", Unit.MS, 0, Target.NONE, TOL_ELEMENTWISE, in -> {
            float[] a = in.uniform(M16, -1, 1);
            Tensor ka = k(a, M16);
            return new Workload.Sides(Side.kindling(ka::relu), () -> {
                var la = Lt.floats(a, M16);
                return Side.libtorch(la::relu);
            });
        });
    }

    /** Inputs in [0, 1), so the sum has no cancellation and a relative check is meaningful. */
    static Workload sum() {
        return of("sum-16m", "sum 16M", Unit.MS, 0, Target.ratio(1.0, "issues 2 and 7").time(4), TOL_ELEMENTWISE, in -> {
            float[] a = in.uniform(M16, 0, 1);
            Tensor ka = k(a, M16);
            return new Workload.Sides(Side.kindling(ka::sum), () -> {
                var la = Lt.floats(a, M16);
                return Side.libtorch(la::sum);
            });
        });
    }

    /** Logits in [-4, 4). */
    static Workload softmax() {
        return of("softmax", "softmax [4096,1024], dim 1", Unit.MS, 0, Target.ratio(1.0, ISSUE_7), TOL_ELEMENTWISE, in -> {
            float[] a = in.uniform(4096 * 1024, -4, 4);
            Tensor ka = k(a, 4096, 1024);
            return new Workload.Sides(Side.kindling(() -> ka.softmax(1)), () -> {
                var la = Lt.floats(a, 4096, 1024);
                return Side.libtorch(() -> la.softmax(1));
            });
        });
    }

    /** log_softmax then the mean negative log likelihood of int64 targets; logits in [-4, 4). */
    static Workload crossEntropy() {
        int n = 4096, c = 1000;
        return of("cross-entropy", "log_softmax + nll [4096,1000]", Unit.MS, 0, Target.NONE, TOL_ELEMENTWISE, in -> {
            float[] x = in.uniform(n * c, -4, 4);
            long[] t = in.classes(n, c);
            Tensor kx = k(x, n, c), kt = k(t, n);
            return new Workload.Sides(Side.kindling(() -> F.nllLoss(kx.logSoftmax(1), kt)), () -> {
                var lx = Lt.floats(x, n, c);
                var lt = Lt.longs(t, n);
                return Side.libtorch(() -> torch.nll_loss(torch.log_softmax(lx, 1), lt));
            });
        });
    }

    // ---------------------------------------------------------------------------------------
    // Convolution and pooling
    // ---------------------------------------------------------------------------------------

    static final int[] ONE = {1, 1}, PAD1 = {1, 1}, ZERO = {0, 0};

    /**
     * conv2d [32,cin,32,32] → 64 channels, 3×3, padding 1, with bias. With backward, the weight
     * and bias gradients are computed and, for the 64-channel input (a middle layer), the input
     * gradient too; the first layer (3 channels) needs none, as in a network.
     */
    static Workload conv(String id, int cin, boolean backward) {
        int n = 32, cout = 64, h = 32, w = 32;
        int[] xs = {n, cin, h, w}, ws = {cout, cin, 3, 3}, os = {n, cout, h, w};
        boolean inputGrad = backward && cin > 3;
        double fwdFlops = 2.0 * n * cout * h * w * cin * 9;
        double flops = backward ? fwdFlops * (inputGrad ? 3 : 2) : fwdFlops;
        String title = "conv2d [32," + cin + ",32,32]→64 3×3 " + (backward ? "forward+backward" : "forward");
        Target target = backward ? Target.ratio(1.3, ISSUE_7) : Target.NONE;
        return of(id, title, Unit.MS, flops, target, TOL_PRODUCT, in -> {
            double bw = bound(cin * 9);
            float[] x = in.uniform(numel(xs), -1, 1), wt = in.uniform(numel(ws), -bw, bw), b = in.uniform(cout, -bw, bw);
            float[] g = in.uniform(numel(os), -1, 1);
            Tensor kx = k(x, xs), kw = k(wt, ws), kb = k(b, cout), kg = k(g, os);
            if (!backward) {
                return new Workload.Sides(Side.kindling(() -> Torch.conv2d(kx, kw, kb, ONE, PAD1, ONE, 1)), () -> {
                    var lx = Lt.floats(x, xs);
                    var lw = Lt.floats(wt, ws);
                    var lb = Lt.floats(b, cout);
                    return Side.libtorch(() -> torch.conv2d(lx, lw, Lt.opt(lb), Lt.dims(ONE), Lt.dims(PAD1), Lt.dims(ONE), 1));
                });
            }
            kw.requiresGrad_(true);
            kb.requiresGrad_(true);
            if (inputGrad) kx.requiresGrad_(true);
            Side kindling = new Side() {
                @Override public void run() {
                    kw.setGrad(null);
                    kb.setGrad(null);
                    kx.setGrad(null);
                    Torch.conv2d(kx, kw, kb, ONE, PAD1, ONE, 1).backward(kg);
                }

                @Override public List<Part> check() {
                    run();
                    return inputGrad ? Side.parts("weight grad", kw.grad(), "bias grad", kb.grad(), "input grad", kx.grad())
                            : Side.parts("weight grad", kw.grad(), "bias grad", kb.grad());
                }
            };
            return new Workload.Sides(kindling, () -> {
                var lx = Lt.floats(x, xs);
                var lw = Lt.param(wt, ws);
                var lb = Lt.param(b, cout);
                var lg = Lt.floats(g, os);
                if (inputGrad) lx.requires_grad_(true);
                return new Side.Libtorch() {
                    @Override protected void body() {
                        Lt.clearGrad(lw);
                        Lt.clearGrad(lb);
                        Lt.clearGrad(lx);
                        torch.conv2d(lx, lw, Lt.opt(lb), Lt.dims(ONE), Lt.dims(PAD1), Lt.dims(ONE), 1)
                                .backward(lg, new BoolOptional(), false, new TensorArrayRefOptional());
                    }

                    @Override protected List<Part> checkBody() {
                        body();
                        return inputGrad ? Side.parts("weight grad", lw.grad(), "bias grad", lb.grad(), "input grad", lx.grad())
                                : Side.parts("weight grad", lw.grad(), "bias grad", lb.grad());
                    }
                };
            });
        });
    }

    /** max_pool2d 2×2, stride 2, on [32,64,32,32]. */
    static Workload maxPool() {
        int[] xs = {32, 64, 32, 32}, kernel = {2, 2};
        return of("maxpool", "max_pool2d [32,64,32,32] 2×2 stride 2", Unit.MS, 0, Target.NONE, 0, in -> {
            float[] x = in.uniform(numel(xs), -1, 1);
            Tensor kx = k(x, xs);
            return new Workload.Sides(Side.kindling(() -> Torch.maxPool2d(kx, kernel, kernel, ZERO, ONE, false)), () -> {
                var lx = Lt.floats(x, xs);
                return Side.libtorch(() -> torch.max_pool2d(lx, Lt.dims(kernel), Lt.dims(kernel), Lt.dims(ZERO), Lt.dims(ONE), false));
            });
        });
    }

    // ---------------------------------------------------------------------------------------
    // Per-op and autograd overhead
    // ---------------------------------------------------------------------------------------

    static Workload addOneElement() {
        return of("add-1", "add, 1 element (per-op overhead)", Unit.US, 0, Target.ratio(0.1, "issues 2 and 7").time(0.2),
                TOL_ELEMENTWISE, in -> {
            float[] a = in.uniform(1, -1, 1), b = in.uniform(1, -1, 1);
            Tensor ka = k(a, 1), kb = k(b, 1);
            return new Workload.Sides(Side.kindling(() -> ka.add(kb)), () -> {
                var la = Lt.floats(a, 1);
                var lb = Lt.floats(b, 1);
                return Side.libtorch(() -> la.add(lb));
            });
        });
    }

    /** {@code (x*2+1).sum().backward()} on a 1-element leaf; its gradient accumulates. */
    static Workload tinyAutograd() {
        return of("tiny-autograd", "tiny autograd step (x*2+1).sum().backward()", Unit.US, 0,
                Target.ratio(0.1, "issues 3 and 7").time(5), TOL_ELEMENTWISE, in -> {
            float[] x = in.uniform(1, -1, 1);
            Tensor kx = k(x, 1).requiresGrad_(true);
            Side kindling = new Side() {
                @Override public void run() { kx.mul(2).add(1).sum().backward(); }

                @Override public List<Part> check() {
                    run();
                    return Side.parts("x.grad", kx.grad());
                }
            };
            return new Workload.Sides(kindling, () -> {
                var lx = Lt.param(x, 1);
                Scalar two = Lt.scalar(2), one = Lt.scalar(1);
                return new Side.Libtorch() {
                    @Override protected void body() { lx.mul(two).add(one).sum().backward(); }

                    @Override protected List<Part> checkBody() {
                        body();
                        return Side.parts("x.grad", lx.grad());
                    }
                };
            });
        });
    }
}
