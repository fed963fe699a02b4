package dev.kindling.optim;

import dev.kindling.DType;
import dev.kindling.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SGD, Adam, AdamW, RMSprop and Adagrad against libtorch 2.10's C++ optimizers
 * ({@code torch::optim}, through org.bytedeco.pytorch) on {@link Trajectory}'s problem: the same
 * starting values, the same value-dependent gradients, twelve steps, compared after every step.
 *
 * <p>libtorch's C++ optimizers use {@code mul_(beta).add_(g, 1 - beta)} where PyTorch's Python
 * code (and Kindling) use {@code lerp_}, so the two agree to rounding, not bit for bit: FLOAT64
 * trajectories within 1e-12 relative, FLOAT32 ones within 1e-5. The C++ API has no
 * {@code maximize} and no {@code decoupled_weight_decay} for Adam; those options are covered by
 * {@link OptimizerReferenceTest}.
 */
class OptimizerLibtorchTest {
    private static final double F64_RTOL = 1e-12, F64_ATOL = 1e-14;
    private static final double F32_RTOL = 1e-5, F32_ATOL = 1e-6;

    private PointerScope scope;

    @BeforeAll
    static void loadLibtorch() {
        torch.manual_seed(0); // loads the natives once for the class
    }

    @BeforeEach
    void openScope() { scope = new PointerScope(); }

    @AfterEach
    void closeScope() { scope.close(); }

    /** Builds a libtorch optimizer over the given parameters. */
    interface TorchOptimizerFactory {
        org.bytedeco.pytorch.Optimizer make(TensorVector params);
    }

    private static Arguments c(String name, Function<List<Tensor>, Optimizer> kindling, TorchOptimizerFactory libtorch) {
        return Arguments.of(name, kindling, libtorch);
    }

    private static org.bytedeco.pytorch.SGD sgd(TensorVector p, double lr, double momentum, double dampening, double wd, boolean nesterov) {
        var o = new org.bytedeco.pytorch.SGDOptions(lr);
        o.momentum().put(momentum);
        o.dampening().put(dampening);
        o.weight_decay().put(wd);
        o.nesterov().put(nesterov);
        return new org.bytedeco.pytorch.SGD(p, o);
    }

    private static org.bytedeco.pytorch.Adam adam(TensorVector p, double lr, double b1, double b2, double eps, double wd, boolean ams) {
        var o = new org.bytedeco.pytorch.AdamOptions(lr);
        // std::tuple<double, double> is laid out last element first
        o.betas().put(0, b2).put(1, b1);
        o.eps().put(eps);
        o.weight_decay().put(wd);
        o.amsgrad().put(ams);
        return new org.bytedeco.pytorch.Adam(p, o);
    }

    private static org.bytedeco.pytorch.AdamW adamW(TensorVector p, double lr, double b1, double b2, double wd, boolean ams) {
        var o = new org.bytedeco.pytorch.AdamWOptions(lr);
        o.betas().put(0, b2).put(1, b1);
        o.weight_decay().put(wd);
        o.amsgrad().put(ams);
        return new org.bytedeco.pytorch.AdamW(p, o);
    }

    private static org.bytedeco.pytorch.RMSprop rmsprop(TensorVector p, double lr, double alpha, double eps, double wd, double momentum,
                                                        boolean centered) {
        var o = new org.bytedeco.pytorch.RMSpropOptions(lr);
        o.alpha().put(alpha);
        o.eps().put(eps);
        o.weight_decay().put(wd);
        o.momentum().put(momentum);
        o.centered().put(centered);
        return new org.bytedeco.pytorch.RMSprop(p, o);
    }

