package dev.kindling.optim.lr;

import static dev.kindling.optim.lr.Schedules.sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kindling.optim.Adam;
import dev.kindling.optim.Optimizer;
import dev.kindling.optim.SGD;

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
 * Scheduler state dicts: PyTorch's key names, a round trip (a fresh optimizer and scheduler that
 * load both state dicts continue the identical learning-rate sequence, momentum included), and
 * refused loads that change nothing.
 */
class SchedulerStateDictTest {

    /** Something that steps: an {@link LRScheduler} or a {@link ReduceLROnPlateau} fed a fixed metric sequence. */
    interface Stepper {
        void step(int epoch);

        Map<String, Object> stateDict();

        void loadStateDict(Map<String, ?> sd);
    }

    private static Stepper of(LRScheduler s) {
        return new Stepper() {
            public void step(int epoch) { s.step(); }

            public Map<String, Object> stateDict() { return s.stateDict(); }

            public void loadStateDict(Map<String, ?> sd) { s.loadStateDict(sd); }
        };
    }

    private static Stepper of(ReduceLROnPlateau s) {
        return new Stepper() {
            public void step(int epoch) { s.step(epoch % 4 == 0 ? 1.0 : 2.0 - 0.01 * epoch); }

            public Map<String, Object> stateDict() { return s.stateDict(); }

            public void loadStateDict(Map<String, ?> sd) { s.loadStateDict(sd); }
        };
    }

    static Stream<Arguments> schedulers() {
        List<Object[]> l = List.of(
                new Object[] {"StepLR", (Function<Optimizer, Stepper>) o -> of(new StepLR(o, 3, 0.5))},
                new Object[] {"MultiStepLR", (Function<Optimizer, Stepper>) o -> of(new MultiStepLR(o, List.of(2, 5, 5), 0.5))},
                new Object[] {"ExponentialLR", (Function<Optimizer, Stepper>) o -> of(new ExponentialLR(o, 0.9))},
                new Object[] {"CosineAnnealingLR", (Function<Optimizer, Stepper>) o -> of(new CosineAnnealingLR(o, 7, 0.001))},
                new Object[] {"LambdaLR", (Function<Optimizer, Stepper>) o -> of(new LambdaLR(o, e -> 1.0 / (1 + e)))},
                new Object[] {"MultiplicativeLR", (Function<Optimizer, Stepper>) o -> of(new MultiplicativeLR(o, e -> 0.95))},
                new Object[] {"LinearLR", (Function<Optimizer, Stepper>) o -> of(new LinearLR(o, 0.2, 1.0, 8))},
                new Object[] {"ConstantLR", (Function<Optimizer, Stepper>) o -> of(new ConstantLR(o, 0.5, 6))},
                new Object[] {"PolynomialLR", (Function<Optimizer, Stepper>) o -> of(new PolynomialLR(o, 15, 2))},
                new Object[] {"OneCycleLR", (Function<Optimizer, Stepper>) o -> of(new OneCycleLR(o, new OneCycleLR.Options(0.5, 0.2)
                        .totalSteps(30)))},
                new Object[] {"CyclicLR", (Function<Optimizer, Stepper>) o -> of(new CyclicLR(o, new CyclicLR.Options(0.01, 0.1)
                        .stepSizeUp(3).mode("exp_range").gamma(0.9)))},
                new Object[] {"CosineAnnealingWarmRestarts", (Function<Optimizer, Stepper>) o -> of(new CosineAnnealingWarmRestarts(o, 3, 2,
                        0.0))},
                new Object[] {"SequentialLR", (Function<Optimizer, Stepper>) o -> of(new SequentialLR(o,
                        List.of(new LinearLR(o, 0.1, 1, 4), new CosineAnnealingLR(o, 10)), List.of(4)))},
                new Object[] {"ChainedScheduler", (Function<Optimizer, Stepper>) o -> of(new ChainedScheduler(
                        List.of(new ConstantLR(o, 0.5, 3), new ExponentialLR(o, 0.9))))},
                new Object[] {"ReduceLROnPlateau", (Function<Optimizer, Stepper>) o -> of(new ReduceLROnPlateau(o,
                        new ReduceLROnPlateau.Options().patience(1).cooldown(1)))});
        return l.stream().map(a -> Arguments.of(a[0], a[1]));
    }

