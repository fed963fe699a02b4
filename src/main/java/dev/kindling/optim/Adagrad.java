package dev.kindling.optim;

import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adagrad ({@code torch.optim.Adagrad}), with PyTorch's single-tensor update:
 *
 * <pre>
 * step += 1;  g = maximize ? -grad : grad;  if weight_decay != 0: g = g + weight_decay * p
 * clr = lr / (1 + (step - 1) * lr_decay)
 * sum += g * g
 * p -= clr * g / (sqrt(sum) + eps)
 * </pre>
 *
 * Defaults: lr 1e-2, lr_decay 0, weight_decay 0, initial_accumulator_value 0, eps 1e-10,
 * maximize false. State: {@code step}, {@code sum}. As in PyTorch the state of the first group's
 * parameters is created by the constructor ({@code sum} filled with initial_accumulator_value);
 * parameters of groups added later get theirs on their first step.
 */
public class Adagrad extends Optimizer {
    private static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(1e-2),
            HyperParam.nonNegative("lr_decay", 0),
            HyperParam.weightDecay(0),
            HyperParam.nonNegative("initial_accumulator_value", 0),
            HyperParam.eps(1e-10),
            HyperParam.flag("maximize", false));

    public Adagrad(List<Tensor> params) {
        super(params, SPEC, Map.of());
        initState();
    }

    public Adagrad(List<Tensor> params, double lr) {
        super(params, SPEC, Map.of("lr", lr));
        initState();
    }

    /**
     * Creates the state PyTorch's constructor creates. Fluent setters run after it, so
     * {@link #initialAccumulatorValue} refills the sums that are still untouched.
     */
    private void initState() {
        for (ParamGroup g : paramGroups()) {
            for (Tensor p : g.params()) initParamState(p, g);
        }
    }

    private void initParamState(Tensor p, ParamGroup g) {
        Map<String, Object> s = mutableState(p);
        if (!s.isEmpty()) return;
        s.put("step", Torch.tensor(0.0));
        s.put("sum", Torch.fullLike(p, g.getDouble("initial_accumulator_value")));
    }

    public Adagrad lr(double lr) { setDefault("lr", lr); return this; }

    /** Decays the learning rate with the step count: {@code lr / (1 + (step - 1) * lr_decay)}. */
    public Adagrad lrDecay(double lrDecay) { setDefault("lr_decay", lrDecay); return this; }

    public Adagrad weightDecay(double weightDecay) { setDefault("weight_decay", weightDecay); return this; }

    /**
     * The starting value of the squared-gradient sums. Refills the sums of parameters that have
     * not stepped yet, so it may follow the constructor as the other setters do.
     */
    public Adagrad initialAccumulatorValue(double value) {
        setDefault("initial_accumulator_value", value);
        for (ParamGroup g : paramGroups()) {
            for (Tensor p : g.params()) {
                Map<String, Object> s = mutableState(p);
                if (s.get("step") instanceof Tensor step && step.item() == 0 && s.get("sum") instanceof Tensor sum) {
                    sum.fill_(g.getDouble("initial_accumulator_value"));
                }
            }
        }
        return this;
    }

    public Adagrad eps(double eps) { setDefault("eps", eps); return this; }

    public Adagrad maximize(boolean maximize) { setDefault("maximize", maximize); return this; }

    @Override
    protected Set<String> tensorStateKeys() { return Set.of("sum"); }

    @Override
    protected void update(Tensor p, Tensor grad, Map<String, Object> state, ParamGroup group) {
        double step = incrementStep(state);
        if (!state.containsKey("sum")) state.put("sum", Torch.fullLike(p, group.getDouble("initial_accumulator_value")));
        Tensor sum = (Tensor) state.get("sum");
        Tensor g = decayedGrad(p, grad, group);
        double clr = group.getDouble("lr") / (1 + (step - 1) * group.getDouble("lr_decay"));
        sum.addcmul_(g, g, 1);
        Tensor std = sum.sqrt().add_(group.getDouble("eps"));
        p.addcdiv_(g, std, -clr);
    }
}
