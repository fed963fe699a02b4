package dev.kindling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A memory scope from {@link Torch#scope()}: every device tensor created on this thread while it is
 * open is closed when it closes, except the ones passed to {@link #keep}, so the device memory of a
 * step's temporaries goes back to the allocator at once, without waiting for the garbage collector.
 * Scopes nest; a tensor belongs to the innermost open scope, and a kept tensor is handed to the
 * enclosing scope (if any). CPU tensors are not tracked (the garbage collector frees them).
 * {@code close()} throws nothing, so try-with-resources needs no catch.
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *     try (var scope = Torch.scope()) {
 *         Tensor loss = model(x).sub(y).square().mean();
 *         loss.backward();
 *         ...                        // every tensor made here is closed at the end of the step
 *     }
 * }
 * }</pre>
 */
public final class TensorScope implements AutoCloseable {
    private final List<Tensor> created = new ArrayList<>();
    private final Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    final TensorScope parent;
    private boolean closed;

    TensorScope(TensorScope parent) {
        this.parent = parent;
    }

    void add(Tensor t) {
        if (closed) {
            if (parent != null) parent.add(t);
            return;
        }
        created.add(t);
    }

    /** Keeps {@code t} open when this scope closes (handing it to the enclosing scope); returns t. */
    public Tensor keep(Tensor t) {
        kept.add(t);
        return t;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() { return closed; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Scopes.pop(this);
        for (Tensor t : created) {
            if (kept.contains(t)) {
                if (parent != null) parent.add(t);
            } else {
                t.close();
            }
        }
        created.clear();
        kept.clear();
    }
}
