package dev.kindling.backend.cpu;

import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;

/**
 * The element-wise ops on contiguous blocks: one loop per op, in double (floating dtypes) and long
 * (integral and bool dtypes). The op is chosen once per block, never per element. Predicates and
 * comparisons write 1 or 0. Integer ops that PyTorch rejects (such as integer division by zero, or
 * float-only functions) never reach the long versions: the dispatch layer checks them first.
 */
final class BlockOps {
    private BlockOps() {}

    static void unary(UnaryOp op, double[] x, double[] y, int n, double p1, double p2) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) y[i] = -x[i]; }
            case ABS -> { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i] == 0 ? 0 : x[i]; }
            case RECIPROCAL -> { for (int i = 0; i < n; i++) y[i] = 1.0 / x[i]; }
            case SQUARE -> { for (int i = 0; i < n; i++) y[i] = x[i] * x[i]; }
            case SQRT -> { for (int i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); }
            case RSQRT -> { for (int i = 0; i < n; i++) y[i] = 1.0 / Math.sqrt(x[i]); }
            case EXP -> { for (int i = 0; i < n; i++) y[i] = Math.exp(x[i]); }
            case EXP2 -> { for (int i = 0; i < n; i++) y[i] = Math.pow(2.0, x[i]); }
            case EXPM1 -> { for (int i = 0; i < n; i++) y[i] = Math.expm1(x[i]); }
            case LOG -> { for (int i = 0; i < n; i++) y[i] = Math.log(x[i]); }
            case LOG2 -> { for (int i = 0; i < n; i++) y[i] = Math.log(x[i]) * 1.4426950408889634; }
            case LOG10 -> { for (int i = 0; i < n; i++) y[i] = Math.log10(x[i]); }
            case LOG1P -> { for (int i = 0; i < n; i++) y[i] = Math.log1p(x[i]); }
            case SIN -> { for (int i = 0; i < n; i++) y[i] = Math.sin(x[i]); }
            case COS -> { for (int i = 0; i < n; i++) y[i] = Math.cos(x[i]); }
            case TAN -> { for (int i = 0; i < n; i++) y[i] = Math.tan(x[i]); }
            case ASIN -> { for (int i = 0; i < n; i++) y[i] = Math.asin(x[i]); }
            case ACOS -> { for (int i = 0; i < n; i++) y[i] = Math.acos(x[i]); }
            case ATAN -> { for (int i = 0; i < n; i++) y[i] = Math.atan(x[i]); }
            case SINH -> { for (int i = 0; i < n; i++) y[i] = Math.sinh(x[i]); }
            case COSH -> { for (int i = 0; i < n; i++) y[i] = Math.cosh(x[i]); }
            case TANH -> { for (int i = 0; i < n; i++) y[i] = Math.tanh(x[i]); }
            case ASINH -> { for (int i = 0; i < n; i++) { double v = x[i]; double a = Math.abs(v); y[i] = Math.copySign(Math.log(a + Math.sqrt(a * a + 1)), v); } }
            case ACOSH -> { for (int i = 0; i < n; i++) y[i] = Math.log(x[i] + Math.sqrt(x[i] * x[i] - 1)); }
            case ATANH -> { for (int i = 0; i < n; i++) y[i] = 0.5 * Math.log1p(2 * x[i] / (1 - x[i])); }
            case SIGMOID -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.sigmoid(x[i]); }
            case LOGSIGMOID -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.logSigmoid(x[i]); }
            case RELU -> { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : x[i] == x[i] ? 0 : x[i]; }
            case GELU -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.gelu(x[i]); }
            case GELU_TANH -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.geluTanh(x[i]); }
            case SILU -> { for (int i = 0; i < n; i++) y[i] = x[i] * SpecialMath.sigmoid(x[i]); }
            case MISH -> { for (int i = 0; i < n; i++) y[i] = x[i] * Math.tanh(SpecialMath.softplus(x[i], 1, 20)); }
            case ERF -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.erf(x[i]); }
            case ERFC -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.erfc(x[i]); }
            case ERFINV -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.erfinv(x[i]); }
            case FLOOR -> { for (int i = 0; i < n; i++) y[i] = Math.floor(x[i]); }
            case CEIL -> { for (int i = 0; i < n; i++) y[i] = Math.ceil(x[i]); }
            case ROUND -> { for (int i = 0; i < n; i++) y[i] = Math.rint(x[i]); }
            case TRUNC -> { for (int i = 0; i < n; i++) y[i] = x[i] < 0 ? Math.ceil(x[i]) : Math.floor(x[i]); }
            case FRAC -> { for (int i = 0; i < n; i++) y[i] = x[i] - (x[i] < 0 ? Math.ceil(x[i]) : Math.floor(x[i])); }
            case ROUND_DECIMALS -> {
                double scale = Math.pow(10, p1);
                for (int i = 0; i < n; i++) y[i] = Math.rint(x[i] * scale) / scale;
            }
            case POW_SCALAR -> {
                if (p1 == 2) { for (int i = 0; i < n; i++) y[i] = x[i] * x[i]; }
                else if (p1 == 0.5) { for (int i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); }
                else { for (int i = 0; i < n; i++) y[i] = Math.pow(x[i], p1); }
            }
            case RPOW_SCALAR -> { for (int i = 0; i < n; i++) y[i] = Math.pow(p1, x[i]); }
            case CLAMP -> {
                boolean lo = !Double.isNaN(p1), hi = !Double.isNaN(p2);
                for (int i = 0; i < n; i++) {
                    double v = x[i];
                    if (lo && v < p1) v = p1;
                    if (hi && v > p2) v = p2;
                    y[i] = v;
                }
            }
            case LEAKY_RELU -> { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : x[i] * p1; }
            case ELU -> { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : p1 * Math.expm1(x[i]); }
            case SOFTPLUS -> { for (int i = 0; i < n; i++) y[i] = SpecialMath.softplus(x[i], p1, p2); }
            case HARDTANH -> { for (int i = 0; i < n; i++) y[i] = x[i] < p1 ? p1 : x[i] > p2 ? p2 : x[i]; }
            case HARDSIGMOID -> { for (int i = 0; i < n; i++) y[i] = Math.min(Math.max(x[i] / 6 + 0.5, 0), 1); }
            case HARDSWISH -> { for (int i = 0; i < n; i++) y[i] = x[i] * Math.min(Math.max(x[i] + 3, 0), 6) / 6; }
            case LOGICAL_NOT -> { for (int i = 0; i < n; i++) y[i] = x[i] == 0 ? 1 : 0; }
            case ISNAN -> { for (int i = 0; i < n; i++) y[i] = Double.isNaN(x[i]) ? 1 : 0; }
            case ISINF -> { for (int i = 0; i < n; i++) y[i] = Double.isInfinite(x[i]) ? 1 : 0; }
            case ISFINITE -> { for (int i = 0; i < n; i++) y[i] = Double.isFinite(x[i]) ? 1 : 0; }
            case ISPOSINF -> { for (int i = 0; i < n; i++) y[i] = x[i] == Double.POSITIVE_INFINITY ? 1 : 0; }
            case ISNEGINF -> { for (int i = 0; i < n; i++) y[i] = x[i] == Double.NEGATIVE_INFINITY ? 1 : 0; }
            case SIGNBIT -> { for (int i = 0; i < n; i++) y[i] = (Double.doubleToRawLongBits(x[i]) < 0) ? 1 : 0; }
            case NAN_TO_NUM -> {
                // p1 replaces NaN; p2 is the magnitude that replaces +/-inf
                for (int i = 0; i < n; i++) {
                    double v = x[i];
                    y[i] = Double.isNaN(v) ? p1 : v == Double.POSITIVE_INFINITY ? p2 : v == Double.NEGATIVE_INFINITY ? -p2 : v;
                }
            }
            case BITWISE_NOT -> throw new IllegalStateException("bitwise_not on floating point reached the kernel");
        }
    }

    static void unary(UnaryOp op, long[] x, long[] y, int n, double p1, double p2) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) y[i] = -x[i]; }
            case ABS -> { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = 0; i < n; i++) y[i] = Long.signum(x[i]); }
            case SQUARE -> { for (int i = 0; i < n; i++) y[i] = x[i] * x[i]; }
            case FLOOR, CEIL, ROUND, TRUNC -> System.arraycopy(x, 0, y, 0, n);
            case FRAC -> { for (int i = 0; i < n; i++) y[i] = 0; }
            case RELU -> { for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0); }
            case CLAMP, HARDTANH -> {
                boolean lo = !Double.isNaN(p1), hi = !Double.isNaN(p2);
                long l = (long) p1, h = (long) p2;
                for (int i = 0; i < n; i++) {
                    long v = x[i];
                    if (lo && v < l) v = l;
                    if (hi && v > h) v = h;
                    y[i] = v;
                }
            }
            case POW_SCALAR -> { long e = (long) p1; for (int i = 0; i < n; i++) y[i] = SpecialMath.powInt(x[i], e); }
            case LOGICAL_NOT -> { for (int i = 0; i < n; i++) y[i] = x[i] == 0 ? 1 : 0; }
            case BITWISE_NOT -> { for (int i = 0; i < n; i++) y[i] = ~x[i]; }
            case ISNAN, ISINF, ISPOSINF, ISNEGINF -> { for (int i = 0; i < n; i++) y[i] = 0; }
            case ISFINITE -> { for (int i = 0; i < n; i++) y[i] = 1; }
            case SIGNBIT -> { for (int i = 0; i < n; i++) y[i] = x[i] < 0 ? 1 : 0; }
            case NAN_TO_NUM -> System.arraycopy(x, 0, y, 0, n);
            default -> throw new IllegalStateException(op + " on integers reached the kernel");
        }
    }

    static void binary(BinaryOp op, double[] a, double[] b, double[] o, int n, double alpha) {
        switch (op) {
            case ADD -> {
                if (alpha == 1) { for (int i = 0; i < n; i++) o[i] = a[i] + b[i]; }
                else { for (int i = 0; i < n; i++) o[i] = a[i] + alpha * b[i]; }
            }
            case SUB -> {
                if (alpha == 1) { for (int i = 0; i < n; i++) o[i] = a[i] - b[i]; }
                else { for (int i = 0; i < n; i++) o[i] = a[i] - alpha * b[i]; }
            }
            case MUL -> { for (int i = 0; i < n; i++) o[i] = a[i] * b[i]; }
            case DIV -> { for (int i = 0; i < n; i++) o[i] = a[i] / b[i]; }
            case DIV_TRUNC -> { for (int i = 0; i < n; i++) { double q = a[i] / b[i]; o[i] = q < 0 ? Math.ceil(q) : Math.floor(q); } }
            case DIV_FLOOR -> { for (int i = 0; i < n; i++) o[i] = SpecialMath.floorDivide(a[i], b[i]); }
            case REMAINDER -> { for (int i = 0; i < n; i++) o[i] = SpecialMath.remainder(a[i], b[i]); }
            case FMOD -> { for (int i = 0; i < n; i++) o[i] = a[i] % b[i]; }
            case POW -> { for (int i = 0; i < n; i++) o[i] = Math.pow(a[i], b[i]); }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[i] = a[i] != a[i] || b[i] != b[i] ? Double.NaN : Math.max(a[i], b[i]); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[i] = a[i] != a[i] || b[i] != b[i] ? Double.NaN : Math.min(a[i], b[i]); }
            case FMAX -> { for (int i = 0; i < n; i++) o[i] = a[i] != a[i] ? b[i] : b[i] != b[i] ? a[i] : Math.max(a[i], b[i]); }
            case FMIN -> { for (int i = 0; i < n; i++) o[i] = a[i] != a[i] ? b[i] : b[i] != b[i] ? a[i] : Math.min(a[i], b[i]); }
            case ATAN2 -> { for (int i = 0; i < n; i++) o[i] = Math.atan2(a[i], b[i]); }
            case HYPOT -> { for (int i = 0; i < n; i++) o[i] = Math.hypot(a[i], b[i]); }
            case COPYSIGN -> { for (int i = 0; i < n; i++) o[i] = Math.copySign(a[i], b[i]); }
            case XLOGY -> { for (int i = 0; i < n; i++) o[i] = b[i] != b[i] ? Double.NaN : a[i] == 0 ? 0 : a[i] * Math.log(b[i]); }
            case EQ -> { for (int i = 0; i < n; i++) o[i] = a[i] == b[i] ? 1 : 0; }
            case NE -> { for (int i = 0; i < n; i++) o[i] = a[i] != b[i] ? 1 : 0; }
            case LT -> { for (int i = 0; i < n; i++) o[i] = a[i] < b[i] ? 1 : 0; }
            case LE -> { for (int i = 0; i < n; i++) o[i] = a[i] <= b[i] ? 1 : 0; }
            case GT -> { for (int i = 0; i < n; i++) o[i] = a[i] > b[i] ? 1 : 0; }
            case GE -> { for (int i = 0; i < n; i++) o[i] = a[i] >= b[i] ? 1 : 0; }
            case LOGICAL_AND -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0 && b[i] != 0 ? 1 : 0; }
            case LOGICAL_OR -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0 || b[i] != 0 ? 1 : 0; }
            case LOGICAL_XOR -> { for (int i = 0; i < n; i++) o[i] = (a[i] != 0) != (b[i] != 0) ? 1 : 0; }
            case BITWISE_AND, BITWISE_OR, BITWISE_XOR, LSHIFT, RSHIFT ->
                    throw new IllegalStateException(op + " on floating point reached the kernel");
        }
    }

    static void binary(BinaryOp op, long[] a, long[] b, long[] o, int n, long alpha) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[i] = a[i] + alpha * b[i]; }
            case SUB -> { for (int i = 0; i < n; i++) o[i] = a[i] - alpha * b[i]; }
            case MUL -> { for (int i = 0; i < n; i++) o[i] = a[i] * b[i]; }
            case DIV_TRUNC -> { for (int i = 0; i < n; i++) o[i] = a[i] / b[i]; }
            case DIV_FLOOR -> { for (int i = 0; i < n; i++) o[i] = Math.floorDiv(a[i], b[i]); }
            case REMAINDER -> { for (int i = 0; i < n; i++) o[i] = SpecialMath.remainder(a[i], b[i]); }
            case FMOD -> { for (int i = 0; i < n; i++) o[i] = a[i] % b[i]; }
            case POW -> { for (int i = 0; i < n; i++) o[i] = SpecialMath.powInt(a[i], b[i]); }
            case MAXIMUM, FMAX -> { for (int i = 0; i < n; i++) o[i] = Math.max(a[i], b[i]); }
            case MINIMUM, FMIN -> { for (int i = 0; i < n; i++) o[i] = Math.min(a[i], b[i]); }
            case COPYSIGN -> throw new IllegalStateException("copysign on integers reached the kernel");
            case BITWISE_AND -> { for (int i = 0; i < n; i++) o[i] = a[i] & b[i]; }
            case BITWISE_OR -> { for (int i = 0; i < n; i++) o[i] = a[i] | b[i]; }
            case BITWISE_XOR -> { for (int i = 0; i < n; i++) o[i] = a[i] ^ b[i]; }
            case LSHIFT -> { for (int i = 0; i < n; i++) o[i] = b[i] >= 64 || b[i] < 0 ? 0 : a[i] << b[i]; }
            case RSHIFT -> { for (int i = 0; i < n; i++) o[i] = b[i] >= 64 || b[i] < 0 ? (a[i] < 0 ? -1 : 0) : a[i] >> b[i]; }
            case EQ -> { for (int i = 0; i < n; i++) o[i] = a[i] == b[i] ? 1 : 0; }
            case NE -> { for (int i = 0; i < n; i++) o[i] = a[i] != b[i] ? 1 : 0; }
            case LT -> { for (int i = 0; i < n; i++) o[i] = a[i] < b[i] ? 1 : 0; }
            case LE -> { for (int i = 0; i < n; i++) o[i] = a[i] <= b[i] ? 1 : 0; }
            case GT -> { for (int i = 0; i < n; i++) o[i] = a[i] > b[i] ? 1 : 0; }
            case GE -> { for (int i = 0; i < n; i++) o[i] = a[i] >= b[i] ? 1 : 0; }
            case LOGICAL_AND -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0 && b[i] != 0 ? 1 : 0; }
            case LOGICAL_OR -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0 || b[i] != 0 ? 1 : 0; }
            case LOGICAL_XOR -> { for (int i = 0; i < n; i++) o[i] = (a[i] != 0) != (b[i] != 0) ? 1 : 0; }
            case DIV, ATAN2, HYPOT, XLOGY -> throw new IllegalStateException(op + " on integers reached the kernel");
        }
    }

    static void ternary(TernaryOp op, double[] a, double[] b, double[] c, double[] o, int n, double p) {
        switch (op) {
            case WHERE -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0 ? b[i] : c[i]; }
            case LERP -> {
                for (int i = 0; i < n; i++) {
                    double w = c[i];
                    o[i] = Math.abs(w) < 0.5 ? a[i] + w * (b[i] - a[i]) : b[i] - (b[i] - a[i]) * (1 - w);
                }
            }
            case ADDCMUL -> { for (int i = 0; i < n; i++) o[i] = a[i] + p * b[i] * c[i]; }
            case ADDCDIV -> { for (int i = 0; i < n; i++) o[i] = a[i] + p * b[i] / c[i]; }
            case CLAMP -> {
                for (int i = 0; i < n; i++) {
                    double v = a[i];
                    if (v != v) { o[i] = v; continue; }
                    if (b[i] == b[i] && v < b[i]) v = b[i];
                    if (c[i] == c[i] && v > c[i]) v = c[i];
                    o[i] = v;
                }
            }
        }
    }

    static void ternary(TernaryOp op, long[] a, long[] b, long[] c, long[] o, int n, double p) {
        switch (op) {
            case WHERE -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0 ? b[i] : c[i]; }
            case ADDCMUL -> { long q = (long) p; for (int i = 0; i < n; i++) o[i] = a[i] + q * b[i] * c[i]; }
            case CLAMP -> { for (int i = 0; i < n; i++) o[i] = Math.min(Math.max(a[i], b[i]), c[i]); }
            case LERP, ADDCDIV -> throw new IllegalStateException(op + " on integers reached the kernel");
        }
    }
}
