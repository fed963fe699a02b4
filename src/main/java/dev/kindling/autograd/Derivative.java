package dev.kindling.autograd;

import dev.kindling.Tensor;

/**
 * One row of the derivatives table: the backward node's name, which forward tensors it keeps, and
 * the formula from the output's gradient to the inputs' gradients. Rows live in
 * {@link Derivatives}; the dispatch layer names the row when it records an op.
 *
 * <p>A formula returns one gradient per forward input (or null where none is needed: check
 * {@link BackwardContext#needs}). It never reduces broadcast shapes or casts dtypes: the engine
 * sums each gradient to its input's shape and converts it to the input's dtype. Formulas are
 * written with public tensor ops, so they are differentiable again under {@code createGraph}.
 */
public final class Derivative {
    /** The formula of a row. */
    @FunctionalInterface
    public interface Formula {
        Tensor[] apply(BackwardContext ctx, Tensor grad);
    }

    /** Save flags: keep forward input i ({@code input(i)}) or the result ({@code result()}). */
    public static final int NONE = 0, IN0 = 1, IN1 = 2, IN2 = 4, IN3 = 8, RESULT = 1 << 16;
    static final int ALL_INPUTS = 0xffff;

    final String name;
    final int saves;
    final Formula formula;

    private Derivative(String name, int saves, Formula formula) {
        this.name = name;
        this.saves = saves;
        this.formula = formula;
    }

    /** A row named {@code name} that saves what {@code saves} flags and computes {@code formula}. */
    public static Derivative of(String name, int saves, Formula formula) {
        return new Derivative(name, saves, formula);
    }

    public String name() { return name; }

    @Override
    public String toString() { return name; }
}
