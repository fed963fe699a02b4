package dev.kindling.backend;

/**
 * Reductions over a set of dimensions. SUM and PROD of integral or bool input accumulate in INT64;
 * floating input accumulates in double and is rounded once. MAX and MIN propagate NaN; ALL and ANY
 * write BOOL; ARGMAX and ARGMIN return the first index of the extreme value (or of the first NaN).
 */
public enum ReduceOp {
    SUM, PROD, MAX, MIN, ALL, ANY, ARGMAX, ARGMIN,
    /** the p-norm with p in the parameter (inf and -inf allowed, 0 counts non-zeros) */
    NORM,
    COUNT_NONZERO
}
