package dev.kindling.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kindling.DType;
import dev.kindling.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The optimization problem every trajectory test runs: three parameters of shapes [3, 4], [5]
 * and [1] with fixed starting values, and a gradient that depends on the current parameter value
 * (g = 0.5 p + 0.3 sin(3p) + c, with a per-element constant c), so that an error in one step
 * changes every later step. Kindling, the plain-Java references and libtorch all step on the same
 * problem and their parameter values are compared after every step.
 */
final class Trajectory {
    static final int[][] SHAPES = {{3, 4}, {5}, {1}};
    static final int STEPS = 12;

    private Trajectory() {}

    static double[][] initialValues() {
        double[][] v = new double[SHAPES.length][];
        for (int i = 0; i < SHAPES.length; i++) {
            int n = numel(SHAPES[i]);
            v[i] = new double[n];
            for (int k = 0; k < n; k++) v[i][k] = 0.9 * Math.sin(1.7 * (k + 1) + 0.61 * i) + 0.05 * i;
        }
        return v;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** The gradient of element k of parameter i at value p. */
    static double grad(int i, int k, double p) {
        return 0.5 * p + 0.3 * Math.sin(3 * p) + 0.1 * ((k + 3 * i) % 7 - 3);
    }

    static double[] grads(int i, double[] p) {
        double[] g = new double[p.length];
        for (int k = 0; k < p.length; k++) g[k] = grad(i, k, p[k]);
        return g;
    }

    /** A reference optimizer in plain Java doubles: updates parameter i in place from its gradient. */
    interface Reference {
        void step(int i, double[] p, double[] g);
    }

    /** Parameter values after each step: [step][param][element]. */
    static double[][][] runReference(Reference ref, int steps) {
        double[][] p = initialValues();
        double[][][] out = new double[steps][][];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < p.length; i++) ref.step(i, p[i], grads(i, p[i]));
            out[s] = copy(p);
        }
        return out;
    }

    /** Kindling parameters of the given dtype holding the starting values, requiring grad. */
    static List<Tensor> params(DType dtype) {
        double[][] init = initialValues();
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            params.add(Tensor.from(init[i].clone(), SHAPES[i]).to(dtype).requiresGrad_(true));
        }
        return params;
    }

    /** Sets every parameter's grad from its current value (computed in double, stored in the param's dtype). */
    static void setGrads(List<Tensor> params) {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            p.setGrad(Tensor.from(grads(i, p.toDoubleArray()), p.shape()).to(p.dtype()));
        }
    }

    static double[][] values(List<Tensor> params) {
        double[][] v = new double[params.size()][];
        for (int i = 0; i < v.length; i++) v[i] = params.get(i).toDoubleArray();
        return v;
    }

    static double[][][] runKindling(DType dtype, Function<List<Tensor>, ? extends Optimizer> make, int steps) {
        List<Tensor> params = params(dtype);
        Optimizer opt = make.apply(params);
        return runKindling(params, opt, steps);
    }

    static double[][][] runKindling(List<Tensor> params, Optimizer opt, int steps) {
        double[][][] out = new double[steps][][];
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            setGrads(params);
            opt.step();
            out[s] = values(params);
        }
        return out;
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    /** Fails at the first element where |actual - expected| > atol + rtol |expected|; returns the largest relative error. */
    static double assertClose(double[][][] expected, double[][][] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": steps");
        double worst = 0;
        for (int s = 0; s < expected.length; s++) {
            for (int i = 0; i < expected[s].length; i++) {
                for (int k = 0; k < expected[s][i].length; k++) {
                    double e = expected[s][i][k], a = actual[s][i][k];
                    double err = Math.abs(a - e);
                    if (!(err <= atol + rtol * Math.abs(e))) {
                        fail(what + ": step " + (s + 1) + ", param " + i + ", element " + k + ": expected " + e + " but was " + a
                                + " (difference " + err + ")");
                    }
                    worst = Math.max(worst, err / Math.max(Math.abs(e), 1e-300));
                }
            }
        }
        return worst;
    }

    /** The parameters moved away from their starting values (guards against a test comparing two no-ops). */
    static void assertMoved(double[][][] trajectory, String what) {
        double[][] init = initialValues();
        double[][] last = trajectory[trajectory.length - 1];
        double moved = 0;
        for (int i = 0; i < init.length; i++) {
            for (int k = 0; k < init[i].length; k++) moved = Math.max(moved, Math.abs(last[i][k] - init[i][k]));
        }
        if (!(moved > 1e-4)) fail(what + ": the parameters barely moved (" + moved + ")");
    }
}
