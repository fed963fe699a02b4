package dev.kindling.optim;

import dev.kindling.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight
 * decay and maximisation ({@code torch.optim.SGD}), following PyTorch's single-tensor update:
 *
 * <pre>
 * g = maximize ? -grad : grad
 * if weight_decay != 0:  g = g + weight_decay * p
 * if momentum != 0:
 *     buf = g (first step, a copy)   else   buf = momentum * buf + (1 - dampening) * g
 *     g = nesterov ? g + momentum * buf : buf
 * p -= lr * g
 * </pre>
 *
 * Defaults as PyTorch 2.x: lr 1e-3, momentum 0, dampening 0, weight_decay 0, nesterov false,
 * maximize false. State: {@code momentum_buffer} (only with momentum). A momentum step
 * allocates nothing after the first.
 *
 * <pre>{@code
 * var opt = new SGD(net.parameters(), 0.01).momentum(0.9).weightDecay(1e-4);
 * }</pre>
 */
public class SGD extends Optimizer {
    static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(1e-3),
            HyperParam.nonNegative("momentum", 0),
            HyperParam.number("dampening", 0, null, null),
            HyperParam.weightDecay(0),
            HyperParam.flag("nesterov", false),
            HyperParam.flag("maximize", false));

    /** SGD with PyTorch's default learning rate, 1e-3. */
    public SGD(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public SGD(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    public SGD lr(double lr) { setDefault("lr", lr); return this; }

    public SGD momentum(double momentum) { setDefault("momentum", momentum); return this; }

    public SGD dampening(double dampening) { setDefault("dampening", dampening); return this; }

    /** L2 penalty: {@code weight_decay * p} is added to the gradient. */
    public SGD weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    /** Nesterov momentum; needs momentum &gt; 0 and dampening 0 (checked when {@link #step()} runs). */
    public SGD nesterov(boolean nesterov) { setDefault("nesterov", nesterov); return this; }

    /** Maximises the objective instead of minimising it. */
    public SGD maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    @Override
    protected void checkGroup(ParamGroup group) {
        if (group.getBoolean("nesterov") && (group.getDouble("momentum") <= 0 || group.getDouble("dampening") != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
    }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("momentum_buffer"); }

    @Override
    protected Set<String> scalarStateKeys() { return Set.of(); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double lr = group.getDouble("lr");
        double momentum = group.getDouble("momentum");
        Tensor g = decayedGrad(p, grad, group);
        if (momentum != 0) {
            Tensor buf = (Tensor) state.get("momentum_buffer");
            if (buf == null) {
                buf = g.clone().detach();
                state.put("momentum_buffer", buf);
            } else {
                buf.mul_(momentum).add_(g, 1 - group.getDouble("dampening"));
            }
            g = group.getBoolean("nesterov") ? g.add(buf, momentum) : buf;
        }
        p.add_(g, -lr);
    }
}
