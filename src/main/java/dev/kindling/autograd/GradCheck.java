package dev.kindling.autograd;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks analytical gradients against finite differences, as {@code torch.autograd.gradcheck}
 * and {@code gradgradcheck}, with PyTorch's defaults: eps 1e-6, atol 1e-5, rtol 1e-3. Use double
 * precision inputs; every input that requires grad is checked.
 *
 * <pre>{@code
 * Tensor x = Torch.randn(new int[]{3, 4}, DType.FLOAT64, null).requiresGrad_(true);
 * GradCheck.gradcheck(in -> in[0].tanh().sum(1), x);   // true, or throws with both Jacobians
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    /** The function under test: inputs to one or more outputs. */
    @FunctionalInterface
    public interface Fn {
        Tensor[] apply(Tensor[] inputs);
    }

    /** A single-output function. */
    @FunctionalInterface
    public interface Fn1 {
        Tensor apply(Tensor[] inputs);
    }

    public static final double DEFAULT_EPS = 1e-6, DEFAULT_ATOL = 1e-5, DEFAULT_RTOL = 1e-3;

    public static boolean gradcheck(Fn1 fn, Tensor... inputs) {
        return gradcheck(in -> new Tensor[] {fn.apply(in)}, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, inputs);
    }

    public static boolean gradcheckMulti(Fn fn, Tensor... inputs) {
        return gradcheck(fn, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, inputs);
    }

    /** Throws {@link KindlingException} describing the first mismatching Jacobian; returns true otherwise. */
    public static boolean gradcheck(Fn fn, double eps, double atol, double rtol, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t != null && t.requiresGrad() && t.dtype() != DType.FLOAT64) {
                org.slf4j.LoggerFactory.getLogger(GradCheck.class).warn(
                        "Input #{} requires gradient and is not a double precision floating point. As such, gradcheck may fail "
                                + "due to numerical errors.", i);
            }
        }
        Tensor[] outputs = fn.apply(inputs);
        List<Integer> diff = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) if (inputs[i] != null && inputs[i].requiresGrad()) diff.add(i);
        if (diff.isEmpty()) throw new KindlingException("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.");
        for (int o = 0; o < outputs.length; o++) {
            Tensor out = outputs[o];
            if (out == null || !out.dtype().isFloatingPoint()) continue;
            int outN = (int) out.numel();
            for (int j : diff) {
                Tensor x = inputs[j];
                int inN = (int) x.numel();
                double[][] numerical = numericalJacobian(fn, inputs, j, o, eps, outN);
                double[][] analytical = analyticalJacobian(out, x, outN, inN);
                for (int a = 0; a < inN; a++) {
                    for (int b = 0; b < outN; b++) {
                        double n = numerical[a][b], an = analytical[a][b];
                        if (!(Math.abs(an - n) <= atol + rtol * Math.abs(n))) {
                            throw new KindlingException("Jacobian mismatch for output " + o + " with respect to input " + j + ",\n"
                                    + "numerical:" + format(numerical) + "\nanalytical:" + format(analytical) + "\n"
                                    + "(first mismatch at input element " + a + ", output element " + b + ": numerical " + n
                                    + ", analytical " + an + ")");
                        }
                    }
                }
            }
        }
        return true;
    }

    /** d out[o] / d in[j] by central differences: rows are input elements, columns output elements. */
    private static double[][] numericalJacobian(Fn fn, Tensor[] inputs, int j, int o, double eps, int outN) {
        Tensor x = inputs[j];
        int inN = (int) x.numel();
        double[][] jac = new double[inN][outN];
        {
            double[] data = x.detach().to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < inN; i++) {
                double orig = data[i];
                data[i] = orig + eps;
                double[] plus = eval(fn, inputs, j, data, x, o);
                data[i] = orig - eps;
                double[] minus = eval(fn, inputs, j, data, x, o);
                data[i] = orig;
                for (int k = 0; k < outN; k++) jac[i][k] = (plus[k] - minus[k]) / (2 * eps);
            }
        }
        return jac;
    }

    private static double[] eval(Fn fn, Tensor[] inputs, int j, double[] data, Tensor like, int o) {
        Tensor[] in = inputs.clone();
        in[j] = Tensor.from(data.clone()).view(like.shape()).to(like.dtype()).to(like.device()).requiresGrad_(like.requiresGrad());
        return fn.apply(in)[o].detach().to(DType.FLOAT64).toDoubleArray();
    }

    private static double[][] analyticalJacobian(Tensor out, Tensor x, int outN, int inN) {
        double[][] jac = new double[inN][outN];
        for (int k = 0; k < outN; k++) {
            double[] onehot = new double[outN];
            onehot[k] = 1;
            Tensor v = Tensor.from(onehot).view(out.shape()).to(out.dtype()).to(out.device());
            List<Tensor> g = Engine.grad(List.of(out), List.of(x), List.of(v), true, false, true);
            Tensor gx = g.get(0);
            if (gx == null) continue;
            double[] col = gx.to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < inN; i++) jac[i][k] = col[i];
        }
        return jac;
    }

    private static String format(double[][] m) {
        StringBuilder sb = new StringBuilder();
        int rows = Math.min(m.length, 8);
        for (int i = 0; i < rows; i++) {
            sb.append("\n ").append(Arrays.toString(Arrays.copyOf(m[i], Math.min(m[i].length, 8))));
        }
        if (m.length > rows) sb.append("\n ...");
        return sb.toString();
    }

    /**
     * Checks second derivatives: the gradient of {@code fn}'s vector-Jacobian product, with random
     * gradient outputs, is checked by {@link #gradcheck}.
     */
    public static boolean gradgradcheck(Fn1 fn, Tensor... inputs) {
        Tensor out;
        out = fn.apply(inputs);
        Tensor v = Torch.randn(out.shape(), DType.FLOAT64, null).to(out.dtype()).requiresGrad_(true);
        List<Integer> diff = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) if (inputs[i] != null && inputs[i].requiresGrad()) diff.add(i);
        Tensor[] all = Arrays.copyOf(inputs, inputs.length + 1);
        all[inputs.length] = v;
        return gradcheck(in -> {
            Tensor[] xs = Arrays.copyOf(in, inputs.length);
            Tensor o = fn.apply(xs);
            List<Tensor> wrt = new ArrayList<>();
            for (int i : diff) wrt.add(xs[i]);
            List<Tensor> g = Engine.grad(List.of(o), wrt, List.of(in[inputs.length]), true, true, true);
            List<Tensor> res = new ArrayList<>();
            for (int i = 0; i < g.size(); i++) {
                Tensor gi = g.get(i);
                res.add(gi == null ? Torch.zerosLike(wrt.get(i)) : gi);
            }
            return res.toArray(new Tensor[0]);
        }, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, all);
    }
}
