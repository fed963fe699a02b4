package dev.kindling;

/**
 * The 16-element Box-Muller blocks of PyTorch's CPU {@code normal_} for contiguous tensors of 16
 * or more elements, reproduced operation for operation.
 *
 * <p>{@link Generator} first fills the whole range with uniforms and then calls these on each
 * block of 16: lanes {@code j} and {@code j + 8} (j = 0..7) turn the uniform pair
 * {@code (u1, u2) = (d[j], d[j+8])} into {@code d[j] = r cos(theta) std + mean} and
 * {@code d[j+8] = r sin(theta) std + mean} with {@code r = sqrt(-2 log(1 - u1))} and
 * {@code theta = 2 pi u2}. Blocks are independent, so callers may run them in parallel.
 *
 * <p><b>float</b> ({@link #floatBlock}): PyTorch computes this block with AVX2 intrinsics, using
 * the Cephes-derived {@code log256_ps} and {@code sincos256_ps} polynomial approximations of
 * {@code avx_mathfun.h}, and its x86-64 build contracts many of their multiply-adds into fused
 * multiply-adds. Every x86-64 machine with AVX2 runs that kernel (the AVX-512 dispatch entry
 * falls back to it). The code below performs the same IEEE operations per lane: the same
 * constants (as bit patterns), the same fused and unfused steps in the same order. The results
 * are therefore bit-identical to libtorch's, not merely close; the approximations themselves are
 * within a few ulp of the true log, sin and cos.
 *
 * <p><b>double</b> ({@link #doubleBlock}): PyTorch calls the C library's {@code log} and
 * {@code sincos} and fuses {@code r*cos*std + mean} into one multiply-add; the functions here
 * come from {@link DoubleMath}.
 */
final class BoxMuller {
    private BoxMuller() {}

    /** The number of elements one block consumes and produces. */
    static final int BLOCK = 16;
    private static final int HALF = BLOCK / 2;

    private static float f(int bits) { return Float.intBitsToFloat(bits); }

    // avx_mathfun.h constants, rounded to float exactly as the compiled kernel holds them
    private static final float TWO_PI = f(0x40c90fdb);           // (float) (2 * pi)
    private static final float MIN_NORM_POS = f(0x00800000);
    private static final int INV_MANT_MASK = 0x807fffff;
    private static final float SQRTHF = f(0x3f3504f3);
    private static final float LOG_Q1 = f(0xb95e8083);           // -2.12194440e-4
    private static final float LOG_Q2 = f(0x3f318000);           // 0.693359375
    private static final float[] LOG_P = {                        // p0 .. p8
        f(0x3d9021bb), f(0xbdebd1b8), f(0x3def251a), f(0xbdfe5d4f), f(0x3e11e9bf),
        f(0xbe2aae50), f(0x3e4cceac), f(0xbe7ffffc), f(0x3eaaaaaa)};
    private static final float FOPI = f(0x3fa2f983);             // 4 / pi
    private static final float MINUS_DP1 = f(0xbf490000);
    private static final float MINUS_DP2 = f(0xb97da000);
    private static final float MINUS_DP3 = f(0xb3222169);
    private static final float COS_P0 = f(0x37ccf5ce), COS_P1 = f(0xbab6061a), COS_P2 = f(0x3d2aaaa5);
    private static final float SIN_P0 = f(0xb94ca1f9), SIN_P1 = f(0x3c08839e), SIN_P2 = f(0xbe2aaaa3);
    private static final int SIGN_MASK = 0x80000000;

