package dev.kindling.optim;

import java.math.BigDecimal;
import java.util.List;

/**
 * Formats numbers and hyper-parameter values the way Python prints them, so that Kindling's
 * optimizer and scheduler messages read exactly as PyTorch's ({@code Invalid learning rate: -0.1},
 * {@code Invalid epsilon value: 1e-08}) and users can search for them.
 *
 * <p>{@link #repr(double)} follows Python's {@code repr(float)}: the shortest digits that round
 * trip, fixed notation for decimal exponents from -4 to 15, scientific notation with a signed,
 * at-least-two-digit exponent otherwise, and {@code nan}, {@code inf}, {@code -inf}.
 */
public final class PyFloat {
    /** Smallest decimal exponent Python's repr still writes in fixed notation (0.0001). */
    private static final int FIXED_MIN_EXPONENT = -4;
    /** Decimal exponent from which Python's repr switches to scientific notation (1e+16). */
    private static final int FIXED_MAX_EXPONENT_EXCLUSIVE = 16;

    private PyFloat() {}

    /** Python's {@code repr(v)} of a float: {@code 0.01}, {@code 1e-08}, {@code -0.1}, {@code 3.0}. */
    public static String repr(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (Double.doubleToRawLongBits(v) < 0) ? "-0.0" : "0.0";
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - 1 - d.scale();
        StringBuilder sb = new StringBuilder(v < 0 ? "-" : "");
        if (exponent >= FIXED_MIN_EXPONENT && exponent < FIXED_MAX_EXPONENT_EXCLUSIVE) {
            if (exponent < 0) {
                sb.append("0.").append("0".repeat(-exponent - 1)).append(digits);
            } else if (digits.length() <= exponent + 1) {
                sb.append(digits).append("0".repeat(exponent + 1 - digits.length())).append(".0");
            } else {
                sb.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int e = Math.abs(exponent);
            if (e < 10) sb.append('0');
            sb.append(e);
        }
        return sb.toString();
    }

    /**
     * Python's {@code str} of a hyper-parameter value: floats as {@link #repr(double)}, booleans as
     * {@code True}/{@code False}, null as {@code None}, lists as tuples {@code (0.9, 0.999)}.
     */
    public static String str(Object value) {
        if (value == null) return "None";
        if (value instanceof Boolean b) return b ? "True" : "False";
        if (value instanceof Double || value instanceof Float) return repr(((Number) value).doubleValue());
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(str(list.get(i)));
            }
            if (list.size() == 1) sb.append(',');
            return sb.append(')').toString();
        }
        if (value instanceof String s) return s;
        return String.valueOf(value);
    }
}