    private static double[] snapshot(Optimizer o) {
        List<Double> v = new ArrayList<>();
        o.paramGroups().forEach(g -> {
            v.add(g.lr());
            if (g.has("momentum")) v.add(g.getDouble("momentum"));
        });
        return v.stream().mapToDouble(d -> d).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedulers")
    void roundTripContinuesTheIdenticalSchedule(String name, Function<Optimizer, Stepper> make) {
        SGD opt = sgd(0.1, 0.2).momentum(0.9);
        Stepper s = make.apply(opt);
        for (int e = 0; e < 7; e++) s.step(e);
        Map<String, Object> optState = opt.stateDict();
        Map<String, Object> schedState = s.stateDict();

        SGD opt2 = sgd(0.5, 0.5).momentum(0.5);
        Stepper s2 = make.apply(opt2);
        opt2.loadStateDict(optState);
        s2.loadStateDict(schedState);
        assertEquals(schedState, s2.stateDict(), name + ": the loaded state reads back the same");
        for (int e = 7; e < 20; e++) {
            s.step(e);
            s2.step(e);
            assertArrayEquals(snapshot(opt), snapshot(opt2), 0.0, name + " at epoch " + e);
        }
    }

    @Test
    void stateDictKeysArePyTorchs() {
        SGD opt = sgd(0.1);
        assertEquals(List.of("base_lrs", "last_epoch", "_step_count", "_last_lr", "step_size", "gamma"),
                new ArrayList<>(new StepLR(opt, 3).stateDict().keySet()));
        Map<String, Object> cos = new CosineAnnealingLR(opt, 5, 0.01).stateDict();
        assertEquals(5, cos.get("T_max"));
        assertEquals(0.01, cos.get("eta_min"));
        assertEquals(List.of(0.1), cos.get("base_lrs"));
        assertEquals(0, cos.get("last_epoch"));
        assertEquals(1, cos.get("_step_count"));
        Map<String, Object> lambda = new LambdaLR(opt, e -> 1.0).stateDict();
        assertEquals(java.util.Arrays.asList((Object) null), lambda.get("lr_lambdas"), "functions are not saved, as in PyTorch");
        Map<String, Object> plateau = new ReduceLROnPlateau(opt).stateDict();
        assertEquals(Double.POSITIVE_INFINITY, plateau.get("best"));
        assertEquals("min", plateau.get("mode"));
        assertEquals(10, plateau.get("patience"));
        Map<String, Object> seq = new SequentialLR(opt, List.of(new ExponentialLR(opt, 0.5)), List.of()).stateDict();
        assertEquals(1, ((List<?>) seq.get("_schedulers")).size());
    }

    @Test
    void refusedLoadsChangeNothing() {
        SGD opt = sgd(0.1);
        StepLR s = new StepLR(opt, 3, 0.5);
        s.step();
        Map<String, Object> before = s.stateDict();
        Map<String, Object> bad = new LinkedHashMap<>(before);
        bad.put("last_epoch", 99);
        bad.put("gamma", "half");
        assertEquals("StepLR.loadStateDict: 'gamma' must be a number, got String half",
                assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(bad)).getMessage());
        Map<String, Object> unknown = new LinkedHashMap<>(before);
        unknown.put("T_max", 3);
        assertEquals("StepLR.loadStateDict: unexpected key 'T_max' (a StepLR state dict has [base_lrs, last_epoch, _step_count, "
                + "_last_lr, step_size, gamma])", assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(unknown)).getMessage());
        Map<String, Object> wrongGroups = new LinkedHashMap<>(before);
        wrongGroups.put("base_lrs", List.of(0.1, 0.2));
        assertEquals("StepLR.loadStateDict: 'base_lrs' has 2 values for 1 param groups",
                assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(wrongGroups)).getMessage());
        assertEquals(before, s.stateDict());
        // a child's refusal leaves the whole composite unchanged
        SGD opt2 = sgd(1.0);
        ExponentialLR a = new ExponentialLR(opt2, 0.5);
        ConstantLR b = new ConstantLR(opt2, 0.5, 2);
        ChainedScheduler chain = new ChainedScheduler(List.of(a, b));
        chain.step();
        Map<String, Object> chainBefore = chain.stateDict();
        Map<String, Object> badChain = new LinkedHashMap<>(chainBefore);
        List<Map<String, Object>> children = new ArrayList<>();
        for (Object c : (List<?>) chainBefore.get("_schedulers")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) c);
            m.put("last_epoch", 50);
            children.add(m);
        }
        children.get(1).put("factor", "x");
        badChain.put("_schedulers", children);
        assertThrows(IllegalArgumentException.class, () -> chain.loadStateDict(badChain));
        assertEquals(chainBefore, chain.stateDict());
        assertEquals(1, a.lastEpoch());
    }

    @Test
    void schedulersDriveTheOptimizersSteps() {
        // lr 0.1 then 0.05 after epoch 2: the parameter moves by lr * grad each step
        var p = Schedules.param();
        Adam adam = new Adam(List.of(p), 0.1);
        StepLR s = new StepLR(adam, 2, 0.5);
        double[] lrsSeen = new double[4];
        for (int e = 0; e < 4; e++) {
            lrsSeen[e] = adam.paramGroups().get(0).lr();
            p.setGrad(dev.kindling.Tensor.from(new double[] {1, 1}));
            adam.step();
            s.step();
        }
        assertArrayEquals(new double[] {0.1, 0.1, 0.05, 0.05}, lrsSeen, 0.0);
        // Adam's steps with constant gradients are lr / (1 + 1e-8) each
        assertEquals(1 - 0.3 / (1 + 1e-8), p.toDoubleArray()[0], 1e-12);
    }
}
