package dev.kindling;

import dev.kindling.backend.cpu.Parallel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pseudo-random number generator that produces the same numbers as PyTorch's CPU generator
 * ({@code torch.Generator()}, {@code at::CPUGeneratorImpl}): after {@code manualSeed(s)} the
 * fills below write what {@code torch.manual_seed(s)} followed by the matching PyTorch call
 * writes into a contiguous CPU tensor.
 *
 * <pre>{@code
 * Generator g = new Generator().manualSeed(42);
 * float[] a = new float[5];
 * g.fillUniform(a, 0, 5, 0, 1);   // torch.rand(5): 0.8823, 0.9150, 0.3829, 0.9593, 0.3904
 * }</pre>
 *
 * <p><b>Who uses it.</b> Tensor factories ({@code Torch.rand}, {@code randn}, {@code randint},
 * {@code randperm}), in-place samplers ({@code uniform_}, {@code normal_}, {@code bernoulli_},
 * {@code exponential_}, {@code random_}), initialisers and dropout call the fill methods on the
 * backing array of a contiguous tensor, passing the whole tensor as one range: PyTorch's choice
 * of algorithm (and so the numbers) depends on the tensor's size. {@link #defaultGenerator()} is
 * the global generator that {@code Torch.manualSeed} seeds.
 *
 * <p><b>Engine.</b> MT19937 (32-bit Mersenne Twister) seeded with the low 32 bits of the seed, as
 * {@code at::mt19937}. {@link #random()} returns one 32-bit output, {@link #random64()} two
 * (first one in the high half). A {@code float} uniform uses the low 24 bits of one 32-bit
 * output, a {@code double} uniform the low 53 bits of one 64-bit output.
 *
 * <p><b>Note [Which PyTorch kernel each fill reproduces].</b> Kindling follows libtorch 2.10's
 * x86-64 CPU kernels compiled for AVX2, which is what runs on AVX2 and AVX-512 machines alike:
 * PyTorch never dispatches {@code normal_} to AVX-512, and in the libtorch build the tests
 * compare against, every random kernel's AVX-512 entry is empty and falls back to AVX2. That
 * build fuses multiply-adds, so {@code uniform_} computes {@code fma(u, to - from, from)} and
 * normal samples {@code fma(z, std, mean)}; Kindling does the same.
 * <ul>
 *   <li>{@code fillUniform}: one uniform per element, in the tensor's precision.</li>
 *   <li>{@code fillNormal}, {@code n >= 16}: PyTorch's {@code normal_fill}. It fills all {@code n}
 *       elements with uniforms, then applies Box-Muller to each block of 16 ({@link BoxMuller}).
 *       If {@code n % 16 != 0}, it draws 16 fresh uniforms into the last 16 elements and
 *       transforms them again. {@code float} uses the AVX2 kernel's polynomial log and sincos,
 *       reproduced bit for bit.</li>
 *   <li>{@code fillNormal}, {@code n < 16} (and {@link #fillNormalSerial}, which PyTorch uses for
 *       non-contiguous tensors): {@code at::normal_distribution<double>} per element, for float
 *       tensors too. Each pair of 53-bit uniforms gives two samples, and the second is cached in
 *       the generator for the next scalar-path draw until the next {@code manualSeed}.</li>
 *   <li>{@code fillRandomInt}: {@code (r % range) + from}, where {@code r} is a 32-bit output,
 *       or a 64-bit output when the range is at least 2<sup>28</sup> (libtorch 2.10, for every
 *       element type).</li>
 *   <li>{@code fillRandom} ({@code random_()} without bounds): {@code r % (max + 1)} for integer
 *       types and {@code r % (2^digits + 1)} for float types; 64-bit draws for {@code long} and
 *       {@code double}.</li>
 *   <li>{@code fillBernoulli(p)}: one 53-bit uniform {@code u} per element, result
 *       {@code u < p}. libtorch builds with MKL take an MKL stream instead, but only on Intel
 *       CPUs. The libtorch this is tested against has no MKL, and on AMD CPUs even MKL builds
 *       use the generator path reproduced here.</li>
 *   <li>{@code fillExponential}: {@code -1/lambda * log1p(-u)} with a 53-bit uniform.</li>
 *   <li>{@link #randperm}: in-place Fisher-Yates with {@code random() % (n - i)} for
 *       {@code n < 214748364}, else the inside-out variant with 64-bit draws.</li>
 * </ul>
 * On an x86-64 machine without AVX2, libtorch runs its baseline kernels, which round some
 * {@code uniform_} ranges and normal samples differently. Kindling does not reproduce those.
 *
 * <p><b>Note [libm rounding].</b> Normal samples in {@code double}, and normal samples in
 * {@code float} for tensors of fewer than 16 elements, go through the C library's {@code log},
 * {@code log1p} and {@code sincos}. {@code log1p} is reproduced exactly, as glibc computes it.
 * {@code log}, {@code sin} and {@code cos} are correctly rounded ({@link DoubleMath}), and
 * glibc's versions are not correctly rounded in about 0.1% of arguments.
 * Measured against libtorch over 10<sup>6</sup> samples, 99.84% of double normal samples are
 * bit-identical, 0.14% differ by one ulp and 0.02% by two. Float samples on this path are
 * rounded from double, and none of 10<sup>6</sup> differed. Uniform, integer, permutation,
 * Bernoulli and exponential results, and float normal samples for 16 or more elements, are
 * bit-for-bit equal. Kindling's own results are the same on every JVM and platform.
 *
 * <p><b>Threads.</b> Every method that reads or advances the state holds this generator's lock,
 * as PyTorch holds the generator mutex for a whole kernel, so one fill's numbers are never
 * interleaved with another's. A fill may split the Box-Muller transform of its own range across
 * the {@link Parallel} pool after drawing all its numbers. This does not change the result.
 */
public final class Generator {
    private static final Logger LOG = LoggerFactory.getLogger(Generator.class);

    /** The seed of a new {@code torch.Generator()}: PyTorch's {@code default_rng_seed_val}. */
    public static final long DEFAULT_SEED = 67280421310721L;

    /** The length of {@link #getState()}: PyTorch's {@code sizeof(CPUGeneratorImplState)}. */
    public static final int STATE_BYTES = 5056;

    /** Sizes below this use randperm's in-place shuffle with 32-bit draws ({@code UINT32_MAX / 20}). */
    static final int RANDPERM_SMALL_LIMIT = (int) (0xffffffffL / 20);

    /** Normal fills of at least this many elements take the 16-element block path. */
    static final int NORMAL_BLOCK_MIN = BoxMuller.BLOCK;

    static final double TWO_PI = 2.0 * Math.PI;

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final long MASK53 = (1L << 53) - 1;
    private static final int MASK24 = (1 << 24) - 1;
    /** Integer ranges of at least this size take a 64-bit draw (PyTorch 2.10's uniform_int_from_to). */
    static final long WIDE_RANGE = 1L << 28;

    /** Float blocks of 16 per parallel chunk: about 50 us of Box-Muller work. */
    private static final int FLOAT_BLOCKS_PER_TASK = 512;
    /** Double blocks of 16 per parallel chunk: about 15 us (double log and sincos cost more). */
    private static final int DOUBLE_BLOCKS_PER_TASK = 16;

    // MT19937 state, laid out as at::mt19937_data_pod
    private final int[] mt = new int[N];
    private long seed;
    private int left;
    private int next;
    // Box-Muller samples cached by the scalar normal path, as in CPUGeneratorImpl
    private boolean hasNextDoubleNormal;
    private double nextDoubleNormal;
    private boolean hasNextFloatNormal;
    private float nextFloatNormal;
    private final double[] sinCos = new double[2];

    /** A generator seeded with {@link #DEFAULT_SEED}, as {@code torch.Generator()}. */
    public Generator() {
        this(DEFAULT_SEED);
    }

    private Generator(long seed) {
        setSeed(seed);
    }

    /** The global generator behind {@code Torch.manualSeed} and every sampler given no generator. */
    public static Generator defaultGenerator() {
        return DefaultHolder.INSTANCE;
    }

    private static final class DefaultHolder {
        // Like PyTorch's default CPU generator: seeded non-deterministically at first use.
        static final Generator INSTANCE = new Generator(nondeterministicSeed());
    }

    private static long nondeterministicSeed() {
        return SeedSource.RANDOM.nextLong();
    }

    private static final class SeedSource {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    // ------------------------------------------------------------------ seeding and state

    /**
     * Seeds the generator, as {@code torch.Generator.manual_seed(seed)}: resets the engine and
     * drops any cached normal sample. All 64 bits are kept as {@link #initialSeed()}; the engine
     * uses the low 32. Returns this generator.
     */
    public synchronized Generator manualSeed(long seed) {
        setSeed(seed);
        return this;
    }

    /** The seed last set, as {@code torch.Generator.initial_seed()} (an unsigned 64-bit value). */
    public synchronized long initialSeed() {
        return seed;
    }

    /**
     * Seeds the generator with a non-deterministic 64-bit value and returns it, as
     * {@code torch.Generator.seed()}.
     */
    public synchronized long seed() {
        long s = nondeterministicSeed();
        setSeed(s);
        return s;
    }

    private void setSeed(long s) {
        hasNextDoubleNormal = false;
        hasNextFloatNormal = false;
        seed = s;
        mt[0] = (int) s;
        for (int j = 1; j < N; j++) mt[j] = 1812433253 * (mt[j - 1] ^ (mt[j - 1] >>> 30)) + j;
        left = 1;
        next = 0;
    }

    /**
     * The full state, {@value #STATE_BYTES} bytes in the layout of PyTorch's CPU generator state
     * ({@code torch.Generator.get_state()} on x86-64), so a state saved by either can be loaded by
     * the other: seed, position, the 624 MT19937 words, and the cached normal samples.
     */
    public synchronized byte[] getState() {
        ByteBuffer b = ByteBuffer.allocate(STATE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, seed);
        b.putInt(8, left);
        b.putInt(12, 1);                                     // seeded
        b.putLong(16, next);
        for (int i = 0; i < N; i++) b.putLong(24 + 8 * i, mt[i] & 0xffffffffL);
        int normals = 24 + 8 * N;                            // normal_x, normal_y, normal_rho
        b.putDouble(normals + 8, hasNextDoubleNormal ? nextDoubleNormal : 0.0);
        b.putInt(normals + 24, hasNextDoubleNormal ? 1 : 0);
        b.putFloat(normals + 32, hasNextFloatNormal ? nextFloatNormal : 0.0f);
        b.put(normals + 36, (byte) (hasNextFloatNormal ? 1 : 0));
        return b.array();
    }

    /**
     * Restores a state from {@link #getState()} or from PyTorch's {@code get_state()}. Rejects a
     * state of the wrong length or an impossible engine position, leaving this generator as it
     * was. Returns this generator.
     */
    public synchronized Generator setState(byte[] state) {
        if (state == null || state.length != STATE_BYTES) {
            throw new IllegalArgumentException("setState: expected a CPUGeneratorImplState of size "
                    + STATE_BYTES + " but found the input RNG state size to be "
                    + (state == null ? "null" : Integer.toString(state.length)));
        }
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        int newLeft = b.getInt(8);
        boolean seeded = b.getInt(12) != 0;
        long newNext = b.getLong(16) & 0xffffffffL;
        if (!seeded || newLeft <= 0 || newLeft > N || newNext > N) {
            throw new IllegalArgumentException("setState: invalid mt19937 state (seeded=" + seeded
                    + ", left=" + newLeft + ", next=" + newNext + ")");
        }
        seed = b.getLong(0);
        left = newLeft;
        next = (int) newNext;
        for (int i = 0; i < N; i++) mt[i] = (int) b.getLong(24 + 8 * i);
        int normals = 24 + 8 * N;
        hasNextDoubleNormal = b.getInt(normals + 24) != 0;
        nextDoubleNormal = hasNextDoubleNormal ? b.getDouble(normals + 8) : 0.0;
        hasNextFloatNormal = b.get(normals + 36) != 0;
        nextFloatNormal = hasNextFloatNormal ? b.getFloat(normals + 32) : 0.0f;
        return this;
    }

    // ------------------------------------------------------------------ raw numbers

    /** The next 32-bit engine output (PyTorch's {@code random()}, an unsigned value). */
    public synchronized int random() {
        return nextInt();
    }

    /** The next two 32-bit outputs as one 64-bit value, the first in the high half ({@code random64()}). */
    public synchronized long random64() {
        return nextLong();
    }

    /** A uniform double in [0, 1) from one 64-bit draw: the sample {@code torch.rand(1, dtype=float64)} gives. */
    public synchronized double nextDouble() {
        return nextUniformDouble();
    }

    /** A uniform float in [0, 1) from one 32-bit draw: the sample {@code torch.rand(1)} gives. */
    public synchronized float nextFloat() {
        return nextUniformFloat();
    }

    private int nextInt() {
        if (--left == 0) twist();
        int y = mt[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private long nextLong() {
        long hi = nextInt() & 0xffffffffL;
        long lo = nextInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    private long nextUnsigned32() {
        return nextInt() & 0xffffffffL;
    }

    private float nextUniformFloat() {
        return (nextInt() & MASK24) * 0x1p-24f;
    }

    private double nextUniformDouble() {
        return (nextLong() & MASK53) * 0x1p-53;
    }

    private void twist() {
        int[] s = mt;
        left = N;
        next = 0;
        int k = 0;
        for (; k < N - M; k++) s[k] = s[k + M] ^ mix(s[k], s[k + 1]);
        for (; k < N - 1; k++) s[k] = s[k + M - N] ^ mix(s[k], s[k + 1]);
        s[N - 1] = s[M - 1] ^ mix(s[N - 1], s[0]);
    }

    private static int mix(int u, int v) {
        return (((u & 0x80000000) | (v & 0x7fffffff)) >>> 1) ^ ((v & 1) != 0 ? MATRIX_A : 0);
    }

    // ------------------------------------------------------------------ uniform

    /**
     * Fills {@code a[off .. off+n)} with uniform samples in [from, to): {@code torch.rand} when
     * {@code from = 0, to = 1}, else {@code uniform_(from, to)} on a float tensor.
     */
    public synchronized void fillUniform(float[] a, int off, int n, double from, double to) {
        checkRange("uniform_", a.length, off, n);
        checkUniform(from, to, Float.MAX_VALUE, DType.FLOAT32);
        float f = (float) from;
        float range = (float) to - f;
        for (int i = off, end = off + n; i < end; i++) a[i] = Math.fma(nextUniformFloat(), range, f);
    }

    /** Fills {@code a[off .. off+n)} with uniform samples in [from, to), as on a double tensor. */
    public synchronized void fillUniform(double[] a, int off, int n, double from, double to) {
        checkRange("uniform_", a.length, off, n);
        checkUniform(from, to, Double.MAX_VALUE, DType.FLOAT64);
        double range = to - from;
        for (int i = off, end = off + n; i < end; i++) a[i] = Math.fma(nextUniformDouble(), range, from);
    }

    private static void checkUniform(double from, double to, double max, DType dtype) {
        if (!(from >= -max && from <= max)) {
            throw new IllegalArgumentException("uniform_: from is out of bounds for " + dtype);
        }
        if (!(to >= -max && to <= max)) {
            throw new IllegalArgumentException("uniform_: to is out of bounds for " + dtype);
        }
        if (!(from <= to)) {
            throw new IllegalArgumentException("uniform_ expects to return a [from, to) range, but found from="
                    + from + " > to=" + to);
        }
        if (!(to - from <= max)) {
            throw new IllegalArgumentException("uniform_ expects to-from <= std::numeric_limits<"
                    + dtype.scalarName() + ">::max(), but found to=" + to + " and from=" + from
                    + " which result in to-from to exceed the limit");
        }
    }

    // ------------------------------------------------------------------ normal

    /**
     * Fills {@code a[off .. off+n)}, the whole of a contiguous float tensor, with normal samples:
     * {@code torch.randn} when {@code mean = 0, std = 1}, else {@code normal_(mean, std)}. Sizes of
     * 16 and more are bit-for-bit equal to PyTorch's; see Note [libm rounding] for smaller ones.
     */
    public synchronized void fillNormal(float[] a, int off, int n, double mean, double std) {
        checkRange("normal_", a.length, off, n);
        checkStd(std);
        if (n < NORMAL_BLOCK_MIN) {
            serialNormal(a, off, n, mean, std);
            return;
        }
        float m = (float) mean, s = (float) std;
        for (int i = off, end = off + n; i < end; i++) a[i] = nextUniformFloat();
        Parallel.parallelFor(n / BoxMuller.BLOCK, FLOAT_BLOCKS_PER_TASK, (b0, b1) -> {
            for (int b = b0; b < b1; b++) BoxMuller.floatBlock(a, off + b * BoxMuller.BLOCK, m, s);
        });
        if (n % BoxMuller.BLOCK != 0) {
            int last = off + n - BoxMuller.BLOCK;
            for (int i = last; i < off + n; i++) a[i] = nextUniformFloat();
            BoxMuller.floatBlock(a, last, m, s);
        }
    }

    /**
     * Fills {@code a[off .. off+n)}, the whole of a contiguous double tensor, with normal samples
     * ({@code randn(..., dtype=float64)}, {@code normal_}); within two ulps of PyTorch's, see
     * Note [libm rounding].
     */
    public synchronized void fillNormal(double[] a, int off, int n, double mean, double std) {
        checkRange("normal_", a.length, off, n);
        checkStd(std);
        if (n < NORMAL_BLOCK_MIN) {
            serialNormal(a, off, n, mean, std);
            return;
        }
        for (int i = off, end = off + n; i < end; i++) a[i] = nextUniformDouble();
        Parallel.parallelFor(n / BoxMuller.BLOCK, DOUBLE_BLOCKS_PER_TASK, (b0, b1) -> {
            double[] scratch = new double[2];
            for (int b = b0; b < b1; b++) BoxMuller.doubleBlock(a, off + b * BoxMuller.BLOCK, mean, std, scratch);
        });
        if (n % BoxMuller.BLOCK != 0) {
            int last = off + n - BoxMuller.BLOCK;
            for (int i = last; i < off + n; i++) a[i] = nextUniformDouble();
            BoxMuller.doubleBlock(a, last, mean, std, sinCos);
        }
    }

    /**
     * Fills {@code a[off .. off+n)} with normal samples one at a time, the path PyTorch takes for
     * tensors of fewer than 16 elements and for non-contiguous tensors (elements in the tensor
     * iterator's order). It uses and refills the cached second sample of each Box-Muller pair.
     */
    public synchronized void fillNormalSerial(float[] a, int off, int n, double mean, double std) {
        checkRange("normal_", a.length, off, n);
        checkStd(std);
        serialNormal(a, off, n, mean, std);
    }

    /** The double twin of {@link #fillNormalSerial(float[], int, int, double, double)}. */
    public synchronized void fillNormalSerial(double[] a, int off, int n, double mean, double std) {
        checkRange("normal_", a.length, off, n);
        checkStd(std);
        serialNormal(a, off, n, mean, std);
    }

    private void serialNormal(float[] a, int off, int n, double mean, double std) {
        for (int i = off, end = off + n; i < end; i++) a[i] = (float) nextNormal(mean, std);
    }

    private void serialNormal(double[] a, int off, int n, double mean, double std) {
        for (int i = off, end = off + n; i < end; i++) a[i] = nextNormal(mean, std);
    }

    /** at::normal_distribution<double>: Box-Muller on two 53-bit uniforms, one sample cached. */
    private double nextNormal(double mean, double std) {
        if (hasNextDoubleNormal) {
            hasNextDoubleNormal = false;
            return Math.fma(nextDoubleNormal, std, mean);
        }
        double u1 = nextUniformDouble();
        double u2 = nextUniformDouble();
        double r = Math.sqrt(-2.0 * DoubleMath.log1p(-u2));
        DoubleMath.sinCos(TWO_PI * u1, sinCos);
        nextDoubleNormal = r * sinCos[0];
        hasNextDoubleNormal = true;
        return Math.fma(r * sinCos[1], std, mean);
    }

    private static void checkStd(double std) {
        if (!(std >= 0.0)) throw new IllegalArgumentException("normal expects std >= 0.0, but found std " + std);
    }

    // ------------------------------------------------------------------ random integers

    /**
     * Fills {@code a[off .. off+n)} with integers uniform in [from, toExclusive):
     * {@code torch.randint(from, to, ...)} and {@code random_(from, to)} on an int64 tensor.
     */
    public synchronized void fillRandomInt(long[] a, int off, int n, long from, long toExclusive) {
        checkRange("random_", a.length, off, n);
        checkFromTo(from, toExclusive);
        long range = toExclusive - from;
        for (int i = off, end = off + n; i < end; i++) a[i] = nextInRange(range, from);
    }

    /** {@code random_(from, to)} on an int32 tensor. */
    public synchronized void fillRandomInt(int[] a, int off, int n, long from, long toExclusive) {
        checkRange("random_", a.length, off, n);
        checkIntegral(from, toExclusive, Integer.MIN_VALUE, Integer.MAX_VALUE, DType.INT32);
        long range = toExclusive - from;
        for (int i = off, end = off + n; i < end; i++) a[i] = (int) nextInRange(range, from);
    }

    /** {@code random_(from, to)} on an int16 tensor. */
    public synchronized void fillRandomInt(short[] a, int off, int n, long from, long toExclusive) {
        checkRange("random_", a.length, off, n);
        checkIntegral(from, toExclusive, Short.MIN_VALUE, Short.MAX_VALUE, DType.INT16);
        long range = toExclusive - from;
        for (int i = off, end = off + n; i < end; i++) a[i] = (short) nextInRange(range, from);
    }

    /**
     * {@code random_(from, to)} on an int8 or uint8 tensor ({@code dtype} says which: it sets the
     * valid bounds; the stored bits are the same).
     */
    public synchronized void fillRandomInt(byte[] a, int off, int n, long from, long toExclusive, DType dtype) {
        checkRange("random_", a.length, off, n);
        if (dtype == DType.INT8) {
            checkIntegral(from, toExclusive, Byte.MIN_VALUE, Byte.MAX_VALUE, dtype);
        } else if (dtype == DType.UINT8) {
            checkIntegral(from, toExclusive, 0, 255, dtype);
        } else {
            throw new IllegalArgumentException("random_: a byte[] holds torch.int8 or torch.uint8, not " + dtype);
        }
        long range = toExclusive - from;
        for (int i = off, end = off + n; i < end; i++) a[i] = (byte) nextInRange(range, from);
    }

    /** {@code random_(from, to)} on a bool tensor (from and to - 1 in {0, 1}). */
    public synchronized void fillRandomInt(boolean[] a, int off, int n, long from, long toExclusive) {
        checkRange("random_", a.length, off, n);
        checkIntegral(from, toExclusive, 0, 1, DType.BOOL);
        long range = toExclusive - from;
        for (int i = off, end = off + n; i < end; i++) a[i] = nextInRange(range, from) != 0;
    }

    /**
     * {@code random_(from, to)} on a float tensor: integers in [from, to), with PyTorch's
     * adjustment of bounds that float cannot hold exactly.
     */
    public synchronized void fillRandomInt(float[] a, int off, int n, long from, long toExclusive) {
        checkRange("random_", a.length, off, n);
        checkFromTo(from, toExclusive);
        long f = updateFrom(from, 24), t = updateTo(toExclusive, 24);
        checkFloatingFromTo(f, t, 24, DType.FLOAT32);
        long range = t - f;
        for (int i = off, end = off + n; i < end; i++) a[i] = (float) nextInRange(range, f);
    }

    /** {@code random_(from, to)} on a double tensor. */
    public synchronized void fillRandomInt(double[] a, int off, int n, long from, long toExclusive) {
        checkRange("random_", a.length, off, n);
        checkFromTo(from, toExclusive);
        long f = updateFrom(from, 53), t = updateTo(toExclusive, 53);
        checkFloatingFromTo(f, t, 53, DType.FLOAT64);
        long range = t - f;
        for (int i = off, end = off + n; i < end; i++) a[i] = (double) nextInRange(range, f);
    }

    /**
     * {@code (r % range) + base}, as uniform_int_from_to: {@code r} is one 64-bit draw when the
     * (unsigned) range is at least {@link #WIDE_RANGE}, else one 32-bit draw.
     */
    private long nextInRange(long range, long base) {
        long r = Long.compareUnsigned(range, WIDE_RANGE) >= 0 ? nextLong() : nextUnsigned32();
        return Long.remainderUnsigned(r, range) + base;
    }

    private static void checkFromTo(long from, long to) {
        if (from >= to) {
            throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from="
                    + from + " >= to=" + to);
        }
    }

    private static void checkIntegral(long from, long to, long min, long max, DType dtype) {
        checkFromTo(from, to);
        if (from < min || from > max) {
            throw new IllegalArgumentException("random_: from is out of bounds for " + dtype);
        }
        if (to - 1 < min || to - 1 > max) {
            throw new IllegalArgumentException("random_: to - 1 is out of bounds for " + dtype);
        }
    }

    private static void checkFloatingFromTo(long from, long to, int digits, DType dtype) {
        if (from >= to) {
            throw new IllegalArgumentException("random_ expects 'from' casted to dtype to be less than 'to' casted "
                    + "to dtype, but got from=" + from + " >= to=" + to);
        }
        long limit = 1L << digits;
        warnOutOfBounds(from, "from", limit, digits, dtype);
        warnOutOfBounds(to - 1, "to - 1", limit, digits, dtype);
    }

    private static void warnOutOfBounds(long v, String name, long limit, int digits, DType dtype) {
        if (v < -limit || v > limit) {
            LOG.warn("random_: {} is out of bounds [-(2^{}), 2^{}]. Due to precision limitations {} can support "
                    + "discrete uniform distribution only within this range.", name, digits, digits, dtype);
        }
    }

    /**
     * PyTorch's {@code update_from}: moves {@code from} right to the next value that stays at or
     * above it after rounding to a {@code digits}-bit floating type.
     */
    static long updateFrom(long from, int digits) {
        long fromPlus1 = x86ToLong(toFloating(from + 1, digits));
        if (fromPlus1 < from) {
            long v = Math.abs(from + 1);
            int n = 0;
            while ((v >>= 1) != 0) ++n;
            from = fromPlus1 + (1L << (n - digits + 1));
        }
        return from;
    }

    /** PyTorch's {@code update_to}: moves {@code to} left so rounded samples stay below it. */
    static long updateTo(long to, int digits) {
        long toMinus1 = x86ToLong(toFloating(to - 1, digits));
        if (toMinus1 >= to) {
            long v = Math.abs(to - 1);
            int n = 0;
            while ((v >>= 1) != 0) ++n;
            to = toMinus1 - (1L << (n - digits + 1));
        }
        return to;
    }

    private static double toFloating(long v, int digits) {
        return digits == 24 ? (double) (float) v : (double) v;
    }

    /** An x86 truncating float-to-int64 conversion: out-of-range values give Long.MIN_VALUE. */
    private static long x86ToLong(double v) {
        return (v >= 0x1p63 || v < -0x1p63 || Double.isNaN(v)) ? Long.MIN_VALUE : (long) v;
    }

    /**
     * {@code random_()} with no bounds on an int64 tensor: integers uniform in [0, 2^63), one
     * 64-bit draw each. PyTorch's {@code RandomSampler} seeds its shuffling generator this way.
     */
    public synchronized void fillRandom(long[] a, int off, int n) {
        checkRange("random_", a.length, off, n);
        for (int i = off, end = off + n; i < end; i++) a[i] = nextLong() & Long.MAX_VALUE;
    }

    /** {@code random_()} on an int32 tensor: integers in [0, 2^31), one 32-bit draw each. */
    public synchronized void fillRandom(int[] a, int off, int n) {
        checkRange("random_", a.length, off, n);
        for (int i = off, end = off + n; i < end; i++) a[i] = nextInt() & Integer.MAX_VALUE;
    }

    /** {@code random_()} on a float tensor: integers in [0, 2^24], one 32-bit draw each. */
    public synchronized void fillRandom(float[] a, int off, int n) {
        checkRange("random_", a.length, off, n);
        for (int i = off, end = off + n; i < end; i++) a[i] = (float) (nextUnsigned32() % ((1L << 24) + 1));
    }

    /** {@code random_()} on a double tensor: integers in [0, 2^53], one 64-bit draw each. */
    public synchronized void fillRandom(double[] a, int off, int n) {
        checkRange("random_", a.length, off, n);
        for (int i = off, end = off + n; i < end; i++) {
            a[i] = (double) Long.remainderUnsigned(nextLong(), (1L << 53) + 1);
        }
    }

    // ------------------------------------------------------------------ permutations

    /**
     * A random permutation of {@code 0 .. n-1}, as {@code torch.randperm(n)} (int64) on the CPU.
     */
    public synchronized long[] randperm(int n) {
        if (n < 0) throw new IllegalArgumentException("randperm: n must be non-negative, got " + n);
        long[] r = new long[n];
        if (n < RANDPERM_SMALL_LIMIT) {
            for (int i = 0; i < n; i++) r[i] = i;
            for (int i = 0; i < n - 1; i++) {
                int z = (int) (nextUnsigned32() % (n - i));
                long save = r[i];
                r[i] = r[z + i];
                r[z + i] = save;
            }
        } else {
            randpermInsideOut(r, n);
        }
        return r;
    }

    /** randperm's algorithm for large n: the inside-out Fisher-Yates shuffle with 64-bit draws. */
    void randpermInsideOut(long[] r, int n) {
        for (int i = 0; i < n; i++) {
            int z = (int) Long.remainderUnsigned(nextLong(), i + 1L);
            r[i] = i;
            r[i] = r[z];
            r[z] = i;
        }
    }

    // ------------------------------------------------------------------ Bernoulli

    /**
     * Fills {@code a[off .. off+n)} with 1 (probability {@code p}) or 0, as {@code bernoulli_(p)}
     * on a float tensor. Dropout in training mode is
     * {@code fillBernoulli(mask, 0, n, 1 - p)} followed by {@code mask / (1 - p)} and
     * {@code input * mask}.
     */
    public synchronized void fillBernoulli(float[] a, int off, int n, double p) {
        checkRange("bernoulli_", a.length, off, n);
        checkProbability(p);
        for (int i = off, end = off + n; i < end; i++) a[i] = nextUniformDouble() < p ? 1f : 0f;
    }

    /** {@code bernoulli_(p)} on a double tensor. */
    public synchronized void fillBernoulli(double[] a, int off, int n, double p) {
        checkRange("bernoulli_", a.length, off, n);
        checkProbability(p);
        for (int i = off, end = off + n; i < end; i++) a[i] = nextUniformDouble() < p ? 1.0 : 0.0;
    }

    /** {@code bernoulli_(p)} on an int64 tensor. */
    public synchronized void fillBernoulli(long[] a, int off, int n, double p) {
        checkRange("bernoulli_", a.length, off, n);
        checkProbability(p);
        for (int i = off, end = off + n; i < end; i++) a[i] = nextUniformDouble() < p ? 1L : 0L;
    }

    /** {@code bernoulli_(p)} on an int32 tensor. */
    public synchronized void fillBernoulli(int[] a, int off, int n, double p) {
        checkRange("bernoulli_", a.length, off, n);
        checkProbability(p);
        for (int i = off, end = off + n; i < end; i++) a[i] = nextUniformDouble() < p ? 1 : 0;
    }

    /** {@code bernoulli_(p)} on an int8 or uint8 tensor. */
    public synchronized void fillBernoulli(byte[] a, int off, int n, double p) {
        checkRange("bernoulli_", a.length, off, n);
        checkProbability(p);
        for (int i = off, end = off + n; i < end; i++) a[i] = (byte) (nextUniformDouble() < p ? 1 : 0);
    }

    /** {@code bernoulli_(p)} on a bool tensor. */
    public synchronized void fillBernoulli(boolean[] a, int off, int n, double p) {
        checkRange("bernoulli_", a.length, off, n);
        checkProbability(p);
        for (int i = off, end = off + n; i < end; i++) a[i] = nextUniformDouble() < p;
    }

    /**
     * {@code torch.bernoulli(probs)} for float probabilities: {@code a[off+i]} is 1 with
     * probability {@code probs[pOff+i]}. Each element takes one 24-bit float uniform, compared in
     * float.
     */
    public synchronized void fillBernoulli(float[] a, int off, int n, float[] probs, int pOff) {
        checkRange("bernoulli", a.length, off, n);
        checkRange("bernoulli", probs.length, pOff, n);
        for (int i = 0; i < n; i++) checkProbability(probs[pOff + i]);
        for (int i = 0; i < n; i++) a[off + i] = nextUniformFloat() < probs[pOff + i] ? 1f : 0f;
    }

    /** {@code torch.bernoulli(probs)} for double probabilities: one 53-bit uniform per element. */
    public synchronized void fillBernoulli(double[] a, int off, int n, double[] probs, int pOff) {
        checkRange("bernoulli", a.length, off, n);
        checkRange("bernoulli", probs.length, pOff, n);
        for (int i = 0; i < n; i++) checkProbability(probs[pOff + i]);
        for (int i = 0; i < n; i++) a[off + i] = nextUniformDouble() < probs[pOff + i] ? 1.0 : 0.0;
    }

    private static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("bernoulli_ expects p to be in [0, 1], but got p=" + p);
        }
    }

    // ------------------------------------------------------------------ exponential

    /** Fills {@code a[off .. off+n)} with exponential samples of rate {@code lambda}, as {@code exponential_}. */
    public synchronized void fillExponential(float[] a, int off, int n, double lambda) {
        checkRange("exponential_", a.length, off, n);
        checkLambda(lambda);
        double scale = -1.0 / lambda;
        for (int i = off, end = off + n; i < end; i++) a[i] = (float) (scale * DoubleMath.log1p(-nextUniformDouble()));
    }

    /** {@code exponential_(lambda)} on a double tensor. */
    public synchronized void fillExponential(double[] a, int off, int n, double lambda) {
        checkRange("exponential_", a.length, off, n);
        checkLambda(lambda);
        double scale = -1.0 / lambda;
        for (int i = off, end = off + n; i < end; i++) a[i] = scale * DoubleMath.log1p(-nextUniformDouble());
    }

    private static void checkLambda(double lambda) {
        if (!(lambda > 0.0)) {
            throw new IllegalArgumentException("exponential_ expects lambda > 0.0, but found lambda=" + lambda);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void checkRange(String op, int length, int off, int n) {
        if (off < 0 || n < 0 || off > length - n) {
            throw new IllegalArgumentException(op + ": range [" + off + ", " + ((long) off + n)
                    + ") does not fit in an array of length " + length);
        }
    }

    @Override
    public synchronized String toString() {
        return "Generator(initialSeed=" + Long.toUnsignedString(seed) + ")";
    }
}
