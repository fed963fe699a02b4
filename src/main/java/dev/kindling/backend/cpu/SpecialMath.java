package dev.kindling.backend.cpu;

/**
 * Scalar special functions that {@link java.lang.Math} lacks, in double precision: the error
 * function and its relatives, and the activations defined through them.
 *
 * <p>erf uses the everywhere-positive series erf(x) = 2/√π · e^(−x²) · Σ 2ⁿx^(2n+1)/(2n+1)!!
 * for |x| ≤ 2.5 (no cancellation, relative error near 1e-16) and the Laplace continued fraction
 * for erfc above it; erfinv refines a rational first guess with Newton steps on erf.
 */
public final class SpecialMath {
    private SpecialMath() {}

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double SERIES_LIMIT = 2.5;
    private static final int CONTINUED_FRACTION_TERMS = 60;

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        if (a <= SERIES_LIMIT) return erfSeries(x);
        if (a >= 6.0) return Math.copySign(1.0, x);
        return Math.copySign(1.0 - erfcContinuedFraction(a), x);
    }

    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x < 0) return 2.0 - erfc(-x);
        if (x <= 0.5) return 1.0 - erfSeries(x);
        if (x <= SERIES_LIMIT) return 1.0 - erfSeries(x);
        if (x >= 27.3) return 0.0;
        return erfcContinuedFraction(x);
    }

    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x, sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) for x &gt; 2. */
    private static double erfcContinuedFraction(double x) {
        double f = x;
        for (int n = CONTINUED_FRACTION_TERMS; n >= 1; n--) f = x + (n * 0.5) / f;
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }

    public static double erfinv(double y) {
        if (Double.isNaN(y) || y < -1 || y > 1) return Double.NaN;
        if (y == 1) return Double.POSITIVE_INFINITY;
        if (y == -1) return Double.NEGATIVE_INFINITY;
        // first guess (Giles, "Approximating the erfinv function")
        double w = -Math.log((1.0 - y) * (1.0 + y));
        double p;
        if (w < 5.0) {
            w -= 2.5;
            p = 2.81022636e-08;
            p = 3.43273939e-07 + p * w;
            p = -3.5233877e-06 + p * w;
            p = -4.39150654e-06 + p * w;
            p = 0.00021858087 + p * w;
            p = -0.00125372503 + p * w;
            p = -0.00417768164 + p * w;
            p = 0.246640727 + p * w;
            p = 1.50140941 + p * w;
        } else {
            w = Math.sqrt(w) - 3.0;
            p = -0.000200214257;
            p = 0.000100950558 + p * w;
            p = 0.00134934322 + p * w;
            p = -0.00367342844 + p * w;
            p = 0.00573950773 + p * w;
            p = -0.0076224613 + p * w;
            p = 0.00943887047 + p * w;
            p = 1.00167406 + p * w;
            p = 2.83297682 + p * w;
        }
        double x = p * y;
        for (int i = 0; i < 3; i++) {
            double err = erf(x) - y;
            x -= err / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
        }
        return x;
    }

    /** Exact GELU: x · Φ(x) = x/2 · (1 + erf(x/√2)). */
    public static double gelu(double x) {
        return 0.5 * x * (1.0 + erf(x * 0.7071067811865476));
    }

    /** GELU's tanh approximation: x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³))). */
    public static double geluTanh(double x) {
        return 0.5 * x * (1.0 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    }

    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** log(sigmoid(x)) without overflow: min(x, 0) − log1p(e^(−|x|)). */
    public static double logSigmoid(double x) {
        return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** softplus with PyTorch's beta and threshold: linear once beta·x exceeds the threshold. */
    public static double softplus(double x, double beta, double threshold) {
        double bx = beta * x;
        return bx > threshold ? x : Math.log1p(Math.exp(bx)) / beta;
    }

    /** Rounds half to even, as torch.round does. */
    public static double roundHalfEven(double x) {
        return Math.rint(x);
    }

    /** Python's floor division remainder: the result has the sign of the divisor. */
    public static double remainder(double a, double b) {
        double r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
    }

    public static long remainder(long a, long b) {
        long r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
    }

    /** Python's floor division for doubles, as torch.div(rounding_mode='floor'). */
    public static double floorDivide(double a, double b) {
        if (b == 0) return a / b;
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0;
        double floordiv;
        if (div != 0) {
            floordiv = Math.floor(div);
            if (div - floordiv > 0.5) floordiv += 1.0;
        } else {
            floordiv = Math.copySign(0.0, a / b);
        }
        return floordiv;
    }

    /** Integer power with PyTorch's rules for negative exponents (1, -1 and 0 bases). */
    public static long powInt(long base, long exp) {
        if (exp < 0) {
            if (base == 1) return 1;
            if (base == -1) return (exp & 1) == 0 ? 1 : -1;
            return 0; // PyTorch raises for 0 ** negative integer; dispatch rejects that case
        }
        long result = 1;
        long b = base;
        long e = exp;
        while (e > 0) {
            if ((e & 1) != 0) result *= b;
            b *= b;
            e >>= 1;
        }
        return result;
    }
}
