package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Optimizer} contract: param groups and fluent setters, zeroGrad, skipping of frozen
 * parameters, in-place updates and where state lives, PyTorch's error messages (and that a refused
 * call changes nothing), and state dicts: their layout, a round trip that continues the identical
 * trajectory, and refused loads.
 */
class OptimizerBaseTest {

    private static Tensor param(double... values) { return Tensor.from(values.clone()).requiresGrad_(true); }

    private static void grad(Tensor p, double... g) { p.setGrad(Tensor.from(g.clone())); }

    private static IllegalArgumentException refuses(Runnable r, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(message, e.getMessage());
        return e;
    }

    // ------------------------------------------------------------------ construction, groups, setters

    @Test
    void contractFluentConstruction() {
        Tensor w = param(1, 2), b = param(3);
        SGD opt = new SGD(List.of(w, b), 0.01).momentum(0.9).weightDecay(1e-4);
        ParamGroup g = opt.paramGroups().get(0);
        assertEquals(List.of(w, b), g.params());
        assertEquals(0.01, g.lr());
        assertEquals(0.9, g.getDouble("momentum"));
        assertEquals(1e-4, g.getDouble("weight_decay"));
        assertEquals(0.0, g.getDouble("dampening"));
        assertFalse(g.getBoolean("nesterov"));
        assertEquals(0.9, opt.defaults().get("momentum"));
        assertEquals(1e-3, new SGD(List.of(param(1))).paramGroups().get(0).lr(), "PyTorch 2.x's default lr");
        assertEquals(List.of(0.9, 0.999), new Adam(List.of(param(1))).paramGroups().get(0).get("betas"));
        assertEquals(1e-2, new AdamW(List.of(param(1))).paramGroups().get(0).getDouble("weight_decay"));
        assertTrue(new AdamW(List.of(param(1))).paramGroups().get(0).getBoolean("decoupled_weight_decay"));
        assertEquals(1.0, new Adadelta(List.of(param(1))).paramGroups().get(0).lr());
        assertEquals(2e-3, new NAdam(List.of(param(1))).paramGroups().get(0).lr());
        assertEquals(4e-3, new NAdam(List.of(param(1))).paramGroups().get(0).getDouble("momentum_decay"));
        assertEquals(1e-10, new Adagrad(List.of(param(1))).paramGroups().get(0).getDouble("eps"));
    }

