package dev.kindling.optim.lr;

import static dev.kindling.optim.lr.Schedules.sgd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kindling.optim.SGD;

import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ReduceLROnPlateauScheduler;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ReduceLROnPlateau against libtorch 2.10's {@code ReduceLROnPlateauScheduler} on 60 epochs of a
 * metric with plateaus and bumps, in every mode, threshold mode, patience and cooldown; plus
 * hand-worked scenarios for eps, min_lr and max/abs, and its errors. libtorch keeps the factor, the
 * metric and min_lr in float, so the test uses values exact in float (factor 0.5, metrics in
 * 1/16ths). libtorch's C++ scheduler departs from PyTorch's Python one in two places, which the
 * comparison avoids: its worst value for mode max is the smallest positive float (not -inf), so
 * its max-mode metrics here are positive, and its max/abs test is {@code a > best * threshold}
 * (not {@code best + threshold}), so max/abs is checked by hand only.
 */
class ReduceLROnPlateauTest {
    private PointerScope scope;

    @BeforeAll
    static void loadLibtorch() { torch.manual_seed(0); }

    @BeforeEach
    void openScope() { scope = new PointerScope(); }

    @AfterEach
    void closeScope() { scope.close(); }

    /** A noisy, slowly improving loss in 1/16ths. */
    private static double metric(int epoch) { return 3.0 - (epoch / 9) * 0.25 + ((epoch * 7) % 5) / 16.0; }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("min", "rel", 2, 0, 1e-4, 0.0),
                Arguments.of("min", "abs", 1, 0, 0.125, 0.0),
                Arguments.of("min", "rel", 3, 2, 1e-4, 0.0625),
                Arguments.of("max", "rel", 2, 1, 1e-4, 0.0),
                Arguments.of("max", "rel", 0, 0, 0.05, 0.125),
                Arguments.of("min", "rel", 0, 3, 0.05, 0.0));
    }

    @ParameterizedTest(name = "{0} {1} patience {2} cooldown {3}")
    @MethodSource("configs")
    void matchesLibtorch(String mode, String thresholdMode, int patience, int cooldown, double threshold, double minLr) {
        SGD opt = sgd(1.0);
        ReduceLROnPlateau k = new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().mode(mode).thresholdMode(thresholdMode)
                .patience(patience).cooldown(cooldown).threshold(threshold).minLr(minLr).factor(0.5));

        var p = torch.zeros(new long[] {2}, new TensorOptions(torch.ScalarType.Double)).requires_grad_(true);
        var tOpt = new org.bytedeco.pytorch.SGD(new TensorVector(p), new org.bytedeco.pytorch.SGDOptions(1.0));
        var t = new ReduceLROnPlateauScheduler(tOpt,
                mode.equals("min") ? ReduceLROnPlateauScheduler.SchedulerMode.min : ReduceLROnPlateauScheduler.SchedulerMode.max,
                0.5f, patience, threshold,
                thresholdMode.equals("rel") ? ReduceLROnPlateauScheduler.ThresholdMode.rel : ReduceLROnPlateauScheduler.ThresholdMode.abs,
                cooldown, new float[] {(float) minLr}, 1e-8, false);
        int reductions = 0;
        double previous = 1.0;
        for (int e = 0; e < 60; e++) {
            double m = mode.equals("min") ? metric(e) : 4 - metric(e);
            k.step(m);
            t.step((float) m);
            double expected = tOpt.param_groups().get(0).options().get_lr();
            assertEquals(expected, opt.paramGroups().get(0).lr(), 0.0, "epoch " + e);
            assertEquals(expected, k.getLastLr().get(0), 0.0);
            if (expected < previous) reductions++;
            previous = expected;
        }
        if (reductions == 0) throw new AssertionError("the scenario never reduced the learning rate");
    }

    @Test
    void patienceCooldownAndMinLrByHand() {
        SGD opt = sgd(1.0, 0.3);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().patience(2).cooldown(1).minLr(0.0, 0.25));
        double[] metrics = {5, 4, 4, 4, 4, 4, 4, 4, 4, 3};
        // epoch:            1  2  3  4  5: 3rd bad epoch -> reduce; 6 cooldown; 7, 8, 9 bad -> reduce at 9; 10 better
        double[][] expected = {{1, 0.3}, {1, 0.3}, {1, 0.3}, {1, 0.3}, {0.1, 0.25}, {0.1, 0.25}, {0.1, 0.25}, {0.1, 0.25},
            {0.01, 0.25}, {0.01, 0.25}};
        for (int e = 0; e < metrics.length; e++) {
            s.step(metrics[e]);
            assertEquals(expected[e][0], opt.paramGroups().get(0).lr(), 1e-15, "group 0 after epoch " + (e + 1));
            assertEquals(expected[e][1], opt.paramGroups().get(1).lr(), 1e-15, "group 1 after epoch " + (e + 1));
        }
        assertEquals(3.0, s.best());
        assertEquals(10, s.lastEpoch());
    }

    @Test
    void maxModeWithAnAbsoluteThresholdByHand() {
        SGD opt = sgd(1.0);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().mode("max").thresholdMode("abs")
                .threshold(0.5).patience(1).factor(0.5));
        // improvements must exceed best + 0.5: -3 (best), -2.6 (bad 1), -2.4 (better: -2.4 > -2.5), -2.0 (bad 1), -1.95 (bad 2: reduce)
        double[] metrics = {-3, -2.6, -2.4, -2.0, -1.95, -1.0};
        double[] lrs = {1, 1, 1, 1, 0.5, 0.5};
        for (int e = 0; e < metrics.length; e++) {
            s.step(metrics[e]);
            assertEquals(lrs[e], opt.paramGroups().get(0).lr(), 0.0, "after epoch " + (e + 1));
        }
        assertEquals(-1.0, s.best());
    }

    @Test
    void reductionsSmallerThanEpsAreSkipped() {
        SGD opt = sgd(1e-8);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().patience(0));
        s.step(1);
        s.step(1); // a bad epoch: 1e-8 * 0.1 differs from 1e-8 by 9e-9 < eps 1e-8
        assertEquals(1e-8, opt.paramGroups().get(0).lr());
        SGD opt2 = sgd(1.0);
        ReduceLROnPlateau s2 = new ReduceLROnPlateau(opt2, new ReduceLROnPlateau.Options().patience(0).eps(0));
        s2.step(1);
        s2.step(1);
        assertEquals(0.1, opt2.paramGroups().get(0).lr(), 1e-16);
    }

    @Test
    void errors() {
        SGD opt = sgd(1.0, 0.5);
        assertEquals("Factor should be < 1.0.",
                assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().factor(1.0)))
                        .getMessage());
        assertEquals("mode avg is unknown!",
                assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().mode("avg")))
                        .getMessage());
        assertEquals("threshold mode pct is unknown!", assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().thresholdMode("pct"))).getMessage());
        assertEquals("expected 2 min_lrs, got 3", assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().minLr(0, 0, 0))).getMessage());
        // a group added after construction gets the single min_lr
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().patience(0).minLr(0.2));
        opt.addParamGroup(List.of(Schedules.param()), java.util.Map.of("lr", 1.0));
        s.step(1);
        s.step(2);
        assertEquals(List.of(0.2, 0.2, 0.2), s.getLastLr().stream().map(v -> Math.round(v * 1e12) / 1e12).toList());
    }
}
