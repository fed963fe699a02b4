package dev.kindling.optim.lr;

import static dev.kindling.optim.lr.Schedules.assertSchedule;
import static dev.kindling.optim.lr.Schedules.run;
import static dev.kindling.optim.lr.Schedules.sgd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kindling.optim.Adagrad;
import dev.kindling.optim.Adam;
import dev.kindling.optim.Optimizer;
import dev.kindling.optim.SGD;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OneCycleLR, CyclicLR and CosineAnnealingWarmRestarts against schedules written here from the
 * papers' and PyTorch's documented definitions (piecewise by phase or by position in the cycle),
 * including the momentum (or beta1) they cycle, with hand-checked end points.
 */
class CyclicSchedulersTest {
    private static final double TOL = 1e-12;

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    // ------------------------------------------------------------------ OneCycleLR

    private static double anneal(double start, double end, double pct, boolean cos) {
        return cos ? end + (start - end) * (1 + Math.cos(Math.PI * pct)) / 2 : start + (end - start) * pct;
    }

    /** The 1cycle value at a step: {start, end, pct} of the phase the step falls in. */
    private static double[] phaseOf(int step, int total, double pct, boolean three) {
        double e1 = pct * total - 1, e2 = 2 * pct * total - 2, last = total - 1;
        if (step <= e1) return new double[] {0, 1, step / e1};                      // initial -> max
        if (!three) return new double[] {1, 2, (step - e1) / (last - e1)};          // max -> min
        if (step <= e2) return new double[] {1, 0, (step - e1) / (e2 - e1)};        // max -> initial
        return new double[] {0, 2, (step - e2) / (last - e2)};                      // initial -> min
    }

    private static double oneCycle(int step, int total, double pct, double maxLr, double div, double finalDiv, boolean cos, boolean three) {
        double initial = maxLr / div;
        double[] levels = {initial, maxLr, initial / finalDiv};
        double[] ph = phaseOf(step, total, pct, three);
        return anneal(levels[(int) ph[0]], levels[(int) ph[1]], ph[2], cos);
    }

    private static double oneCycleMomentum(int step, int total, double pct, double baseM, double maxM, boolean cos, boolean three) {
        double[] ph = phaseOf(step, total, pct, three);
        // lr levels initial, max, min pair with momenta max, base, max
        double[] momenta = {maxM, baseM, maxM};
        return anneal(momenta[(int) ph[0]], momenta[(int) ph[1]], ph[2], cos);
    }

    @Test
    void oneCycleCosine() {
        SGD opt = sgd(0.1, 0.05);
        double[][] lrs = run(new OneCycleLR(opt, new OneCycleLR.Options(1.0, 0.5).totalSteps(40)), 39);
        assertSchedule(lrs, e -> new double[] {oneCycle(e, 40, 0.3, 1.0, 25, 1e4, true, false),
            oneCycle(e, 40, 0.3, 0.5, 25, 1e4, true, false)}, TOL, "OneCycleLR cos");
        assertEquals(0.04, lrs[0][0], 1e-15, "starts at max_lr / 25");
        assertEquals(1.0, lrs[11][0], 1e-15, "peaks at pct_start * total - 1");
        assertEquals(0.04 / 1e4, lrs[39][0], 1e-18, "ends at initial / 1e4");
        assertEquals(0.95, opt.paramGroups().get(0).getDouble("momentum"), 1e-12, "momentum back at max_momentum");
        assertEquals(1.0, opt.paramGroups().get(0).getDouble("max_lr"));
        assertEquals(0.04, opt.paramGroups().get(0).getDouble("initial_lr"), 1e-15);
    }

