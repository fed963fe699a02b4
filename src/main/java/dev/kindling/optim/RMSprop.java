package dev.kindling.optim;

import dev.kindling.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RMSprop ({@code torch.optim.RMSprop}), with PyTorch's single-tensor update:
 *
 * <pre>
 * g = maximize ? -grad : grad;  if weight_decay != 0: g = g + weight_decay * p
 * square_avg = alpha * square_avg + (1 - alpha) * g * g
 * avg = centered ? sqrt(square_avg - grad_avg^2)  (grad_avg.lerp_(g, 1 - alpha) first)  :  sqrt(square_avg)
 * avg += eps
 * momentum &gt; 0 ?  buf = momentum * buf + g / avg;  p -= lr * buf   :   p -= lr * g / avg
 * </pre>
 *
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered and maximize
 * false. State: {@code step}, {@code square_avg}, {@code momentum_buffer} (momentum &gt; 0),
 * {@code grad_avg} (centered).
 */
public class RMSprop extends Optimizer {
    private static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(1e-2),
            HyperParam.eps(1e-8),
            HyperParam.nonNegative("momentum", 0),
            HyperParam.weightDecay(0),
            HyperParam.nonNegative("alpha", 0.99),
            HyperParam.flag("centered", false),
            HyperParam.flag("maximize", false));

    public RMSprop(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public RMSprop(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    public RMSprop lr(double lr) { setDefault("lr", lr); return this; }

    /** The smoothing constant of the squared-gradient average. */
    public RMSprop alpha(double alpha) { setDefault("alpha", alpha); return this; }

    public RMSprop eps(double eps) { setDefault("eps", eps); return this; }

    public RMSprop weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    public RMSprop momentum(double momentum) { setDefault("momentum", momentum); return this; }

    /** Normalises by an estimate of the gradient's variance instead of its second moment. */
    public RMSprop centered(boolean centered) { setDefault("centered", centered); return this; }

    public RMSprop maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("square_avg", "momentum_buffer", "grad_avg"); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double lr = group.getDouble("lr");
        double alpha = group.getDouble("alpha");
        double momentum = group.getDouble("momentum");
        incrementStep(state);
        Tensor squareAvg = zerosState(state, "square_avg", p);
        Tensor g = decayedGrad(p, grad, group);
        squareAvg.mul_(alpha).addcmul_(g, g, 1 - alpha);
        Tensor avg;
        if (group.getBoolean("centered")) {
            Tensor gradAvg = zerosState(state, "grad_avg", p);
            gradAvg.lerp_(g, 1 - alpha);
            avg = squareAvg.addcmul(gradAvg, gradAvg, -1).sqrt_();
        } else {
            avg = squareAvg.sqrt();
        }
        avg.add_(group.getDouble("eps"));
        if (momentum > 0) {
            Tensor buf = zerosState(state, "momentum_buffer", p);
            buf.mul_(momentum).addcdiv_(g, avg, 1);
            p.add_(buf, -lr);
        } else {
            p.addcdiv_(g, avg, -lr);
        }
    }
}
