package dev.kindling.optim;

import dev.kindling.Tensor;

import java.util.List;
import java.util.Map;

/**
 * AdamW ({@code torch.optim.AdamW}): {@link Adam} with decoupled weight decay, applied to the
 * weights before the moment updates ({@code p *= 1 - lr * weight_decay}). As in PyTorch 2.x it
 * is Adam with {@code decoupled_weight_decay=True} and a default weight_decay of 1e-2 (lr 1e-3,
 * betas (0.9, 0.999), eps 1e-8).
 */
public class AdamW extends Adam {
    private static final List<HyperParam> SPEC = spec(1e-2, true);

    public AdamW(List<Tensor> params) { super(params, SPEC, Map.of()); }

    public AdamW(List<Tensor> params, double lr) { super(params, SPEC, Map.of("lr", lr)); }

    @Override
    public AdamW lr(double lr) { super.lr(lr); return this; }

    @Override
    public AdamW betas(double beta1, double beta2) { super.betas(beta1, beta2); return this; }

    @Override
    public AdamW eps(double eps) { super.eps(eps); return this; }

    @Override
    public AdamW weightDecay(double weightDecay) { super.weightDecay(weightDecay); return this; }

    @Override
    public AdamW amsgrad(boolean amsgrad) { super.amsgrad(amsgrad); return this; }

    @Override
    public AdamW maximize(boolean maximize) { super.maximize(maximize); return this; }

    @Override
    public AdamW decoupledWeightDecay(boolean decoupled) { super.decoupledWeightDecay(decoupled); return this; }
}
