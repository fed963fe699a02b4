package dev.kindling.optim;

import java.util.HashMap;
import java.util.Map;

/**
 * Plain-Java double-precision implementations of PyTorch's optimizers, written element by element
 * from the algorithms in PyTorch's documentation and its single-tensor code paths, independently of
 * Kindling's tensor code. Options are public fields (snake_case names in comments).
 *
 * <p>Where PyTorch's code and its documented formula differ, the code wins, and the comment says
 * so: AMSGrad takes the maximum of the raw second moment (the docs show the bias-corrected one),
 * and NAdam's {@code mu_product} is a float32 scalar.
 */
final class ReferenceOptimizers {
    private ReferenceOptimizers() {}

    /** Per-parameter state arrays, created as zeros (or {@code init}) on first use. */
    static final class Buffers {
        private final Map<String, double[]> map = new HashMap<>();

        double[] get(String name, int param, int n, double init) {
            return map.computeIfAbsent(name + "#" + param, k -> {
                double[] a = new double[n];
                java.util.Arrays.fill(a, init);
                return a;
            });
        }

        double[] get(String name, int param, int n) { return get(name, param, n, 0); }

        boolean has(String name, int param) { return map.containsKey(name + "#" + param); }
    }

    static class Sgd implements Trajectory.Reference {
        double lr = 1e-3, momentum, dampening, weightDecay;
        boolean nesterov, maximize;
        final Buffers b = new Buffers();

