package dev.kindling.bench;

import dev.kindling.Tensor;
import java.util.SplittableRandom;

/**
 * Deterministic input data for one workload, handed to both of its sides.
 *
 * <p>Each call draws a fresh array from a generator seeded by the workload's id, so a rerun sees
 * the same numbers. {@link #k} wraps a <em>copy</em> of the array for Kindling (whose
 * {@code Tensor.from} shares it), so an in-place Kindling op never changes what libtorch is given;
 * {@link Lt#floats} copies into libtorch's own memory.
 */
final class Inputs {
    private final SplittableRandom random;

    Inputs(String workloadId) { this.random = new SplittableRandom(workloadId.hashCode() * 0x9E3779B97F4A7C15L); }

    /** {@code n} floats uniform in {@code [lo, hi)}. */
    float[] uniform(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        return v;
    }

    /** {@code n} class indices uniform in {@code [0, classes)}. */
    long[] classes(int n, int classes) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = random.nextInt(classes);
        return v;
    }

    /** A Kindling tensor over a copy of {@code data}. */
    static Tensor k(float[] data, int... shape) { return Tensor.from(data.clone(), shape); }

    /** A Kindling int64 tensor over a copy of {@code data}. */
    static Tensor k(long[] data, int... shape) { return Tensor.from(data.clone(), shape); }

    /** Element count of a shape. */
    static int numel(int... shape) {
        long n = 1;
        for (int s : shape) n *= s;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("Inputs: shape too large: " + n + " elements");
        return (int) n;
    }

    /** The bound {@code 1/sqrt(fanIn)} of PyTorch's default weight and bias initialisation. */
    static double bound(int fanIn) { return 1.0 / Math.sqrt(fanIn); }
}
