package dev.kindling;

import dev.kindling.backend.Storage;
import dev.kindling.backend.cuda.CudaStorage;

/**
 * Tensor lifetime for device memory (see DESIGN.md, Memory). Each tensor object over a device
 * storage holds one reference on it, views included; {@link Tensor#close()} drops it, and the
 * storage returns its memory to the caching allocator when the last reference is dropped. A tensor
 * that is never closed drops its reference when it becomes unreachable (a cleaner the CUDA backend
 * drains on its next allocation, or when the device is full), so temporaries that ops create over
 * a result never pin it for long; with {@code KINDLING_CUDA_LEAK_REPORT=1} memory freed that way is
 * logged with the tensor's shape and the allocation's stack trace. CPU storage ignores all of this
 * and is left to the garbage collector, so CPU tensors cost nothing here and never load a CUDA
 * class.
 *
 * <p>Open {@link TensorScope}s are tracked per thread: a device tensor created on a thread joins
 * the innermost scope open on that thread.
 */
final class Scopes {
    private Scopes() {}

    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    static TensorScope open() {
        TensorScope s = new TensorScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** Removes {@code s}, and any scope still open inside it, from this thread's open scopes. */
    static void pop(TensorScope s) {
        for (TensorScope t = CURRENT.get(); t != null; t = t.parent) {
            if (t == s) {
                if (s.parent == null) CURRENT.remove();
                else CURRENT.set(s.parent);
                return;
            }
        }
    }

    /** Called for each new tensor object that holds a storage reference. */
    static void created(Tensor t) {
        if (t.storage.device().isCpu()) return;
        retain(t);
        TensorScope scope = CURRENT.get();
        if (scope != null) scope.add(t);
    }

    /** Takes a storage reference without joining a scope (also for a tensor whose data was replaced). */
    static void retain(Tensor t) {
        Storage s = t.storage;
        if (s.device().isCpu()) return;
        if (s instanceof CudaStorage cs) {
            t.memoryHandle = cs.track(t, t.shape);
        } else {
            s.retain();
        }
    }

    /** Drops the tensor's storage reference (once, however often it is called). */
    static void release(Tensor t) {
        Storage s = t.storage;
        if (s.device().isCpu()) return;
        Runnable h = t.memoryHandle;
        if (h != null) {
            t.memoryHandle = null;
            h.run();
        } else {
            s.releaseRef();
        }
    }
}
