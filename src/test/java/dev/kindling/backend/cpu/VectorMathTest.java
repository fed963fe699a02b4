package dev.kindling.backend.cpu;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link VectorMath}'s own lanes (and its sigmoid on the JDK's exp) against double-precision
 * {@link Math} rounded to float: the largest error in
 * ulps (distance between the floats' ordered bit patterns, so subnormals count in subnormal
 * ulps) over uniform samples of the interesting ranges, random bit patterns (every magnitude,
 * subnormals included), and the special values, which must match exactly.
 */
class VectorMathTest {

    private static final int SAMPLES = 1 << 21;

    @BeforeAll
    static void vectorApi() {
        assumeTrue(Simd.AVAILABLE, "the Vector API is not enabled");
    }

    /** The float bits mapped to a monotonic integer line (-0 and +0 coincide). */
    private static long ordered(float f) {
        int b = Float.floatToRawIntBits(f);
        return b < 0 ? (long) Integer.MIN_VALUE - b : b;
    }

    private static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        return Math.abs(ordered(a) - ordered(b));
    }

    /** One of VectorMath's array loops: fills whole vectors of y from x and returns how many it did. */
    interface Loop {
        int run(float[] x, int xo, float[] y, int yo, int n);
    }

    private static float[] apply(Loop f, float[] x) {
        int l = VectorMath.S.length();
        int n = (x.length + l - 1) / l * l;
        float[] in = Arrays.copyOf(x, n), out = new float[n];
        assertEquals(n, f.run(in, 0, out, 0, n));
        return Arrays.copyOf(out, x.length);
    }

    /** The largest error of f over x, failing with the worst input when it exceeds maxUlps. */
    private static long check(String name, Loop f, DoubleUnaryOperator ref, float[] x, long maxUlps) {
        float[] y = apply(f, x);
        long worst = 0;
        int at = -1;
        for (int i = 0; i < x.length; i++) {
            long d = ulps(y[i], (float) ref.applyAsDouble(x[i]));
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (worst > maxUlps) {
            throw new AssertionError(name + ": " + worst + " ulps at x = " + x[at] + " (got " + y[at] + ", expected "
                    + (float) ref.applyAsDouble(x[at]) + ")");
        }
        return worst;
    }

    private static float[] uniform(Random r, double lo, double hi) {
        float[] x = new float[SAMPLES];
        for (int i = 0; i < x.length; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    /** Random bit patterns: every exponent equally likely, so every magnitude and both signs. */
    private static float[] bitPatterns(Random r, boolean positiveOnly) {
        float[] x = new float[SAMPLES];
        for (int i = 0; i < x.length; i++) {
            int b = r.nextInt();
            x[i] = Float.intBitsToFloat(positiveOnly ? b & 0x7FFFFFFF : b);
        }
        return x;
    }

    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f,
        88.72283f, 88.72284f, 88.7229f, 89f, 100f, -87.33654f, -87.33655f, -103.97208f, -103.97209f, -104f, -150f,
        0.625f, -0.625f, 0.62499994f, 9f, -9f, 20f, -20f, 1e-30f, -1e-30f, 1e-40f, 0.70710677f, 0.7071068f, 1.4142135f,
        Float.intBitsToFloat(0x7FC00001), Float.intBitsToFloat(0xFFC00000)};

    /** Specials: exactly the reference's value, bit for bit (so signed zeros and NaN included). */
    private static void checkSpecials(String name, Loop f, DoubleUnaryOperator ref) {
        float[] y = apply(f, SPECIALS);
        for (int i = 0; i < SPECIALS.length; i++) {
            float expected = (float) ref.applyAsDouble(SPECIALS[i]);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(y[i]), name + "(" + SPECIALS[i] + ") should be NaN, got " + y[i]);
            } else if (expected == 0 || Float.isInfinite(expected) || Math.abs(expected) == 1) {
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[i]), name + "(" + SPECIALS[i] + ")");
            } else {
                assertTrue(ulps(expected, y[i]) <= 2, name + "(" + SPECIALS[i] + ") = " + y[i] + ", expected " + expected);
            }
        }
    }

    private static double sigmoidRef(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    @Test
    void exp() {
        Random r = new Random(1);
        check("exp", VectorMath::expOwn, Math::exp, uniform(r, -110, 95), 1);
        check("exp", VectorMath::expOwn, Math::exp, uniform(r, -1, 1), 1);
        check("exp", VectorMath::expOwn, Math::exp, uniform(r, -104, -87), 1);   // subnormal results
        check("exp", VectorMath::expOwn, Math::exp, bitPatterns(r, false), 1);
        checkSpecials("exp", VectorMath::expOwn, Math::exp);
    }

    @Test
    void log() {
        Random r = new Random(2);
        check("log", VectorMath::logOwn, Math::log, uniform(r, 0, 4), 1);
        check("log", VectorMath::logOwn, Math::log, uniform(r, 0.5, 1.5), 1);
        check("log", VectorMath::logOwn, Math::log, bitPatterns(r, true), 1);   // subnormal inputs included
        check("log", VectorMath::logOwn, Math::log, bitPatterns(r, false), 1);  // negative inputs give NaN
        checkSpecials("log", VectorMath::logOwn, Math::log);
    }

    @Test
    void tanh() {
        Random r = new Random(3);
        check("tanh", VectorMath::tanhOwn, Math::tanh, uniform(r, -12, 12), 2);
        check("tanh", VectorMath::tanhOwn, Math::tanh, uniform(r, -0.7, 0.7), 2);
        check("tanh", VectorMath::tanhOwn, Math::tanh, bitPatterns(r, false), 2);
        checkSpecials("tanh", VectorMath::tanhOwn, Math::tanh);
        float[] negZero = apply(VectorMath::tanhOwn, new float[] {-0f});
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(negZero[0]), "tanh(-0) is -0");
    }

    @Test
    void sigmoid() {
        Random r = new Random(4);
        check("sigmoid", VectorMath::sigmoidOwn, VectorMathTest::sigmoidRef, uniform(r, -110, 110), 2);
        check("sigmoid", VectorMath::sigmoidOwn, VectorMathTest::sigmoidRef, uniform(r, -5, 5), 2);
        check("sigmoid", VectorMath::sigmoidOwn, VectorMathTest::sigmoidRef, bitPatterns(r, false), 2);
        checkSpecials("sigmoid", VectorMath::sigmoidOwn, VectorMathTest::sigmoidRef);
    }

    @Test
    void sigmoidOnTheJdkExp() {
        Random r = new Random(5);
        check("sigmoid (JDK exp)", VectorMath::sigmoidJdk, VectorMathTest::sigmoidRef, uniform(r, -110, 110), 3);
        check("sigmoid (JDK exp)", VectorMath::sigmoidJdk, VectorMathTest::sigmoidRef, bitPatterns(r, false), 3);
        checkSpecials("sigmoid (JDK exp)", VectorMath::sigmoidJdk, VectorMathTest::sigmoidRef);
    }

    @Test
    void softmaxSumsOnBothLanes() {
        Random r = new Random(6);
        int n = VectorMath.S.length() * 7;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 200 - 190);   // some below exp's fast range
        float m = 10f;
        double ref = 0;
        for (float v : x) ref += Math.exp(v - m);
        float[] yOwn = new float[n], yJdk = new float[n];
        for (float[] y : new float[][] {yOwn, yJdk}) {
            float s = y == yOwn ? VectorMath.expSumStoreOwn(x, 0, m, y, 0, n) : VectorMath.expSumStoreJdk(x, 0, m, y, 0, n);
            float t = y == yOwn ? VectorMath.expSumOwn(x, 0, m, n) : VectorMath.expSumJdk(x, 0, m, n);
            assertEquals(ref, s, 1e-6 * ref);
            assertEquals(ref, t, 1e-6 * ref);
            for (int i = 0; i < n; i++) assertTrue(ulps((float) Math.exp(x[i] - m), y[i]) <= 1, "exp(" + x[i] + " - m)");
        }
    }
}
