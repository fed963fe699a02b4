package dev.kindling.backend;

/**
 * Element-wise functions of one operand. Each names its two optional parameters; ops without
 * parameters ignore them. The output dtype is chosen by the dispatch layer: the input's dtype for
 * most ops, a floating dtype for the transcendental ones on integer input, BOOL for predicates.
 */
public enum UnaryOp {
    NEG, ABS, SIGN, RECIPROCAL, SQUARE, SQRT, RSQRT,
    EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P,
    SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
    SIGMOID, LOGSIGMOID, RELU, GELU, GELU_TANH, SILU, MISH, ERF, ERFC, ERFINV,
    FLOOR, CEIL, ROUND, TRUNC, FRAC,
    /** round to {@code p1} decimals. */
    ROUND_DECIMALS,
    /** x^p1 */
    POW_SCALAR,
    /** p1^x */
    RPOW_SCALAR,
    /** clamp to [p1, p2]; NaN bounds mean "none". */
    CLAMP,
    /** x if x &gt; 0 else p1 * x */
    LEAKY_RELU,
    /** x if x &gt; 0 else p1 * (exp(x) - 1) */
    ELU,
    /** log(1 + exp(p1 * x)) / p1, linear above threshold p2 */
    SOFTPLUS,
    /** clamp to [p1, p2] (hardtanh) */
    HARDTANH,
    HARDSIGMOID, HARDSWISH,
    LOGICAL_NOT, BITWISE_NOT,
    ISNAN, ISINF, ISFINITE, ISPOSINF, ISNEGINF, SIGNBIT,
    /** x == x ? x : p1, with +inf / -inf replaced by p2 / the negation rule of nan_to_num (handled in dispatch). */
    NAN_TO_NUM;

    /** True for ops whose result is BOOL whatever the input. */
    public boolean isPredicate() {
        return switch (this) {
            case ISNAN, ISINF, ISFINITE, ISPOSINF, ISNEGINF, SIGNBIT, LOGICAL_NOT -> true;
            default -> false;
        };
    }

    /** True for ops that map integers to floats (PyTorch's "int to float" unary ops). */
    public boolean promotesIntToFloat() {
        return switch (this) {
            case NEG, ABS, SIGN, SQUARE, FLOOR, CEIL, ROUND, TRUNC, CLAMP, RELU, HARDTANH,
                 LOGICAL_NOT, BITWISE_NOT, ISNAN, ISINF, ISFINITE, ISPOSINF, ISNEGINF, SIGNBIT,
                 NAN_TO_NUM, FRAC -> false;
            default -> true;
        };
    }
}
