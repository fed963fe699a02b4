package dev.kindling.nn.init;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.Generator;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameter initialisation, as {@code torch.nn.init}: every function fills its tensor in place
 * (without recording autograd history) and returns it.
 *
 * <p>Random fills draw from the default generator (or the one given) in the order PyTorch's CPU
 * kernels draw, so after {@code Torch.manualSeed(s)} a contiguous float32 or float64 tensor gets
 * the same values as the same call in PyTorch after {@code torch.manual_seed(s)}. Other dtypes
 * are drawn in float32 and converted. The bounds and standard deviations come from
 * {@link #calculateGain} and the fans of {@link #calculateFanInAndFanOut}, computed in double as
 * PyTorch's Python code computes them.
 *
 * <pre>{@code
 * Init.kaimingUniform_(linear.weight(), Math.sqrt(5), "fan_in", "leaky_relu");  // Linear's default
 * Init.zeros_(linear.bias());
 * }</pre>
 */
public final class Init {
    private Init() {}

    private static final Logger LOG = LoggerFactory.getLogger(Init.class);

    // =====================================================================================
    // Gains and fans
    // =====================================================================================

    /** {@link #calculateGain(String, Double)} with the nonlinearity's default parameter. */
    public static double calculateGain(String nonlinearity) { return calculateGain(nonlinearity, null); }

    /**
     * The recommended gain for a nonlinearity, as {@code torch.nn.init.calculate_gain}: 1 for the
     * linear and convolution functions and sigmoid, 5/3 for tanh, √2 for relu,
     * √(2 / (1 + slope²)) for leaky_relu (slope {@code param}, default 0.01), 3/4 for selu.
     */
    public static double calculateGain(String nonlinearity, Double param) {
        switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid":
                return 1;
            case "tanh":
                return 5.0 / 3;
            case "relu":
                return Math.sqrt(2.0);
            case "leaky_relu": {
                double slope = param == null ? 0.01 : param;
                return Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu":
                return 3.0 / 4;
            default:
                throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        }
    }

    /**
     * {@code {fan_in, fan_out}}: {@code size(1)} and {@code size(0)} times the product of the
     * remaining dims (the receptive field of a convolution's weight).
     */
    public static int[] calculateFanInAndFanOut(Tensor tensor) {
        if (tensor.dim() < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        }
        int receptive = 1;
        for (int d = 2; d < tensor.dim(); d++) receptive *= tensor.size(d);
        return new int[] {tensor.size(1) * receptive, tensor.size(0) * receptive};
    }

    private static int correctFan(Tensor tensor, String mode) {
        if (!"fan_in".equals(mode) && !"fan_out".equals(mode)) {
            throw new IllegalArgumentException("Mode " + mode + " not supported, please use one of ['fan_in', 'fan_out']");
        }
        int[] fans = calculateFanInAndFanOut(tensor);
        return "fan_in".equals(mode) ? fans[0] : fans[1];
    }

    // =====================================================================================
    // Fills
    // =====================================================================================

    /** Fills with U(a, b) from the default generator. */
    public static Tensor uniform_(Tensor tensor, double a, double b) { return uniform_(tensor, a, b, null); }

    /** Fills with U(a, b) from {@code generator} (null: the default). */
    public static Tensor uniform_(Tensor tensor, double a, double b, Generator generator) {
        if (a > b) throw new KindlingException("uniform_ expects to return a [from, to) range, but found from=" + a + " > to=" + b);
        Generator g = generator != null ? generator : Torch.defaultGenerator();
        return draw(tensor, f -> g.fillUniform(f, 0, f.length, a, b), d -> g.fillUniform(d, 0, d.length, a, b));
    }

    /** Fills with N(mean, std²) from the default generator. */
    public static Tensor normal_(Tensor tensor, double mean, double std) { return normal_(tensor, mean, std, null); }

    /** Fills with N(mean, std²) from {@code generator} (null: the default). */
    public static Tensor normal_(Tensor tensor, double mean, double std, Generator generator) {
        if (std < 0) throw new KindlingException("normal expects std >= 0.0, but found std " + std);
        Generator g = generator != null ? generator : Torch.defaultGenerator();
        return draw(tensor, f -> g.fillNormal(f, 0, f.length, mean, std), d -> g.fillNormal(d, 0, d.length, mean, std));
    }

    /**
     * Draws {@code tensor.numel()} numbers in row-major order, in double for a FLOAT64 tensor and
     * in float otherwise (as PyTorch's kernels draw for each dtype), and copies them in.
     */
    private static Tensor draw(Tensor tensor, java.util.function.Consumer<float[]> floats, java.util.function.Consumer<double[]> doubles) {
        if (!tensor.isFloatingPoint()) throw new KindlingException("init: expected a floating-point tensor, got " + tensor.dtype());
        int n = (int) tensor.numel();
        if (tensor.dtype() == DType.FLOAT64) {
            double[] v = new double[n];
            doubles.accept(v);
            return fill(tensor, Tensor.from(v).view(tensor.shape()));
        }
        float[] v = new float[n];
        floats.accept(v);
        return fill(tensor, Tensor.from(v).view(tensor.shape()));
    }

    /** Fills every element with {@code value}. */
    public static Tensor constant_(Tensor tensor, double value) {
        try (var g = Torch.noGrad()) {
            tensor.fill_(value);
        }
        return tensor;
    }

    public static Tensor zeros_(Tensor tensor) { return constant_(tensor, 0); }

    public static Tensor ones_(Tensor tensor) { return constant_(tensor, 1); }

    /** Fills a 2-D tensor with the identity (ones on the main diagonal, zeros elsewhere). */
    public static Tensor eye_(Tensor tensor) {
        if (tensor.dim() != 2) throw new IllegalArgumentException("Only tensors with 2 dimensions are supported");
        return fill(tensor, Torch.eye(tensor.size(0), tensor.size(1)));
    }

    /** Xavier/Glorot uniform: U(-a, a) with {@code a = gain·√(6 / (fan_in + fan_out))}. */
    public static Tensor xavierUniform_(Tensor tensor, double gain) {
        int[] fans = calculateFanInAndFanOut(tensor);
        double std = gain * Math.sqrt(2.0 / (fans[0] + fans[1]));
        double a = Math.sqrt(3.0) * std;
        return uniform_(tensor, -a, a);
    }

    public static Tensor xavierUniform_(Tensor tensor) { return xavierUniform_(tensor, 1.0); }

    /** Xavier/Glorot normal: N(0, std²) with {@code std = gain·√(2 / (fan_in + fan_out))}. */
    public static Tensor xavierNormal_(Tensor tensor, double gain) {
        int[] fans = calculateFanInAndFanOut(tensor);
        double std = gain * Math.sqrt(2.0 / (fans[0] + fans[1]));
        return normal_(tensor, 0, std);
    }

    public static Tensor xavierNormal_(Tensor tensor) { return xavierNormal_(tensor, 1.0); }

    /**
     * Kaiming/He uniform: U(-b, b) with {@code b = gain·√(3 / fan)}, gain from
     * {@link #calculateGain(String, Double)} with parameter {@code a}, fan by {@code mode}
     * ("fan_in" or "fan_out"). Linear and convolutions use a = √5, "fan_in", "leaky_relu".
     */
    public static Tensor kaimingUniform_(Tensor tensor, double a, String mode, String nonlinearity) {
        if (tensor.numel() == 0) {
            LOG.warn("Initializing zero-element tensors is a no-op");
            return tensor;
        }
        int fan = correctFan(tensor, mode);
        double gain = calculateGain(nonlinearity, a);
        double std = gain / Math.sqrt(fan);
        double bound = Math.sqrt(3.0) * std;
        return uniform_(tensor, -bound, bound);
    }

    /** PyTorch's defaults: a = 0, "fan_in", "leaky_relu". */
    public static Tensor kaimingUniform_(Tensor tensor) { return kaimingUniform_(tensor, 0, "fan_in", "leaky_relu"); }

    /** Kaiming/He normal: N(0, std²) with {@code std = gain / √fan}. */
    public static Tensor kaimingNormal_(Tensor tensor, double a, String mode, String nonlinearity) {
        if (tensor.numel() == 0) {
            LOG.warn("Initializing zero-element tensors is a no-op");
            return tensor;
        }
        int fan = correctFan(tensor, mode);
        double gain = calculateGain(nonlinearity, a);
        return normal_(tensor, 0, gain / Math.sqrt(fan));
    }

    public static Tensor kaimingNormal_(Tensor tensor) { return kaimingNormal_(tensor, 0, "fan_in", "leaky_relu"); }

    /**
     * Fills with N(mean, std²) truncated to [a, b], by PyTorch's inverse-CDF method: uniform
     * draws in {@code [2Φ(α)-1, 2Φ(β)-1]} mapped through {@code erfinv}, scaled by
     * {@code std·√2}, shifted by mean, then clamped to [a, b]. Defaults: 0, 1, -2, 2.
     */
    public static Tensor truncNormal_(Tensor tensor, double mean, double std, double a, double b) {
        if (mean < a - 2 * std || mean > b + 2 * std) {
            LOG.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.");
        }
        double l = normCdf((a - mean) / std);
        double u = normCdf((b - mean) / std);
        try (var g = Torch.noGrad()) {
            uniform_(tensor, 2 * l - 1, 2 * u - 1);
            tensor.copy_(tensor.erfinv().mul(std * Math.sqrt(2.0)).add(mean).clamp(a, b));
        }
        return tensor;
    }

    public static Tensor truncNormal_(Tensor tensor) { return truncNormal_(tensor, 0, 1, -2, 2); }

    /** Φ(x) = (1 + erf(x/√2)) / 2, with the core's double erf. */
    private static double normCdf(double x) {
        double erf = Torch.full(new int[0], x / Math.sqrt(2.0), DType.FLOAT64, Device.CPU).erf().item();
        return (1.0 + erf) / 2.0;
    }

    /**
     * Fills with a (semi-)orthogonal matrix, as {@code torch.nn.init.orthogonal_}: the Q of the
     * QR decomposition of a normal sample of shape {@code [rows, numel/rows]} (transposed when
     * wider than tall), with its columns' signs made those of R's diagonal, times {@code gain}.
     */
    public static Tensor orthogonal_(Tensor tensor, double gain) {
        if (tensor.dim() < 2) throw new IllegalArgumentException("Only tensors with 2 or more dimensions are supported");
        if (tensor.numel() == 0) return tensor;
        int rows = tensor.size(0);
        int cols = (int) (tensor.numel() / rows);
        Tensor flat = normal_(Torch.empty(new int[] {rows, cols}, tensor.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32,
                Device.CPU), 0, 1);
        boolean wide = rows < cols;
        Tensor a = wide ? flat.t() : flat;
        double[] q = Householder.orthonormalQ(a.contiguous().toDoubleArray(), a.size(0), a.size(1));
        Tensor qt = Tensor.from(q, a.size(0), a.size(1));
        if (wide) qt = qt.t();
        return fill(tensor, qt.mul(gain).reshape(tensor.shape()));
    }

    public static Tensor orthogonal_(Tensor tensor) { return orthogonal_(tensor, 1.0); }

    // =====================================================================================
    // Helpers
    // =====================================================================================

    /** Copies {@code values} (row-major, on the CPU) into {@code tensor} in place, without history. */
    private static Tensor fill(Tensor tensor, Tensor values) {
        try (var g = Torch.noGrad()) {
            tensor.copy_(values);
        }
        return tensor;
    }

    /** Thin Householder QR in double, enough for orthogonal_ (Q is then sign-normalised). */
    static final class Householder {
        private Householder() {}

        /**
         * The m×n (m ≥ n) matrix Q with orthonormal columns of A = QR, scaled column by column by
         * the sign of R's diagonal, which makes it the unique Q whose R has a positive diagonal
         * (the same Q that LAPACK's geqrf followed by that sign fix gives).
         */
        static double[] orthonormalQ(double[] a, int m, int n) {
            double[] r = a.clone();
            double[][] vs = new double[n][];
            double[] diag = new double[n];
            for (int k = 0; k < n; k++) {
                double norm = 0;
                for (int i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
                norm = Math.sqrt(norm);
                double alpha = r[k * n + k] > 0 ? -norm : norm;
                double[] v = new double[m];
                for (int i = k; i < m; i++) v[i] = r[i * n + k];
                v[k] -= alpha;
                double vv = 0;
                for (int i = k; i < m; i++) vv += v[i] * v[i];
                if (vv > 0) {
                    for (int j = k; j < n; j++) {
                        double dot = 0;
                        for (int i = k; i < m; i++) dot += v[i] * r[i * n + j];
                        double f = 2 * dot / vv;
                        for (int i = k; i < m; i++) r[i * n + j] -= f * v[i];
                    }
                }
                vs[k] = vv > 0 ? v : null;
                diag[k] = r[k * n + k];
            }
            // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity
            double[] q = new double[m * n];
            for (int j = 0; j < n; j++) q[j * n + j] = 1;
            for (int k = n - 1; k >= 0; k--) {
                double[] v = vs[k];
                if (v == null) continue;
                double vv = 0;
                for (int i = k; i < m; i++) vv += v[i] * v[i];
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int i = k; i < m; i++) dot += v[i] * q[i * n + j];
                    double f = 2 * dot / vv;
                    for (int i = k; i < m; i++) q[i * n + j] -= f * v[i];
                }
            }
            for (int j = 0; j < n; j++) {
                double s = Math.signum(diag[j]);
                for (int i = 0; i < m; i++) q[i * n + j] *= s;
            }
            return q;
        }
    }
}