    private static org.bytedeco.pytorch.Adagrad adagrad(TensorVector p, double lr, double lrDecay, double wd, double init, double eps) {
        var o = new org.bytedeco.pytorch.AdagradOptions(lr);
        o.lr_decay().put(lrDecay);
        o.weight_decay().put(wd);
        o.initial_accumulator_value().put(init);
        o.eps().put(eps);
        return new org.bytedeco.pytorch.Adagrad(p, o);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("SGD", p -> new SGD(p, 0.1), p -> sgd(p, 0.1, 0, 0, 0, false)),
                c("SGD momentum", p -> new SGD(p, 0.1).momentum(0.9), p -> sgd(p, 0.1, 0.9, 0, 0, false)),
                c("SGD momentum dampening weight decay", p -> new SGD(p, 0.1).momentum(0.8).dampening(0.3).weightDecay(0.05),
                        p -> sgd(p, 0.1, 0.8, 0.3, 0.05, false)),
                c("SGD nesterov weight decay", p -> new SGD(p, 0.05).momentum(0.9).nesterov(true).weightDecay(1e-2),
                        p -> sgd(p, 0.05, 0.9, 0, 1e-2, true)),
                c("Adam", p -> new Adam(p, 0.05), p -> adam(p, 0.05, 0.9, 0.999, 1e-8, 0, false)),
                c("Adam betas eps weight decay", p -> new Adam(p, 0.05).betas(0.8, 0.95).eps(1e-3).weightDecay(0.1),
                        p -> adam(p, 0.05, 0.8, 0.95, 1e-3, 0.1, false)),
                c("Adam amsgrad", p -> new Adam(p, 0.05).amsgrad(true).betas(0.5, 0.6), p -> adam(p, 0.05, 0.5, 0.6, 1e-8, 0, true)),
                c("AdamW", p -> new AdamW(p, 0.05).weightDecay(0.3), p -> adamW(p, 0.05, 0.9, 0.999, 0.3, false)),
                c("AdamW defaults amsgrad", p -> new AdamW(p).amsgrad(true).betas(0.7, 0.8), p -> adamW(p, 1e-3, 0.7, 0.8, 1e-2, true)),
                c("RMSprop", p -> new RMSprop(p, 0.01), p -> rmsprop(p, 0.01, 0.99, 1e-8, 0, 0, false)),
                c("RMSprop alpha eps weight decay", p -> new RMSprop(p, 0.01).alpha(0.9).eps(1e-4).weightDecay(0.1),
                        p -> rmsprop(p, 0.01, 0.9, 1e-4, 0.1, 0, false)),
                c("RMSprop momentum", p -> new RMSprop(p, 0.01).momentum(0.9), p -> rmsprop(p, 0.01, 0.99, 1e-8, 0, 0.9, false)),
                c("RMSprop centered momentum", p -> new RMSprop(p, 0.005).centered(true).momentum(0.5),
                        p -> rmsprop(p, 0.005, 0.99, 1e-8, 0, 0.5, true)),
                c("Adagrad", p -> new Adagrad(p, 0.1), p -> adagrad(p, 0.1, 0, 0, 0, 1e-10)),
                c("Adagrad lr decay initial accumulator weight decay",
                        p -> new Adagrad(p, 0.1).lrDecay(0.05).initialAccumulatorValue(0.5).eps(1e-6).weightDecay(0.2),
                        p -> adagrad(p, 0.1, 0.05, 0.2, 0.5, 1e-6)));
    }

    @ParameterizedTest(name = "{0} float64")
    @MethodSource("cases")
    void float64MatchesLibtorch(String name, Function<List<Tensor>, Optimizer> kindling, TorchOptimizerFactory libtorch) {
        double[][][] expected = runLibtorch(ScalarType.Double, libtorch);
        Trajectory.assertMoved(expected, name);
        double[][][] actual = Trajectory.runKindling(DType.FLOAT64, kindling, Trajectory.STEPS);
        Trajectory.assertClose(expected, actual, F64_RTOL, F64_ATOL, name + " float64 vs libtorch");
    }

    @ParameterizedTest(name = "{0} float32")
    @MethodSource("cases")
    void float32MatchesLibtorch(String name, Function<List<Tensor>, Optimizer> kindling, TorchOptimizerFactory libtorch) {
        double[][][] expected = runLibtorch(ScalarType.Float, libtorch);
        double[][][] actual = Trajectory.runKindling(DType.FLOAT32, kindling, Trajectory.STEPS);
        Trajectory.assertClose(expected, actual, F32_RTOL, F32_ATOL, name + " float32 vs libtorch");
    }

    // ------------------------------------------------------------------ libtorch side

    private static org.bytedeco.pytorch.Tensor torchTensor(double[] values, ScalarType type) {
        var t = torch.empty(new long[] {values.length}, new TensorOptions(type), new MemoryFormatOptional());
        if (type == ScalarType.Double) {
            t.data_ptr_double().put(values);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            t.data_ptr_float().put(f);
        }
        return t;
    }

    private static double[] torchValues(org.bytedeco.pytorch.Tensor t, ScalarType type) {
        int n = (int) t.numel();
        double[] d = new double[n];
        if (type == ScalarType.Double) {
            t.data_ptr_double().get(d);
        } else {
            float[] f = new float[n];
            t.data_ptr_float().get(f);
            for (int i = 0; i < n; i++) d[i] = f[i];
        }
        return d;
    }

    /** The same loop as {@link Trajectory#runKindling}, on libtorch tensors (flat; shapes do not matter to these updates). */
    private static double[][][] runLibtorch(ScalarType type, TorchOptimizerFactory factory) {
        double[][] init = Trajectory.initialValues();
        List<org.bytedeco.pytorch.Tensor> params = new ArrayList<>();
        for (double[] v : init) params.add(torchTensor(v, type).requires_grad_(true));
        org.bytedeco.pytorch.Optimizer opt = factory.make(new TensorVector(params.toArray(new org.bytedeco.pytorch.Tensor[0])));
        double[][][] out = new double[Trajectory.STEPS][][];
        for (int s = 0; s < Trajectory.STEPS; s++) {
            opt.zero_grad();
            for (int i = 0; i < params.size(); i++) {
                double[] g = Trajectory.grads(i, torchValues(params.get(i), type));
                params.get(i).mutable_grad().put(torchTensor(g, type));
            }
            opt.step();
            out[s] = new double[params.size()][];
            for (int i = 0; i < params.size(); i++) out[s][i] = torchValues(params.get(i), type);
        }
        return out;
    }
}
