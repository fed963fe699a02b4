package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LossClosure;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.StringOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LBFGS against libtorch 2.10's C++ {@code torch::optim::LBFGS} on the extended Rosenbrock
 * function in six variables held by two parameters ([4] and [2]), with and without the
 * strong-Wolfe line search: the same closure (loss and gradient computed in double here and set
 * on both sides), several steps, parameters and returned losses compared after each step, short
 * of convergence: there, comparisons of losses equal to the last bits decide the line search, and
 * libtorch's dot products round differently. (libtorch's C++ port also tests the zoom's bracket
 * width after each trial rather than before; Kindling follows PyTorch's Python code.) Also:
 * convergence with an autograd closure, the cubic interpolation by hand, and the errors.
 */
class LBFGSTest {
    private static final double[] START = {-1.2, 1.0, -1.2, 1.0, -1.2, 1.0};

    private PointerScope scope;

    @BeforeAll
    static void loadLibtorch() { torch.manual_seed(0); }

    @BeforeEach
    void openScope() { scope = new PointerScope(); }

    @AfterEach
    void closeScope() { scope.close(); }

    /** Extended Rosenbrock: sum of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2; returns f and fills grad. */
    static double rosenbrock(double[] x, double[] grad) {
        java.util.Arrays.fill(grad, 0);
        double f = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            f += 100 * a * a + b * b;
            grad[i] += -400 * a * x[i] - 2 * b;
            grad[i + 1] += 200 * a;
        }
        return f;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = new double[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Kindling: trajectory of the six values and the returned losses over {@code steps} steps. */
    private static double[][] runKindling(double lr, int maxIter, int historySize, String lineSearch, int steps, double[] losses) {
        Tensor p1 = Tensor.from(new double[] {START[0], START[1], START[2], START[3]}).requiresGrad_(true);
        Tensor p2 = Tensor.from(new double[] {START[4], START[5]}).requiresGrad_(true);
        LBFGS opt = new LBFGS(List.of(p1, p2), lr).maxIter(maxIter).historySize(historySize).lineSearchFn(lineSearch);
        Supplier<Tensor> closure = () -> {
            double[] x = concat(p1.toDoubleArray(), p2.toDoubleArray()), g = new double[6];
            double f = rosenbrock(x, g);
            p1.setGrad(Tensor.from(new double[] {g[0], g[1], g[2], g[3]}));
            p2.setGrad(Tensor.from(new double[] {g[4], g[5]}));
            return Tensor.from(new double[] {f});
        };
        double[][] out = new double[steps][];
        for (int s = 0; s < steps; s++) {
            losses[s] = opt.step(closure).item();
            out[s] = concat(p1.toDoubleArray(), p2.toDoubleArray());
        }
        return out;
    }

    private static org.bytedeco.pytorch.Tensor doubles(double[] v) {
        var t = torch.empty(new long[] {v.length}, new TensorOptions(torch.ScalarType.Double), new MemoryFormatOptional());
        t.data_ptr_double().put(v);
        return t;
    }

    private static double[] values(org.bytedeco.pytorch.Tensor t) {
        double[] d = new double[(int) t.numel()];
        t.data_ptr_double().get(d);
        return d;
    }

    private static double[][] runLibtorch(double lr, int maxIter, int historySize, String lineSearch, int steps, double[] losses) {
        var p1 = doubles(new double[] {START[0], START[1], START[2], START[3]}).requires_grad_(true);
        var p2 = doubles(new double[] {START[4], START[5]}).requires_grad_(true);
        var o = new org.bytedeco.pytorch.LBFGSOptions(lr);
        o.max_iter().put(maxIter);
        o.max_eval().put(new org.bytedeco.pytorch.LongOptional(maxIter * 5L / 4));
        o.history_size().put(historySize);
        if (lineSearch != null) o.line_search_fn().put(new StringOptional(lineSearch));
        var opt = new org.bytedeco.pytorch.LBFGS(new TensorVector(p1, p2), o);
        LossClosure closure = new LossClosure() {
            @Override
            public org.bytedeco.pytorch.Tensor call() {
                double[] x = concat(values(p1), values(p2)), g = new double[6];
                double f = rosenbrock(x, g);
                p1.mutable_grad().put(doubles(new double[] {g[0], g[1], g[2], g[3]}));
                p2.mutable_grad().put(doubles(new double[] {g[4], g[5]}));
                return doubles(new double[] {f});
            }
        };
        double[][] out = new double[steps][];
        for (int s = 0; s < steps; s++) {
            losses[s] = opt.step(closure).item_double();
            out[s] = concat(values(p1), values(p2));
        }
        return out;
    }

    @ParameterizedTest(name = "lr {0}, max_iter {1}, history {2}, line search {3}")
    @CsvSource({"0.002, 10, 5, ", "0.001, 25, 3, ", "1.0, 8, 10, strong_wolfe", "1.0, 6, 3, strong_wolfe", "0.5, 10, 100, strong_wolfe"})
    void matchesLibtorch(double lr, int maxIter, int history, String lineSearch) {
        int steps = 4;
        double[] kLoss = new double[steps], tLoss = new double[steps];
        double[][] expected = runLibtorch(lr, maxIter, history, lineSearch, steps, tLoss);
        double[][] actual = runKindling(lr, maxIter, history, lineSearch, steps, kLoss);
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < 6; i++) {
                assertEquals(expected[s][i], actual[s][i], 1e-9 * Math.max(1, Math.abs(expected[s][i])), "step " + s + ", x[" + i + "]");
            }
            assertEquals(tLoss[s], kLoss[s], 1e-9 * Math.max(1, tLoss[s]), "loss of step " + s);
        }
        double moved = 0;
        for (int i = 0; i < 6; i++) moved = Math.max(moved, Math.abs(actual[steps - 1][i] - START[i]));
        assertTrue(moved > 0.01, "the parameters moved");
    }

    @Test
    void convergesWithAnAutogradClosure() {
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            Tensor x = Tensor.from(START.clone()).to(dtype).requiresGrad_(true);
            LBFGS opt = new LBFGS(List.of(x)).lineSearchFn("strong_wolfe").maxIter(50);
            Supplier<Tensor> closure = () -> {
                opt.zeroGrad();
                Tensor head = x.narrow(0, 0, 5), tail = x.narrow(0, 1, 5);
                Tensor loss = tail.sub(head.square()).square().mul(100).add(head.rsub(1).square()).sum();
                loss.backward();
                return loss;
            };
            for (int s = 0; s < 5; s++) opt.step(closure);
            double[] v = x.toDoubleArray();
            for (int i = 0; i < 6; i++) assertEquals(1.0, v[i], dtype == DType.FLOAT64 ? 1e-4 : 1e-3, dtype + " x[" + i + "]");
            Map<String, Object> state = opt.state(x);
            assertTrue((Integer) state.get("n_iter") > 5);
            assertTrue((Integer) state.get("func_evals") >= (Integer) state.get("n_iter"));
        }
    }

    @Test
    void cubicInterpolationByHand() {
        // f(x) = (x - 2)^2 through x = 0 (f 4, f' -4) and x = 3 (f 1, f' 2): the minimiser is 2
        assertEquals(2.0, LBFGS.cubicInterpolate(0, 4, -4, 3, 1, 2, Double.NaN, Double.NaN), 1e-12);
        assertEquals(2.0, LBFGS.cubicInterpolate(3, 1, 2, 0, 4, -4, Double.NaN, Double.NaN), 1e-12, "either order");
        // clamped to the given bounds
        assertEquals(2.5, LBFGS.cubicInterpolate(0, 4, -4, 3, 1, 2, 2.5, 10), 0.0);
        // f(x) = x^3 - 3x: through 0 (0, -3) and 2 (2, 9), the local minimiser is 1
        assertEquals(1.0, LBFGS.cubicInterpolate(0, 0, -3, 2, 2, 9, Double.NaN, Double.NaN), 1e-12);
        // no real minimiser: d1 = 1 + 1 - 3 (0 - 2/3) / (1 - 2) = 0, so d1^2 - g1 g2 < 0 and the midpoint is taken
        assertEquals(1.5, LBFGS.cubicInterpolate(1, 0, 1, 2, 2.0 / 3, 1, Double.NaN, Double.NaN), 0.0);
    }

    @Test
    void stateDictRoundTrip() {
        Tensor a = Tensor.from(START.clone()).requiresGrad_(true);
        Tensor b = Tensor.from(START.clone()).requiresGrad_(true);
        LBFGS oa = new LBFGS(List.of(a), 0.5).lineSearchFn("strong_wolfe").maxIter(3);
        LBFGS ob = new LBFGS(List.of(b), 0.5).lineSearchFn("strong_wolfe").maxIter(3);
        Supplier<Tensor> ca = closureFor(a), cb = closureFor(b);
        oa.step(ca);
        oa.step(ca);
        b.detach().copy_(a.detach());
        ob.loadStateDict(oa.stateDict());
        for (int s = 0; s < 3; s++) {
            oa.step(ca);
            ob.step(cb);
            assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0, "step " + s);
        }
    }

    private static Supplier<Tensor> closureFor(Tensor x) {
        return () -> {
            double[] g = new double[6];
            double f = rosenbrock(x.toDoubleArray(), g);
            x.setGrad(Tensor.from(g));
            return Torch.tensor(f);
        };
    }

    @Test
    void errors() {
        Tensor a = Tensor.from(START.clone()).requiresGrad_(true);
        LBFGS opt = new LBFGS(List.of(a));
        assertEquals("LBFGS doesn't support per-parameter options (parameter groups)",
                assertThrows(IllegalArgumentException.class, () -> opt.addParamGroup(List.of(Tensor.from(new double[1])))).getMessage());
        assertThrows(UnsupportedOperationException.class, opt::step);
        assertEquals("only 'strong_wolfe' is supported",
                assertThrows(IllegalArgumentException.class, () -> opt.lineSearchFn("backtracking")).getMessage());
        assertEquals("LBFGS: max_iter must be an integer >= 1, got 0", assertThrows(IllegalArgumentException.class, () -> opt.maxIter(0)).getMessage());
        assertEquals(25, opt.paramGroups().get(0).get("max_eval"));
        opt.maxIter(40);
        assertEquals(50, opt.paramGroups().get(0).get("max_eval"), "max_eval follows max_iter * 5 / 4");
        assertEquals("Invalid learning rate: -1.0", assertThrows(IllegalArgumentException.class, () -> new LBFGS(List.of(a), -1)).getMessage());
        List<Tensor> mixed = new ArrayList<>(List.of(a, Tensor.from(new float[] {1}).requiresGrad_(true)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LBFGS(mixed)).getMessage()
                .startsWith("LBFGS: all parameters must share one dtype and device"));
    }
}
