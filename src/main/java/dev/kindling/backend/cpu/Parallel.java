package dev.kindling.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The CPU kernels' thread pool: one shared fork-join pool sized by {@code Torch.setNumThreads}.
 *
 * <p>{@link #parallelFor} splits an index range into at most {@link #numThreads()} chunks of at
 * least {@code grain} indices; the calling thread runs the first chunk itself. Work below the
 * grain size runs inline, so a one-element op costs no task hand-off. A call made from inside a
 * pool worker (a kernel nested in a parallel loop) also runs inline: parallelism is taken once, at
 * the outermost level, and the pool is never oversubscribed.
 */
public final class Parallel {
    private Parallel() {}

    /** A body run over {@code [start, end)}. */
    @FunctionalInterface
    public interface Range {
        void run(int start, int end);
    }

    private static volatile int threads = defaultThreads();
    private static volatile ForkJoinPool pool;

    private static int defaultThreads() {
        String env = System.getenv("KINDLING_NUM_THREADS");
        if (env == null) env = System.getenv("OMP_NUM_THREADS");
        if (env != null) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // the default below
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of threads CPU kernels use. */
    public static int numThreads() { return threads; }

    /** Sets the number of threads CPU kernels use (at least 1). */
    public static synchronized void setNumThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("setNumThreads: expected a positive number of threads, got " + n);
        if (n == threads) return;
        threads = n;
        ForkJoinPool old = pool;
        pool = null;
        if (old != null) old.shutdown();
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    int n = Math.max(1, threads - 1);
                    p = new ForkJoinPool(n, pool -> {
                        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        t.setName("kindling-cpu-" + t.getPoolIndex());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /** True when the current thread is one of the kernel pool's workers. */
    public static boolean inWorker() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    /** How many chunks {@link #parallelFor} would use for {@code n} indices. */
    public static int chunks(long n, long grain) {
        int t = threads;
        if (t <= 1 || n <= grain || inWorker()) return 1;
        return (int) Math.max(1, Math.min(t, n / Math.max(1, grain)));
    }

    /** Runs {@code body} over {@code [0, n)} split into chunks of at least {@code grain} indices. */
    public static void parallelFor(int n, int grain, Range body) {
        int k = chunks(n, grain);
        if (k <= 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        ForkJoinPool p = pool();
        @SuppressWarnings("unchecked")
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[k - 1];
        for (int c = 1; c < k; c++) {
            int s = (int) ((long) n * c / k), e = (int) ((long) n * (c + 1) / k);
            tasks[c - 1] = p.submit(() -> body.run(s, e));
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / k));
        } catch (Throwable t) {
            failure = t;
        }
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }
}
