package dev.kindling.optim.lr;

import static dev.kindling.optim.lr.Schedules.EPOCHS;
import static dev.kindling.optim.lr.Schedules.assertSchedule;
import static dev.kindling.optim.lr.Schedules.assertSequence;
import static dev.kindling.optim.lr.Schedules.run;
import static dev.kindling.optim.lr.Schedules.sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.optim.SGD;

import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The epoch schedulers over 40 epochs and two param groups (lr 0.1 and 0.05) against their
 * closed forms written here from PyTorch's documentation, and against the example values in
 * PyTorch's docstrings. Schedulers step with PyTorch's chainable formulas, so agreement with the
 * closed forms is to rounding (1e-12 relative).
 */
class LRSchedulerTest {
    private static final double TOL = 1e-12;
    private static final double[] BASE = {0.1, 0.05};

    private static double[] each(IntToDoubleFunction factor, int epoch) {
        return new double[] {BASE[0] * factor.applyAsDouble(epoch), BASE[1] * factor.applyAsDouble(epoch)};
    }

    @Test
    void stepLR() {
        assertSchedule(run(new StepLR(sgd(BASE), 7, 0.5), EPOCHS), e -> each(k -> Math.pow(0.5, k / 7), e), TOL, "StepLR");
        assertSchedule(run(new StepLR(sgd(BASE), 3), EPOCHS), e -> each(k -> Math.pow(0.1, k / 3), e), TOL, "StepLR default gamma");
        // docstring: lr 0.05 below epoch 30, 0.005 below 60, 0.0005 below 90
        double[][] doc = run(new StepLR(sgd(0.05), 30, 0.1), 95);
        assertEquals(0.05, doc[29][0], TOL);
        assertEquals(0.005, doc[30][0], TOL);
        assertEquals(0.005, doc[59][0], TOL);
        assertEquals(0.0005, doc[60][0], 1e-15);
        assertEquals(0.00005, doc[90][0], 1e-16);
    }

    @Test
    void multiStepLR() {
        List<Integer> milestones = List.of(5, 12, 12, 30);
        assertSchedule(run(new MultiStepLR(sgd(BASE), milestones, 0.3), EPOCHS), e -> {
            int passed = (int) milestones.stream().filter(m -> m <= e).count();
            return each(k -> Math.pow(0.3, passed), e);
        }, TOL, "MultiStepLR");
        // docstring: 0.05 below 30, 0.005 below 80, 0.0005 after
        double[][] doc = run(new MultiStepLR(sgd(0.05), List.of(30, 80)), 85);
        assertEquals(0.05, doc[29][0], TOL);
        assertEquals(0.005, doc[79][0], TOL);
        assertEquals(0.0005, doc[80][0], 1e-15);
    }

    @Test
    void exponentialLR() {
        assertSchedule(run(new ExponentialLR(sgd(BASE), 0.9), EPOCHS), e -> each(k -> Math.pow(0.9, k), e), TOL, "ExponentialLR");
    }

    @Test
    void constantLR() {
        assertSchedule(run(new ConstantLR(sgd(BASE), 0.25, 6), EPOCHS), e -> each(k -> k < 6 ? 0.25 : 1, e), TOL, "ConstantLR");
        assertSchedule(run(new ConstantLR(sgd(BASE)), EPOCHS), e -> each(k -> k < 5 ? 1.0 / 3 : 1, e), TOL, "ConstantLR defaults");
        // docstring: factor 0.5, total_iters 4, lr 0.05
        assertSequence(run(new ConstantLR(sgd(0.05), 0.5, 4), 6), TOL, "ConstantLR doc", 0.025, 0.025, 0.025, 0.025, 0.05, 0.05);
    }

    @Test
    void linearLR() {
        assertSchedule(run(new LinearLR(sgd(BASE), 0.2, 0.9, 10), EPOCHS),
                e -> each(k -> 0.2 + (0.9 - 0.2) * Math.min(k, 10) / 10.0, e), TOL, "LinearLR");
        assertSchedule(run(new LinearLR(sgd(BASE)), EPOCHS), e -> each(k -> 1.0 / 3 + (1 - 1.0 / 3) * Math.min(k, 5) / 5.0, e), TOL,
                "LinearLR defaults");
        // docstring: start_factor 0.5, total_iters 4, lr 0.05
        assertSequence(run(new LinearLR(sgd(0.05), 0.5, 1.0, 4), 6), TOL, "LinearLR doc", 0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05);
    }

    @Test
    void polynomialLR() {
        assertSchedule(run(new PolynomialLR(sgd(BASE), 12, 2.0), EPOCHS), e -> each(k -> Math.pow(1 - Math.min(k, 12) / 12.0, 2), e),
                TOL, "PolynomialLR");
        // docstring: total_iters 4, power 1, lr 0.001
        assertSequence(run(new PolynomialLR(sgd(0.001), 4, 1.0), 6), 1e-15, "PolynomialLR doc", 0.001, 0.00075, 0.0005, 0.00025, 0, 0);
    }

