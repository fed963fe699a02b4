package dev.kindling.optim;

import dev.kindling.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adadelta ({@code torch.optim.Adadelta}), with PyTorch's single-tensor update:
 *
 * <pre>
 * g = maximize ? -grad : grad;  if weight_decay != 0: g = g + weight_decay * p
 * square_avg = rho * square_avg + (1 - rho) * g * g
 * delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
 * acc_delta = rho * acc_delta + (1 - rho) * delta * delta
 * p -= lr * delta
 * </pre>
 *
 * Defaults: lr 1.0, rho 0.9, eps 1e-6, weight_decay 0, maximize false. State: {@code step},
 * {@code square_avg}, {@code acc_delta}.
 */
public class Adadelta extends Optimizer {
    private static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(1.0),
            HyperParam.number("rho", 0.9, v -> 0.0 <= v && v <= 1.0, "Invalid rho value: "),
            HyperParam.eps(1e-6),
            HyperParam.weightDecay(0),
            HyperParam.flag("maximize", false));

    public Adadelta(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public Adadelta(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    public Adadelta lr(double lr) { setDefault("lr", lr); return this; }

    /** The decay rate of both running averages, in [0, 1]. */
    public Adadelta rho(double rho) { setDefault("rho", rho); return this; }

    public Adadelta eps(double eps) { setDefault("eps", eps); return this; }

    public Adadelta weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    public Adadelta maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("square_avg", "acc_delta"); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double rho = group.getDouble("rho");
        double eps = group.getDouble("eps");
        incrementStep(state);
        Tensor squareAvg = zerosState(state, "square_avg", p);
        Tensor accDelta = zerosState(state, "acc_delta", p);
        Tensor g = decayedGrad(p, grad, group);
        squareAvg.mul_(rho).addcmul_(g, g, 1 - rho);
        Tensor std = squareAvg.add(eps).sqrt_();
        Tensor delta = accDelta.add(eps).sqrt_();
        delta.div_(std).mul_(g);
        accDelta.mul_(rho).addcmul_(delta, delta, 1 - rho);
        p.add_(delta, -group.getDouble("lr"));
    }
}
