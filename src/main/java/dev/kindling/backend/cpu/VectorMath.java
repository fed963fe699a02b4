package dev.kindling.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 exp, log, tanh and sigmoid over arrays in Vector API lanes, for the float32 fast paths
 * of {@link VectorFloatKernels} and {@link VectorSoftmaxRow}. Loaded only when {@link Simd#AVAILABLE}.
 *
 * <p>Two sets of lanes (see {@link #JDK_LANES}): this class's own, the default, built from basic
 * lane operations (fused multiply-add, compares, blends, integer shifts), which give the same bits
 * in every JIT tier and cost the same on every machine; and, on request, the JDK's
 * {@code lanewise(EXP / LOG / TANH)}, which HotSpot compiles to Intel's SVML stubs on x86-64 Linux
 * and Windows but elsewhere (aarch64 on JDK 17, for one) runs lane by lane through boxed arrays,
 * tens of times slower, and whose results change once the JIT has compiled a loop. Sigmoid is
 * always built here, on either exp.
 *
 * <p>Accuracy, checked against double-precision {@link Math} over wide ranges and all special
 * values (see {@code VectorMathTest}): exp and log within 1 ulp, tanh and sigmoid within 2 ulp
 * (relative, or 1e-45 absolute in the subnormal range); infinities, NaN, signed zeros, subnormal
 * inputs and results, overflow and underflow as {@code (float) Math.exp(x)} and so on.
 *
 * <p>The method: Cody and Waite's range reduction, exp(x) = 2^n·e^r with n = round(x/ln 2),
 * r = x − n·ln 2 in two parts (|r| ≤ ln2/2), and Cephes' minimax polynomials (Moshier) for e^r,
 * for log(1+f) on the mantissa in [√½, √2), and for tanh below 0.625. Each function takes a fast
 * path when every lane of a vector is an ordinary value (exp: |x| ≤ 87, so 2^n is a normal float;
 * log: a positive normal float) and a full-range path otherwise.
 *
 * <p>The entry points are array loops, each a small method into which the JIT inlines the lane
 * functions: a lane function left as a call would box its vectors, which costs more than the
 * arithmetic. So the fast/full-range choice is made per vector in the loop, and the full-range
 * code is called out of line with arrays in and out: inlined, it would make the loops' compiled
 * graphs big enough for the JIT to stop inlining the fast path.
 */
final class VectorMath {
    private VectorMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Int lanes of the same shape, for exponent arithmetic on the floats' bits. */
    private static final VectorSpecies<Integer> SI = S.withLanes(int.class);
    private static final IntVector NO_ADJUST = IntVector.zero(SI);

    private static FloatVector c(float v) {
        return FloatVector.broadcast(S, v);
    }

    // ---- exp ----

    /** Below this magnitude every exp lane has a normal scale 2^n (n in [-126, 126]). */
    private static final float EXP_FAST_LIMIT = 87f;
    /** exp(x) rounds to 0 below this, and to +inf above the upper clamp. */
    private static final FloatVector EXP_LO = c(-104f), EXP_HI = c(89f);
    private static final FloatVector LOG2E = c(1.44269504088896341f);
    /** 1.5·2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final FloatVector ROUND = c(12582912f);
    /** {@link #ROUND} plus the exponent bias, so the rounded float's low bits are n + 127. */
    private static final FloatVector ROUND_BIASED = c(12582912f + 127f);
    /** ln 2 = LN2_HI + LN2_LO, with LN2_HI exact in 9 bits so that n·LN2_HI is exact. */
    private static final FloatVector NEG_LN2_HI = c(-0.693359375f), NEG_LN2_LO = c(2.12194440e-4f);
    private static final FloatVector E0 = c(1.9875691500e-4f), E1 = c(1.3981999507e-3f), E2 = c(8.3334519073e-3f),
            E3 = c(4.1665795894e-2f), E4 = c(1.6666665459e-1f), E5 = c(5.0000001201e-1f);
    private static final FloatVector ONE = c(1f), TWO = c(2f), HALF = c(0.5f);

    /** e^r for |r| ≤ ln2/2: 1 + r + r²·P(r). */
    private static FloatVector expPoly(FloatVector r) {
        FloatVector p = r.fma(E0, E1).fma(r, E2).fma(r, E3).fma(r, E4).fma(r, E5);
        return p.fma(r, ONE).fma(r, ONE);
    }

    /** Whether every lane of x is NaN or of magnitude at most 87 (the domain of {@link #expFast}). */
    private static boolean expOrdinary(FloatVector x) {
        return !x.abs().compare(VectorOperators.GT, EXP_FAST_LIMIT).anyTrue();
    }

    /**
     * e^x for lanes of magnitude at most 87 (or NaN, which stays NaN): 2^n is one normal float
     * built from the rounded sum's bits.
     */
    private static FloatVector expFast(FloatVector x) {
        FloatVector t = x.fma(LOG2E, ROUND_BIASED);
        FloatVector n = t.sub(ROUND_BIASED);
        FloatVector r = n.fma(NEG_LN2_HI, x);
        r = n.fma(NEG_LN2_LO, r);
        FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return expPoly(r).mul(scale);
    }

    /**
     * e^x for any lanes: x clamped to [-104, 89] (beyond which the result is 0 or +inf anyway;
     * NaN stays NaN), and 2^n applied as two normal factors 2^(n/2)·2^(n−n/2), so that results
     * between the largest float and the smallest subnormal round once.
     */
    private static FloatVector expFullRange(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(NEG_LN2_HI, xc);
        r = n.fma(NEG_LN2_LO, r);
        IntVector ni = t.reinterpretAsInts().sub(0x4B400000);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return expPoly(r).mul(s1).mul(s2);
    }

    // ---- log ----

    private static final FloatVector SQRT_HALF = c(0.707106781186547524f);
    private static final FloatVector L0 = c(7.0376836292e-2f), L1 = c(-1.1514610310e-1f), L2 = c(1.1676998740e-1f),
            L3 = c(-1.2420140846e-1f), L4 = c(1.4249322787e-1f), L5 = c(-1.6668057665e-1f), L6 = c(2.0000714765e-1f),
            L7 = c(-2.4999993993e-1f), L8 = c(3.3333331174e-1f);
    private static final FloatVector LN2_LO = c(-2.12194440e-4f), LN2_HI = c(0.693359375f);
    private static final FloatVector TWO_23 = c(8388608f);
    private static final FloatVector NAN = c(Float.NaN), NEG_INF = c(Float.NEGATIVE_INFINITY), POS_INF = c(Float.POSITIVE_INFINITY);

    /** Whether every lane of x is a positive normal float (the domain of {@link #logNormal}). */
    private static boolean logOrdinary(FloatVector x) {
        return x.compare(VectorOperators.GE, Float.MIN_NORMAL).and(x.compare(VectorOperators.LT, Float.POSITIVE_INFINITY)).allTrue();
    }

    /** ln(x) for any lanes: subnormals rescaled by 2^23, then 0, +inf, negatives and NaN patched in. */
    private static FloatVector logAny(FloatVector x) {
        VectorMask<Float> sub = x.compare(VectorOperators.LT, Float.MIN_NORMAL).and(x.compare(VectorOperators.GT, 0f));
        FloatVector xs = x.blend(x.mul(TWO_23), sub);
        IntVector adjust = NO_ADJUST.blend(-23, sub.cast(SI));
        FloatVector r = logNormal(xs, adjust);
        r = r.blend(NEG_INF, x.compare(VectorOperators.EQ, 0f));
        r = r.blend(POS_INF, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return r.blend(NAN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
    }

    /** ln(x) for positive normal lanes; {@code adjust} is added to each lane's binary exponent. */
    private static FloatVector logNormal(FloatVector x, IntVector adjust) {
        IntVector bits = x.reinterpretAsInts();
        // x = m·2^e with m in [0.5, 1)
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(126).add(adjust);
        FloatVector m = bits.and(0x807FFFFF).or(0x3F000000).reinterpretAsFloats();
        // take m into [√½, √2): below √½ double it and decrement e
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        FloatVector f = m.add(m, low).sub(ONE);
        FloatVector ef = ((FloatVector) e.convert(VectorOperators.I2F, 0)).sub(ONE, low);
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(L0, L1).fma(f, L2).fma(f, L3).fma(f, L4).fma(f, L5).fma(f, L6).fma(f, L7).fma(f, L8);
        FloatVector y = p.mul(z).mul(f);
        y = ef.fma(LN2_LO, y);
        y = z.fma(HALF.neg(), y);
        return f.add(y).add(ef.mul(LN2_HI));
    }

    // ---- tanh and sigmoid ----

    private static final FloatVector T0 = c(-5.70498872745e-3f), T1 = c(2.06390887954e-2f), T2 = c(-5.37397155531e-2f),
            T3 = c(1.33314422036e-1f), T4 = c(-3.33332819422e-1f);
    /** Below this magnitude tanh is its odd polynomial; above, 1 − 2/(e^(2|x|) + 1). */
    private static final float TANH_POLY_LIMIT = 0.625f;

    /** Above this magnitude tanh(x) rounds to ±1 in float (from about 9.01), so the exponential's argument is clamped there. */
    private static final FloatVector TANH_SATURATION = c(10f);

    /** tanh(x) per lane: both branches, blended (NaN lanes stay NaN). */
    private static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(T0, T1).fma(z, T2).fma(z, T3).fma(z, T4);
        FloatVector poly = z.fma(p, ONE).mul(x);   // x·(1 + z·P(z)), which keeps the sign of a zero
        FloatVector a = ax.min(TANH_SATURATION);
        FloatVector big = ONE.sub(TWO.div(expFast(a.add(a)).add(ONE)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(poly, ax.compare(VectorOperators.LT, TANH_POLY_LIMIT));
    }

    /** {@link #logAny} of the vector at {@code x[xo]} into {@code y[yo]}, out of line. */
    private static void logAny(float[] x, int xo, float[] y, int yo) {
        logAny(FloatVector.fromArray(S, x, xo)).intoArray(y, yo);
    }

    /** Sigmoid of the vector at {@code x[xo]} into {@code y[yo]} over the full range, out of line. */
    private static void sigmoidFullRange(float[] x, int xo, float[] y, int yo) {
        FloatVector v = FloatVector.fromArray(S, x, xo);
        sigmoidFrom(v, expFullRange(v.abs().neg())).intoArray(y, yo);
    }

    /** 1/(1 + e^−x) from e = e^−|x|: 1/(1 + e) at or above 0, e/(1 + e) below, so tiny results keep their digits. */
    private static FloatVector sigmoidFrom(FloatVector x, FloatVector e) {
        return ONE.blend(e, x.compare(VectorOperators.LT, 0f)).div(e.add(ONE));
    }

    // ---- array loops: which lanes, and the dispatch ----

    /**
     * Whether the loops use the JDK's lanewise EXP, LOG and TANH instead of this class's lanes:
     * only when the system property {@code kindling.vectorMath} is {@code jdk}. The JDK's lanes
     * give different bits depending on how far the JIT has compiled the loop (SVML's results in
     * C2-compiled code, {@link Math}'s lane by lane before), so the same program with the same
     * seed could train to different weights from run to run; this class's lanes are basic IEEE
     * lane operations, the same bits in every tier and on every machine, at the same speed in
     * cache (the Fashion-MNIST MLP epoch: 2.6–3.2 s either way on 2 cores).
     */
    static final boolean JDK_LANES = jdkLanes();

    private static boolean jdkLanes() {
        return "jdk".equalsIgnoreCase(System.getProperty("kindling.vectorMath"));
    }

    /** {@code y[yo + i] = exp(x[xo + i])} for i below {@code n} rounded down to whole vectors; returns that count. */
    static int exp(float[] x, int xo, float[] y, int yo, int n) {
        return JDK_LANES ? expJdk(x, xo, y, yo, n) : expOwn(x, xo, y, yo, n);
    }

    /** {@link #exp(float[], int, float[], int, int)} for log. */
    static int log(float[] x, int xo, float[] y, int yo, int n) {
        return JDK_LANES ? logJdk(x, xo, y, yo, n) : logOwn(x, xo, y, yo, n);
    }

    /** {@link #exp(float[], int, float[], int, int)} for tanh. */
    static int tanh(float[] x, int xo, float[] y, int yo, int n) {
        return JDK_LANES ? tanhJdk(x, xo, y, yo, n) : tanhOwn(x, xo, y, yo, n);
    }

    /** {@link #exp(float[], int, float[], int, int)} for sigmoid. */
    static int sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        return JDK_LANES ? sigmoidJdk(x, xo, y, yo, n) : sigmoidOwn(x, xo, y, yo, n);
    }

    /** Σ exp(x[xo + i] − m) over whole vectors of {@code [0, bound)}, summed in float lanes (log_softmax's pass). */
    static float expSum(float[] x, int xo, float m, int bound) {
        return JDK_LANES ? expSumJdk(x, xo, m, bound) : expSumOwn(x, xo, m, bound);
    }

    /** {@link #expSum} that also stores each exponential at {@code y[yo + i]} (softmax's pass). */
    static float expSumStore(float[] x, int xo, float m, float[] y, int yo, int bound) {
        return JDK_LANES ? expSumStoreJdk(x, xo, m, y, yo, bound) : expSumStoreOwn(x, xo, m, y, yo, bound);
    }

    // ---- the JDK's lanes ----

    // one loop per operator: lanewise compiles to the stub only when its operator is a constant

    static int expJdk(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.EXP).intoArray(y, yo + i);
        return bound;
    }

    static int logJdk(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.LOG).intoArray(y, yo + i);
        return bound;
    }

    static int tanhJdk(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.TANH).intoArray(y, yo + i);
        return bound;
    }

    static int sigmoidJdk(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            sigmoidFrom(v, v.abs().neg().lanewise(VectorOperators.EXP)).intoArray(y, yo + i);
        }
        return bound;
    }

    static float expSumJdk(float[] x, int xo, float m, int bound) {
        int l = S.length();
        FloatVector mb = FloatVector.broadcast(S, m);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += l) acc = acc.add(FloatVector.fromArray(S, x, xo + i).sub(mb).lanewise(VectorOperators.EXP));
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static float expSumStoreJdk(float[] x, int xo, float m, float[] y, int yo, int bound) {
        int l = S.length();
        FloatVector mb = FloatVector.broadcast(S, m);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += l) {
            FloatVector e = FloatVector.fromArray(S, x, xo + i).sub(mb).lanewise(VectorOperators.EXP);
            e.intoArray(y, yo + i);
            acc = acc.add(e);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    // ---- this class's lanes ----
    // Each loop is its own small method so that the JIT inlines the lane functions into it.

    static int expOwn(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            if (expOrdinary(v)) expFast(v).intoArray(y, yo + i);
            else expFullRange(x, xo + i, 0f, y, yo + i);
        }
        return bound;
    }

    static int logOwn(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            if (logOrdinary(v)) logNormal(v, NO_ADJUST).intoArray(y, yo + i);
            else logAny(x, xo + i, y, yo + i);
        }
        return bound;
    }

    static int tanhOwn(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        return bound;
    }

    static int sigmoidOwn(float[] x, int xo, float[] y, int yo, int n) {
        int bound = S.loopBound(n), l = S.length();
        for (int i = 0; i < bound; i += l) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            if (expOrdinary(v)) sigmoidFrom(v, expFast(v.abs().neg())).intoArray(y, yo + i);
            else sigmoidFullRange(x, xo + i, y, yo + i);
        }
        return bound;
    }

    static float expSumOwn(float[] x, int xo, float m, int bound) {
        int l = S.length();
        FloatVector mb = FloatVector.broadcast(S, m);
        FloatVector acc = FloatVector.zero(S);
        float rare = 0;
        for (int i = 0; i < bound; i += l) {
            FloatVector d = FloatVector.fromArray(S, x, xo + i).sub(mb);
            if (expOrdinary(d)) acc = acc.add(expFast(d));
            else rare += expFullRange(x, xo + i, m, null, 0);
        }
        return acc.reduceLanes(VectorOperators.ADD) + rare;
    }

    static float expSumStoreOwn(float[] x, int xo, float m, float[] y, int yo, int bound) {
        int l = S.length();
        FloatVector mb = FloatVector.broadcast(S, m);
        FloatVector acc = FloatVector.zero(S);
        float rare = 0;
        for (int i = 0; i < bound; i += l) {
            FloatVector d = FloatVector.fromArray(S, x, xo + i).sub(mb);
            if (expOrdinary(d)) {
                FloatVector e = expFast(d);
                e.intoArray(y, yo + i);
                acc = acc.add(e);
            } else {
                rare += expFullRange(x, xo + i, m, y, yo + i);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) + rare;
    }

    /**
     * The vector at {@code x[xo]}: exp(x − m) over the full range, stored at {@code y[yo]} when y is
     * non-null; returns the lanes' sum. Out of line (arrays in, a float out) so that the hot
     * loops above carry none of its code.
     */
    private static float expFullRange(float[] x, int xo, float m, float[] y, int yo) {
        FloatVector e = expFullRange(FloatVector.fromArray(S, x, xo).sub(m));
        if (y != null) e.intoArray(y, yo);
        return e.reduceLanes(VectorOperators.ADD);
    }
}