        @Override
        public void step(int i, double[] p, double[] grad) {
            boolean first = !b.has("buf", i);
            double[] buf = b.get("buf", i, p.length);
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                g += weightDecay * p[k];
                if (momentum != 0) {
                    buf[k] = first ? g : momentum * buf[k] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * buf[k] : buf[k];
                }
                p[k] -= lr * g;
            }
        }
    }

    /** Adam; with {@code decoupled} it is AdamW (decay of the weights before the moments). */
    static class Adam implements Trajectory.Reference {
        double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
        boolean amsgrad, maximize, decoupled;
        final Map<Integer, Integer> steps = new HashMap<>();
        final Buffers b = new Buffers();

        @Override
        public void step(int i, double[] p, double[] grad) {
            int t = steps.merge(i, 1, Integer::sum);
            double[] m = b.get("m", i, p.length), v = b.get("v", i, p.length), vmax = b.get("vmax", i, p.length);
            double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                if (weightDecay != 0) {
                    if (decoupled) p[k] *= 1 - lr * weightDecay;
                    else g += weightDecay * p[k];
                }
                m[k] = beta1 * m[k] + (1 - beta1) * g;
                v[k] = beta2 * v[k] + (1 - beta2) * g * g;
                double second = v[k];
                if (amsgrad) {
                    vmax[k] = Math.max(vmax[k], v[k]); // PyTorch's code: the max of the raw v, corrected after
                    second = vmax[k];
                }
                double denom = Math.sqrt(second) / Math.sqrt(bc2) + eps;
                p[k] -= lr / bc1 * m[k] / denom;
            }
        }
    }

    static class RmsProp implements Trajectory.Reference {
        double lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay, momentum;
        boolean centered, maximize;
        final Buffers b = new Buffers();

        @Override
        public void step(int i, double[] p, double[] grad) {
            double[] sq = b.get("sq", i, p.length), ga = b.get("ga", i, p.length), buf = b.get("buf", i, p.length);
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                g += weightDecay * p[k];
                sq[k] = alpha * sq[k] + (1 - alpha) * g * g;
                double avg;
                if (centered) {
                    ga[k] = alpha * ga[k] + (1 - alpha) * g;
                    avg = Math.sqrt(sq[k] - ga[k] * ga[k]);
                } else {
                    avg = Math.sqrt(sq[k]);
                }
                avg += eps;
                if (momentum > 0) {
                    buf[k] = momentum * buf[k] + g / avg;
                    p[k] -= lr * buf[k];
                } else {
                    p[k] -= lr * g / avg;
                }
            }
        }
    }

    static class Adagrad implements Trajectory.Reference {
        double lr = 1e-2, lrDecay, weightDecay, initialAccumulatorValue, eps = 1e-10;
        boolean maximize;
        final Map<Integer, Integer> steps = new HashMap<>();
        final Buffers b = new Buffers();

        @Override
        public void step(int i, double[] p, double[] grad) {
            int t = steps.merge(i, 1, Integer::sum);
            double[] sum = b.get("sum", i, p.length, initialAccumulatorValue);
            double clr = lr / (1 + (t - 1) * lrDecay);
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                g += weightDecay * p[k];
                sum[k] += g * g;
                p[k] -= clr * g / (Math.sqrt(sum[k]) + eps);
            }
        }
    }

    static class Adadelta implements Trajectory.Reference {
        double lr = 1.0, rho = 0.9, eps = 1e-6, weightDecay;
        boolean maximize;
        final Buffers b = new Buffers();

        @Override
        public void step(int i, double[] p, double[] grad) {
            double[] sq = b.get("sq", i, p.length), acc = b.get("acc", i, p.length);
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                g += weightDecay * p[k];
                sq[k] = rho * sq[k] + (1 - rho) * g * g;
                double delta = Math.sqrt(acc[k] + eps) / Math.sqrt(sq[k] + eps) * g;
                acc[k] = rho * acc[k] + (1 - rho) * delta * delta;
                p[k] -= lr * delta;
            }
        }
    }

    static class Adamax implements Trajectory.Reference {
        double lr = 2e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
        boolean maximize;
        final Map<Integer, Integer> steps = new HashMap<>();
        final Buffers b = new Buffers();

        @Override
        public void step(int i, double[] p, double[] grad) {
            int t = steps.merge(i, 1, Integer::sum);
            double[] m = b.get("m", i, p.length), u = b.get("u", i, p.length);
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                g += weightDecay * p[k];
                m[k] = beta1 * m[k] + (1 - beta1) * g;
                u[k] = Math.max(beta2 * u[k], Math.abs(g) + eps);
                p[k] -= lr / (1 - Math.pow(beta1, t)) * m[k] / u[k];
            }
        }
    }

    static class NAdam implements Trajectory.Reference {
        double lr = 2e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay, momentumDecay = 4e-3;
        boolean decoupled, maximize;
        final Map<Integer, Integer> steps = new HashMap<>();
        final Map<Integer, Float> muProducts = new HashMap<>();
        final Buffers b = new Buffers();

        @Override
        public void step(int i, double[] p, double[] grad) {
            int t = steps.merge(i, 1, Integer::sum);
            double[] m = b.get("m", i, p.length), v = b.get("v", i, p.length);
            double mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
            double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * momentumDecay));
            // PyTorch keeps mu_product in a float32 tensor: each product is rounded to float
            float muProduct = (float) (muProducts.getOrDefault(i, 1f) * (double) (float) mu);
            muProducts.put(i, muProduct);
            double mp = muProduct; // its value, used in double arithmetic as PyTorch's item() is
            double bc2 = 1 - Math.pow(beta2, t);
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                if (weightDecay != 0) {
                    if (decoupled) p[k] *= 1 - lr * weightDecay;
                    else g += weightDecay * p[k];
                }
                m[k] = beta1 * m[k] + (1 - beta1) * g;
                v[k] = beta2 * v[k] + (1 - beta2) * g * g;
                double denom = Math.sqrt(v[k] / bc2) + eps;
                p[k] -= lr * (1 - mu) / (1 - mp) * g / denom;
                p[k] -= lr * muNext / (1 - mp * muNext) * m[k] / denom;
            }
        }
    }

    static class RAdam implements Trajectory.Reference {
        double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
        boolean decoupled, maximize;
        final Map<Integer, Integer> steps = new HashMap<>();
        final Buffers b = new Buffers();
        /** How many element updates used the rectified branch (the test checks both branches ran). */
        int rectified, unrectified;

        @Override
        public void step(int i, double[] p, double[] grad) {
            int t = steps.merge(i, 1, Integer::sum);
            double[] m = b.get("m", i, p.length), v = b.get("v", i, p.length);
            double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rhoInf - 2 * t * Math.pow(beta2, t) / bc2;
            for (int k = 0; k < p.length; k++) {
                double g = maximize ? -grad[k] : grad[k];
                if (weightDecay != 0) {
                    if (decoupled) p[k] *= 1 - lr * weightDecay;
                    else g += weightDecay * p[k];
                }
                m[k] = beta1 * m[k] + (1 - beta1) * g;
                v[k] = beta2 * v[k] + (1 - beta2) * g * g;
                double mHat = m[k] / bc1;
                if (rhoT > 5) {
                    double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    double adaptive = Math.sqrt(bc2) / (Math.sqrt(v[k]) + eps);
                    p[k] -= mHat * lr * adaptive * rect;
                    rectified++;
                } else {
                    p[k] -= mHat * lr;
                    unrectified++;
                }
            }
        }
    }
}
