package dev.kindling;

import dev.kindling.autograd.GradMode;
import dev.kindling.backend.Backend;
import dev.kindling.backend.Storage;
import dev.kindling.backend.Strided;
import dev.kindling.backend.cpu.CpuBackend;
import dev.kindling.backend.cpu.Parallel;

import java.lang.reflect.Array;
import java.util.List;
import java.util.function.Supplier;

/**
 * Static factories and functions, as the {@code torch} module: creation ({@code zeros},
 * {@code ones}, {@code full}, {@code arange}, {@code tensor}...), grad-mode scopes
 * ({@code noGrad}...), threads, and the functions that take several tensors ({@code cat},
 * {@code stack}, {@code where}).
 *
 * <pre>{@code
 * Tensor a = Torch.zeros(2, 3);                          // float32
 * Tensor b = Torch.tensor(new float[][]{{1, 2}, {3, 4}}); // a copy
 * try (var g = Torch.noGrad()) { p.sub_(p.grad().mul(0.1)); }
 * }</pre>
 */
public final class Torch {
    private Torch() {}

    // ---------------------------------------------------------------------------------------
    // backends
    // ---------------------------------------------------------------------------------------

    static Backend backend(Device device) {
        if (device.isCpu()) return CpuBackend.INSTANCE;
        return Devices.cuda(device);
    }

    // ---------------------------------------------------------------------------------------
    // creation
    // ---------------------------------------------------------------------------------------

    /** A new tensor; on the CPU its elements are zero, elsewhere unspecified ({@code torch.empty}). */
    public static Tensor empty(int[] shape, DType dtype, Device device) {
        Shapes.checkShape(shape, "empty");
        Storage s = backend(device).allocate(dtype, Shapes.numel(shape));
        return new Tensor(s, shape.clone());
    }

    public static Tensor empty(int... shape) { return empty(shape, Promotion.DEFAULT_FLOAT, Device.CPU); }

    public static Tensor zeros(int... shape) { return zeros(shape, Promotion.DEFAULT_FLOAT, Device.CPU); }

    public static Tensor zeros(int[] shape, DType dtype) { return zeros(shape, dtype, Device.CPU); }

    public static Tensor zeros(int[] shape, DType dtype, Device device) {
        Tensor t = empty(shape, dtype, device);
        if (device.isCuda()) t.zero_();
        return t;
    }

    public static Tensor ones(int... shape) { return ones(shape, Promotion.DEFAULT_FLOAT, Device.CPU); }

    public static Tensor ones(int[] shape, DType dtype) { return ones(shape, dtype, Device.CPU); }

    public static Tensor ones(int[] shape, DType dtype, Device device) { return fill(empty(shape, dtype, device), Scalar.of(1L)); }

    /** A tensor filled with {@code value} (float32). */
    public static Tensor full(double value, int... shape) { return full(shape, value, Promotion.DEFAULT_FLOAT, Device.CPU); }

    /** A tensor filled with an integer {@code value} (int64, as PyTorch infers it). */
    public static Tensor full(long value, int... shape) { return fill(empty(shape, DType.INT64, Device.CPU), Scalar.of(value)); }

    public static Tensor full(boolean value, int... shape) { return fill(empty(shape, DType.BOOL, Device.CPU), Scalar.of(value)); }

    public static Tensor full(int[] shape, double value, DType dtype, Device device) {
        return fill(empty(shape, dtype, device), Scalar.of(value));
    }

    private static Tensor fill(Tensor t, Scalar v) {
        if (t.numel() > 0) t.storage.backend().copy(Ops.scalarOperand(v, t.dtype()), t.strided());
        return t;
    }

    public static Tensor emptyLike(Tensor t) { return empty(t.shape, t.dtype(), t.device()); }

    public static Tensor zerosLike(Tensor t) { return zeros(t.shape, t.dtype(), t.device()); }

    public static Tensor onesLike(Tensor t) { return ones(t.shape, t.dtype(), t.device()); }

