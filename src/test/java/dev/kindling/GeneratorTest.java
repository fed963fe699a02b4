package dev.kindling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.backend.cpu.Parallel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link Generator} on its own: the MT19937 engine against the C++ standard's reference values,
 * reproducibility, state round trips, argument checks that leave the state untouched, sample
 * statistics, and thread safety. Parity with libtorch is {@link GeneratorLibtorchTest}.
 */
class GeneratorTest {

    // ------------------------------------------------------------------ engine

    @Test
    void engineMatchesStdMt19937() {
        // std::mt19937 with its default seed 5489: the first outputs, and the 10000th, which the
        // C++ standard ([rand.predef]) requires to be 4123659995
        Generator g = new Generator().manualSeed(5489);
        long[] first = {3499211612L, 581869302L, 3890346734L, 3586334585L, 545404204L};
        for (long v : first) assertEquals(v, g.random() & 0xffffffffL);
        for (int i = 6; i < 10000; i++) g.random();
        assertEquals(4123659995L, g.random() & 0xffffffffL);
    }

    @Test
    void seedZeroStartsWithTheKnownOutput() {
        assertEquals(2357136044L, new Generator().manualSeed(0).random() & 0xffffffffL);
    }

    @Test
    void random64JoinsTwoOutputsHighFirst() {
        Generator a = new Generator().manualSeed(9), b = new Generator().manualSeed(9);
        for (int i = 0; i < 1000; i++) {
            long hi = b.random() & 0xffffffffL, lo = b.random() & 0xffffffffL;
            assertEquals((hi << 32) | lo, a.random64());
        }
    }

    @Test
    void onlyTheLow32BitsOfTheSeedDriveTheEngine() {
        Generator a = new Generator().manualSeed(7), b = new Generator().manualSeed((5L << 32) | 7);
        for (int i = 0; i < 100; i++) assertEquals(a.random(), b.random());
        assertEquals((5L << 32) | 7, b.initialSeed());
    }

    @Test
    void uniformHelpersUseTheDocumentedBits() {
        Generator a = new Generator().manualSeed(3), b = new Generator().manualSeed(3);
        assertEquals((b.random() & 0xffffff) / 16777216.0f, a.nextFloat());
        assertEquals((b.random64() & ((1L << 53) - 1)) / 9007199254740992.0, a.nextDouble(), 0.0);
    }

    // ------------------------------------------------------------------ reproducibility

    /** Runs every sampler once, in a fixed order, and returns what each wrote. */
    private static List<Object> everySampler(Generator g) {
        List<Object> out = new ArrayList<>();
        float[] f = new float[37];
        g.fillUniform(f, 0, f.length, -2, 3);
        out.add(f.clone());
        double[] d = new double[37];
        g.fillUniform(d, 0, d.length, 0, 1);
        out.add(d.clone());
        g.fillNormal(f, 0, 5, 0, 1);
        out.add(f.clone());
        g.fillNormal(f, 0, 37, 1, 2);
        out.add(f.clone());
        g.fillNormal(d, 0, 3, 0, 1);
        out.add(d.clone());
        g.fillNormal(d, 0, 37, 0, 1);
        out.add(d.clone());
        long[] l = new long[37];
        g.fillRandomInt(l, 0, l.length, -10, 1L << 40);
        out.add(l.clone());
        out.add(g.randperm(50));
        g.fillBernoulli(f, 0, f.length, 0.3);
        out.add(f.clone());
        g.fillExponential(d, 0, d.length, 1.5);
        out.add(d.clone());
        return out;
    }

