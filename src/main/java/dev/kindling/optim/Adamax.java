package dev.kindling.optim;

import dev.kindling.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adamax ({@code torch.optim.Adamax}), Adam with an infinity-norm second moment, with PyTorch's
 * single-tensor update:
 *
 * <pre>
 * step += 1;  g = maximize ? -grad : grad;  if weight_decay != 0: g = g + weight_decay * p
 * exp_avg.lerp_(g, 1 - beta1)
 * exp_inf = max(beta2 * exp_inf, |g| + eps)
 * p -= lr / (1 - beta1^step) * exp_avg / exp_inf
 * </pre>
 *
 * Defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, maximize false. State:
 * {@code step}, {@code exp_avg}, {@code exp_inf}.
 */
public class Adamax extends Optimizer {
    private static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(2e-3),
            HyperParam.eps(1e-8),
            HyperParam.betas(0.9, 0.999),
            HyperParam.weightDecay(0),
            HyperParam.flag("maximize", false));

    public Adamax(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public Adamax(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    public Adamax lr(double lr) { setDefault("lr", lr); return this; }

    public Adamax betas(double beta1, double beta2) { setDefault("betas", List.of(beta1, beta2)); return this; }

    public Adamax eps(double eps) { setDefault("eps", eps); return this; }

    public Adamax weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    public Adamax maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("exp_avg", "exp_inf"); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double[] betas = group.getPair("betas");
        double step = incrementStep(state);
        Tensor expAvg = zerosState(state, "exp_avg", p);
        Tensor expInf = zerosState(state, "exp_inf", p);
        Tensor g = decayedGrad(p, grad, group);
        expAvg.lerp_(g, 1 - betas[0]);
        expInf.mul_(betas[1]);
        expInf.copy_(expInf.maximum(g.abs().add_(group.getDouble("eps"))));
        double clr = group.getDouble("lr") / (1 - Math.pow(betas[0], step));
        p.addcdiv_(expAvg, expInf, -clr);
    }
}