    @Test
    void paramGroupsWithPerGroupOptions() {
        Tensor backbone = param(1, 1), head = param(1);
        SGD opt = new SGD(List.of(backbone), 0.1);
        ParamGroup headGroup = opt.addParamGroup(List.of(head), Map.of("lr", 0.5, "momentum", 0.5));
        assertEquals(2, opt.paramGroups().size());
        assertSame(headGroup, opt.paramGroups().get(1));
        // a setter after construction changes every group that did not set the key itself
        opt.momentum(0.9).weightDecay(0.0);
        assertEquals(0.9, opt.paramGroups().get(0).getDouble("momentum"));
        assertEquals(0.5, headGroup.getDouble("momentum"), "the head group's own momentum stays");
        opt.lr(0.2);
        assertEquals(0.2, opt.paramGroups().get(0).lr());
        assertEquals(0.5, headGroup.lr());
        grad(backbone, 1, 2);
        grad(head, 1);
        opt.step();
        assertArrayEquals(new double[] {0.8, 0.6}, backbone.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0.5}, head.toDoubleArray(), 1e-15);
        // a group's set() makes the key its own
        opt.paramGroups().get(0).setLr(0.05);
        opt.lr(0.3);
        assertEquals(0.05, opt.paramGroups().get(0).lr());
    }

    @Test
    void constructorErrorsWithPyTorchMessages() {
        List<Tensor> p = List.of(param(1));
        refuses(() -> new SGD(List.of(), 0.1), "optimizer got an empty parameter list");
        refuses(() -> new SGD(p, -0.1), "Invalid learning rate: -0.1");
        refuses(() -> new Adam(p, -1e-5), "Invalid learning rate: -1e-05");
        refuses(() -> new SGD(p, 0.1).momentum(-0.5), "Invalid momentum value: -0.5");
        refuses(() -> new SGD(p, 0.1).weightDecay(-1e-4), "Invalid weight_decay value: -0.0001");
        refuses(() -> new Adam(p).betas(1.0, 0.999), "Invalid beta parameter at index 0: 1.0");
        refuses(() -> new Adam(p).betas(0.9, -0.1), "Invalid beta parameter at index 1: -0.1");
        refuses(() -> new AdamW(p).eps(-1e-8), "Invalid epsilon value: -1e-08");
        refuses(() -> new RMSprop(p).alpha(-0.1), "Invalid alpha value: -0.1");
        refuses(() -> new RMSprop(p).momentum(-1), "Invalid momentum value: -1.0");
        refuses(() -> new Adagrad(p).lrDecay(-1), "Invalid lr_decay value: -1.0");
        refuses(() -> new Adagrad(p).initialAccumulatorValue(-0.5), "Invalid initial_accumulator_value value: -0.5");
        refuses(() -> new Adadelta(p).rho(1.5), "Invalid rho value: 1.5");
        refuses(() -> new NAdam(p).momentumDecay(-0.004), "Invalid momentum_decay value: -0.004");
        refuses(() -> new RAdam(p).weightDecay(Double.NaN), "Invalid weight_decay value: nan");
        Tensor nonLeaf = param(1, 2).mul(2);
        refuses(() -> new SGD(List.of(nonLeaf), 0.1), "can't optimize a non-leaf Tensor");
        Tensor a = param(1);
        refuses(() -> new SGD(List.of(a, a), 0.1), "optimizer contains a parameter group with duplicate parameters (each parameter "
                + "may appear once; a repeated one would be updated twice per step)");
    }

    @Test
    void refusedCallsChangeNothing() {
        Tensor a = param(1), b = param(2);
        SGD opt = new SGD(List.of(a), 0.1).momentum(0.5);
        refuses(() -> opt.momentum(-1), "Invalid momentum value: -1.0");
        assertEquals(0.5, opt.paramGroups().get(0).getDouble("momentum"));
        assertEquals(0.5, opt.defaults().get("momentum"));
        refuses(() -> opt.addParamGroup(List.of(a)), "some parameters appear in more than one parameter group");
        refuses(() -> opt.addParamGroup(List.of(b), Map.of("lr", -0.1)), "Invalid learning rate: -0.1");
        refuses(() -> opt.addParamGroup(List.of(b), Map.of("weightDecay", 0.1)),
                "SGD: unknown option 'weightDecay'; param group options use PyTorch's snake_case names: 'weight_decay'");
        refuses(() -> opt.addParamGroup(List.of(b), Map.of("lr", "fast")), "SGD: hyper-parameter 'lr' must be a number, got String fast");
        refuses(() -> opt.paramGroups().get(0).set("nesterov", 1), "SGD: hyper-parameter 'nesterov' must be a boolean, got Integer 1");
        refuses(() -> opt.paramGroups().get(0).setLr(-2), "Invalid learning rate: -2.0");
        assertEquals(1, opt.paramGroups().size());
        assertEquals(0.1, opt.paramGroups().get(0).lr());
        // unknown keys are kept, as PyTorch keeps extra entries in a group dict
        ParamGroup g = opt.addParamGroup(List.of(b), Map.of("name", "head"));
        assertEquals("head", g.get("name"));
    }

    @Test
    void nesterovIsCheckedWhenStepping() {
        Tensor a = param(1);
        SGD opt = new SGD(List.of(a), 0.1).nesterov(true); // momentum may still follow
        grad(a, 1);
        refuses(opt::step, "Nesterov momentum requires a momentum and zero dampening");
        assertEquals(1.0, a.item());
        assertEquals(0, opt.stepCount());
        opt.momentum(0.9).dampening(0.1);
        refuses(opt::step, "Nesterov momentum requires a momentum and zero dampening");
        opt.dampening(0);
        opt.step();
        assertEquals(0.81, a.item(), 1e-15);
    }

    // ------------------------------------------------------------------ the loop

    @Test
    void zeroGradSetsToNoneOrZeroesInPlace() {
        Tensor a = param(1, 2), b = param(3);
        SGD opt = new SGD(List.of(a, b), 0.1);
        a.mul(3).sum().backward();
        assertArrayEquals(new double[] {3, 3}, a.grad().toDoubleArray());
        Tensor g = a.grad();
        opt.zeroGrad(false);
        assertSame(g, a.grad());
        assertArrayEquals(new double[] {0, 0}, g.toDoubleArray());
        assertNull(b.grad());
        opt.zeroGrad();
        assertNull(a.grad());
        opt.step(); // nothing has a gradient: nothing moves
        assertArrayEquals(new double[] {1, 2}, a.toDoubleArray());
    }

    @Test
    void frozenParametersAreUntouched() {
        Tensor frozen = param(1, 2), trained = param(1, 2), staleGrad = param(5);
        frozen.requiresGrad_(false);
        Adam opt = new Adam(List.of(frozen, trained, staleGrad), 0.1).weightDecay(0.5);
        grad(staleGrad, 1);
        staleGrad.requiresGrad_(false); // frozen after a backward, gradient not cleared yet
        for (int s = 0; s < 3; s++) {
            grad(trained, 1, -1);
            opt.step();
        }
        assertArrayEquals(new double[] {1, 2}, frozen.toDoubleArray());
        assertArrayEquals(new double[] {5}, staleGrad.toDoubleArray());
        assertTrue(opt.state(frozen).isEmpty());
        assertTrue(opt.state(staleGrad).isEmpty());
        assertFalse(opt.state(trained).isEmpty());
        assertTrue(trained.toDoubleArray()[0] < 1);
        Map<?, ?> state = (Map<?, ?>) opt.stateDict().get("state");
        assertEquals(List.of(1), new ArrayList<>(state.keySet()));
    }

    @Test
    void updatesInPlaceWithStateOnTheParametersDtype() {
        double[] data = {1, 2, 3};
        Tensor p = Tensor.from(data).requiresGrad_(true);
        Adam opt = new Adam(List.of(p), 0.1).amsgrad(true);
        grad(p, 1, 1, 1);
        opt.step();
        assertEquals(0.9, data[0], 1e-8, "the caller's array itself was updated");
        Map<String, Object> s = opt.state(p);
        assertEquals(List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"), new ArrayList<>(s.keySet()));
        for (String k : List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq")) {
            Tensor t = (Tensor) s.get(k);
            assertEquals(DType.FLOAT64, t.dtype(), k);
            assertEquals(Device.CPU, t.device(), k);
            assertArrayEquals(new int[] {3}, t.shape(), k);
            assertFalse(t.requiresGrad(), k);
        }
        Tensor step = (Tensor) s.get("step");
        assertEquals(DType.FLOAT32, step.dtype());
        assertEquals(0, step.dim());
        assertEquals(1.0, step.item());
        Tensor f32 = Tensor.from(new float[] {1, 2}).requiresGrad_(true);
        SGD sgd = new SGD(List.of(f32), 0.1).momentum(0.9);
        f32.setGrad(Tensor.from(new float[] {1, 1}));
        sgd.step();
        assertEquals(DType.FLOAT32, ((Tensor) sgd.state(f32).get("momentum_buffer")).dtype());
        assertNotSame(f32.grad(), sgd.state(f32).get("momentum_buffer"), "the buffer is a copy of the first gradient");
    }

    @Test
    void stepWithClosureRunsItWithGradEnabled() {
        Tensor x = param(3);
        SGD opt = new SGD(List.of(x), 0.1);
        Tensor loss;
        try (var g = Torch.noGrad()) {
            loss = opt.step(() -> {
                opt.zeroGrad();
                Tensor l = x.mul(x).sum();
                l.backward();
                return l;
            });
        }
        assertEquals(9.0, loss.item());
        assertEquals(3 - 0.1 * 6, x.item(), 1e-15);
        assertEquals(1, opt.stepCount());
    }

    @Test
    void adagradCreatesItsStateInTheConstructor() {
        Tensor p = param(1, 2);
        Adagrad opt = new Adagrad(List.of(p), 0.1).initialAccumulatorValue(0.25);
        Map<?, ?> state = (Map<?, ?>) opt.stateDict().get("state");
        Map<?, ?> s0 = (Map<?, ?>) state.get(0);
        assertEquals(0.0, ((Tensor) s0.get("step")).item());
        assertArrayEquals(new double[] {0.25, 0.25}, ((Tensor) s0.get("sum")).toDoubleArray());
        // a group added later gets its state on its first step
        Tensor q = param(4);
        opt.addParamGroup(List.of(q));
        grad(q, 2);
        opt.step();
        assertEquals(4 - 0.1 * 2 / (Math.sqrt(0.25 + 4) + 1e-10), q.item(), 1e-15);
    }

    @Test
    void toStringAsPyTorch() {
        SGD opt = new SGD(List.of(param(1)), 0.01).momentum(0.9);
        assertEquals("SGD (\nParameter Group 0\n    dampening: 0.0\n    lr: 0.01\n    maximize: False\n    momentum: 0.9\n"
                + "    nesterov: False\n    weight_decay: 0.0\n)", opt.toString());
        assertTrue(new Adam(List.of(param(1))).toString().contains("    betas: (0.9, 0.999)\n"));
        assertTrue(new Adam(List.of(param(1))).toString().contains("    eps: 1e-08\n"));
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("0.01", PyFloat.repr(0.01));
        assertEquals("1e-08", PyFloat.repr(1e-8));
        assertEquals("-0.1", PyFloat.repr(-0.1));
        assertEquals("1.0", PyFloat.repr(1));
        assertEquals("100.0", PyFloat.repr(100));
        assertEquals("0.0001", PyFloat.repr(1e-4));
        assertEquals("1.5e-05", PyFloat.repr(1.5e-5));
        assertEquals("1234567890123456.0", PyFloat.repr(1234567890123456.0));
        assertEquals("1e+16", PyFloat.repr(1e16));
        assertEquals("2.5e+20", PyFloat.repr(2.5e20));
        assertEquals("0.3333333333333333", PyFloat.repr(1.0 / 3));
        assertEquals("123.456", PyFloat.repr(123.456));
        assertEquals("-0.0", PyFloat.repr(-0.0));
        assertEquals("nan", PyFloat.repr(Double.NaN));
        assertEquals("-inf", PyFloat.repr(Double.NEGATIVE_INFINITY));
        assertEquals("(0.9, 0.999)", PyFloat.str(List.of(0.9, 0.999)));
        assertEquals("None", PyFloat.str(null));
    }

    // ------------------------------------------------------------------ state dicts

    @Test
    void stateDictLayout() {
        Tensor a = param(1, 2), b = param(3), c = param(4);
        SGD opt = new SGD(List.of(a, b), 0.1).momentum(0.9);
        opt.addParamGroup(List.of(c), Map.of("lr", 0.01));
        grad(a, 1, 1);
        grad(c, 1);
        opt.step();
        Map<String, Object> sd = opt.stateDict();
        assertEquals(List.of("state", "param_groups"), new ArrayList<>(sd.keySet()));
        List<?> groups = (List<?>) sd.get("param_groups");
        Map<?, ?> g0 = (Map<?, ?>) groups.get(0), g1 = (Map<?, ?>) groups.get(1);
        assertEquals(List.of(0, 1), g0.get("params"));
        assertEquals(List.of(2), g1.get("params"));
        assertEquals(0.1, g0.get("lr"));
        assertEquals(0.01, g1.get("lr"));
        assertEquals(0.9, g1.get("momentum"));
        assertEquals(List.of("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "params"),
                new ArrayList<>(g0.keySet()));
        Map<?, ?> state = (Map<?, ?>) sd.get("state");
        assertEquals(List.of(0, 2), new ArrayList<>(state.keySet()), "b had no gradient, so no state");
        Tensor buf = (Tensor) ((Map<?, ?>) state.get(0)).get("momentum_buffer");
        assertSame(opt.state(a).get("momentum_buffer"), buf, "the state dict holds the live state, as PyTorch's does");
    }

    static Stream<Arguments> allOptimizers() {
        List<Function<List<Tensor>, Optimizer>> makers = List.of(
                p -> new SGD(p, 0.1).momentum(0.9).weightDecay(0.01),
                p -> new Adam(p, 0.05).amsgrad(true),
                p -> new AdamW(p, 0.05),
                p -> new RMSprop(p, 0.01).momentum(0.5).centered(true),
                p -> new Adagrad(p, 0.1).lrDecay(0.01),
                p -> new Adadelta(p),
                p -> new Adamax(p, 0.05),
                p -> new NAdam(p, 0.05),
                p -> new RAdam(p, 0.05));
        return makers.stream().map(m -> Arguments.of(m.apply(List.of(param(1))).getClass().getSimpleName(), m));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allOptimizers")
    void stateDictRoundTripContinuesTheIdenticalTrajectory(String name, Function<List<Tensor>, Optimizer> make) {
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            List<Tensor> params = Trajectory.params(dtype);
            Optimizer original = make.apply(params.subList(0, 2));
            original.addParamGroup(params.subList(2, 3), Map.of("lr", 0.02));
            Trajectory.runKindling(params, original, 4);

            List<Tensor> copies = new ArrayList<>();
            for (Tensor p : params) copies.add(p.detach().clone().requiresGrad_(true));
            Optimizer restored = make.apply(copies.subList(0, 2));
            restored.addParamGroup(copies.subList(2, 3));
            restored.loadStateDict(original.stateDict());
            assertEquals(0.02, restored.paramGroups().get(1).lr(), name + ": the group's lr comes back");

            double[][][] a = Trajectory.runKindling(params, original, 5);
            double[][][] b = Trajectory.runKindling(copies, restored, 5);
            for (int s = 0; s < a.length; s++) {
                for (int i = 0; i < a[s].length; i++) {
                    assertArrayEquals(a[s][i], b[s][i], 0.0, name + " " + dtype + " step " + s + " param " + i);
                }
            }
            // the loaded state is a copy: the two optimizers did not share buffers
            for (Object v : restored.state(copies.get(0)).values()) {
                for (Object w : original.state(params.get(0)).values()) assertNotSame(v, w);
            }
        }
    }

    @Test
    void loadStateDictCastsToTheParametersDtype() {
        Tensor p64 = param(1, 2);
        Adam a = new Adam(List.of(p64), 0.1);
        grad(p64, 1, 1);
        a.step();
        Tensor p32 = Tensor.from(new float[] {1, 2}).requiresGrad_(true);
        Adam b = new Adam(List.of(p32), 0.1);
        b.loadStateDict(a.stateDict());
        assertEquals(DType.FLOAT32, ((Tensor) b.state(p32).get("exp_avg")).dtype());
        assertEquals(DType.FLOAT32, ((Tensor) b.state(p32).get("step")).dtype());
        assertArrayEquals(new double[] {0.1, 0.1}, ((Tensor) b.state(p32).get("exp_avg")).toDoubleArray(), 1e-7);
        // an old-style numeric step is accepted too
        Map<String, Object> sd = a.stateDict();
        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Object>> state = (Map<Integer, Map<String, Object>>) sd.get("state");
        state.get(0).put("step", 7L);
        b.loadStateDict(sd);
        assertEquals(7.0, ((Tensor) b.state(p32).get("step")).item());
    }

    @Test
    void refusedLoadsChangeNothing() {
        Tensor a = param(1, 2), b = param(3);
        SGD opt = new SGD(List.of(a, b), 0.1).momentum(0.9);
        grad(a, 1, 1);
        grad(b, 1);
        opt.step();
        Map<String, Object> good = opt.stateDict();
        Tensor bufBefore = (Tensor) opt.state(a).get("momentum_buffer");

        refuses(() -> opt.loadStateDict(withGroups(good, List.of())), "loaded state dict has a different number of parameter groups");
        Map<String, Object> shortGroup = copy(good);
        groupsOf(shortGroup).get(0).put("params", List.of(0));
        refuses(() -> opt.loadStateDict(shortGroup),
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
        Map<String, Object> badLr = copy(good);
        groupsOf(badLr).get(0).put("lr", -1.0);
        refuses(() -> opt.loadStateDict(badLr), "Invalid learning rate: -1.0");
        Map<String, Object> badShape = copy(good);
        stateOf(badShape).get(0).put("momentum_buffer", Torch.zeros(3));
        refuses(() -> opt.loadStateDict(badShape),
                "SGD.loadStateDict: state['momentum_buffer'] of parameter 0 has shape [3] but the parameter has shape [2]");
        Map<String, Object> unknownEntry = copy(good);
        stateOf(unknownEntry).get(1).put("exp_avg", Torch.zeros(1));
        refuses(() -> opt.loadStateDict(unknownEntry),
                "SGD.loadStateDict: state['exp_avg'] of parameter 1 is not an entry SGD keeps (it keeps [momentum_buffer] and [])");
        Map<String, Object> unknownIndex = copy(good);
        stateOf(unknownIndex).put(9, new LinkedHashMap<>());
        refuses(() -> opt.loadStateDict(unknownIndex),
                "SGD.loadStateDict: the state dict has state for parameter index 9, which no parameter group lists (indices: [0, 1])");
        refuses(() -> opt.loadStateDict(Map.of("state", Map.of())), "SGD.loadStateDict: the state dict has no 'param_groups' list");

        assertSame(bufBefore, opt.state(a).get("momentum_buffer"));
        assertEquals(0.1, opt.paramGroups().get(0).lr());
        // and the optimizer continues exactly as it would have
        grad(a, 1, 1);
        opt.step();
        assertArrayEquals(new double[] {1 - 0.1 - 0.19, 2 - 0.1 - 0.19}, a.toDoubleArray(), 1e-15);
    }

    private static Map<String, Object> copy(Map<String, Object> sd) {
        Map<String, Object> c = new LinkedHashMap<>();
        Map<Integer, Map<String, Object>> state = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) sd.get("state")).entrySet()) {
            Map<String, Object> inner = new LinkedHashMap<>();
            for (Map.Entry<?, ?> f : ((Map<?, ?>) e.getValue()).entrySet()) inner.put((String) f.getKey(), f.getValue());
            state.put((Integer) e.getKey(), inner);
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        for (Object g : (List<?>) sd.get("param_groups")) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> f : ((Map<?, ?>) g).entrySet()) m.put((String) f.getKey(), f.getValue());
            groups.add(m);
        }
        c.put("state", state);
        c.put("param_groups", groups);
        return c;
    }

    private static Map<String, Object> withGroups(Map<String, Object> sd, List<?> groups) {
        Map<String, Object> c = copy(sd);
        c.put("param_groups", groups);
        return c;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> groupsOf(Map<String, Object> sd) { return (List<Map<String, Object>>) sd.get("param_groups"); }

    @SuppressWarnings("unchecked")
    private static Map<Integer, Map<String, Object>> stateOf(Map<String, Object> sd) {
        return (Map<Integer, Map<String, Object>>) sd.get("state");
    }
}
