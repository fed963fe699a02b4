package dev.kindling.backend;

/**
 * Element-wise functions of two broadcast operands. Arithmetic ops compute in the operands'
 * common dtype; comparisons and logical ops write BOOL.
 */
public enum BinaryOp {
    /** a + alpha * b */
    ADD,
    /** a - alpha * b */
    SUB,
    MUL,
    /** true division */
    DIV,
    /** division rounded toward zero */
    DIV_TRUNC,
    /** division rounded toward negative infinity */
    DIV_FLOOR,
    /** Python's modulo: the sign of the divisor */
    REMAINDER,
    /** C's fmod: the sign of the dividend */
    FMOD,
    POW,
    MAXIMUM, MINIMUM,
    /** like MAXIMUM but ignores NaN */
    FMAX,
    FMIN,
    ATAN2, HYPOT, COPYSIGN, XLOGY,
    BITWISE_AND, BITWISE_OR, BITWISE_XOR, LSHIFT, RSHIFT,
    EQ, NE, LT, LE, GT, GE,
    LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR;

    public boolean isComparison() {
        return switch (this) {
            case EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR -> true;
            default -> false;
        };
    }

    public boolean isBitwise() {
        return switch (this) {
            case BITWISE_AND, BITWISE_OR, BITWISE_XOR, LSHIFT, RSHIFT -> true;
            default -> false;
        };
    }
}
