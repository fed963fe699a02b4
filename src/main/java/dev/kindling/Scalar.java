package dev.kindling;

/** A Java number used as an operand, with the kind that decides type promotion. */
record Scalar(double value, long longValue, Promotion.Kind kind) {
    static Scalar of(double v) { return new Scalar(v, (long) v, Promotion.Kind.FLOAT); }

    static Scalar of(long v) { return new Scalar(v, v, Promotion.Kind.INT); }

    static Scalar of(boolean v) { return new Scalar(v ? 1 : 0, v ? 1 : 0, Promotion.Kind.BOOL); }

    boolean isIntegral() { return kind != Promotion.Kind.FLOAT; }

    /** The value rounded to {@code dtype}, as PyTorch casts a scalar to the op's compute dtype. */
    double valueAs(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> (float) value;
            case FLOAT16 -> dev.kindling.backend.cpu.HalfFloat.halfToFloat(dev.kindling.backend.cpu.HalfFloat.floatToHalf((float) value));
            case BFLOAT16 -> dev.kindling.backend.cpu.HalfFloat.bfloat16ToFloat(dev.kindling.backend.cpu.HalfFloat.floatToBfloat16((float) value));
            case FLOAT64 -> value;
            case BOOL -> value != 0 ? 1 : 0;
            default -> isIntegral() ? longValue : (long) value;
        };
    }

    @Override
    public String toString() {
        return kind == Promotion.Kind.FLOAT ? Double.toString(value) : kind == Promotion.Kind.BOOL ? (value != 0 ? "True" : "False") : Long.toString(longValue);
    }
}