    @Test
    void oneCycleMomentumFollowsTheSchedule() {
        SGD opt = sgd(0.1);
        OneCycleLR s = new OneCycleLR(opt, new OneCycleLR.Options(0.5).totalSteps(30).pctStart(0.25).annealStrategy("linear"));
        for (int e = 0; e < 30; e++) {
            if (e > 0) s.step();
            assertEquals(oneCycle(e, 30, 0.25, 0.5, 25, 1e4, false, false), opt.paramGroups().get(0).lr(), TOL, "lr at " + e);
            assertEquals(oneCycleMomentum(e, 30, 0.25, 0.85, 0.95, false, false), opt.paramGroups().get(0).getDouble("momentum"), TOL,
                    "momentum at " + e);
        }
        // Adam: beta1 moves, beta2 stays
        Adam adam = new Adam(List.of(Schedules.param()), 0.1).betas(0.9, 0.99);
        OneCycleLR a = new OneCycleLR(adam, new OneCycleLR.Options(0.5).totalSteps(30).threePhase(true).baseMomentum(0.8)
                .maxMomentum(0.9).divFactor(10).finalDivFactor(100));
        for (int e = 0; e < 30; e++) {
            if (e > 0) a.step();
            double[] betas = adam.paramGroups().get(0).getPair("betas");
            assertEquals(oneCycle(e, 30, 0.3, 0.5, 10, 100, true, true), adam.paramGroups().get(0).lr(), TOL, "three-phase lr at " + e);
            assertEquals(oneCycleMomentum(e, 30, 0.3, 0.8, 0.9, true, true), betas[0], TOL, "beta1 at " + e);
            assertEquals(0.99, betas[1], 0.0);
        }
    }

    @Test
    void oneCycleFromEpochsAndStepsAndItsErrors() {
        OneCycleLR s = new OneCycleLR(sgd(0.1), new OneCycleLR.Options(0.1).epochs(4).stepsPerEpoch(10).cycleMomentum(false));
        assertEquals(40, s.totalSteps());
        for (int i = 0; i < 40; i++) s.step(); // PyTorch allows total_steps steps after the initial one
        assertEquals("Tried to step 41 times. The specified number of total steps is 40", message(s::step));
        assertEquals(40, s.lastEpoch(), "a refused step changes nothing");
        SGD opt = sgd(0.1);
        assertEquals("You must define either total_steps OR (epochs AND steps_per_epoch)",
                message(() -> new OneCycleLR(opt, new OneCycleLR.Options(0.1).epochs(3))));
        assertEquals("Expected positive integer total_steps, but got 0", message(() -> new OneCycleLR(opt, new OneCycleLR.Options(0.1).totalSteps(0))));
        assertEquals("Expected positive integer epochs, but got -1",
                message(() -> new OneCycleLR(opt, new OneCycleLR.Options(0.1).epochs(-1).stepsPerEpoch(2))));
        assertEquals("Expected float between 0 and 1 pct_start, but got 1.5",
                message(() -> new OneCycleLR(opt, new OneCycleLR.Options(0.1).totalSteps(9).pctStart(1.5))));
        assertEquals("anneal_strategy must be one of 'cos' or 'linear', instead got exp",
                message(() -> new OneCycleLR(opt, new OneCycleLR.Options(0.1).totalSteps(9).annealStrategy("exp"))));
        assertEquals("expected 1 values for max_lr, got 2", message(() -> new OneCycleLR(opt, new OneCycleLR.Options(0.1, 0.2).totalSteps(9))));
        Optimizer adagrad = new Adagrad(List.of(Schedules.param()));
        assertEquals("optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
                message(() -> new OneCycleLR(adagrad, new OneCycleLR.Options(0.1).totalSteps(9))));
        assertEquals(0.1, opt.paramGroups().get(0).lr(), "refused constructions leave the groups alone");
    }

    // ------------------------------------------------------------------ CyclicLR

    /** The CLR paper's triangle for equal half-cycles of {@code ss} iterations: 0 at the ends, 1 at the peak. */
    private static double triangle(int it, int ss) {
        double cycle = Math.floor(1 + it / (2.0 * ss));
        double x = Math.abs((double) it / ss - 2 * cycle + 1);
        return Math.max(0, 1 - x);
    }

    @Test
    void cyclicTriangularModes() {
        double base = 0.001, max = 0.006;
        assertSchedule(run(new CyclicLR(sgd(0.1), new CyclicLR.Options(base, max).stepSizeUp(4)), 40),
                e -> new double[] {base + (max - base) * triangle(e, 4)}, TOL, "triangular");
        assertSchedule(run(new CyclicLR(sgd(0.1), new CyclicLR.Options(base, max).stepSizeUp(4).mode("triangular2")), 40),
                e -> new double[] {base + (max - base) * triangle(e, 4) / Math.pow(2, Math.floor(1 + e / 8.0) - 1)}, TOL, "triangular2");
        assertSchedule(run(new CyclicLR(sgd(0.1), new CyclicLR.Options(base, max).stepSizeUp(4).mode("exp_range").gamma(0.97)), 40),
                e -> new double[] {base + (max - base) * triangle(e, 4) * Math.pow(0.97, e)}, TOL, "exp_range");
        // a custom scale of the iteration number
        assertSchedule(run(new CyclicLR(sgd(0.1), new CyclicLR.Options(base, max).stepSizeUp(4).scaleFn(x -> 1 / (1 + x))
                .scaleMode("iterations")), 40), e -> new double[] {base + (max - base) * triangle(e, 4) / (1 + e)}, TOL, "custom scale");
    }

