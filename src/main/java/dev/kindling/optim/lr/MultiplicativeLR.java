package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Multiplies each group's learning rate by {@code lambda(epoch)} every epoch after the first
 * ({@code torch.optim.lr_scheduler.MultiplicativeLR}).
 */
public class MultiplicativeLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    public MultiplicativeLR(Optimizer optimizer, IntToDoubleFunction lambda) {
        this(optimizer, LambdaLR.lambdas(optimizer, lambda), -1);
    }

    /** One function per param group. */
    public MultiplicativeLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas) { this(optimizer, lambdas, -1); }

    public MultiplicativeLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.lambdas = LambdaLR.checkLambdas(optimizer, lambdas);
        state.register("lr_lambdas", () -> new ArrayList<>(Collections.nCopies(this.lambdas.size(), null)), v -> v, v -> {});
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = lastEpoch > 0 ? groupLr(i) * lambdas.get(i).applyAsDouble(lastEpoch) : groupLr(i);
        return lr;
    }
}