    /** The AVX2 kernel's block on {@code d[b .. b+16)}, in place. */
    static void floatBlock(float[] d, int b, float mean, float std) {
        for (int j = 0; j < HALF; j++) {
            float u1 = 1.0f - d[b + j];
            float u2 = d[b + j + HALF];
            float radius = (float) Math.sqrt(-2.0f * log256(u1));   // sqrt of a float, rounded once
            float theta = TWO_PI * u2;

            // sincos256_ps
            int thetaBits = Float.floatToRawIntBits(theta);
            float x = Float.intBitsToFloat(thetaBits & ~SIGN_MASK);
            int signSin = thetaBits & SIGN_MASK;
            int q = (int) (x * FOPI) + 1;                 // cvttps2dq truncates; in range here
            float y = (float) (q & ~1);
            signSin ^= (q & 4) << 29;
            boolean sinPoly = (q & 2) == 0;
            int signCos = (~((q & ~1) - 2) & 4) << 29;
            x = Math.fma(y, MINUS_DP1, x);
            x = Math.fma(y, MINUS_DP2, x);
            x = Math.fma(y, MINUS_DP3, x);
            float z = x * x;
            float cosPoly = Math.fma(z, COS_P0, COS_P1);
            cosPoly = Math.fma(cosPoly, z, COS_P2);
            cosPoly = z * cosPoly;
            cosPoly = Math.fma(cosPoly, z, -(z * 0.5f));
            cosPoly = cosPoly + 1.0f;
            float sinPolyV = Math.fma(z, SIN_P0, SIN_P1);
            sinPolyV = Math.fma(sinPolyV, z, SIN_P2);
            sinPolyV = z * sinPolyV;
            sinPolyV = Math.fma(sinPolyV, x, x);
            float ysin2 = sinPoly ? sinPolyV : 0.0f;
            float ysin1 = sinPoly ? 0.0f : cosPoly;
            float sinAbs = ysin2 + ysin1;
            float cosAbs = (sinPolyV - ysin2) + (cosPoly - ysin1);
            float sin = Float.intBitsToFloat(Float.floatToRawIntBits(sinAbs) ^ signSin);
            float cos = Float.intBitsToFloat(Float.floatToRawIntBits(cosAbs) ^ signCos);

            d[b + j] = Math.fma(radius * cos, std, mean);
            d[b + j + HALF] = Math.fma(radius * sin, std, mean);
        }
    }

    /** log256_ps for one lane (argument in (0, 1] here; NaN for x <= 0 as the kernel gives). */
    private static float log256(float x) {
        boolean invalid = x <= 0.0f;
        if (!(x > MIN_NORM_POS)) x = MIN_NORM_POS;        // maxps(x, min): NaN picks min too
        int bits = Float.floatToRawIntBits(x);
        float e = (float) ((bits >>> 23) - 127) + 1.0f;
        x = Float.intBitsToFloat((bits & INV_MANT_MASK) | 0x3f000000);   // mantissa in [0.5, 1)
        boolean below = x < SQRTHF;
        float tmp = below ? x : 0.0f;
        x = x + (-1.0f);
        e = e - (below ? 1.0f : 0.0f);
        float eq1 = e * LOG_Q1;
        x = tmp + x;
        float y = LOG_P[0];
        for (int i = 1; i < LOG_P.length; i++) y = Math.fma(x, y, LOG_P[i]);
        float z = x * x;
        y = x * y;
        y = Math.fma(y, z, eq1);
        y = Math.fma(-z, 0.5f, y);
        x = x + y;
        x = Math.fma(e, LOG_Q2, x);
        return invalid ? Float.intBitsToFloat(-1) : x;   // or-ing the all-ones mask gives NaN
    }

    /**
     * The double block on {@code d[b .. b+16)}, in place; {@code scratch} is a 2-element array
     * for sin and cos.
     */
    static void doubleBlock(double[] d, int b, double mean, double std, double[] scratch) {
        for (int j = 0; j < HALF; j++) {
            double u1 = 1.0 - d[b + j];
            double radius = Math.sqrt(-2.0 * DoubleMath.log(u1));
            double theta = Generator.TWO_PI * d[b + j + HALF];
            DoubleMath.sinCos(theta, scratch);
            d[b + j] = Math.fma(radius * scratch[1], std, mean);
            d[b + j + HALF] = Math.fma(radius * scratch[0], std, mean);
        }
    }
}