    @Test
    void cyclicAsymmetricWithMomentum() {
        // 3 iterations up, 5 down: position p in the cycle of 8 rises as p/3, then falls as (8 - p)/5
        SGD opt = sgd(0.1, 0.2);
        CyclicLR s = new CyclicLR(opt, new CyclicLR.Options(new double[] {0.01, 0.02}, new double[] {0.1, 0.3}).stepSizeUp(3)
                .stepSizeDown(5).baseMomentum(0.7).maxMomentum(0.95));
        for (int e = 0; e <= 40; e++) {
            if (e > 0) s.step();
            int p = e % 8;
            double h = p <= 3 ? p / 3.0 : (8 - p) / 5.0;
            assertEquals(0.01 + 0.09 * h, opt.paramGroups().get(0).lr(), TOL, "group 0 at " + e);
            assertEquals(0.02 + 0.28 * h, opt.paramGroups().get(1).lr(), TOL, "group 1 at " + e);
            assertEquals(0.95 - 0.25 * h, opt.paramGroups().get(0).getDouble("momentum"), TOL, "momentum at " + e);
        }
        assertEquals("mode is invalid and scale_fn is None", message(() -> new CyclicLR(sgd(0.1), new CyclicLR.Options(0.1, 1).mode("sawtooth"))));
        Optimizer adagrad = new Adagrad(List.of(Schedules.param()));
        assertEquals("optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
                message(() -> new CyclicLR(adagrad, new CyclicLR.Options(0.1, 1))));
        new CyclicLR(adagrad, new CyclicLR.Options(0.1, 1).cycleMomentum(false)); // fine without momentum cycling
    }

    // ------------------------------------------------------------------ CosineAnnealingWarmRestarts

    @Test
    void warmRestarts() {
        double eta = 0.01;
        // periods 5, 10, 20, 40: restarts at epochs 5, 15, 35
        assertSchedule(run(new CosineAnnealingWarmRestarts(sgd(0.1), 5, 2, eta), 40), e -> {
            int start = e < 5 ? 0 : e < 15 ? 5 : e < 35 ? 15 : 35;
            int period = e < 5 ? 5 : e < 15 ? 10 : e < 35 ? 20 : 40;
            return new double[] {eta + (0.1 - eta) * (1 + Math.cos(Math.PI * (e - start) / period)) / 2};
        }, TOL, "T_mult 2");
        assertSchedule(run(new CosineAnnealingWarmRestarts(sgd(0.1), 7), 40),
                e -> new double[] {0.1 * (1 + Math.cos(Math.PI * (e % 7) / 7)) / 2}, TOL, "T_mult 1");
        SGD opt = sgd(0.1);
        CosineAnnealingWarmRestarts s = new CosineAnnealingWarmRestarts(opt, 5, 2, 0.0);
        s.step(7.5); // fractional epochs: half-way through epoch 7, in the second period
        assertEquals(2.5, s.tCur(), 1e-15);
        assertEquals(10, s.tI());
        assertEquals(7, s.lastEpoch());
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 2.5 / 10)) / 2, opt.paramGroups().get(0).lr(), TOL);
        s.step(3);
        assertEquals(5, s.tI());
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 3 / 5)) / 2, opt.paramGroups().get(0).lr(), TOL);
        assertEquals("Expected positive integer T_0, but got 0", message(() -> new CosineAnnealingWarmRestarts(sgd(0.1), 0)));
        assertEquals("Expected integer T_mult >= 1, but got 0", message(() -> new CosineAnnealingWarmRestarts(sgd(0.1), 3, 0, 0)));
        assertEquals("Expected non-negative epoch, but got -1.0", message(() -> s.step(-1.0)));
    }
}
