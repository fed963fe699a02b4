package dev.kindling.optim;

import dev.kindling.FusedOps;
import dev.kindling.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam ({@code torch.optim.Adam}), with PyTorch's options: L2 weight decay or, with
 * {@code decoupled_weight_decay}, AdamW's decay of the weights themselves; AMSGrad; maximize.
 * The update is PyTorch's single-tensor one:
 *
 * <pre>
 * step += 1
 * g = maximize ? -grad : grad
 * if weight_decay != 0:  decoupled ? p *= 1 - lr * weight_decay  :  g = g + weight_decay * p
 * exp_avg.lerp_(g, 1 - beta1)
 * exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
 * denom = sqrt(amsgrad ? max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq) : exp_avg_sq) / sqrt(1 - beta2^step) + eps
 * p -= lr / (1 - beta1^step) * exp_avg / denom
 * </pre>
 *
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, amsgrad, maximize and
 * decoupled_weight_decay false. State: {@code step}, {@code exp_avg}, {@code exp_avg_sq},
 * {@code max_exp_avg_sq} (AMSGrad).
 */
public class Adam extends Optimizer {
    static List<HyperParam> spec(double weightDecay, boolean decoupled) {
        return List.of(
                HyperParam.lr(1e-3),
                HyperParam.eps(1e-8),
                HyperParam.betas(0.9, 0.999),
                HyperParam.weightDecay(weightDecay),
                HyperParam.flag("amsgrad", false),
                HyperParam.flag("maximize", false),
                HyperParam.flag("decoupled_weight_decay", decoupled));
    }

    private static final List<HyperParam> SPEC = spec(0, false);

    public Adam(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public Adam(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    Adam(List<Tensor> params, List<HyperParam> spec, Map<String, ?> overrides) { super(params, spec, overrides); }

    public Adam lr(double lr) { setDefault("lr", lr); return this; }

    /** The decay rates of the first and second moment averages, each in [0, 1). */
    public Adam betas(double beta1, double beta2) { setDefault("betas", List.of(beta1, beta2)); return this; }

    public Adam eps(double eps) { setDefault("eps", eps); return this; }

    public Adam weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    /** Uses the running maximum of {@code exp_avg_sq} (AMSGrad). */
    public Adam amsgrad(boolean amsgrad) { setDefault("amsgrad", amsgrad); return this; }

    public Adam maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    /** Decays the weights directly ({@code p *= 1 - lr * weight_decay}), as AdamW, instead of adding an L2 term to the gradient. */
    public Adam decoupledWeightDecay(boolean decoupled) { setDefault("decoupled_weight_decay", decoupled); return this; }

    /**
     * The Adam family's moment averages, as PyTorch updates them:
     * {@code exp_avg.lerp_(g, 1 - beta1)} and {@code exp_avg_sq = beta2 exp_avg_sq + (1 - beta2) g g}.
     */
    static void updateMoments(Tensor expAvg, Tensor expAvgSq, Tensor g, double beta1, double beta2) {
        expAvg.lerp_(g, 1 - beta1);
        expAvgSq.mul_(beta2).addcmul_(g, g, 1 - beta2);
    }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double lr = group.getDouble("lr");
        double[] betas = group.getPair("betas");
        double beta1 = betas[0], beta2 = betas[1];
        double step = incrementStep(state);
        Tensor expAvg = zerosState(state, "exp_avg", p);
        Tensor expAvgSq = zerosState(state, "exp_avg_sq", p);
        Tensor g = decayedGrad(p, grad, group);
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
        Tensor max = group.getBoolean("amsgrad") ? zerosState(state, "max_exp_avg_sq", p) : null;
        // PyTorch's single-tensor update, in one pass where it can be (FusedOps.adamStep_ spells it out):
        // moments, then p -= step_size · m / (sqrt(v or max v) / sqrt(bias_correction2) + eps)
        FusedOps.adamStep_(p, g, expAvg, expAvgSq, max, beta1, beta2, stepSize, biasCorrection2Sqrt, group.getDouble("eps"));
    }
}
