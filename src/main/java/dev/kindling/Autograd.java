package dev.kindling;

import dev.kindling.autograd.Anomaly;
import dev.kindling.autograd.Engine;
import dev.kindling.autograd.GraphGrowth;

import java.util.List;

/**
 * Functional autograd entry points ({@code torch.autograd}): gradients returned rather than
 * accumulated, multi-output backward, and anomaly detection.
 *
 * <pre>{@code
 * Tensor x = Torch.tensor(new double[]{1, 2}, DType.FLOAT64).requiresGrad_(true);
 * Tensor y = x.pow(3).sum();
 * Tensor dy = Autograd.grad(List.of(y), List.of(x), true).get(0);   // 3x², with history
 * Tensor d2 = Autograd.grad(List.of(dy.sum()), List.of(x)).get(0);  // 6x
 * }</pre>
 */
public final class Autograd {
    private Autograd() {}

    /** The gradients of {@code outputs} (scalars) with respect to {@code inputs}. */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs) {
        return grad(outputs, inputs, null, null, false, false);
    }

    /** As {@link #grad(List, List)}, keeping the graph of the gradients when {@code createGraph}. */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, boolean createGraph) {
        return grad(outputs, inputs, null, null, createGraph, false);
    }

    /**
     * {@code torch.autograd.grad}: {@code gradOutputs} seeds non-scalar outputs (null entries mean
     * ones for scalars); {@code retainGraph} null means "same as createGraph"; with
     * {@code allowUnused} an input that the outputs do not depend on gets null instead of an error.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    Boolean retainGraph, boolean createGraph, boolean allowUnused) {
        return Engine.grad(outputs, inputs, gradOutputs, retainGraph == null ? createGraph : retainGraph, createGraph, allowUnused);
    }

    /** {@code torch.autograd.backward} over several outputs at once. */
    public static void backward(List<Tensor> outputs, List<Tensor> gradOutputs, boolean retainGraph, boolean createGraph) {
        Engine.backward(outputs, gradOutputs, retainGraph, createGraph);
    }

    /** Turns anomaly detection on or off (global), as {@code torch.autograd.set_detect_anomaly}. */
    public static void setDetectAnomaly(boolean on) { Anomaly.setEnabled(on); }

    public static boolean isAnomalyEnabled() { return Anomaly.isEnabled(); }

    /** A scope with anomaly detection on; closing it restores the previous setting. */
    public static AutoCloseableScope detectAnomaly() {
        boolean prev = Anomaly.isEnabled();
        Anomaly.setEnabled(true);
        return () -> Anomaly.setEnabled(prev);
    }

    /** An AutoCloseable whose close() throws nothing. */
    @FunctionalInterface
    public interface AutoCloseableScope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Sets the node count past which one warning about a growing graph is logged (the
     * "total = total.add(loss)" trap); the default is one million.
     */
    public static void setGraphWarningThreshold(long nodes) { GraphGrowth.setThreshold(nodes); }
}
