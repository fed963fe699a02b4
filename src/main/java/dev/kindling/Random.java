package dev.kindling;

import dev.kindling.backend.cpu.CpuStorage;

/**
 * Random tensor factories. Numbers are drawn on the CPU from a {@link Generator} (the default one
 * unless given) in the order PyTorch's CPU generator draws them, so the same seed gives the same
 * tensors as PyTorch; tensors for other devices are filled on the CPU and copied.
 */
final class Random {
    private Random() {}

    private static Generator gen(Generator g) {
        return g != null ? g : Generator.defaultGenerator();
    }

    private static void checkFloat(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new KindlingException("\"" + op + "\" not implemented for '" + dtype.scalarName() + "'");
        }
    }

    static Tensor uniform(int[] shape, double from, double to, DType dtype, Generator g) {
        checkFloat("check_uniform_bounds", dtype);
        if (from > to) {
            throw new KindlingException("uniform_ expects to return a [from, to) range, but found from=" + from + " > to=" + to);
        }
        Tensor t = Torch.empty(shape, dtype == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32, Device.CPU);
        Object a = ((CpuStorage) t.storage).array;
        int n = (int) t.numel();
        if (a instanceof float[] f) gen(g).fillUniform(f, 0, n, from, to);
        else gen(g).fillUniform((double[]) a, 0, n, from, to);
        return dtype == t.dtype() ? t : t.to(dtype);
    }

    static Tensor normal(int[] shape, double mean, double std, DType dtype, Generator g) {
        checkFloat("normal_kernel_cpu", dtype);
        if (std < 0) throw new KindlingException("normal expects std >= 0.0, but found std " + std);
        Tensor t = Torch.empty(shape, dtype == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32, Device.CPU);
        Object a = ((CpuStorage) t.storage).array;
        int n = (int) t.numel();
        if (a instanceof float[] f) gen(g).fillNormal(f, 0, n, mean, std);
        else gen(g).fillNormal((double[]) a, 0, n, mean, std);
        return dtype == t.dtype() ? t : t.to(dtype);
    }

    static Tensor randint(long low, long high, int[] shape, DType dtype, Generator g) {
        if (low >= high) {
            throw new KindlingException("random_ expects 'from' to be less than 'to', but got from=" + low + " >= to=" + high);
        }
        Tensor t = Torch.empty(shape, DType.INT64, Device.CPU);
        gen(g).fillRandomInt((long[]) ((CpuStorage) t.storage).array, 0, (int) t.numel(), low, high);
        return dtype == DType.INT64 ? t : t.to(dtype);
    }

    static Tensor randperm(int n, Generator g) {
        if (n < 0) throw new KindlingException("n must be non-negative, got" + n);
        return Tensor.from(gen(g).randperm(n));
    }

    static Tensor bernoulli(Tensor p, Generator g) {
        Tensor probs = p.to(Device.CPU).to(DType.FLOAT64).contiguous();
        double[] pa = probs.toDoubleArray();
        for (double v : pa) {
            if (!(v >= 0 && v <= 1)) throw new KindlingException("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
        }
        Tensor out = Torch.empty(p.shape, p.dtype().isFloatingPoint() ? p.dtype() : DType.FLOAT32, Device.CPU);
        double[] r = new double[pa.length];
        gen(g).fillBernoulli(r, 0, r.length, pa, 0);
        out.backendCopyFrom(Tensor.from(r).view(p.shape));
        return out.to(p.device());
    }

    static Tensor multinomial(Tensor input, int numSamples, boolean replacement, Generator g) {
        if (input.dim() < 1 || input.dim() > 2) throw new KindlingException("prob_dist must be 1 or 2 dim");
        Tensor probs = input.dim() == 1 ? input.unsqueeze(0) : input;
        int rows = probs.size(0), k = probs.size(1);
        if (!replacement && numSamples > k) {
            throw new KindlingException("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
        }
        double[] w = probs.to(Device.CPU).toDoubleArray();
        long[] out = new long[rows * numSamples];
        double[] u = new double[1];
        for (int r = 0; r < rows; r++) {
            double[] row = java.util.Arrays.copyOfRange(w, r * k, (r + 1) * k);
            for (double v : row) if (v < 0 || !Double.isFinite(v)) throw new KindlingException("invalid multinomial distribution (encountering probability entry < 0)");
            for (int s = 0; s < numSamples; s++) {
                double total = 0;
                for (double v : row) total += v;
                if (total <= 0) throw new KindlingException("invalid multinomial distribution (sum of probabilities <= 0)");
                gen(g).fillUniform(u, 0, 1, 0, total);
                double acc = 0;
                int pick = k - 1;
                for (int j = 0; j < k; j++) {
                    acc += row[j];
                    if (u[0] < acc && row[j] > 0) {
                        pick = j;
                        break;
                    }
                }
                out[r * numSamples + s] = pick;
                if (!replacement) row[pick] = 0;
            }
        }
        Tensor t = Tensor.from(out, rows, numSamples);
        return (input.dim() == 1 ? t.squeeze(0) : t).to(input.device());
    }
}
