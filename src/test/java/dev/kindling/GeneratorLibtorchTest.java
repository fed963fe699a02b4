package dev.kindling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link Generator} with libtorch 2.10 (through org.bytedeco.pytorch): the same seed
 * must give the same numbers as {@code torch.manual_seed(s)} followed by the PyTorch call, bit for
 * bit, except double normal samples, which may differ by up to two ulps in a small fraction of
 * elements (Generator's Note [libm rounding]).
 */
class GeneratorLibtorchTest {
    private static final long[] SEEDS = {0, 1, 42, 12345, (1L << 32) + 7, -1};
    private static final int[] SIZES = {1, 7, 15, 16, 17, 100, 1000};

    private PointerScope scope;

    @BeforeAll
    static void loadLibtorch() {
        torch.manual_seed(0);   // loads the natives once for the class
    }

    @BeforeEach
    void openScope() { scope = new PointerScope(); }

    @AfterEach
    void closeScope() { scope.close(); }

    // ------------------------------------------------------------------ libtorch helpers

    private static TensorOptions opts(ScalarType t) { return new TensorOptions(t); }

    private static Tensor empty(ScalarType t, int n) {
        return torch.empty(new long[] {n}, opts(t), new MemoryFormatOptional());
    }

    private static float[] floats(Tensor t) {
        float[] r = new float[(int) t.numel()];
        t.contiguous().data_ptr_float().get(r);
        return r;
    }

    private static double[] doubles(Tensor t) {
        double[] r = new double[(int) t.numel()];
        t.contiguous().data_ptr_double().get(r);
        return r;
    }

    private static long[] longs(Tensor t) {
        long[] r = new long[(int) t.numel()];
        if (r.length > 0) t.contiguous().data_ptr_long().get(r);
        return r;
    }

    private static Generator seeded(long seed) {
        torch.manual_seed(seed);
        return new Generator().manualSeed(seed);
    }

    private static void assertFloatsIdentical(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", libtorch has " + expected[i]);
            }
        }
    }

    private static void assertDoublesIdentical(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", libtorch has " + expected[i]);
            }
        }
    }

    /** The most a double normal sample may differ from libtorch's: glibc's log and sincos each
     *  round differently from the correctly rounded value in about 0.1% of arguments. */
    private static final long MAX_NORMAL_ULPS = 2;

    /**
     * Within {@link #MAX_NORMAL_ULPS} everywhere, and bit-identical in at least {@code minExact}
     * of the elements.
     */
    private static void assertDoublesWithinUlp(double[] expected, double[] actual, double minExact, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        int exact = 0;
        for (int i = 0; i < expected.length; i++) {
            long ulps = Math.abs(Double.doubleToRawLongBits(expected[i]) - Double.doubleToRawLongBits(actual[i]));
            if (ulps == 0) {
                exact++;
            } else if (ulps > MAX_NORMAL_ULPS || Math.signum(expected[i]) != Math.signum(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", libtorch has " + expected[i]
                        + " (" + ulps + " ulps apart)");
            }
        }
        assertTrue(exact >= minExact * expected.length,
                what + ": only " + exact + " of " + expected.length + " elements bit-identical");
    }

    // ------------------------------------------------------------------ uniform

    @Test
    void randMatchesTorchRandForSeed42() {
        Generator g = seeded(42);
        float[] a = new float[5];
        g.fillUniform(a, 0, 5, 0, 1);
        assertFloatsIdentical(floats(torch.rand(5)), a, "rand(5)");
        assertEquals(0.8823, a[0], 1e-4);
        assertEquals(0.3904, a[4], 1e-4);
    }

    @Test
    void randFloatAndDoubleMatchForAllSeedsAndSizes() {
        for (long seed : SEEDS) {
            for (int n : SIZES) {
                Generator g = seeded(seed);
                float[] f = new float[n];
                g.fillUniform(f, 0, n, 0, 1);
                assertFloatsIdentical(floats(torch.rand(new long[] {n}, opts(ScalarType.Float))), f,
                        "rand(" + n + ") seed " + seed);
                double[] d = new double[n];
                g.fillUniform(d, 0, n, 0, 1);
                assertDoublesIdentical(doubles(torch.rand(new long[] {n}, opts(ScalarType.Double))), d,
                        "rand(" + n + ", float64) seed " + seed);
            }
        }
    }

    @Test
    void uniformWithBoundsMatches() {
        double[][] bounds = {{-3, 5}, {0.1, 0.2}, {-1e30, 1e30}, {2.5, 2.5}, {-7.25, -7.0}};
        for (double[] b : bounds) {
            Generator g = seeded(7);
            Tensor tf = empty(ScalarType.Float, 333).uniform_(b[0], b[1], new GeneratorOptional());
            float[] f = new float[333];
            g.fillUniform(f, 0, 333, b[0], b[1]);
            assertFloatsIdentical(floats(tf), f, "uniform_(" + b[0] + ", " + b[1] + ") float");
            Tensor td = empty(ScalarType.Double, 333).uniform_(b[0], b[1], new GeneratorOptional());
            double[] d = new double[333];
            g.fillUniform(d, 0, 333, b[0], b[1]);
            assertDoublesIdentical(doubles(td), d, "uniform_(" + b[0] + ", " + b[1] + ") double");
        }
    }

    // ------------------------------------------------------------------ normal

    @Test
    void randnFloatMatchesBitForBit() {
        for (long seed : SEEDS) {
            for (int n : new int[] {1, 7, 15, 16, 17, 31, 32, 100, 1000, 100_003}) {
                Generator g = seeded(seed);
                float[] f = new float[n];
                g.fillNormal(f, 0, n, 0, 1);
                assertFloatsIdentical(floats(torch.randn(new long[] {n}, opts(ScalarType.Float))), f,
                        "randn(" + n + ") seed " + seed);
            }
        }
    }

    @Test
    void randnDoubleMatchesWithinOneUlp() {
        for (long seed : SEEDS) {
            for (int n : SIZES) {
                Generator g = seeded(seed);
                double[] d = new double[n];
                g.fillNormal(d, 0, n, 0, 1);
                assertDoublesWithinUlp(doubles(torch.randn(new long[] {n}, opts(ScalarType.Double))), d,
                        n < 100 ? 0.5 : 0.98, "randn(" + n + ", float64) seed " + seed);
            }
        }
        // a large sample: the exact-match rate is the libm agreement rate
        Generator g = seeded(3);
        double[] d = new double[200_000];
        g.fillNormal(d, 0, d.length, 0, 1);
        assertDoublesWithinUlp(doubles(torch.randn(new long[] {d.length}, opts(ScalarType.Double))), d, 0.995,
                "randn(200000, float64)");
    }

    @Test
    void normalWithMeanAndStdMatches() {
        double[][] params = {{2.5, 0.7}, {-1, 3}, {0, 0}, {1e3, 1e-3}};
        for (double[] p : params) {
            for (int n : new int[] {5, 16, 1001}) {
                Generator g = seeded(11);
                Tensor tf = empty(ScalarType.Float, n).normal_(p[0], p[1], new GeneratorOptional());
                float[] f = new float[n];
                g.fillNormal(f, 0, n, p[0], p[1]);
                assertFloatsIdentical(floats(tf), f, "normal_(" + p[0] + ", " + p[1] + ") float n=" + n);
                Tensor td = empty(ScalarType.Double, n).normal_(p[0], p[1], new GeneratorOptional());
                double[] d = new double[n];
                g.fillNormal(d, 0, n, p[0], p[1]);
                assertDoublesWithinUlp(doubles(td), d, 0.5, "normal_(" + p[0] + ", " + p[1] + ") double n=" + n);
            }
        }
    }

    @Test
    void serialNormalMatchesNonContiguousTensor() {
        // a strided view takes PyTorch's per-element path whatever its size
        Generator g = seeded(5);
        Tensor base = empty(ScalarType.Float, 2 * 50);
        Tensor view = base.view(50, 2).select(1, 0);
        view.normal_(1.5, 2.0, new GeneratorOptional());
        float[] f = new float[50];
        g.fillNormalSerial(f, 0, 50, 1.5, 2.0);
        assertFloatsIdentical(floats(view), f, "normal_ on a strided float view");
    }

    @Test
    void interleavedCallsKeepTheSameStream() {
        // sizes below and above 16, odd counts that leave a cached Box-Muller sample, and other
        // samplers in between: every draw must line up with libtorch's
        SplittableRandom plan = new SplittableRandom(2024);
        Generator g = seeded(99);
        for (int step = 0; step < 60; step++) {
            int n = 1 + plan.nextInt(40);
            switch (plan.nextInt(5)) {
                case 0 -> {
                    float[] f = new float[n];
                    g.fillNormal(f, 0, n, 0, 1);
                    assertFloatsIdentical(floats(torch.randn(n)), f, "step " + step + " randn(" + n + ")");
                }
                case 1 -> {
                    double[] d = new double[n];
                    g.fillNormal(d, 0, n, 0, 1);
                    assertDoublesWithinUlp(doubles(torch.randn(new long[] {n}, opts(ScalarType.Double))), d, 0.5,
                            "step " + step + " randn(" + n + ", float64)");
                }
                case 2 -> {
                    float[] f = new float[n];
                    g.fillUniform(f, 0, n, 0, 1);
                    assertFloatsIdentical(floats(torch.rand(n)), f, "step " + step + " rand(" + n + ")");
                }
                case 3 -> {
                    long[] l = new long[n];
                    g.fillRandomInt(l, 0, n, -5, 1L << 33);
                    assertArrayEquals(longs(torch.randint(-5, 1L << 33, new long[] {n}, opts(ScalarType.Long))), l,
                            "step " + step + " randint");
                }
                default -> {
                    double[] d = new double[n];
                    g.fillExponential(d, 0, n, 2.0);
                    Tensor t = empty(ScalarType.Double, n).exponential_(2.0, new GeneratorOptional());
                    assertDoublesIdentical(doubles(t), d, "step " + step + " exponential_");
                }
            }
        }
    }

    // ------------------------------------------------------------------ integers

    @Test
    void randintInt64MatchesForSmallAndHugeRanges() {
        long[][] ranges = {{0, 10}, {-5, 5}, {0, 1L << 32}, {0, (1L << 32) - 1}, {-(1L << 40), 1L << 40},
            {Long.MIN_VALUE, Long.MAX_VALUE}, {Long.MAX_VALUE - 3, Long.MAX_VALUE}, {1000, 1001}};
        for (long seed : SEEDS) {
            for (long[] r : ranges) {
                Generator g = seeded(seed);
                long[] a = new long[257];
                g.fillRandomInt(a, 0, a.length, r[0], r[1]);
                long[] expected = longs(torch.randint(r[0], r[1], new long[] {a.length}, opts(ScalarType.Long)));
                assertArrayEquals(expected, a, "randint(" + r[0] + ", " + r[1] + ") seed " + seed);
            }
        }
    }

    @Test
    void randomFromToMatchesForEveryElementType() {
        int n = 301;
        Generator g = seeded(8);

        Tensor ti = empty(ScalarType.Int, n)
                .random_(Integer.MIN_VALUE, new LongOptional(1L << 31), new GeneratorOptional());
        int[] ints = new int[n];
        g.fillRandomInt(ints, 0, n, Integer.MIN_VALUE, 1L << 31);
        int[] ei = new int[n];
        ti.data_ptr_int().get(ei);
        assertArrayEquals(ei, ints, "random_ int32 full range");

        Tensor ts = empty(ScalarType.Short, n).random_(-300, new LongOptional(17), new GeneratorOptional());
        short[] shorts = new short[n];
        g.fillRandomInt(shorts, 0, n, -300, 17);
        short[] es = new short[n];
        ts.data_ptr_short().get(es);
        assertArrayEquals(es, shorts, "random_ int16");

        Tensor tc = empty(ScalarType.Char, n).random_(-128, new LongOptional(128), new GeneratorOptional());
        byte[] chars = new byte[n];
        g.fillRandomInt(chars, 0, n, -128, 128, DType.INT8);
        byte[] ec = new byte[n];
        tc.data_ptr_char().get(ec);
        assertArrayEquals(ec, chars, "random_ int8");

        Tensor tb = empty(ScalarType.Byte, n).random_(3, new LongOptional(256), new GeneratorOptional());
        byte[] bytes = new byte[n];
        g.fillRandomInt(bytes, 0, n, 3, 256, DType.UINT8);
        byte[] eb = new byte[n];
        tb.data_ptr_byte().get(eb);
        assertArrayEquals(eb, bytes, "random_ uint8");

        Tensor tz = empty(ScalarType.Bool, n).random_(0, new LongOptional(2), new GeneratorOptional());
        boolean[] bools = new boolean[n];
        g.fillRandomInt(bools, 0, n, 0, 2);
        BoolPointer bp = tz.data_ptr_bool();
        for (int i = 0; i < n; i++) assertEquals(bp.get(i), bools[i], "random_ bool element " + i);

        long[][] floatRanges = {{0, 10}, {-(1L << 25) - 4, (1L << 25) + 4}, {-(1L << 26) - 6, 100},
            {-(1L << 40), 1L << 40}, {-7, 1L << 31}};
        for (long[] r : floatRanges) {
            Tensor tf = empty(ScalarType.Float, n).random_(r[0], new LongOptional(r[1]), new GeneratorOptional());
            float[] f = new float[n];
            g.fillRandomInt(f, 0, n, r[0], r[1]);
            assertFloatsIdentical(floats(tf), f, "random_(" + r[0] + ", " + r[1] + ") float");
            Tensor td = empty(ScalarType.Double, n).random_(r[0], new LongOptional(r[1]), new GeneratorOptional());
            double[] d = new double[n];
            g.fillRandomInt(d, 0, n, r[0], r[1]);
            assertDoublesIdentical(doubles(td), d, "random_(" + r[0] + ", " + r[1] + ") double");
        }
    }

    @Test
    void randomWithoutBoundsMatches() {
        int n = 97;
        Generator g = seeded(13);
        long[] l = new long[n];
        g.fillRandom(l, 0, n);
        assertArrayEquals(longs(empty(ScalarType.Long, n).random_(new GeneratorOptional())), l, "random_() int64");
        int[] i32 = new int[n];
        g.fillRandom(i32, 0, n);
        int[] ei = new int[n];
        empty(ScalarType.Int, n).random_(new GeneratorOptional()).data_ptr_int().get(ei);
        assertArrayEquals(ei, i32, "random_() int32");
        float[] f = new float[n];
        g.fillRandom(f, 0, n);
        assertFloatsIdentical(floats(empty(ScalarType.Float, n).random_(new GeneratorOptional())), f, "random_() float");
        double[] d = new double[n];
        g.fillRandom(d, 0, n);
        assertDoublesIdentical(doubles(empty(ScalarType.Double, n).random_(new GeneratorOptional())), d,
                "random_() double");
    }

    @Test
    void randpermMatches() {
        for (long seed : SEEDS) {
            for (int n : new int[] {0, 1, 2, 10, 100_000}) {
                Generator g = seeded(seed);
                assertArrayEquals(longs(torch.randperm(n, opts(ScalarType.Long))), g.randperm(n),
                        "randperm(" + n + ") seed " + seed);
            }
        }
    }

    // ------------------------------------------------------------------ Bernoulli, exponential

    @Test
    void bernoulliScalarMatchesForEveryElementType() {
        int n = 513;
        for (double p : new double[] {0, 0.3, 0.5, 0.999, 1}) {
            Generator g = seeded(21);
            float[] f = new float[n];
            g.fillBernoulli(f, 0, n, p);
            assertFloatsIdentical(floats(empty(ScalarType.Float, n).bernoulli_(p, new GeneratorOptional())), f,
                    "bernoulli_(" + p + ") float");
            double[] d = new double[n];
            g.fillBernoulli(d, 0, n, p);
            assertDoublesIdentical(doubles(empty(ScalarType.Double, n).bernoulli_(p, new GeneratorOptional())), d,
                    "bernoulli_(" + p + ") double");
            long[] l = new long[n];
            g.fillBernoulli(l, 0, n, p);
            assertArrayEquals(longs(empty(ScalarType.Long, n).bernoulli_(p, new GeneratorOptional())), l,
                    "bernoulli_(" + p + ") int64");
            byte[] b = new byte[n];
            g.fillBernoulli(b, 0, n, p);
            byte[] eb = new byte[n];
            empty(ScalarType.Byte, n).bernoulli_(p, new GeneratorOptional()).data_ptr_byte().get(eb);
            assertArrayEquals(eb, b, "bernoulli_(" + p + ") uint8");
            boolean[] z = new boolean[n];
            g.fillBernoulli(z, 0, n, p);
            BoolPointer bp = empty(ScalarType.Bool, n).bernoulli_(p, new GeneratorOptional()).data_ptr_bool();
            for (int i = 0; i < n; i++) assertEquals(bp.get(i), z[i], "bernoulli_(" + p + ") bool element " + i);
        }
    }

    @Test
    void bernoulliWithProbabilityTensorMatches() {
        int n = 400;
        Generator g = seeded(4);
        Tensor pf = torch.rand(n);
        float[] probs = new float[n];
        g.fillUniform(probs, 0, n, 0, 1);
        float[] f = new float[n];
        g.fillBernoulli(f, 0, n, probs, 0);
        assertFloatsIdentical(floats(torch.bernoulli(pf)), f, "bernoulli(float probs)");

        Tensor pd = torch.rand(new long[] {n}, opts(ScalarType.Double));
        double[] dprobs = new double[n];
        g.fillUniform(dprobs, 0, n, 0, 1);
        double[] d = new double[n];
        g.fillBernoulli(d, 0, n, dprobs, 0);
        assertDoublesIdentical(doubles(torch.bernoulli(pd)), d, "bernoulli(double probs)");
    }

    @Test
    void exponentialMatches() {
        for (double lambda : new double[] {1, 0.5, 3}) {
            for (int n : new int[] {1, 17, 5000}) {
                Generator g = seeded(31);
                float[] f = new float[n];
                g.fillExponential(f, 0, n, lambda);
                assertFloatsIdentical(floats(empty(ScalarType.Float, n).exponential_(lambda, new GeneratorOptional())),
                        f, "exponential_(" + lambda + ") float n=" + n);
                double[] d = new double[n];
                g.fillExponential(d, 0, n, lambda);
                Tensor td = empty(ScalarType.Double, n).exponential_(lambda, new GeneratorOptional());
                assertDoublesIdentical(doubles(td), d, "exponential_(" + lambda + ") double n=" + n);
            }
        }
    }

    // ------------------------------------------------------------------ generators and state

    @Test
    void newGeneratorMatchesTorchGeneratorDefaultSeed() {
        org.bytedeco.pytorch.Generator tg = torch.createCPUGenerator();
        assertEquals(tg.current_seed(), Generator.DEFAULT_SEED);
        Generator g = new Generator();
        assertEquals(Generator.DEFAULT_SEED, g.initialSeed());
        float[] a = new float[20];
        g.fillNormal(a, 0, 20, 0, 1);
        assertFloatsIdentical(floats(torch.randn(new long[] {20}, new GeneratorOptional(tg), opts(ScalarType.Float))), a,
                "randn(20, generator=torch.Generator())");
    }

    @Test
    void stateBytesMatchTorchGetState() {
        org.bytedeco.pytorch.Generator tg = torch.createCPUGenerator(777);
        Generator g = new Generator().manualSeed(777);
        assertStateEquals(tg, g, "fresh");
        // draw past the first twist and leave a cached double normal sample
        torch.rand(new long[] {1000}, new GeneratorOptional(tg), opts(ScalarType.Float));
        g.fillUniform(new float[1000], 0, 1000, 0, 1);
        torch.randn(new long[] {3}, new GeneratorOptional(tg), opts(ScalarType.Double));
        g.fillNormal(new double[3], 0, 3, 0, 1);
        assertStateEquals(tg, g, "after rand(1000), randn(3)");

        // a state written by Kindling continues in libtorch exactly as in Kindling
        Tensor kindlingState = empty(ScalarType.Byte, Generator.STATE_BYTES);
        kindlingState.data_ptr_byte().put(g.getState());
        org.bytedeco.pytorch.Generator other = torch.createCPUGenerator(1);
        other.set_state(kindlingState);
        float[] mine = new float[9];
        g.fillNormal(mine, 0, 9, 0, 1);
        assertFloatsIdentical(floats(torch.randn(new long[] {9}, new GeneratorOptional(other), opts(ScalarType.Float))),
                mine, "randn(9) after loading a Kindling state into libtorch");
    }

    private static void assertStateEquals(org.bytedeco.pytorch.Generator tg, Generator g, String when) {
        Tensor s = tg.get_state();
        byte[] expected = new byte[(int) s.numel()];
        s.data_ptr_byte().get(expected);
        assertArrayEquals(expected, g.getState(), "state bytes " + when);
    }
}
