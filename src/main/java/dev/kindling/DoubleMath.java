package dev.kindling;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The double-precision elementary functions behind {@link Generator}'s normal and exponential
 * samples, computed so that they round the way PyTorch's CPU kernels see them through glibc.
 *
 * <p>PyTorch's scalar samplers call the C library: {@code log1p} for the exponential distribution
 * and the per-element Box-Muller transform, {@code log} and {@code sincos} for the 16-element
 * double transform. Java's {@link StrictMath} versions are fdlibm's and differ from glibc's in up
 * to 3% of arguments (sin and cos), and {@link Math}'s versions differ between JVMs. So:
 * <ul>
 *   <li>{@link #log1p} is fdlibm's algorithm evaluated exactly as glibc's x86-64 FMA build
 *       evaluates it (Estrin-style polynomial, the same fused multiply-adds), which makes it
 *       bit-for-bit equal to glibc's on AVX2 machines.</li>
 *   <li>{@link #log} and {@link #sinCos} are computed in double-double arithmetic to a relative
 *       error near 2<sup>-75</sup> and then rounded, so they return the correctly rounded result
 *       except when the exact value lies within about 2<sup>-22</sup> ulp of a rounding
 *       midpoint (no such case among 300,000 tested arguments each). glibc's {@code log},
 *       {@code sin} and {@code cos} are not correctly rounded in about one case in
 *       10<sup>3</sup>; in those cases the two differ by one ulp. See {@link Generator},
 *       Note [libm rounding].</li>
 * </ul>
 * All methods are pure functions of their arguments and give the same bits on every JVM.
 */
final class DoubleMath {
    private DoubleMath() {}

    // ---------------------------------------------------------------- log1p (glibc's evaluation)

    private static final double LN2_HI = Double.longBitsToDouble(0x3fe62e42fee00000L);
    private static final double LN2_LO = Double.longBitsToDouble(0x3dea39ef35793c76L);
    private static final double TWO54 = 0x1p54;
    private static final double LP1 = Double.longBitsToDouble(0x3fe5555555555593L);
    private static final double LP2 = Double.longBitsToDouble(0x3fd999999997fa04L);
    private static final double LP3 = Double.longBitsToDouble(0x3fd2492494229359L);
    private static final double LP4 = Double.longBitsToDouble(0x3fcc71c51d8e78afL);
    private static final double LP5 = Double.longBitsToDouble(0x3fc7466496cb03deL);
    private static final double LP6 = Double.longBitsToDouble(0x3fc39a09d078c69fL);
    private static final double LP7 = Double.longBitsToDouble(0x3fc2f112df3e5244L);
    private static final double TWO_THIRDS = Double.longBitsToDouble(0x3fe5555555555555L);

    /**
     * {@code log(1 + x)} with glibc's rounding on x86-64 machines with FMA: fdlibm's reduction
     * {@code 1 + x = 2^k (1 + f)}, {@code s = f / (2 + f)}, and the degree-14 polynomial in
     * {@code s} summed as {@code z*Lp1 + z^2*R2 + z^4*R3 + z^6*R4} with the multiply-adds fused
     * where glibc's FMA variant fuses them.
     */
    static double log1p(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int hx = (int) (bits >> 32);
        int ax = hx & 0x7fffffff;
        int k = 1;
        int hu = 0;
        double f = 0, c = 0;
        if (hx < 0x3fda827a) {                       // x < 0.41422
            if (ax >= 0x3ff00000) {                  // x <= -1
                return x == -1.0 ? Double.NEGATIVE_INFINITY : Double.NaN;
            }
            if (ax < 0x3e200000) {                   // |x| < 2^-29
                if (ax < 0x3c900000) return x;       // |x| < 2^-54
                return Math.fma(-(x * x), 0.5, x);
            }
            if (hx > 0 || hx <= 0xbfd2bec3) {        // -0.2929 < x < 0.41422 (0xbfd2bec3 is a negative int)
                k = 0;
                f = x;
                hu = 1;
            }
        } else if (hx >= 0x7ff00000) {
            return x + x;
        }
        if (k != 0) {
            double u;
            if (hx < 0x43400000) {
                u = 1.0 + x;
                hu = (int) (Double.doubleToRawLongBits(u) >> 32);
                k = (hu >> 20) - 1023;
                c = (k > 0) ? 1.0 - (u - x) : x - (u - 1.0);
                c /= u;
            } else {
                u = x;
                hu = (int) (Double.doubleToRawLongBits(u) >> 32);
                k = (hu >> 20) - 1023;
                c = 0;
            }
            hu &= 0x000fffff;
            long low = Double.doubleToRawLongBits(u) & 0xffffffffL;
            if (hu < 0x6a09e) {
                u = Double.longBitsToDouble(((long) (hu | 0x3ff00000) << 32) | low);
            } else {
                k += 1;
                u = Double.longBitsToDouble(((long) (hu | 0x3fe00000) << 32) | low);
                hu = (0x00100000 - hu) >> 2;
            }
            f = u - 1.0;
        }
        double hfsq = 0.5 * f * f;
        if (hu == 0) {                               // |f| < 2^-20
            if (f == 0.0) {
                if (k == 0) return 0.0;
                return Math.fma(k, LN2_HI, Math.fma(k, LN2_LO, c));
            }
            double r = Math.fma(-f, TWO_THIRDS, 1.0) * hfsq;
            if (k == 0) return f - r;
            return Math.fma(k, LN2_HI, -((r - Math.fma(k, LN2_LO, c)) - f));
        }
        double s = f / (2.0 + f);
        double z = s * s;
        double r2 = Math.fma(z, LP3, LP2);
        double r3 = Math.fma(z, LP5, LP4);
        double r4 = Math.fma(z, LP7, LP6);
        double z2 = z * z;
        double z4 = z2 * z2;
        double z6 = z2 * z4;
        double r = Math.fma(z6, r4, Math.fma(z4, r3, Math.fma(z, LP1, z2 * r2)));
        double sr = (hfsq + r) * s;
        if (k == 0) return f - (hfsq - sr);
        return Math.fma(k, LN2_HI, -((hfsq - (Math.fma(k, LN2_LO, c) + sr)) - f));
    }

    // ------------------------------------------------------------ double-double building blocks
    //
    // A double-double value is hi + lo with |lo| <= ulp(hi) / 2. The helpers below write their
    // result into the two fields of a Dd, so a hot loop allocates nothing.

    /** A double-double accumulator: the value {@code hi + lo}. */
    static final class Dd {
        double hi, lo;
    }

    private static final double SQRT2 = 1.4142135623730951;
    private static final double LN2_DD_HI = Double.longBitsToDouble(0x3fe62e42fefa39efL);
    private static final double LN2_DD_LO = Double.longBitsToDouble(0x3c7abc9e3b39803fL);

    /** 1/(2k+1) and 1/n! as double-double pairs {hi, lo}, from exact decimal arithmetic. */
    private static double[] dd(BigDecimal v) {
        double hi = v.doubleValue();
        double lo = v.subtract(new BigDecimal(hi)).doubleValue();
        return new double[] {hi, lo};
    }

    private static final MathContext MC = new MathContext(60);

    private static BigDecimal inverse(long n) { return BigDecimal.ONE.divide(BigDecimal.valueOf(n), MC); }

    private static BigDecimal inverseFactorial(int n) {
        BigDecimal f = BigDecimal.ONE;
        for (int i = 2; i <= n; i++) f = f.multiply(BigDecimal.valueOf(i));
        return BigDecimal.ONE.divide(f, MC);
    }

    /** 1/7, 1/5, 1/3: the leading atanh-series coefficients, innermost first. */
    private static final double[][] ATANH_HEAD = {dd(inverse(7)), dd(inverse(5)), dd(inverse(3))};

    /** 1/(2k+1) for k = 4..14: the double-precision tail of the atanh series. */
    private static final double[] ATANH_TAIL = new double[11];

    // sin r = r + r z (-1/3! + z/5! - z^2/7! + z^3/9! + z^4 SIN_TAIL(z)); heads innermost first
    private static final double[][] SIN_HEAD = {dd(inverseFactorial(9)), dd(inverseFactorial(7).negate()),
        dd(inverseFactorial(5)), dd(inverseFactorial(3).negate())};
    private static final double[] SIN_TAIL = new double[7];   // -1/11!, 1/13!, ..., 1/23!
    // cos r = 1 - z/2 + z^2 (1/4! - z/6! + z^2/8! - z^3/10! + z^4 COS_TAIL(z))
    private static final double[][] COS_HEAD = {dd(inverseFactorial(10).negate()), dd(inverseFactorial(8)),
        dd(inverseFactorial(6).negate()), dd(inverseFactorial(4))};
    private static final double[] COS_TAIL = new double[7];   // 1/12!, -1/14!, ..., 1/24!

    static {
        for (int i = 0; i < ATANH_TAIL.length; i++) ATANH_TAIL[i] = inverse(2L * (i + 4) + 1).doubleValue();
        for (int i = 0; i < SIN_TAIL.length; i++) {
            BigDecimal v = inverseFactorial(11 + 2 * i);
            SIN_TAIL[i] = (i % 2 == 0 ? v.negate() : v).doubleValue();
        }
        for (int i = 0; i < COS_TAIL.length; i++) {
            BigDecimal v = inverseFactorial(12 + 2 * i);
            COS_TAIL[i] = (i % 2 == 0 ? v : v.negate()).doubleValue();
        }
    }

    /** r = a * b for double-doubles. */
    private static void mul(Dd r, double ah, double al, double bh, double bl) {
        double p = ah * bh;
        double e = Math.fma(ah, bh, -p) + (ah * bl + al * bh);
        double hi = p + e;
        r.lo = e - (hi - p);
        r.hi = hi;
    }

    /** {@code c[0] + z c[1] + z^2 c[2] + ...} in double: a series tail far below the result's ulp. */
    private static double horner(double[] c, double z) {
        double q = c[c.length - 1];
        for (int i = c.length - 2; i >= 0; i--) q = Math.fma(q, z, c[i]);
        return q;
    }

    /**
     * r = (((q z + c[0]) z + c[1]) z + ...) + c[last] in double-double, for {@code z = zh + zl}
     * and coefficients given as {hi, lo} pairs, innermost first.
     */
    private static void hornerDd(Dd r, double q, double zh, double zl, double[][] c) {
        mul(r, zh, zl, q, 0);
        add(r, r.hi, r.lo, c[0][0], c[0][1]);
        for (int i = 1; i < c.length; i++) {
            mul(r, r.hi, r.lo, zh, zl);
            add(r, r.hi, r.lo, c[i][0], c[i][1]);
        }
    }

    /** r = a + b for double-doubles (accurate unless the sum cancels almost completely). */
    private static void add(Dd r, double ah, double al, double bh, double bl) {
        double s = ah + bh;
        double v = s - ah;
        double e = (ah - (s - v)) + (bh - v) + (al + bl);
        double hi = s + e;
        r.lo = e - (hi - s);
        r.hi = hi;
    }

    // -------------------------------------------------------------------------------- log

    /**
     * The natural logarithm, correctly rounded except in rare near-midpoint cases (the unrounded
     * double-double result has a relative error near 2^-75). Special values as {@link Math#log}.
     */
    static double log(double x) {
        if (!(x > 0)) return x == 0 ? Double.NEGATIVE_INFINITY : Double.NaN;
        if (x == Double.POSITIVE_INFINITY) return x;
        int scale = 0;
        if (x < Double.MIN_NORMAL) {
            x *= TWO54;
            scale = -54;
        }
        long bits = Double.doubleToRawLongBits(x);
        int e = (int) (bits >>> 52) - 1023 + scale;
        double m = Double.longBitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
        if (m > SQRT2) {
            m *= 0.5;
            e += 1;
        }
        // log(m) = 2 atanh(s) = 2s (1 + z/3 + z^2/5 + ...), s = (m - 1) / (m + 1), z = s^2
        double num = m - 1.0;                        // exact
        double dh = m + 1.0;                         // m + 1 = dh + dl exactly
        double dv = dh - m;
        double dl = (m - (dh - dv)) + (1.0 - dv);
        double sh = num / dh;
        double sl = (Math.fma(-sh, dh, num) - sh * dl) / dh;
        Dd t = new Dd();
        mul(t, sh, sl, sh, sl);
        double zh = t.hi, zl = t.lo;
        hornerDd(t, horner(ATANH_TAIL, zh), zh, zl, ATANH_HEAD);
        mul(t, t.hi, t.lo, zh, zl);                  // T = z/3 + z^2/5 + ...
        mul(t, t.hi, t.lo, sh, sl);                  // s T
        add(t, sh, sl, t.hi, t.lo);                  // s (1 + T)
        double lh = 2 * t.hi, ll = 2 * t.lo;
        if (e == 0) return lh + ll;
        double eh = e * LN2_DD_HI;
        double el = Math.fma(e, LN2_DD_HI, -eh) + e * LN2_DD_LO;
        add(t, eh, el, lh, ll);
        return t.hi + t.lo;
    }

    // ------------------------------------------------------------------------------ sin, cos

    // pi/2 in four parts: the first three have 33 significant bits, so k * part is exact.
    private static final double PIO2_1 = Double.longBitsToDouble(0x3ff921fb54400000L);
    private static final double PIO2_2 = Double.longBitsToDouble(0x3dd0b4611a600000L);
    private static final double PIO2_3 = Double.longBitsToDouble(0x3ba3198a2e000000L);
    private static final double PIO2_3T = Double.longBitsToDouble(0x397b839a252049c1L);
    private static final double TWO_OVER_PI = 0.6366197723675814;
    /** Above this |x| the 4-part reduction loses exactness; such arguments go to StrictMath. */
    private static final double SINCOS_REDUCTION_LIMIT = 0x1p19 * PIO2_1;

    /**
     * Writes {@code sin(x)} to {@code out[0]} and {@code cos(x)} to {@code out[1]}, each correctly
     * rounded except in rare near-midpoint cases, for |x| below 2^19 pi/2 (823550); larger
     * arguments, never produced by the samplers, fall back to {@link StrictMath}.
     */
    static void sinCos(double x, double[] out) {
        if (!(Math.abs(x) < SINCOS_REDUCTION_LIMIT)) {
            out[0] = StrictMath.sin(x);
            out[1] = StrictMath.cos(x);
            return;
        }
        // x = k pi/2 + r, |r| <= pi/4 (a hair more at the rounding boundary)
        double kd = Math.rint(x * TWO_OVER_PI);
        int k = (int) kd;
        double t1 = x - kd * PIO2_1;                 // exact
        double p2 = kd * PIO2_2;                     // exact
        double rh = t1 - p2;
        double v = rh - t1;
        double rl = (t1 - (rh - v)) - (p2 + v);
        double p3 = kd * PIO2_3;                     // exact
        double s = rh - p3;
        v = s - rh;
        double err = (rh - (s - v)) - (p3 + v);
        rl = rl + err - kd * PIO2_3T;
        rh = s + rl;
        rl = rl - (rh - s);

        Dd t = new Dd();
        mul(t, rh, rl, rh, rl);
        double zh = t.hi, zl = t.lo;

        // sin(r) = r + r z (head + z^4 tail)
        hornerDd(t, horner(SIN_TAIL, zh), zh, zl, SIN_HEAD);
        mul(t, t.hi, t.lo, zh, zl);
        mul(t, t.hi, t.lo, rh, rl);
        add(t, rh, rl, t.hi, t.lo);
        double sinH = t.hi, sinL = t.lo;

        // cos(r) = 1 - z/2 + z^2 (head + z^4 tail)
        hornerDd(t, horner(COS_TAIL, zh), zh, zl, COS_HEAD);
        mul(t, t.hi, t.lo, zh, zl);
        mul(t, t.hi, t.lo, zh, zl);
        add(t, t.hi, t.lo, -0.5 * zh, -0.5 * zl);
        add(t, 1.0, 0.0, t.hi, t.lo);
        double cosH = t.hi, cosL = t.lo;

        double sinX, cosX;
        switch (k & 3) {
            case 0 -> { sinX = sinH + sinL; cosX = cosH + cosL; }
            case 1 -> { sinX = cosH + cosL; cosX = -(sinH + sinL); }
            case 2 -> { sinX = -(sinH + sinL); cosX = -(cosH + cosL); }
            default -> { sinX = -(cosH + cosL); cosX = sinH + sinL; }
        }
        out[0] = sinX;
        out[1] = cosX;
    }
}
