package dev.kindling;

import dev.kindling.backend.Storage;

/**
 * Tensor lifetime for device memory: each tensor holds one reference on its storage (views too),
 * {@link Tensor#close()} drops it, and the storage returns its memory when the last reference is
 * dropped. CPU storage ignores all of this and is left to the garbage collector; device storage also
 * has a Cleaner as a safety net for tensors that are never closed. Open {@link TensorScope}s are
 * tracked per thread.
 */
final class Scopes {
    private Scopes() {}

    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    static TensorScope open() {
        TensorScope s = new TensorScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    static void pop(TensorScope s) {
        if (CURRENT.get() == s) CURRENT.set(s.parent);
    }

    /** Called for each new tensor object that holds a storage reference. */
    static void created(Tensor t) {
        Storage s = t.storage;
        if (s.device().isCpu()) return;
        s.retain();
        TensorScope scope = CURRENT.get();
        if (scope != null) scope.add(t);
    }

    /** Takes a storage reference without joining a scope (a tensor whose data was replaced). */
    static void retain(Tensor t) {
        if (!t.storage.device().isCpu()) t.storage.retain();
    }

    static void release(Tensor t) {
        Storage s = t.storage;
        if (s.device().isCpu()) return;
        s.releaseRef();
    }
}
