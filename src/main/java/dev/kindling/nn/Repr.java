package dev.kindling.nn;

import java.math.BigDecimal;

/**
 * Python's {@code repr} of the values that modules print in their {@code extra_repr}: floats
 * ({@code 1e-05}, {@code 0.1}, {@code 20.0}), booleans ({@code True}), tuples ({@code (10,)},
 * {@code (3, 3)}) and {@code None}, so that {@link Module#toString()} matches PyTorch character
 * for character.
 */
final class Repr {
    private Repr() {}

    /** Python switches to exponent notation below this decimal exponent ... */
    private static final int MIN_PLAIN_EXPONENT = -4;
    /** ... and at or above this one. */
    private static final int MAX_PLAIN_EXPONENT = 16;

    /** Python's {@code repr(float)}: the shortest digits that round-trip. */
    static String pyFloat(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < MIN_PLAIN_EXPONENT || exponent >= MAX_PLAIN_EXPONENT) {
            String digits = bd.unscaledValue().abs().toString();
            StringBuilder sb = new StringBuilder(v < 0 ? "-" : "");
            sb.append(digits.charAt(0));
            if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int e = Math.abs(exponent);
            if (e < 10) sb.append('0');
            return sb.append(e).toString();
        }
        String plain = bd.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    /** Python's {@code repr(bool)}. */
    static String pyBool(boolean b) { return b ? "True" : "False"; }

    /** Python's repr of a tuple of ints: {@code (10,)}, {@code (2, 5)}. */
    static String tuple(int... values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(values[i]);
        }
        if (values.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    /** One int as Python prints an int, several as a tuple (a setting given as {@code 2} or {@code (2, 3)}). */
    static String intOrTuple(int[] values) { return values.length == 1 ? Integer.toString(values[0]) : tuple(values); }

    /** An optional float: {@code None} or its repr. */
    static String pyFloatOrNone(Double v) { return v == null ? "None" : pyFloat(v); }
}
