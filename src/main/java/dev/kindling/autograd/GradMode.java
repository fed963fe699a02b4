package dev.kindling.autograd;

/**
 * Whether ops record autograd history on the current thread (PyTorch's grad mode), and whether
 * inference mode is on. Thread-local: {@code Torch.noGrad()} on one thread never affects another.
 * Scopes are opened by {@code Torch.noGrad()}, {@code Torch.enableGrad()},
 * {@code Torch.setGradEnabled(bool)} and {@code Torch.inferenceMode()}.
 */
public final class GradMode {
    private GradMode() {}

    private static final class State {
        boolean enabled = true;
        boolean inference = false;
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    public static boolean isEnabled() { return STATE.get().enabled; }

    public static void setEnabled(boolean enabled) { STATE.get().enabled = enabled; }

    public static boolean isInferenceMode() { return STATE.get().inference; }

    /** A scope that restores the previous state when closed; close() throws nothing. */
    public static final class Scope implements AutoCloseable {
        private final boolean prevEnabled;
        private final boolean prevInference;
        private boolean closed;

        Scope(boolean enabled, boolean inference) {
            State s = STATE.get();
            prevEnabled = s.enabled;
            prevInference = s.inference;
            s.enabled = enabled;
            s.inference = inference;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            State s = STATE.get();
            s.enabled = prevEnabled;
            s.inference = prevInference;
        }
    }

    /** Opens a scope with grad mode set to {@code enabled}. */
    public static Scope scope(boolean enabled) { return new Scope(enabled, STATE.get().inference && !enabled); }

    /** Opens an inference-mode scope: no recording, as {@code torch.inference_mode()}. */
    public static Scope inference(boolean on) {
        return on ? new Scope(false, true) : new Scope(STATE.get().enabled, false);
    }
}