    public static Tensor fullLike(Tensor t, double value) { return full(t.shape, value, t.dtype(), t.device()); }

    /** A 0-dim float32 tensor ({@code torch.tensor(1.5)}). */
    public static Tensor tensor(double value) { return full(new int[0], value, Promotion.DEFAULT_FLOAT, Device.CPU); }

    /** A 0-dim int64 tensor ({@code torch.tensor(3)}). */
    public static Tensor tensor(long value) { return fill(empty(new int[0], DType.INT64, Device.CPU), Scalar.of(value)); }

    public static Tensor tensor(boolean value) { return fill(empty(new int[0], DType.BOOL, Device.CPU), Scalar.of(value)); }

    /**
     * A new tensor holding a copy of a (possibly nested) Java array: {@code float[]}, {@code float[][]},
     * {@code double[][][]}, {@code long[]}, {@code int[][]}, {@code boolean[]}... float and double
     * arrays give float32 (as {@code torch.tensor} of Python floats), long and int arrays int64,
     * boolean arrays bool. Rows must be rectangular.
     */
    public static Tensor tensor(Object nested) {
        Class<?> leaf = nested.getClass();
        int depth = 0;
        while (leaf.isArray()) {
            leaf = leaf.getComponentType();
            depth++;
        }
        if (depth == 0) throw new IllegalArgumentException("Torch.tensor: expected a Java array, got " + nested.getClass().getSimpleName());
        DType dtype;
        if (leaf == float.class || leaf == double.class) dtype = Promotion.DEFAULT_FLOAT;
        else if (leaf == long.class || leaf == int.class || leaf == short.class || leaf == byte.class) dtype = DType.INT64;
        else if (leaf == boolean.class) dtype = DType.BOOL;
        else throw new IllegalArgumentException("Torch.tensor: unsupported element type " + leaf.getSimpleName());
        return tensor(nested, dtype);
    }

    /** A copy of a (possibly nested) Java array as a tensor of {@code dtype}. */
    public static Tensor tensor(Object nested, DType dtype) {
        int[] shape = nestedShape(nested);
        double[] flat = new double[(int) Shapes.numel(shape)];
        long[] flatL = dtype.isFloatingPoint() ? null : new long[flat.length];
        flatten(nested, shape, 0, flat, flatL, new int[] {0});
        Tensor src = flatL != null ? Tensor.from(flatL, shape) : Tensor.from(flat, shape);
        Tensor out = empty(shape, dtype, Device.CPU);
        out.backendCopyFrom(src);
        return out;
    }

