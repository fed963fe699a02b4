package dev.kindling.nn.utils;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping and parameter flattening, as {@code torch.nn.utils}: {@code clip_grad_norm_},
 * {@code clip_grad_value_}, {@code parameters_to_vector} and {@code vector_to_parameters}.
 * Parameters whose gradient is null are skipped by the clipping functions.
 *
 * <pre>{@code
 * loss.backward();
 * Utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 * }</pre>
 */
public final class Utils {
    private Utils() {}

    /** Added to the total norm before dividing, as PyTorch does, so a zero norm gives no division by zero. */
    public static final double CLIP_NORM_EPS = 1e-6;

    /** {@link #clipGradNorm_(Iterable, double, double, boolean)} with the 2-norm. */
    public static Tensor clipGradNorm_(Iterable<Tensor> parameters, double maxNorm) {
        return clipGradNorm_(parameters, maxNorm, 2.0, false);
    }

    /**
     * Scales all gradients together so that their joint {@code normType}-norm (the norm of the
     * per-gradient norms) is at most {@code maxNorm}: each gradient is multiplied in place by
     * {@code min(1, maxNorm / (total + 1e-6))}. Returns the total norm before clipping (a 0-dim
     * tensor; 0 when there are no gradients). With {@code errorIfNonfinite}, a NaN or infinite
     * total throws instead of scaling.
     */
    public static Tensor clipGradNorm_(Iterable<Tensor> parameters, double maxNorm, double normType, boolean errorIfNonfinite) {
        List<Tensor> grads = grads(parameters);
        if (grads.isEmpty()) return Torch.tensor(0.0);
        try (var g = Torch.noGrad()) {
            List<Tensor> norms = new ArrayList<>();
            for (Tensor gr : grads) norms.add(gr.norm(normType).to(grads.get(0).device()));
            Tensor total = Torch.stack(norms).norm(normType);
            if (errorIfNonfinite && total.isfinite().logicalNot().item() != 0) {
                throw new KindlingException("The total norm of order " + normType + " for gradients from `parameters` is non-finite, "
                        + "so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, "
                        + "set `error_if_nonfinite=False`");
            }
            Tensor coef = Torch.fullLike(total, maxNorm).div(total.add(CLIP_NORM_EPS)).clampMax(1.0);
            for (Tensor gr : grads) gr.mul_(coef.to(gr.device()).to(gr.dtype()));
            return total;
        }
    }

    /** Clamps every gradient in place to {@code [-clipValue, clipValue]}. */
    public static void clipGradValue_(Iterable<Tensor> parameters, double clipValue) {
        try (var g = Torch.noGrad()) {
            for (Tensor gr : grads(parameters)) gr.clamp_(-clipValue, clipValue);
        }
    }

    private static List<Tensor> grads(Iterable<Tensor> parameters) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : parameters) if (p.grad() != null) out.add(p.grad());
        return out;
    }

    /** The parameters flattened and concatenated into one 1-D tensor (differentiable, a copy). */
    public static Tensor parametersToVector(Iterable<Tensor> parameters) {
        List<Tensor> flat = new ArrayList<>();
        dev.kindling.Device device = null;
        for (Tensor p : parameters) {
            if (device == null) device = p.device();
            else if (!device.equals(p.device())) {
                throw new KindlingException("Found two parameters on different devices, this is currently not supported.");
            }
            flat.add(p.reshape(-1));
        }
        if (flat.isEmpty()) throw new KindlingException("parametersToVector: no parameters given");
        return Torch.cat(flat);
    }

    /**
     * Makes each parameter's data the next slice of {@code vec} (in place, as
     * {@code param.data = ...}): afterwards the parameters view {@code vec}'s storage. The length
     * is checked first, so a wrong vector changes nothing.
     */
    public static void vectorToParameters(Tensor vec, Iterable<Tensor> parameters) {
        if (vec.dim() != 1) throw new KindlingException("vectorToParameters: expected a 1-D vector, got shape "
                + java.util.Arrays.toString(vec.shape()));
        List<Tensor> params = new ArrayList<>();
        long total = 0;
        for (Tensor p : parameters) {
            if (!p.device().equals(vec.device())) {
                throw new KindlingException("Found two parameters on different devices, this is currently not supported.");
            }
            params.add(p);
            total += p.numel();
        }
        if (total != vec.numel()) {
            throw new KindlingException("vectorToParameters: the parameters hold " + total + " elements but the vector has "
                    + vec.numel());
        }
        int at = 0;
        for (Tensor p : params) {
            int n = (int) p.numel();
            p.setData_(vec.detach().narrow(0, at, n).view(p.shape()).to(p.dtype()));
            at += n;
        }
    }
}
