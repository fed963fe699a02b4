package dev.kindling.backend;

/** Element-wise functions of three broadcast operands (a, b, c) with one scalar parameter p. */
public enum TernaryOp {
    /** a ? b : c, with a BOOL */
    WHERE,
    /** a + c * (b - a) */
    LERP,
    /** a + p * b * c */
    ADDCMUL,
    /** a + p * b / c */
    ADDCDIV,
    /** min(max(a, b), c), with NaN bounds ignored */
    CLAMP
}
