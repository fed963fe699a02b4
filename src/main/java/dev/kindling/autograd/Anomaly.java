package dev.kindling.autograd;

/**
 * Anomaly detection (PyTorch's {@code torch.autograd.set_detect_anomaly}): while on, every node
 * keeps the stack trace of the op that created it, a failing backward reports that trace, and a
 * node that returns NaN gradients fails with "Function 'XBackward0' returned nan values in its 0th
 * output." Global, as in PyTorch; costs a stack trace per op while on.
 */
public final class Anomaly {
    private Anomaly() {}

    private static volatile boolean enabled;

    public static boolean isEnabled() { return enabled; }

    public static void setEnabled(boolean on) { enabled = on; }
}
