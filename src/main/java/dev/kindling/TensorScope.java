package dev.kindling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A memory scope from {@link Torch#scope()}: every tensor created on this thread while it is open
 * is closed when it closes, except the ones passed to {@link #keep}. Scopes nest; a tensor belongs
 * to the innermost open scope, and a kept tensor is handed to the enclosing scope (if any).
 * {@code close()} throws nothing, so try-with-resources needs no catch.
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
        created.add(t);
    }

    /** Keeps {@code t} open when this scope closes; returns t. */
    public Tensor keep(Tensor t) {
        kept.add(t);
        return t;
    }

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
    }
}
