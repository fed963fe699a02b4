package dev.kindling.backend.cuda;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The safety net that returns the device memory of storages nobody closed: a phantom reference per
 * {@link CudaStorage}, whose action frees the storage's block once the storage is unreachable.
 *
 * <p>Unlike {@link java.lang.ref.Cleaner} it has no thread of its own: the queue is drained by
 * whoever needs memory, synchronously. Every CUDA allocation and every memory statistic drains it
 * first (a cheap poll when it is empty), and the caching allocator's reclaimer ({@link #reclaim})
 * runs the garbage collector and drains until the queue stays quiet, so an allocation that would
 * fail gets the memory of every tensor that was already unreachable. An explicit release runs the
 * same action at once ({@link Handle#clean}); each action runs exactly once.
 */
final class DeviceCleaner {
    static final DeviceCleaner INSTANCE = new DeviceCleaner();

    /** How long {@link #reclaim} waits for more references to arrive once none came: 20 ms. */
    static final long QUIET_MILLIS = 20;
    /** How long {@link #reclaim} waits for the first reference after a collection: 100 ms. */
    static final long FIRST_MILLIS = 100;
    /** The longest {@link #reclaim} waits in all: 500 ms. */
    static final long MAX_RECLAIM_MILLIS = 500;

    /** What to do when a registered object goes: {@code unreachable} is false for an explicit clean. */
    interface Action {
        void run(boolean unreachable);
    }

    /** A registration; {@link #clean} runs the action now unless it already ran. */
    final class Handle extends PhantomReference<Object> {
        private final Action action;
        private boolean done;

        private Handle(Object referent, Action action) {
            super(referent, queue);
            this.action = action;
        }

        /** Runs the action now (an explicit release); later calls and the collector do nothing. */
        void clean() { run(false); }

        private void run(boolean unreachable) {
            synchronized (this) {
                if (done) return;
                done = true;
            }
            live.remove(this);
            clear();
            action.run(unreachable);
        }
    }

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Set<Handle> live = ConcurrentHashMap.newKeySet();

    /** Runs {@code action} once {@code referent} is unreachable, unless the handle is cleaned first. */
    Handle register(Object referent, Action action) {
        Handle h = new Handle(referent, action);
        live.add(h);
        return h;
    }

    /** Runs the actions of every object found unreachable so far; returns how many ran. */
    int drain() {
        int n = 0;
        for (Reference<?> r; (r = queue.poll()) != null; n++) ((Handle) r).run(true);
        return n;
    }

    /**
     * Runs the garbage collector, then the actions of everything it found unreachable: waits up to
     * {@link #FIRST_MILLIS} for a first reference (collecting a second time if none came), then
     * until none has arrived for {@link #QUIET_MILLIS}, at most {@link #MAX_RECLAIM_MILLIS} in all.
     * Returns how many ran.
     */
    int reclaim() {
        System.gc();
        int n = drain();
        long deadline = System.nanoTime() + MAX_RECLAIM_MILLIS * 1_000_000L;
        try {
            // the reference handler enqueues after the collection; on a busy machine give it time,
            // and collect once more if nothing came
            for (int attempt = 0; n == 0 && attempt < 2; attempt++) {
                Reference<?> first = queue.remove(FIRST_MILLIS);
                if (first != null) {
                    ((Handle) first).run(true);
                    n++;
                    n += drain();
                } else if (attempt == 0) {
                    System.gc();
                }
            }
            while (System.nanoTime() < deadline) {
                Reference<?> r = queue.remove(QUIET_MILLIS);
                if (r == null) break;
                ((Handle) r).run(true);
                n++;
                n += drain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return n;
    }

    /** Registrations whose action has not run yet. */
    int pending() { return live.size(); }
}