    private static void assertSameOutputs(List<Object> a, List<Object> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i), y = b.get(i);
            if (x instanceof float[] fx) assertArrayEquals(fx, (float[]) y, "sampler " + i);
            else if (x instanceof double[] dx) assertArrayEquals(dx, (double[]) y, "sampler " + i);
            else assertArrayEquals((long[]) x, (long[]) y, "sampler " + i);
        }
    }

    @Test
    void sameSeedGivesTheSameSequence() {
        assertSameOutputs(everySampler(new Generator().manualSeed(123)), everySampler(new Generator().manualSeed(123)));
        Generator g = new Generator().manualSeed(123);
        List<Object> first = everySampler(g);
        g.manualSeed(123);
        assertSameOutputs(first, everySampler(g));
    }

    @Test
    void differentSeedsGiveDifferentSequences() {
        float[] a = new float[16], b = new float[16];
        new Generator().manualSeed(1).fillUniform(a, 0, 16, 0, 1);
        new Generator().manualSeed(2).fillUniform(b, 0, 16, 0, 1);
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void newGeneratorUsesPyTorchsDefaultSeed() {
        assertEquals(67280421310721L, Generator.DEFAULT_SEED);
        assertSameOutputs(everySampler(new Generator()), everySampler(new Generator().manualSeed(67280421310721L)));
    }

    @Test
    void manualSeedDropsTheCachedNormalSample() {
        Generator g = new Generator().manualSeed(5);
        double[] d = new double[1];
        g.fillNormal(d, 0, 1, 0, 1);            // leaves the pair's second sample cached
        double first = d[0];
        g.manualSeed(5);
        g.fillNormal(d, 0, 1, 0, 1);
        assertEquals(first, d[0]);
    }

    @Test
    void scalarNormalPathUsesTheCachedSecondSample() {
        Generator g = new Generator().manualSeed(6);
        double[] two = new double[2];
        g.fillNormal(two, 0, 2, 0, 1);          // one Box-Muller pair: cos sample, then the cached sin sample
        Generator h = new Generator().manualSeed(6);
        double[] one = new double[1];
        h.fillNormal(one, 0, 1, 0, 1);
        assertEquals(two[0], one[0]);
        h.fillNormal(one, 0, 1, 0, 1);          // served from the cache: no new draw
        assertEquals(two[1], one[0]);
        assertEquals(g.random(), h.random());
        // mean and std are applied when the cached sample is used
        Generator k = new Generator().manualSeed(6);
        k.fillNormal(one, 0, 1, 0, 1);
        k.fillNormal(one, 0, 1, 10, 3);
        assertEquals(Math.fma(two[1], 3, 10), one[0]);
    }

    @Test
    void parallelBlockTransformGivesTheSameNumbersAsOneThread() {
        int threads = Parallel.numThreads();
        try {
            Parallel.setNumThreads(1);
            float[] f1 = new float[50_003];
            double[] d1 = new double[5_003];
            new Generator().manualSeed(17).fillNormal(f1, 0, f1.length, 0, 1);
            new Generator().manualSeed(17).fillNormal(d1, 0, d1.length, 0, 1);
            Parallel.setNumThreads(4);
            float[] f4 = new float[50_003];
            double[] d4 = new double[5_003];
            new Generator().manualSeed(17).fillNormal(f4, 0, f4.length, 0, 1);
            new Generator().manualSeed(17).fillNormal(d4, 0, d4.length, 0, 1);
            assertArrayEquals(f1, f4);
            assertArrayEquals(d1, d4);
        } finally {
            Parallel.setNumThreads(threads);
        }
    }

    @Test
    void fillsTouchOnlyTheirRange() {
        float[] a = new float[40];
        Arrays.fill(a, -7f);
        new Generator().manualSeed(1).fillNormal(a, 10, 20, 0, 1);
        for (int i = 0; i < 40; i++) assertEquals(i >= 10 && i < 30, a[i] != -7f, "element " + i);
        // an offset range holds the same numbers as a whole array of that length
        float[] whole = new float[20];
        new Generator().manualSeed(1).fillNormal(whole, 0, 20, 0, 1);
        assertArrayEquals(whole, Arrays.copyOfRange(a, 10, 30));
    }

    // ------------------------------------------------------------------ state

    @Test
    void stateRoundTripIsExact() {
        Generator g = new Generator().manualSeed(2024);
        everySampler(g);
        g.fillNormal(new double[3], 0, 3, 0, 1);   // an odd count leaves a cached sample in the state
        byte[] saved = g.getState();
        assertEquals(Generator.STATE_BYTES, saved.length);
        List<Object> expected = everySampler(g);

        Generator other = new Generator().manualSeed(1);
        other.setState(saved);
        assertArrayEquals(saved, other.getState());
        assertEquals(2024, other.initialSeed());
        assertSameOutputs(expected, everySampler(other));

        g.setState(saved);                          // a generator can rewind itself too
        assertSameOutputs(expected, everySampler(g));
    }

    @Test
    void stateLayoutIsPyTorchs() {
        Generator g = new Generator().manualSeed(0x1_0000_0005L);
        ByteBuffer b = ByteBuffer.wrap(g.getState()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x1_0000_0005L, b.getLong(0));          // the_initial_seed
        assertEquals(1, b.getInt(8));                         // left
        assertEquals(1, b.getInt(12));                        // seeded
        assertEquals(0, b.getLong(16));                       // next
        assertEquals(5, b.getLong(24));                       // state[0] = seed & 0xffffffff
        long s1 = (1812433253L * (5 ^ (5 >>> 30)) + 1) & 0xffffffffL;
        assertEquals(s1, b.getLong(32));                      // state[1], zero-extended
        assertEquals(0, b.getInt(5040));                      // no cached double normal
        g.fillNormal(new double[1], 0, 1, 0, 1);
        b = ByteBuffer.wrap(g.getState()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.getInt(5040));
        assertNotEquals(0.0, b.getDouble(5024));              // normal_y holds the cached sample
    }

    @Test
    void badStatesAreRejectedAndLeaveTheGeneratorAsItWas() {
        Generator g = new Generator().manualSeed(77);
        g.random();
        byte[] before = g.getState();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.setState(new byte[100]));
        assertTrue(e.getMessage().contains("5056") && e.getMessage().contains("100"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.setState(null));
        for (Consumer<ByteBuffer> corrupt : List.<Consumer<ByteBuffer>>of(
                b -> b.putInt(8, 0),            // left = 0
                b -> b.putInt(8, 625),          // left > 624
                b -> b.putInt(12, 0),           // not seeded
                b -> b.putLong(16, 625))) {     // next > 624
            byte[] bad = g.getState();
            corrupt.accept(ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN));
            e = assertThrows(IllegalArgumentException.class, () -> g.setState(bad));
            assertTrue(e.getMessage().startsWith("setState: invalid mt19937 state"), e.getMessage());
        }
        assertArrayEquals(before, g.getState());
    }

    // ------------------------------------------------------------------ argument checks

    private static void assertRejected(Generator g, String messagePart, Executable call) {
        byte[] before = g.getState();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
        assertArrayEquals(before, g.getState(), "a rejected call changed the generator");
    }

    @Test
    void badArgumentsAreRejectedWithoutDrawing() {
        Generator g = new Generator().manualSeed(3);
        g.fillNormal(new double[1], 0, 1, 0, 1);
        float[] f = new float[8];
        double[] d = new double[8];
        assertRejected(g, "uniform_ expects to return a [from, to) range, but found from=2.0 > to=1.0",
                () -> g.fillUniform(f, 0, 8, 2, 1));
        assertRejected(g, "from is out of bounds for torch.float32", () -> g.fillUniform(f, 0, 8, -1e39, 0));
        assertRejected(g, "to-from to exceed the limit", () -> g.fillUniform(f, 0, 8, -3e38, 3e38));
        assertRejected(g, "to is out of bounds for torch.float64", () -> g.fillUniform(d, 0, 8, 0, Double.NaN));
        assertRejected(g, "normal expects std >= 0.0, but found std -1.0", () -> g.fillNormal(f, 0, 8, 0, -1));
        assertRejected(g, "normal expects std >= 0.0, but found std NaN", () -> g.fillNormal(d, 0, 8, 0, Double.NaN));
        assertRejected(g, "random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
                () -> g.fillRandomInt(new long[8], 0, 8, 5, 5));
        assertRejected(g, "to - 1 is out of bounds for torch.int32",
                () -> g.fillRandomInt(new int[8], 0, 8, 0, (1L << 31) + 1));
        assertRejected(g, "from is out of bounds for torch.uint8",
                () -> g.fillRandomInt(new byte[8], 0, 8, -1, 10, DType.UINT8));
        assertRejected(g, "not torch.int16", () -> g.fillRandomInt(new byte[8], 0, 8, 0, 10, DType.INT16));
        assertRejected(g, "to - 1 is out of bounds for torch.bool", () -> g.fillRandomInt(new boolean[8], 0, 8, 0, 3));
        assertRejected(g, "bernoulli_ expects p to be in [0, 1], but got p=1.5", () -> g.fillBernoulli(f, 0, 8, 1.5));
        float[] probs = {0.5f, -0.25f, 0, 0, 0, 0, 0, 0};
        assertRejected(g, "but got p=-0.25", () -> g.fillBernoulli(f, 0, 8, probs, 0));
        assertRejected(g, "exponential_ expects lambda > 0.0, but found lambda=0.0",
                () -> g.fillExponential(d, 0, 8, 0));
        assertRejected(g, "randperm: n must be non-negative, got -1", () -> g.randperm(-1));
        assertRejected(g, "uniform_: range [4, 12) does not fit in an array of length 8",
                () -> g.fillUniform(f, 4, 8, 0, 1));
        assertRejected(g, "normal_: range [-1, 1)", () -> g.fillNormal(f, -1, 2, 0, 1));
        assertRejected(g, "bernoulli: range [0, 8) does not fit in an array of length 4",
                () -> g.fillBernoulli(f, 0, 8, new float[4], 0));
    }

    @Test
    void floatBoundsMoveInsideWhatFloatCanHold() {
        // 2^25 + 3 rounds up to 2^25 + 4 in float, so to = 2^25 + 4 moves down to 2^25
        assertEquals(1L << 25, Generator.updateTo((1L << 25) + 4, 24));
        assertEquals(100, Generator.updateTo(100, 24));
        // -(2^26 + 5) rounds to -(2^26 + 8) in float, so from = -(2^26 + 6) moves up to -2^26
        assertEquals(-(1L << 26), Generator.updateFrom(-(1L << 26) - 6, 24));
        assertEquals(-100, Generator.updateFrom(-100, 24));
        // 2^54 + 1 rounds down in double, so to = 2^54 + 2 stays
        assertEquals((1L << 54) + 2, Generator.updateTo((1L << 54) + 2, 53));
        float[] f = new float[20_000];
        new Generator().manualSeed(1).fillRandomInt(f, 0, f.length, -(1L << 26) - 6, (1L << 25) + 4);
        for (float v : f) assertTrue(v >= -(1L << 26) && v <= (1L << 25), "sample " + v + " escapes the moved bounds");
    }

    // ------------------------------------------------------------------ statistics

    @Test
    void uniformSamplesHaveTheRightRangeMeanAndVariance() {
        int n = 1_000_000;
        float[] f = new float[n];
        new Generator().manualSeed(1).fillUniform(f, 0, n, -1, 3);
        double sum = 0, sq = 0;
        for (float v : f) {
            assertTrue(v >= -1 && v < 3);
            sum += v;
            sq += v * (double) v;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        assertEquals(1.0, mean, 0.01);
        assertEquals(16.0 / 12, var, 0.01);
        double[] d = new double[n];
        new Generator().manualSeed(2).fillUniform(d, 0, n, 0, 1);
        assertEquals(0.5, Arrays.stream(d).average().orElseThrow(), 0.002);
        assertTrue(Arrays.stream(d).allMatch(v -> v >= 0 && v < 1));
    }

    @Test
    void normalSamplesHaveTheRightMeanAndSpread() {
        int n = 1_000_000;
        float[] f = new float[n];
        new Generator().manualSeed(1).fillNormal(f, 0, n, 2, 3);
        double[] d = new double[n];
        new Generator().manualSeed(2).fillNormal(d, 0, n, -1, 0.5);
        double[] fd = new double[n];
        for (int i = 0; i < n; i++) fd[i] = f[i];
        assertMoments(fd, 2, 3);
        assertMoments(d, -1, 0.5);
        double[] serial = new double[200_000];
        new Generator().manualSeed(3).fillNormalSerial(serial, 0, serial.length, 0, 1);
        assertMoments(serial, 0, 1);
    }

    private static void assertMoments(double[] x, double mean, double std) {
        double m = Arrays.stream(x).average().orElseThrow();
        double v = Arrays.stream(x).map(t -> (t - m) * (t - m)).sum() / x.length;
        double tol = 5 * std / Math.sqrt(x.length);
        assertEquals(mean, m, tol, "mean");
        assertEquals(std, Math.sqrt(v), 5 * std / Math.sqrt(x.length) * 1.5, "standard deviation");
        long within1 = Arrays.stream(x).filter(t -> Math.abs(t - mean) < std).count();
        assertEquals(0.6827, within1 / (double) x.length, 0.005, "share within one standard deviation");
    }

    @Test
    void randomIntegersCoverTheirRangeEvenly() {
        int n = 600_000;
        long[] l = new long[n];
        new Generator().manualSeed(1).fillRandomInt(l, 0, n, -3, 3);
        int[] counts = new int[6];
        for (long v : l) counts[(int) (v + 3)]++;
        for (int c : counts) assertEquals(n / 6.0, c, 5 * Math.sqrt(n / 6.0));
        long[] wide = new long[10_000];
        new Generator().manualSeed(2).fillRandomInt(wide, 0, wide.length, Long.MIN_VALUE, Long.MAX_VALUE);
        assertTrue(Arrays.stream(wide).anyMatch(v -> v < -(1L << 62)));
        assertTrue(Arrays.stream(wide).anyMatch(v -> v > 1L << 62));
        int[] i32 = new int[10_000];
        new Generator().manualSeed(3).fillRandomInt(i32, 0, i32.length, 1000, 1010);
        assertTrue(Arrays.stream(i32).allMatch(v -> v >= 1000 && v < 1010));
        byte[] u8 = new byte[10_000];
        new Generator().manualSeed(4).fillRandomInt(u8, 0, u8.length, 200, 256, DType.UINT8);
        for (byte b : u8) assertTrue((b & 0xff) >= 200);
    }

    @Test
    void randpermIsAPermutation() {
        for (int n : new int[] {0, 1, 2, 3, 10, 1000, 100_000}) {
            long[] p = new Generator().manualSeed(n).randperm(n);
            long[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) assertEquals(i, sorted[i]);
        }
        assertEquals(214748364, Generator.RANDPERM_SMALL_LIMIT);
    }

    @Test
    void largeRandpermPathIsTheInsideOutShuffle() {
        // the path for n >= 214748364, run on a small n: r[i] takes r[z] and r[z] takes i,
        // with z = random64() mod (i + 1)
        int n = 5000;
        long[] actual = new long[n];
        new Generator().manualSeed(8).randpermInsideOut(actual, n);
        Generator draws = new Generator().manualSeed(8);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int z = (int) Long.remainderUnsigned(draws.random64(), i + 1L);
            if (z == i) expected.add((long) i);
            else {
                expected.add(expected.get(z));
                expected.set(z, (long) i);
            }
        }
        assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(), actual);
    }

    @Test
    void bernoulliFrequencyMatchesP() {
        int n = 400_000;
        for (double p : new double[] {0, 0.1, 0.5, 0.9, 1}) {
            float[] f = new float[n];
            new Generator().manualSeed(1).fillBernoulli(f, 0, n, p);
            long ones = 0;
            for (float v : f) {
                assertTrue(v == 0f || v == 1f);
                if (v == 1f) ones++;
            }
            assertEquals(p, ones / (double) n, 5 * Math.sqrt(p * (1 - p) / n) + 1e-12);
        }
        float[] probs = new float[n];
        Arrays.fill(probs, 0.25f);
        float[] f = new float[n];
        new Generator().manualSeed(2).fillBernoulli(f, 0, n, probs, 0);
        double share = 0;
        for (float v : f) share += v;
        assertEquals(0.25, share / n, 5 * Math.sqrt(0.25 * 0.75 / n));
    }

    @Test
    void exponentialSamplesHaveMeanOneOverLambda() {
        int n = 500_000;
        double[] d = new double[n];
        new Generator().manualSeed(1).fillExponential(d, 0, n, 4);
        assertTrue(Arrays.stream(d).allMatch(v -> v >= 0));
        assertEquals(0.25, Arrays.stream(d).average().orElseThrow(), 5 * 0.25 / Math.sqrt(n));
    }

    // ------------------------------------------------------------------ threads and globals

    @Test
    void concurrentDrawsNeitherRepeatNorLoseNumbers() throws Exception {
        int threads = 4, perThread = 50_000;
        Generator shared = new Generator().manualSeed(31);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<int[]>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(() -> {
                    int[] r = new int[perThread];
                    for (int i = 0; i < perThread; i++) r[i] = shared.random();
                    return r;
                });
            }
            long[] all = new long[threads * perThread];
            int k = 0;
            for (Future<int[]> f : pool.invokeAll(jobs)) for (int v : f.get()) all[k++] = v & 0xffffffffL;
            Generator sequential = new Generator().manualSeed(31);
            long[] expected = new long[all.length];
            for (int i = 0; i < expected.length; i++) expected[i] = sequential.random() & 0xffffffffL;
            Arrays.sort(all);
            Arrays.sort(expected);
            assertArrayEquals(expected, all);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentFillsEachTakeOneUnbrokenStretch() throws Exception {
        int threads = 4, fills = 200, n = 100;
        Generator shared = new Generator().manualSeed(5);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<float[]>>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(() -> {
                    List<float[]> mine = new ArrayList<>();
                    for (int i = 0; i < fills; i++) {
                        float[] a = new float[n];
                        shared.fillUniform(a, 0, n, 0, 1);
                        mine.add(a);
                    }
                    return mine;
                });
            }
            Generator sequential = new Generator().manualSeed(5);
            Map<String, float[]> chunks = new HashMap<>();
            for (int i = 0; i < threads * fills; i++) {
                float[] a = new float[n];
                sequential.fillUniform(a, 0, n, 0, 1);
                chunks.put(Arrays.toString(a), a);
            }
            int seen = 0;
            for (Future<List<float[]>> f : pool.invokeAll(jobs)) {
                for (float[] a : f.get()) {
                    assertNotNull(chunks.remove(Arrays.toString(a)), "a fill was interleaved with another");
                    seen++;
                }
            }
            assertEquals(threads * fills, seen);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void defaultGeneratorIsOneSeedableInstance() {
        Generator g = Generator.defaultGenerator();
        assertSame(g, Generator.defaultGenerator());
        byte[] saved = g.getState();
        try {
            g.manualSeed(42);
            float[] a = new float[5];
            g.fillUniform(a, 0, 5, 0, 1);
            assertEquals(0.8823, a[0], 1e-4);
            assertEquals(42, g.initialSeed());
        } finally {
            g.setState(saved);
        }
    }

    @Test
    void seedPicksAFreshSeedAndReportsIt() {
        Generator g = new Generator();
        long s1 = g.seed();
        assertEquals(s1, g.initialSeed());
        int first = g.random();
        assertEquals(first, new Generator().manualSeed(s1).random());
        assertNotEquals(s1, g.seed());   // 64 fresh bits: equal with probability 2^-64
        assertTrue(g.toString().contains(Long.toUnsignedString(g.initialSeed())));
    }
}
