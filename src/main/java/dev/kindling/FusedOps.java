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
}
