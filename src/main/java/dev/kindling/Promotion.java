package dev.kindling;

/**
 * PyTorch's result-type rules for ops that mix tensors and scalars.
 *
 * <p>Operands fall into three tiers: tensors with at least one dimension, 0-dim tensors, and
 * scalars (Java numbers). The result's category (bool &lt; integer &lt; floating) is the highest
 * among all operands; within it, the dtype comes from the highest tier that has an operand of that
 * category. So an int64 tensor plus 1.5 is float32 (the default float dtype), a float32 tensor plus a
 * double scalar stays float32, and a uint8 tensor plus 300 stays uint8.
 */
final class Promotion {
    private Promotion() {}

    /** The kind of a Java scalar operand. */
    enum Kind { BOOL, INT, FLOAT }

    static final DType DEFAULT_FLOAT = DType.FLOAT32;

    private static int category(DType t) {
        return t.isFloatingPoint() ? 2 : t.isIntegral() ? 1 : 0;
    }

    private static DType update(DType current, DType t) {
        return current == null ? t : DType.promoteTypes(current, t);
    }

    /** PyTorch's combine_categories: the higher tier wins unless a lower tier has a higher category. */
    private static DType combine(DType higher, DType lower) {
        if (higher == null) return lower;
        if (lower == null) return higher;
        if (higher.isFloatingPoint()) return higher;
        if (higher == DType.BOOL || lower.isFloatingPoint()) return DType.promoteTypes(higher, lower);
        return higher;
    }

    static DType ofKind(Kind k) {
        return switch (k) {
            case BOOL -> DType.BOOL;
            case INT -> DType.INT64;
            case FLOAT -> DEFAULT_FLOAT;
        };
    }

    static DType resultType(Tensor a, Tensor b) {
        DType ta = a.dtype(), tb = b.dtype();
        if (ta == tb) return ta;
        return resultType(new Tensor[] {a, b});
    }

    static DType resultType(Tensor... ts) {
        DType dim = null, zero = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (t.dim() > 0) dim = update(dim, t.dtype());
            else zero = update(zero, t.dtype());
        }
        return combine(dim, zero);
    }

    static DType resultType(Tensor t, Kind scalar) {
        DType dim = t.dim() > 0 ? t.dtype() : null;
        DType zero = t.dim() > 0 ? null : t.dtype();
        return combine(dim, combine(zero, ofKind(scalar)));
    }

    static boolean sameCategory(DType a, DType b) { return category(a) == category(b); }
}
