package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kindling.Tensor;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The first steps of each optimizer on one FLOAT64 parameter starting at 1 with a constant
 * gradient, against values worked out by hand from PyTorch's update rules.
 */
class OptimizerHandValuesTest {
    private static final double TOL = 1e-12;

    /** Parameter values after each of {@code expected.length} steps with gradient {@code g}. */
    private static void assertSteps(Function<List<Tensor>, Optimizer> make, double g, double... expected) {
        Tensor p = Tensor.from(new double[] {1.0}).requiresGrad_(true);
        Optimizer opt = make.apply(List.of(p));
        for (int s = 0; s < expected.length; s++) {
            p.setGrad(Tensor.from(new double[] {g}));
            opt.step();
            assertEquals(expected[s], p.item(), TOL, opt.getClass().getSimpleName() + " step " + (s + 1));
        }
    }

    @Test
    void sgd() {
        assertSteps(p -> new SGD(p, 0.1), 1, 0.9, 0.8, 0.7);
        // buf = 1, 1.9, 2.71
        assertSteps(p -> new SGD(p, 0.1).momentum(0.9), 1, 0.9, 0.71, 0.439);
        // buf = 1 (first step ignores dampening), then 0.9 + 0.5 = 1.4
        assertSteps(p -> new SGD(p, 0.1).momentum(0.9).dampening(0.5), 1, 0.9, 0.76);
        // d = g + 0.9 buf: 1.9, then 1 + 0.9 * 1.9 = 2.71
        assertSteps(p -> new SGD(p, 0.1).momentum(0.9).nesterov(true), 1, 0.81, 0.539);
        // g + 0.5 p = 1.5 at p = 1; then 1 + 0.5 * 0.85 = 1.425
        assertSteps(p -> new SGD(p, 0.1).weightDecay(0.5), 1, 0.85, 0.7075);
        assertSteps(p -> new SGD(p, 0.1).maximize(true), 1, 1.1, 1.2);
    }

    @Test
    void adam() {
        // constant g: the bias-corrected moments are exactly g and g^2, so each step is lr * g / (|g| + eps)
        double step = 0.1 * 2 / (2 + 1e-8);
        assertSteps(p -> new Adam(p, 0.1), 2, 1 - step, 1 - 2 * step, 1 - 3 * step);
        assertSteps(p -> new Adam(p, 0.1).amsgrad(true), 2, 1 - step, 1 - 2 * step);
        assertSteps(p -> new Adam(p, 0.1).maximize(true), 2, 1 + step, 1 + 2 * step);
        // AdamW: the weight decays first (1 - 0.1 * 0.01), then the same step
        assertSteps(p -> new AdamW(p, 0.1), 2, 0.999 - step, (0.999 - step) * 0.999 - step);
    }

    @Test
    void rmsprop() {
        // square_avg = 0.01 g^2 = 0.01, avg = 0.1 + 1e-8
        assertSteps(p -> new RMSprop(p, 0.01), 1, 1 - 0.01 / (0.1 + 1e-8));
        // momentum buffer = 1 / avg, then 0.9 buf + 1 / avg2 with square_avg = 0.99 * 0.01 + 0.01
        double avg1 = 0.1 + 1e-8, avg2 = Math.sqrt(0.0199) + 1e-8;
        double buf2 = 0.9 / avg1 + 1 / avg2;
        assertSteps(p -> new RMSprop(p, 0.01).momentum(0.9), 1, 1 - 0.01 / avg1, 1 - 0.01 / avg1 - 0.01 * buf2);
        // centered: square_avg 0.01, grad_avg 0.01 -> sqrt(0.01 - 0.0001)
        assertSteps(p -> new RMSprop(p, 0.01).centered(true), 1, 1 - 0.01 / (Math.sqrt(0.0099) + 1e-8));
    }

    @Test
    void adagrad() {
        assertSteps(p -> new Adagrad(p, 0.1), 1, 1 - 0.1 / (1 + 1e-10), 1 - 0.1 / (1 + 1e-10) - 0.1 / (Math.sqrt(2) + 1e-10));
        // initial sum 3: sqrt(4) = 2; lr_decay 1: step 2 uses lr / 2 and sqrt(5)
        assertSteps(p -> new Adagrad(p, 0.1).initialAccumulatorValue(3).lrDecay(1), 1,
                1 - 0.1 / (2 + 1e-10), 1 - 0.1 / (2 + 1e-10) - 0.05 / (Math.sqrt(5) + 1e-10));
    }

    @Test
    void adadelta() {
        // square_avg 0.1, delta = sqrt(0 + 1e-6) / sqrt(0.1 + 1e-6)
        double d1 = Math.sqrt(1e-6) / Math.sqrt(0.1 + 1e-6);
        double acc = 0.1 * d1 * d1;
        double d2 = Math.sqrt(acc + 1e-6) / Math.sqrt(0.19 + 1e-6);
        assertSteps(Adadelta::new, 1, 1 - d1, 1 - d1 - d2);
    }

    @Test
    void adamax() {
        // exp_avg 0.2 (then 0.38), exp_inf 2 + 1e-8 (then max(0.999 (2 + 1e-8), 2 + 1e-8)), bias corrections 0.1 and 0.19
        double u = 2 + 1e-8;
        assertSteps(p -> new Adamax(p, 0.1), 2, 1 - 0.1 / 0.1 * 0.2 / u, 1 - 0.1 / 0.1 * 0.2 / u - 0.1 / 0.19 * 0.38 / u);
    }

    @Test
    void radam() {
        // the first steps have rho_t <= 5: p -= lr * exp_avg / bias_correction1 = lr * g
        assertSteps(p -> new RAdam(p, 0.1), 2, 0.8, 0.6, 0.4);
    }

    @Test
    void nadam() {
        double lr = 0.1, mu = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.004)), muNext = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.008));
        double muProduct = (float) mu; // PyTorch keeps mu_product in float32
        double denom = 2 + 1e-8; // sqrt(v / bias_correction2) + eps with v = 0.001 * 4
        double expected = 1 - lr * (1 - mu) / (1 - muProduct) * 2 / denom - lr * muNext / (1 - muProduct * muNext) * 0.2 / denom;
        assertSteps(p -> new NAdam(p, lr), 2, expected);
    }
}
