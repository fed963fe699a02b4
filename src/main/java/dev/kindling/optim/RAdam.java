package dev.kindling.optim;

import dev.kindling.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RAdam ({@code torch.optim.RAdam}), Adam with a rectified adaptive learning rate, with PyTorch's
 * single-tensor update:
 *
 * <pre>
 * step += 1;  g = maximize ? -grad : grad
 * if weight_decay != 0:  decoupled ? p *= 1 - lr * weight_decay  :  g = g + weight_decay * p
 * exp_avg.lerp_(g, 1 - beta1);  exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
 * rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 step beta2^step / (1 - beta2^step)
 * rho_t &gt; 5 ?  p -= exp_avg / (1 - beta1^step) * lr * sqrt(1 - beta2^step) / (sqrt(exp_avg_sq) + eps) * rect
 *            :  p -= exp_avg / (1 - beta1^step) * lr
 * rect = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
 * </pre>
 *
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, decoupled_weight_decay and
 * maximize false. State: {@code step}, {@code exp_avg}, {@code exp_avg_sq}.
 */
public class RAdam extends Optimizer {
    /** PyTorch's threshold on the SMA length above which the variance is rectified. */
    private static final double RHO_THRESHOLD = 5.0;

    private static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(1e-3),
            HyperParam.eps(1e-8),
            HyperParam.betas(0.9, 0.999),
            HyperParam.weightDecay(0),
            HyperParam.flag("decoupled_weight_decay", false),
            HyperParam.flag("maximize", false));

    public RAdam(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public RAdam(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    public RAdam lr(double lr) { setDefault("lr", lr); return this; }

    public RAdam betas(double beta1, double beta2) { setDefault("betas", List.of(beta1, beta2)); return this; }

    public RAdam eps(double eps) { setDefault("eps", eps); return this; }

    public RAdam weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    /** AdamW-style decay of the weights instead of an L2 term in the gradient. */
    public RAdam decoupledWeightDecay(boolean decoupled) { setDefault("decoupled_weight_decay", decoupled); return this; }

    public RAdam maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("exp_avg", "exp_avg_sq"); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double lr = group.getDouble("lr");
        double[] betas = group.getPair("betas");
        double beta1 = betas[0], beta2 = betas[1];
        double step = incrementStep(state);
        Tensor expAvg = zerosState(state, "exp_avg", p);
        Tensor expAvgSq = zerosState(state, "exp_avg_sq", p);
        Tensor g = decayedGrad(p, grad, group);
        Adam.updateMoments(expAvg, expAvgSq, g, beta1, beta2);
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        Tensor update = expAvg.div(biasCorrection1).mul_(lr);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * step * Math.pow(beta2, step) / biasCorrection2;
        if (rhoT > RHO_THRESHOLD) {
            double rect = Math.pow((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT), 0.5);
            // (bias_correction2 ** 0.5) / (sqrt(exp_avg_sq) + eps) is reciprocal() * scalar in PyTorch
            Tensor adaptiveLr = expAvgSq.sqrt().add_(group.getDouble("eps")).reciprocal_().mul_(Math.pow(biasCorrection2, 0.5));
            update.mul_(adaptiveLr).mul_(rect);
        }
        p.add_(update, -1.0);
    }
}
