package dev.kindling.optim.lr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kindling.Tensor;
import dev.kindling.optim.Optimizer;
import dev.kindling.optim.SGD;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Helpers for the scheduler tests: optimizers with one group per learning rate, and LR sequences. */
final class Schedules {
    static final int EPOCHS = 40;

    private Schedules() {}

    /** SGD with one group per learning rate (each group holds one small parameter). */
    static SGD sgd(double... lrs) {
        SGD opt = new SGD(List.of(param()), lrs[0]);
        for (int i = 1; i < lrs.length; i++) opt.addParamGroup(List.of(param()), Map.of("lr", lrs[i]));
        return opt;
    }

    static Tensor param() { return Tensor.from(new double[] {1, 2}).requiresGrad_(true); }

    /** The learning rates after construction (epoch 0) and after each of {@code steps} steps: [epoch][group]. */
    static double[][] run(LRScheduler s, int steps) {
        double[][] out = new double[steps + 1][];
        out[0] = lrs(s.optimizer());
        for (int e = 1; e <= steps; e++) {
            s.optimizer().step();
            s.step();
            out[e] = lrs(s.optimizer());
            List<Double> last = s.getLastLr();
            for (int g = 0; g < out[e].length; g++) assertEquals(out[e][g], last.get(g), 0.0, "getLastLr() at epoch " + e);
        }
        return out;
    }

    static double[] lrs(Optimizer opt) {
        return opt.paramGroups().stream().mapToDouble(g -> g.lr()).toArray();
    }

    /** Compares against {@code expected.apply(epoch)} (one value per group) within {@code tol} relative (and absolute near 0). */
    static void assertSchedule(double[][] actual, IntFunction<double[]> expected, double tol, String what) {
        for (int e = 0; e < actual.length; e++) {
            double[] exp = expected.apply(e);
            for (int g = 0; g < exp.length; g++) {
                double err = Math.abs(actual[e][g] - exp[g]);
                if (!(err <= tol * Math.max(Math.abs(exp[g]), 1e-3))) {
                    fail(what + ": epoch " + e + ", group " + g + ": expected " + exp[g] + " but was " + actual[e][g]);
                }
            }
        }
    }

    static void assertSequence(double[][] actual, double tol, String what, double... expectedGroup0) {
        for (int e = 0; e < expectedGroup0.length; e++) {
            assertEquals(expectedGroup0[e], actual[e][0], tol, what + " at epoch " + e);
        }
    }
}