    @Test
    void lambdaLR() {
        assertSchedule(run(new LambdaLR(sgd(BASE), e -> Math.pow(0.95, e)), EPOCHS), e -> each(k -> Math.pow(0.95, k), e), TOL,
                "LambdaLR");
        // one function per group, as the docstring's lambda1 = epoch // 30, lambda2 = 0.95 ** epoch
        double[][] lrs = run(new LambdaLR(sgd(BASE), List.<IntToDoubleFunction>of(e -> e / 30, e -> Math.pow(0.95, e))), EPOCHS);
        assertSchedule(lrs, e -> new double[] {BASE[0] * (e / 30), BASE[1] * Math.pow(0.95, e)}, TOL, "LambdaLR per group");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new LambdaLR(sgd(BASE), List.<IntToDoubleFunction>of(e -> 1.0)));
        assertEquals("Expected 2 lr_lambdas, but got 1", ex.getMessage());
    }

    @Test
    void multiplicativeLR() {
        assertSchedule(run(new MultiplicativeLR(sgd(BASE), e -> 0.9), EPOCHS), e -> each(k -> Math.pow(0.9, k), e), TOL,
                "MultiplicativeLR");
        // a factor that depends on the epoch: the product of (1 - 0.01 k) for k = 1..e
        assertSchedule(run(new MultiplicativeLR(sgd(BASE), e -> 1 - 0.01 * e), EPOCHS), e -> each(k -> {
            double p = 1;
            for (int j = 1; j <= k; j++) p *= 1 - 0.01 * j;
            return p;
        }, e), TOL, "MultiplicativeLR by epoch");
    }

    /** PyTorch's recursion, written from the formula in CosineAnnealingLR's documentation. */
    private static double cosineStep(double lr, double base, double etaMin, int tMax, int t) {
        if (t == 0) return lr;
        if (Math.floorMod(t - 1 - tMax, 2 * tMax) == 0) return lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
        return (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax)) * (lr - etaMin) + etaMin;
    }

    @Test
    void cosineAnnealingMatchesTheClosedFormAndThePyTorchRecursion() {
        double etaMin = 0.001;
        int tMax = 10;
        double[][] lrs = run(new CosineAnnealingLR(sgd(BASE), tMax, etaMin), EPOCHS);
        assertSchedule(lrs, e -> new double[] {
            etaMin + (BASE[0] - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2,
            etaMin + (BASE[1] - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2}, TOL, "CosineAnnealingLR");
        assertEquals(etaMin + (BASE[0] - etaMin) / 2, lrs[5][0], 1e-15, "half way");
        assertEquals(etaMin, lrs[10][0], 1e-15, "the minimum at T_max");
        assertEquals(BASE[0], lrs[20][0], 1e-12, "back to the base at 2 T_max");
        // the recursion itself, value for value: the recursive and closed forms differ in the last bits
        double[] lr = BASE.clone();
        for (int t = 0; t <= EPOCHS; t++) {
            for (int g = 0; g < 2; g++) {
                lr[g] = cosineStep(lr[g], BASE[g], etaMin, tMax, t);
                assertEquals(lr[g], lrs[t][g], 0.0, "recursion at epoch " + t + ", group " + g);
            }
        }
    }

    @Test
    void cosineAnnealingFollowsOutsideChangesToTheLearningRate() {
        SGD opt = sgd(0.1);
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 8);
        double lr = 0.1;
        for (int t = 1; t <= 20; t++) {
            if (t == 4) opt.paramGroups().get(0).setLr(opt.paramGroups().get(0).lr() / 2); // e.g. a manual decay
            if (t == 4) lr /= 2;
            s.step();
            lr = cosineStep(lr, 0.1, 0, 8, t);
            assertEquals(lr, opt.paramGroups().get(0).lr(), 0.0, "epoch " + t);
        }
    }

    @Test
    void stepWithAnEpochUsesTheClosedForm() {
        SGD opt = sgd(BASE);
        StepLR s = new StepLR(opt, 3, 0.5);
        s.step(10);
        assertEquals(10, s.lastEpoch());
        assertArrayEquals(new double[] {0.1 * 0.125, 0.05 * 0.125}, Schedules.lrs(opt), 1e-15);
        CosineAnnealingLR c = new CosineAnnealingLR(sgd(0.1), 10);
        c.step(3);
        assertEquals((1 + Math.cos(Math.PI * 3 / 10)) / 2 * 0.1, c.getLastLr().get(0), 1e-15);
        MultiStepLR m = new MultiStepLR(sgd(1.0), List.of(2, 4, 4), 0.5);
        m.step(4);
        assertEquals(0.125, m.getLastLr().get(0), 0.0);
    }

    @Test
    void sequentialLR() {
        // ConstantLR(0.1, 2) then ExponentialLR(0.9) from epoch 2, lr 1: at the milestone the second
        // scheduler restarts at its epoch 0 (its closed form: the base lr), then decays
        SGD opt = sgd(1.0);
        var seq = new SequentialLR(opt, List.of(new ConstantLR(opt, 0.1, 2), new ExponentialLR(opt, 0.9)), List.of(2));
        assertSequence(run(seq, 6), TOL, "SequentialLR", 0.1, 0.1, 1.0, 0.9, 0.81, 0.729, 0.6561);
        // warm-up then cosine annealing
        SGD opt2 = sgd(BASE);
        var warm = new SequentialLR(opt2, List.of(new LinearLR(opt2, 0.1, 1.0, 5), new CosineAnnealingLR(opt2, 20, 0.0)), List.of(5));
        assertSchedule(run(warm, 30), e -> each(k -> k < 5 ? 0.1 + 0.9 * k / 5.0 : (1 + Math.cos(Math.PI * (k - 5) / 20)) / 2, e),
                TOL, "warm-up then cosine");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new SequentialLR(opt, List.of(new ExponentialLR(opt, 0.9), new ExponentialLR(opt, 0.9)), List.of()));
        assertEquals("Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, "
                + "but got number of schedulers 2 and the number of milestones to be equal to 0", ex.getMessage());
        SGD other = sgd(1.0);
        ex = assertThrows(IllegalArgumentException.class, () -> new SequentialLR(opt, List.of(new ExponentialLR(other, 0.9)), List.of()));
        assertEquals("Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 0 to be "
                + "different than the optimizer passed in.", ex.getMessage());
    }

    @Test
    void chainedScheduler() {
        // each epoch applies ConstantLR's change, then ExponentialLR's, to the result: lr 1
        SGD opt = sgd(1.0);
        var chain = new ChainedScheduler(List.of(new ConstantLR(opt, 0.1, 2), new ExponentialLR(opt, 0.9)));
        assertSequence(run(chain, 6), TOL, "ChainedScheduler", 0.1, 0.09, 0.81, 0.729, 0.6561, 0.59049, 0.531441);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new ChainedScheduler(List.of()));
        assertEquals("ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.", ex.getMessage());
        // a chain inside a sequence: the chain's own schedulers restart with it
        SGD opt2 = sgd(1.0);
        var inner = new ChainedScheduler(List.of(new ConstantLR(opt2, 0.5, 3), new ExponentialLR(opt2, 0.5)));
        var seq = new SequentialLR(opt2, List.of(inner, new ConstantLR(opt2, 0.25, 100)), List.of(3));
        assertSequence(run(seq, 4), TOL, "chain in sequence", 0.5, 0.25, 0.125, 0.25, 0.25);
    }

    @Test
    void resumingNeedsInitialLr() {
        SGD opt = sgd(0.1);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 3, 0.1, 5));
        assertEquals("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer", ex.getMessage());
        opt.paramGroups().get(0).set("initial_lr", 1.0);
        StepLR s = new StepLR(opt, 3, 0.5, 5);
        assertEquals(6, s.lastEpoch());
        assertEquals(0.05, opt.paramGroups().get(0).lr(), 0.0, "epoch 6 is a multiple of 3: the current lr times gamma");
    }

    @Test
    void constructorErrors() {
        SGD opt = sgd(0.1);
        assertEquals("Constant multiplicative factor expected to be between 0 and 1.",
                assertThrows(IllegalArgumentException.class, () -> new ConstantLR(opt, 1.5, 3)).getMessage());
        assertEquals("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
                assertThrows(IllegalArgumentException.class, () -> new LinearLR(opt, 0, 1, 3)).getMessage());
        assertEquals("Ending multiplicative factor expected to be between 0 and 1.",
                assertThrows(IllegalArgumentException.class, () -> new LinearLR(opt, 0.5, 1.5, 3)).getMessage());
        assertEquals("StepLR: step_size must be a positive integer, got 0",
                assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 0)).getMessage());
    }

    @Test
    void anInvalidScheduledRateIsRefusedAndChangesNothing() {
        SGD opt = sgd(0.1);
        LambdaLR s = new LambdaLR(opt, e -> 1 - 0.6 * e);
        s.step();
        assertEquals(0.04, opt.paramGroups().get(0).lr(), 1e-17);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, s::step);
        assertTrue(ex.getMessage().startsWith("LambdaLR at epoch 2 gives param group 0 an invalid learning rate: -0.0"), ex.getMessage());
        assertEquals(1, s.lastEpoch());
        assertEquals(0.04, opt.paramGroups().get(0).lr(), 1e-17);
        assertEquals(0.04, s.getLastLr().get(0), 1e-17);
    }
}
