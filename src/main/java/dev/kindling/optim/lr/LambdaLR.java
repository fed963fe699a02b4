package dev.kindling.optim.lr;

import dev.kindling.optim.Optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Sets each group's learning rate to its base rate times {@code lambda(epoch)}
 * ({@code torch.optim.lr_scheduler.LambdaLR}), with one function for all groups or one per group.
 * The functions are not part of the state dict (PyTorch saves {@code None} for plain functions).
 *
 * <pre>{@code
 * new LambdaLR(opt, epoch -> Math.pow(0.95, epoch));
 * }</pre>
 */
public class LambdaLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    public LambdaLR(Optimizer optimizer, IntToDoubleFunction lambda) { this(optimizer, lambdas(optimizer, lambda), -1); }

    /** One function per param group. */
    public LambdaLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas) { this(optimizer, lambdas, -1); }

    public LambdaLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas, int lastEpoch) {
        super(optimizer, lastEpoch);
        this.lambdas = checkLambdas(optimizer, lambdas);
        state.register("lr_lambdas", () -> new ArrayList<>(Collections.nCopies(this.lambdas.size(), null)), v -> v, v -> {});
        initialStep();
    }

    static List<IntToDoubleFunction> lambdas(Optimizer optimizer, IntToDoubleFunction lambda) {
        if (lambda == null) throw new IllegalArgumentException("lr_lambda is null");
        return Collections.nCopies(optimizer.paramGroups().size(), lambda);
    }

    static List<IntToDoubleFunction> checkLambdas(Optimizer optimizer, List<IntToDoubleFunction> lambdas) {
        int groups = optimizer.paramGroups().size();
        if (lambdas.size() != groups) throw new IllegalArgumentException("Expected " + groups + " lr_lambdas, but got " + lambdas.size());
        for (IntToDoubleFunction f : lambdas) if (f == null) throw new IllegalArgumentException("lr_lambda is null");
        return List.copyOf(lambdas);
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLr(i) * lambdas.get(i).applyAsDouble(lastEpoch);
        return lr;
    }
}
