package dev.kindling.optim;

import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NAdam ({@code torch.optim.NAdam}), Adam with Nesterov momentum and PyTorch's momentum-decay
 * schedule, with PyTorch's single-tensor update:
 *
 * <pre>
 * step += 1;  g = maximize ? -grad : grad
 * if weight_decay != 0:  decoupled ? p *= 1 - lr * weight_decay  :  g = g + weight_decay * p
 * mu = beta1 * (1 - 0.5 * 0.96^(step * momentum_decay));  mu_next likewise at step + 1
 * mu_product *= mu                         (a float32 scalar, as in PyTorch)
 * exp_avg.lerp_(g, 1 - beta1);  exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
 * denom = sqrt(exp_avg_sq / (1 - beta2^step)) + eps
 * p -= lr * (1 - mu) / (1 - mu_product) * g / denom
 * p -= lr * mu_next / (1 - mu_product * mu_next) * exp_avg / denom
 * </pre>
 *
 * Defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, momentum_decay 4e-3,
 * decoupled_weight_decay and maximize false. State: {@code step}, {@code mu_product},
 * {@code exp_avg}, {@code exp_avg_sq}.
 */
public class NAdam extends Optimizer {
    /** The base of PyTorch's momentum schedule, {@code 0.96^(step * momentum_decay)}. */
    private static final double MOMENTUM_SCHEDULE_BASE = 0.96;

    private static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(2e-3),
            HyperParam.eps(1e-8),
            HyperParam.betas(0.9, 0.999),
            HyperParam.weightDecay(0),
            HyperParam.nonNegative("momentum_decay", 4e-3),
            HyperParam.flag("decoupled_weight_decay", false),
            HyperParam.flag("maximize", false));

    public NAdam(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public NAdam(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    public NAdam lr(double lr) { setDefault("lr", lr); return this; }

    public NAdam betas(double beta1, double beta2) { setDefault("betas", List.of(beta1, beta2)); return this; }

    public NAdam eps(double eps) { setDefault("eps", eps); return this; }

    public NAdam weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    /** How fast the momentum schedule approaches beta1 ({@code psi} in PyTorch's docs). */
    public NAdam momentumDecay(double momentumDecay) { setDefault("momentum_decay", momentumDecay); return this; }

    /** AdamW-style decay of the weights instead of an L2 term in the gradient (NAdamW). */
    public NAdam decoupledWeightDecay(boolean decoupled) { setDefault("decoupled_weight_decay", decoupled); return this; }

    public NAdam maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("exp_avg", "exp_avg_sq"); }

    @Override
    protected Set<String> scalarStateKeys() { return Set.of("step", "mu_product"); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double lr = group.getDouble("lr");
        double[] betas = group.getPair("betas");
        double beta1 = betas[0], beta2 = betas[1];
        double momentumDecay = group.getDouble("momentum_decay");
        double step = incrementStep(state);
        Tensor muProduct = (Tensor) state.computeIfAbsent("mu_product", k -> Torch.tensor(1.0));
        Tensor expAvg = zerosState(state, "exp_avg", p);
        Tensor expAvgSq = zerosState(state, "exp_avg_sq", p);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        Tensor g = decayedGrad(p, grad, group);
        double mu = beta1 * (1.0 - 0.5 * Math.pow(MOMENTUM_SCHEDULE_BASE, step * momentumDecay));
        double muNext = beta1 * (1.0 - 0.5 * Math.pow(MOMENTUM_SCHEDULE_BASE, (step + 1) * momentumDecay));
        muProduct.mul_(mu);
        Adam.updateMoments(expAvg, expAvgSq, g, beta1, beta2);
        Tensor denom = expAvgSq.div(biasCorrection2).sqrt_();
        double muProductValue = muProduct.item();
        double muProductNext = muProductValue * muNext;
        denom.add_(group.getDouble("eps"));
        p.addcdiv_(g, denom, -lr * (1.0 - mu) / (1.0 - muProductValue));
        p.addcdiv_(expAvg, denom, (-lr * muNext) / (1.0 - muProductNext));
    }
}