    private static int[] nestedShape(Object a) {
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        Object cur = a;
        while (cur != null && cur.getClass().isArray()) {
            int n = Array.getLength(cur);
            dims.add(n);
            cur = n > 0 ? Array.get(cur, 0) : null;
            if (cur == null && n == 0) {
                // an empty level: deeper levels (from the static type) have size 0 too
                Class<?> c = a.getClass();
                for (int i = 0; i < dims.size(); i++) c = c.getComponentType();
                while (c != null && c.isArray()) {
                    dims.add(0);
                    c = c.getComponentType();
                }
                if (dims.size() > 1) dims.remove(dims.size() - 1);
                break;
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void flatten(Object a, int[] shape, int depth, double[] out, long[] outL, int[] pos) {
        int n = Array.getLength(a);
        if (n != shape[depth]) {
            throw new IllegalArgumentException("Torch.tensor: expected sequence of length " + shape[depth] + " at dim " + depth
                    + " (got " + n + ")");
        }
        if (depth == shape.length - 1) {
            for (int i = 0; i < n; i++) {
                Object v = Array.get(a, i);
                int p = pos[0]++;
                if (v instanceof Boolean b) {
                    out[p] = b ? 1 : 0;
                    if (outL != null) outL[p] = b ? 1 : 0;
                } else {
                    Number num = (Number) v;
                    out[p] = num.doubleValue();
                    if (outL != null) outL[p] = num.longValue();
                }
            }
            return;
        }
        for (int i = 0; i < n; i++) flatten(Array.get(a, i), shape, depth + 1, out, outL, pos);
    }

    /** 0, 1, ..., end-1 as int64. */
    public static Tensor arange(long end) { return arange(0L, end, 1L); }

    public static Tensor arange(long start, long end) { return arange(start, end, 1L); }

    public static Tensor arange(long start, long end, long step) {
        checkArange(start, end, step);
        long n = Math.max(0, (end - start + step - (step > 0 ? 1 : -1)) / step);
        long[] a = new long[(int) n];
        for (int i = 0; i < n; i++) a[i] = start + i * step;
        return Tensor.from(a);
    }

    /** start, start+step, ... below end, as float32. */
    public static Tensor arange(double start, double end, double step) {
        checkArange(start, end, step);
        long n = (long) Math.ceil((end - start) / step);
        n = Math.max(n, 0);
        float[] a = new float[(int) n];
        for (int i = 0; i < n; i++) a[i] = (float) (start + i * step);
        return Tensor.from(a);
    }

    public static Tensor arange(double end) { return arange(0.0, end, 1.0); }

    private static void checkArange(double start, double end, double step) {
        if (step == 0) throw new KindlingException("step must be nonzero");
        if (!Double.isFinite(start) || !Double.isFinite(end)) throw new KindlingException("unsupported range: " + start + " -> " + end);
        if ((step > 0 && end < start) || (step < 0 && end > start)) {
            throw new KindlingException("upper bound and larger bound inconsistent with step sign");
        }
    }

    /** {@code steps} evenly spaced float32 values from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        if (steps < 0) throw new KindlingException("number of steps must be non-negative");
        float[] a = new float[steps];
        if (steps == 1) a[0] = (float) start;
        if (steps > 1) {
            double step = (end - start) / (steps - 1);
            int half = steps / 2;
            for (int i = 0; i < steps; i++) a[i] = (float) (i < half ? start + step * i : end - step * (steps - i - 1));
        }
        return Tensor.from(a);
    }

    /** The n×n identity (float32). */
    public static Tensor eye(int n) { return eye(n, n); }

    public static Tensor eye(int n, int m) {
        if (n < 0 || m < 0) throw new KindlingException("n and m must be greater or equal to 0, got " + n + " and " + m);
        float[] a = new float[n * m];
        for (int i = 0; i < Math.min(n, m); i++) a[i * m + i] = 1;
        return Tensor.from(a, n, m);
    }

    // ---------------------------------------------------------------------------------------
    // random numbers
    // ---------------------------------------------------------------------------------------

    /** Seeds the default generator, as {@code torch.manual_seed}. */
    public static void manualSeed(long seed) { Generator.defaultGenerator().manualSeed(seed); }

    public static Generator defaultGenerator() { return Generator.defaultGenerator(); }

    /** Uniform [0, 1) float32 numbers, the same sequence as PyTorch's CPU generator. */
    public static Tensor rand(int... shape) { return Random.uniform(shape, 0, 1, Promotion.DEFAULT_FLOAT, null); }

    public static Tensor rand(int[] shape, DType dtype, Generator gen) { return Random.uniform(shape, 0, 1, dtype, gen); }

    /** Standard normal float32 numbers, PyTorch's sequence. */
    public static Tensor randn(int... shape) { return Random.normal(shape, 0, 1, Promotion.DEFAULT_FLOAT, null); }

    public static Tensor randn(int[] shape, DType dtype, Generator gen) { return Random.normal(shape, 0, 1, dtype, gen); }

    /** Integers uniform in [low, high), int64. */
    public static Tensor randint(long low, long high, int... shape) { return Random.randint(low, high, shape, DType.INT64, null); }

    public static Tensor randint(long high, int[] shape) { return randint(0, high, shape); }

    public static Tensor randint(long low, long high, int[] shape, Generator gen) { return Random.randint(low, high, shape, DType.INT64, gen); }

    /** A random permutation of 0..n-1 (int64). */
    public static Tensor randperm(int n) { return Random.randperm(n, null); }

    public static Tensor randperm(int n, Generator gen) { return Random.randperm(n, gen); }

    /** Normal numbers with the given mean and std (float32). */
    public static Tensor normal(double mean, double std, int... shape) { return Random.normal(shape, mean, std, Promotion.DEFAULT_FLOAT, null); }

    /** 1 with probability p (element-wise from a tensor of probabilities), else 0. */
    public static Tensor bernoulli(Tensor p) { return Random.bernoulli(p, null); }

    public static Tensor bernoulli(Tensor p, Generator gen) { return Random.bernoulli(p, gen); }

    public static Tensor randLike(Tensor t) { return Random.uniform(t.shape, 0, 1, t.dtype(), null).to(t.device()); }

    public static Tensor randnLike(Tensor t) { return Random.normal(t.shape, 0, 1, t.dtype(), null).to(t.device()); }

    /** Samples {@code numSamples} indices per row from the (unnormalised) probabilities in {@code input}. */
    public static Tensor multinomial(Tensor input, int numSamples, boolean replacement) {
        return Random.multinomial(input, numSamples, replacement, null);
    }

    // ---------------------------------------------------------------------------------------
    // grad mode
    // ---------------------------------------------------------------------------------------

    /** Disables recording on this thread until closed; {@code close()} throws nothing. */
    public static GradMode.Scope noGrad() { return GradMode.scope(false); }

    /** Enables recording on this thread until closed (inside a noGrad block, for example). */
    public static GradMode.Scope enableGrad() { return GradMode.scope(true); }

    /** Sets grad mode until the returned scope is closed (or for good if it is never closed). */
    public static GradMode.Scope setGradEnabled(boolean enabled) { return GradMode.scope(enabled); }

    public static boolean isGradEnabled() { return GradMode.isEnabled(); }

    /** Inference mode: no recording, as {@code torch.inference_mode()}. */
    public static GradMode.Scope inferenceMode() { return GradMode.inference(true); }

    public static boolean isInferenceModeEnabled() { return GradMode.isInferenceMode(); }

    /** Runs {@code body} with grad mode off and returns its result. */
    public static <T> T noGrad(Supplier<T> body) {
        try (var g = noGrad()) {
            return body.get();
        }
    }

    /** Runs {@code body} with grad mode off. */
    public static void noGrad(Runnable body) {
        try (var g = noGrad()) {
            body.run();
        }
    }

    // ---------------------------------------------------------------------------------------
    // threads, memory scopes, printing
    // ---------------------------------------------------------------------------------------

    /** Sets the number of threads CPU kernels use ({@code torch.set_num_threads}). */
    public static void setNumThreads(int n) { Parallel.setNumThreads(n); }

    public static int getNumThreads() { return Parallel.numThreads(); }

    /**
     * A scope that closes every tensor created inside it on this thread when it is closed, except
     * those passed to {@link TensorScope#keep}. Device memory comes back at once.
     *
     * <pre>{@code
     * try (var scope = Torch.scope()) {
     *     Tensor loss = model.forward(x).sub(y).square().mean();
     *     total += loss.item();
     * }
     * }</pre>
     */
    public static TensorScope scope() { return Scopes.open(); }

    /** Saves a state dict (or any named tensors) as a safetensors file ({@code torch.save}). */
    public static void save(java.util.Map<String, Tensor> tensors, java.nio.file.Path path) {
        dev.kindling.io.Safetensors.save(tensors, path);
    }

    /** Loads named tensors from a safetensors file ({@code torch.load}). */
    public static java.util.Map<String, Tensor> load(java.nio.file.Path path) {
        return dev.kindling.io.Safetensors.load(path);
    }

    /** Sets how tensors print ({@code torch.set_printoptions}); null arguments keep the current value. */
    public static void setPrintOptions(Integer precision, Double threshold, Integer edgeitems, Integer linewidth, Boolean sciMode) {
        PrintOptions.set(precision, threshold, edgeitems, linewidth, null, sciMode);
    }

    // ---------------------------------------------------------------------------------------
    // convolution and pooling (NCHW; 3-D inputs are treated as one unbatched sample)
    // ---------------------------------------------------------------------------------------

    /**
     * 2-D convolution: input [N, C, H, W], weight [O, C/groups, kH, kW], bias [O] or null; stride,
     * padding and dilation are one int for both dims or a pair.
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return ConvOps.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }

    /** conv2d with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) {
        return conv2d(input, weight, bias, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /** Transposed 2-D convolution: weight [C_in, C_out/groups, kH, kW]. */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int groups, int[] dilation) {
        return ConvOps.convTranspose2d(input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /** Max pooling with the flat (h·W + w) index of each maximum in its input plane. */
    public static ValuesIndices maxPool2dWithIndices(Tensor input, int[] kernelSize, int[] stride, int[] padding,
                                                     int[] dilation, boolean ceilMode) {
        return ConvOps.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);
    }

    /** Max pooling; stride null or empty means the kernel size. */
    public static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return ConvOps.maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode).values();
    }

    /** Average pooling; {@code divisorOverride} null means the window size. */
    public static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
                                   boolean countIncludePad, Integer divisorOverride) {
        return ConvOps.avgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    public static Tensor adaptiveAvgPool2d(Tensor input, int... outputSize) {
        return ConvOps.adaptiveAvgPool2d(input, outputSize);
    }

    public static ValuesIndices adaptiveMaxPool2d(Tensor input, int... outputSize) {
        return ConvOps.adaptiveMaxPool2d(input, outputSize);
    }

    // ---------------------------------------------------------------------------------------
    // functions of several tensors
    // ---------------------------------------------------------------------------------------

    /** Concatenates along {@code dim} ({@code torch.cat}). */
    public static Tensor cat(List<Tensor> tensors, int dim) { return Indexing.cat(tensors, dim); }

    public static Tensor cat(List<Tensor> tensors) { return cat(tensors, 0); }

    /** Stacks along a new dim ({@code torch.stack}). */
    public static Tensor stack(List<Tensor> tensors, int dim) { return Indexing.stack(tensors, dim); }

    public static Tensor stack(List<Tensor> tensors) { return stack(tensors, 0); }

    public static Tensor hstack(List<Tensor> tensors) { return tensors.get(0).dim() == 1 ? cat(tensors, 0) : cat(tensors, 1); }

    public static Tensor vstack(List<Tensor> tensors) {
        return cat(tensors.stream().map(t -> t.dim() == 1 ? t.unsqueeze(0) : t).toList(), 0);
    }

    /** Elements of {@code x} where {@code condition} is true, else of {@code y}. */
    public static Tensor where(Tensor condition, Tensor x, Tensor y) { return Ops.where(condition, x, y); }

    public static Tensor where(Tensor condition, double x, double y) {
        return Ops.where(condition, tensor(x), tensor(y));
    }

    public static Tensor matmul(Tensor a, Tensor b) { return a.matmul(b); }

    public static Tensor maximum(Tensor a, Tensor b) { return a.maximum(b); }

    public static Tensor minimum(Tensor a, Tensor b) { return a.minimum(b); }

    public static boolean allclose(Tensor a, Tensor b) { return a.allclose(b); }

    public static boolean equal(Tensor a, Tensor b) { return a.equal(b); }

    /** Broadcasts shapes as {@code torch.broadcast_shapes}. */
    public static int[] broadcastShapes(int[]... shapes) { return Shapes.broadcast(shapes); }

    /** The common dtype of an op on these tensors ({@code torch.result_type}). */
    public static DType resultType(Tensor a, Tensor b) { return Promotion.resultType(a, b); }

    public static DType promoteTypes(DType a, DType b) { return DType.promoteTypes(a, b); }

    static Strided scalarOperand(double v, DType dtype) { return Ops.scalarOperand(Scalar.of(v), dtype); }
}
