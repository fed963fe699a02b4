package dev.kindling;

import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Graph;
import dev.kindling.autograd.GradMode;
import dev.kindling.backend.cpu.CpuFused;

import java.util.Arrays;

/**
 * Dispatch of fused ops: one-pass kernels for compositions that training runs on every step,
 * each with its own row in the derivatives table (PyTorch's {@code threshold_backward}).
 *
 * <p>Every op here is defined by a composition of public tensor ops, written out beside it. On
 * CPU tensors of floating dtypes the fused kernel of {@link CpuFused} runs instead (one or two
 * passes over memory instead of several, and no temporaries); on other devices the composition
 * runs, so a backend needs nothing new. Either way the result is recorded with the op's own
 * derivative row, which is itself written with ops of this class or public tensor ops, so the
 * fused ops are differentiable to any order. Public for the derivatives table and for custom
 * functions; users reach the forward ops through {@link Tensor} and {@code nn.functional}.
 */
public final class FusedOps {
    private FusedOps() {}

    private static boolean cpuFloating(Tensor... ts) {
        for (Tensor t : ts) {
            if (t == null) continue;
            if (!t.device().isCpu() || !t.dtype().isFloatingPoint()) return false;
        }
        return true;
    }

    /**
     * The gradient of a threshold ({@code relu} is threshold 0): {@code grad} where
     * {@code self > threshold}, else 0; where self is NaN the gradient passes, as in PyTorch's
     * {@code threshold_backward}. {@code grad} and {@code self} broadcast; the result has their
     * promoted floating dtype.
     */
    public static Tensor thresholdBackward(Tensor grad, Tensor self, double threshold) {
        Device dev = Ops.device("threshold_backward", grad, self);
        DType dt = Promotion.resultType(grad, self);
        if (!dt.isFloatingPoint()) {
            throw new KindlingException("threshold_backward: expected floating point tensors, got " + grad.dtype().scalarName()
                    + " and " + self.dtype().scalarName());
        }
        Tensor out;
        if (cpuFloating(grad, self) && Arrays.equals(grad.shape, self.shape)) {
            out = Ops.empty(grad.shape, dt, dev);
            CpuFused.thresholdBackward(grad.strided(), self.strided(), out.strided(), threshold);
        } else {
            try (var g = GradMode.scope(false)) {
                out = Ops.where(self.le(threshold), Ops.scalarLike(0.0, grad), grad);
                if (out.dtype() != dt) out = out.to(dt);
            }
        }
        if (Graph.isRecording(grad, self)) Graph.record2(Derivatives.THRESHOLD_BACKWARD, out, grad, self, threshold);
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // batch normalisation
    // ---------------------------------------------------------------------------------------

    /**
     * Whether {@link #batchNorm} runs these operands: a CPU input of a floating dtype, weight and
     * bias null or CPU vectors of its dtype, running statistics null or on the CPU; in evaluation
     * mode only when nothing is recorded (the composition in {@code nn.functional} records it).
     */
    public static boolean fusesBatchNorm(Tensor input, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                         boolean training) {
        if (input.dim() < 2 || !cpuFloating(input)) return false;
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && (!p.device().isCpu() || p.dtype() != input.dtype() || p.dim() != 1)) return false;
        }
        for (Tensor r : new Tensor[] {runningMean, runningVar}) {
            if (r != null && (!r.device().isCpu() || r.requiresGrad())) return false;
        }
        if (training) return true;
        return runningMean != null && runningVar != null && !Graph.isRecording(input, weight, bias);
    }

    /**
     * Batch normalisation over the channel dim 1 of {@code [N, C, *]} (checked by the caller; see
     * {@link #fusesBatchNorm}): {@code (x − mean)·invstd·weight + bias} per channel. In training
     * the batch's mean and biased variance normalise and the running statistics (when given) move
     * toward the batch's mean and unbiased variance by {@code momentum}, in place; in evaluation
     * the running statistics normalise. Composition: {@code x.sub(mean).mul(var.add(eps).rsqrt())}
     * {@code .mul(weight).add(bias)} with {@code mean = x.mean(dims)}, {@code var = x.var(dims, 0)}.
     * Two passes over x for the statistics and one to normalise.
     */
    public static Tensor batchNorm(Tensor input, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                   boolean training, double momentum, double eps) {
        int c = input.size(1);
        long m = input.numel() / Math.max(1, c);
        Tensor x = input.contiguous();
        double[] mean, var;
        if (training) {
            mean = new double[c];
            var = new double[c];
            CpuFused.batchNormStats(x.strided(), mean, var);
            moveToward(runningMean, mean, momentum, 1);
            moveToward(runningVar, var, momentum, m / (m - 1.0));
        } else {
            mean = runningMean.detach().toDoubleArray();
            var = runningVar.detach().toDoubleArray();
        }
        double[] w = weight == null ? null : weight.detach().toDoubleArray(), b = bias == null ? null : bias.detach().toDoubleArray();
        double[] invstd = new double[c], scale = new double[c], shift = new double[c];
        for (int ch = 0; ch < c; ch++) {
            invstd[ch] = 1 / Math.sqrt(var[ch] + eps);
            scale[ch] = w == null ? invstd[ch] : w[ch] * invstd[ch];
            shift[ch] = (b == null ? 0 : b[ch]) - mean[ch] * scale[ch];
        }
        Tensor out = Ops.empty(input.shape, input.dtype(), input.device());
        CpuFused.channelAffine(x.strided(), scale, shift, out.strided());
        if (training && Graph.isRecording(input, weight, bias)) {
            Graph.recordN(Derivatives.BATCH_NORM, out, new Tensor[] {input, weight, bias}, mean, invstd, eps);
        }
        return out;
    }

    /** {@code r = (1 − momentum)·r + momentum·factor·stat}, in place, not recorded. */
    private static void moveToward(Tensor r, double[] stat, double momentum, double factor) {
        if (r == null) return;
        double[] old = r.detach().toDoubleArray();
        double[] next = new double[old.length];
        for (int i = 0; i < old.length; i++) next[i] = (1 - momentum) * old[i] + momentum * factor * stat[i];
        try (var g = GradMode.scope(false)) {
            r.copy_(Tensor.from(next).view(r.shape));
        }
    }

    /**
     * The gradients of training-mode {@link #batchNorm} with respect to input, weight and bias
     * (those flagged in {@code needs}; the others are null), given the forward's per-channel
     * {@code mean} and {@code invstd}. With {@code x̂ = (x − mean)·invstd} and M elements per
     * channel: {@code dbias = Σ g}, {@code dweight = Σ g·x̂},
     * {@code dx = weight·invstd·(g − Σg/M − x̂·Σ(g·x̂)/M)}. Fused (two passes) without grad mode;
     * under grad mode (double backward) the same formula is composed of tensor ops, with the batch
     * statistics recomputed from {@code input} so that their dependence on it is differentiated.
     */
    public static Tensor[] batchNormBackward(Tensor grad, Tensor input, Tensor weight, double[] mean, double[] invstd, double eps,
                                             boolean[] needs) {
        int c = input.size(1);
        long m = input.numel() / Math.max(1, c);
        boolean needX = needs[0], needW = needs.length > 1 && needs[1] && weight != null, needB = needs.length > 2 && needs[2];
        if (GradMode.isEnabled() || !cpuFloating(grad, input, weight) || grad.dtype() != input.dtype()) {
            return batchNormBackwardComposed(grad, input, weight, eps, needX, needW, needB);
        }
        Tensor g = grad.contiguous(), x = input.contiguous();
        double[] sumG = new double[c], sumGX = new double[c];
        CpuFused.batchNormBackwardSums(g.strided(), x.strided(), mean, sumG, sumGX);
        Tensor dx = null, dw = null, db = null;
        if (needX) {
            double[] w = weight == null ? null : weight.detach().toDoubleArray();
            double[] a = new double[c], b = new double[c], k = new double[c];
            for (int ch = 0; ch < c; ch++) {
                a[ch] = (w == null ? 1 : w[ch]) * invstd[ch];
                b[ch] = -a[ch] * invstd[ch] * invstd[ch] * sumGX[ch] / m;
                k[ch] = -a[ch] * sumG[ch] / m - b[ch] * mean[ch];
            }
            dx = Ops.empty(input.shape, input.dtype(), input.device());
            CpuFused.channelAffine2(g.strided(), x.strided(), a, b, k, dx.strided());
        }
        if (needW) {
            double[] v = new double[c];
            for (int ch = 0; ch < c; ch++) v[ch] = sumGX[ch] * invstd[ch];
            dw = Tensor.from(v).to(weight.dtype());
        }
        if (needB) db = Tensor.from(sumG).to(input.dtype());
        return new Tensor[] {dx, dw, db};
    }

    private static Tensor[] batchNormBackwardComposed(Tensor grad, Tensor input, Tensor weight, double eps, boolean needX,
                                                      boolean needW, boolean needB) {
        int c = input.size(1);
        int[] dims = new int[input.dim() - 1];
        int[] bshape = new int[input.dim()];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        for (int d = 0; d < dims.length; d++) dims[d] = d == 0 ? 0 : d + 1;
        double m = (double) input.numel() / c;
        Tensor mean = input.mean(dims, true);
        Tensor invstd = input.var(dims, 0, true).add(eps).rsqrt();
        Tensor xhat = input.sub(mean).mul(invstd);
        Tensor sumG = grad.sum(dims, true);
        Tensor sumGXhat = needX || needW ? grad.mul(xhat).sum(dims, true) : null;
        Tensor dx = null;
        if (needX) {
            dx = grad.sub(sumG.div(m)).sub(xhat.mul(sumGXhat.div(m))).mul(invstd);
            if (weight != null) dx = dx.mul(weight.view(bshape));
        }
        return new Tensor[] {dx, needW ? sumGXhat.view(c) : null, needB ? sumG.view(c) : null};
    }

    // ---------------------------------------------------------------------------------------
    // optimizer steps
    // ---------------------------------------------------------------------------------------

    /**
     * One Adam step on one parameter, in place, without recording (PyTorch's {@code _fused_adam_}
     * for one tensor): the composition
     * <pre>
     * expAvg.lerp_(grad, 1 - beta1);
     * expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
     * Tensor second = maxExpAvgSq == null ? expAvgSq : maxExpAvgSq.copy_(maxExpAvgSq.maximum(expAvgSq));
     * param.addcdiv_(expAvg, second.sqrt().div_(biasCorrection2Sqrt).add_(eps), -stepSize);
     * </pre>
     * On dense float32 CPU tensors of one shape one pass runs that gives the same bits (every
     * operation in the same order and precision); otherwise the composition runs. Each tensor
     * written gets a new version, as the composition gives it.
     */
    public static void adamStep_(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                                 double beta1, double beta2, double stepSize, double biasCorrection2Sqrt, double eps) {
        try (var noGrad = GradMode.scope(false)) {
            if (denseFloat32Cpu(param, param, grad, expAvg, expAvgSq) && (maxExpAvgSq == null || denseFloat32Cpu(param, maxExpAvgSq))) {
                CpuFused.adam(param.strided(), grad.strided(), expAvg.strided(), expAvgSq.strided(),
                        maxExpAvgSq == null ? null : maxExpAvgSq.strided(), 1 - beta1, beta2, 1 - beta2, biasCorrection2Sqrt, eps, -stepSize);
                for (Tensor t : new Tensor[] {expAvg, expAvgSq, maxExpAvgSq, param}) if (t != null) t.version.bump();
                return;
            }
            expAvg.lerp_(grad, 1 - beta1);
            expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
            Tensor second = maxExpAvgSq == null ? expAvgSq : maxExpAvgSq.copy_(maxExpAvgSq.maximum(expAvgSq));
            param.addcdiv_(expAvg, second.sqrt().div_(biasCorrection2Sqrt).add_(eps), -stepSize);
        }
    }

    /** Whether every tensor is a dense float32 CPU tensor of {@code like}'s shape. */
    private static boolean denseFloat32Cpu(Tensor like, Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.FLOAT32 || !t.device().isCpu() || !t.isContiguous() || !Arrays.equals(t.shape, like.shape)) return false;
        }
        return true;
    }
}
