package dev.kindling.data;

import dev.kindling.Generator;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Batches from a dataset, as {@code torch.utils.data.DataLoader}: sequential or shuffled order,
 * a batch size, an optional dropped last batch, a collate function, and background workers that
 * prepare the next batches while the current one is used.
 *
 * <p>Each {@link #iterator()} is one epoch. Shuffling follows PyTorch's {@code RandomSampler}: a
 * permutation from {@code randperm(n, generator)} per epoch, so a loader with {@code seed(s)}
 * visits samples in the same order as PyTorch with {@code generator=torch.Generator().manual_seed(s)}.
 * Without a seed, each epoch's generator is seeded from the default generator, as PyTorch does.
 *
 * <pre>{@code
 * DataLoader<Tensor[]> loader = DataLoader.of(new TensorDataset(x, y)).batchSize(64).shuffle(true).seed(0).build();
 * for (Tensor[] batch : loader) { Tensor xb = batch[0], yb = batch[1]; ... }
 * }</pre>
 *
 * @param <B> the batch type
 */
public final class DataLoader<B> implements Iterable<B> {
    private final Dataset<?> dataset;
    private final Function<int[], B> makeBatch;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Generator generator;
    private final int numWorkers;
    private final int prefetch;

    private DataLoader(Builder<?, B> b, Function<int[], B> makeBatch) {
        this.dataset = b.dataset;
        this.makeBatch = makeBatch;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.generator = b.seed == null ? null : new Generator().manualSeed(b.seed);
        this.numWorkers = b.numWorkers;
        this.prefetch = b.prefetch;
    }

    private static final Function<List<Tensor[]>, Tensor[]> DEFAULT_COLLATE = DataLoader::stackFields;

    /** A loader over samples of tensors, batched by stacking each field (PyTorch's default collate). */
    public static Builder<Tensor[], Tensor[]> of(Dataset<Tensor[]> dataset) {
        return new Builder<>(dataset, DEFAULT_COLLATE);
    }

    /** A loader with a custom collate function from a list of samples to a batch. */
    public static <T, B> Builder<T, B> of(Dataset<T> dataset, Function<List<T>, B> collate) {
        return new Builder<>(dataset, collate);
    }

    /** Stacks field i of every sample into field i of the batch. */
    public static Tensor[] stackFields(List<Tensor[]> samples) {
        int fields = samples.get(0).length;
        Tensor[] out = new Tensor[fields];
        for (int f = 0; f < fields; f++) {
            List<Tensor> col = new ArrayList<>(samples.size());
            for (Tensor[] s : samples) col.add(s[f]);
            out[f] = Torch.stack(col, 0);
        }
        return out;
    }

    /** The number of batches per epoch ({@code len(loader)}). */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public int batchSize() { return batchSize; }

    public Dataset<?> dataset() { return dataset; }

    /** The sample order of one epoch. */
    private long[] order() {
        int n = dataset.size();
        if (!shuffle) {
            long[] o = new long[n];
            for (int i = 0; i < n; i++) o[i] = i;
            return o;
        }
        Generator g = generator;
        if (g == null) {
            long[] seed = new long[1];
            Generator.defaultGenerator().fillRandom(seed, 0, 1);
            g = new Generator().manualSeed(seed[0]);
        }
        return g.randperm(n);
    }

    @Override
    public Iterator<B> iterator() {
        long[] order = order();
        int batches = numBatches();
        List<int[]> plan = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            int from = b * batchSize, to = Math.min(order.length, from + batchSize);
            int[] idx = new int[to - from];
            for (int i = from; i < to; i++) idx[i - from] = (int) order[i];
            plan.add(idx);
        }
        return numWorkers == 0 ? new Serial(plan) : new Prefetching(plan);
    }

    private final class Serial implements Iterator<B> {
        private final List<int[]> plan;
        private int next;

        Serial(List<int[]> plan) { this.plan = plan; }

        @Override
        public boolean hasNext() { return next < plan.size(); }

        @Override
        public B next() {
            if (!hasNext()) throw new NoSuchElementException();
            return makeBatch.apply(plan.get(next++));
        }
    }

    /** Keeps up to {@code prefetch * numWorkers} batches in flight on daemon worker threads, in order. */
    private final class Prefetching implements Iterator<B> {
        private final List<int[]> plan;
        private final ExecutorService pool;
        private final BlockingQueue<Future<B>> inFlight;
        private int submitted, taken;

        Prefetching(List<int[]> plan) {
            this.plan = plan;
            this.pool = Executors.newFixedThreadPool(numWorkers, r -> {
                Thread t = new Thread(r, "kindling-dataloader");
                t.setDaemon(true);
                return t;
            });
            int window = Math.max(1, prefetch * numWorkers);
            this.inFlight = new ArrayBlockingQueue<>(window);
            while (submitted < plan.size() && inFlight.remainingCapacity() > 0) submit();
            if (plan.isEmpty()) pool.shutdown();
        }

        private void submit() {
            int[] idx = plan.get(submitted++);
            inFlight.add(CompletableFuture.supplyAsync(() -> makeBatch.apply(idx), pool));
        }

        @Override
        public boolean hasNext() { return taken < plan.size(); }

        @Override
        public B next() {
            if (!hasNext()) throw new NoSuchElementException();
            Future<B> f = inFlight.poll();
            try {
                B batch = f.get();
                taken++;
                if (submitted < plan.size()) submit();
                if (taken == plan.size()) pool.shutdown();
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
                throw new KindlingException("interrupted while waiting for a batch", e);
            } catch (ExecutionException e) {
                pool.shutdownNow();
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof Error err) throw err;
                throw new KindlingException("a data loader worker failed: " + c, c);
            }
        }
    }

    /** Options of a {@link DataLoader}; defaults as PyTorch's (batch 1, no shuffle), plus one prefetching worker. */
    public static final class Builder<T, B> {
        private final Dataset<T> dataset;
        private final Function<List<T>, B> collate;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private Long seed;
        private int numWorkers = 1;
        private int prefetch = 2;

        Builder(Dataset<T> dataset, Function<List<T>, B> collate) {
            this.dataset = dataset;
            this.collate = collate;
        }

        public Builder<T, B> batchSize(int n) {
            if (n <= 0) throw new IllegalArgumentException("batch_size should be a positive integer value, but got batch_size=" + n);
            batchSize = n;
            return this;
        }

        public Builder<T, B> shuffle(boolean s) { shuffle = s; return this; }

        public Builder<T, B> dropLast(boolean d) { dropLast = d; return this; }

        /** Seeds the shuffling generator (PyTorch's {@code generator=torch.Generator().manual_seed(seed)}). */
        public Builder<T, B> seed(long s) { seed = s; return this; }

        /** Background threads preparing batches; 0 builds each batch on the caller's thread. */
        public Builder<T, B> numWorkers(int n) {
            if (n < 0) throw new IllegalArgumentException("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
            numWorkers = n;
            return this;
        }

        /** Batches prepared ahead per worker. */
        public Builder<T, B> prefetchFactor(int n) {
            if (n <= 0) throw new IllegalArgumentException("prefetch_factor must be positive, got " + n);
            prefetch = n;
            return this;
        }

        @SuppressWarnings("unchecked")
        public DataLoader<B> build() {
            Function<int[], B> make;
            if (dataset instanceof TensorDataset td && isDefaultCollate()) {
                // gather the batch rows in one index_select per tensor instead of stacking views
                Tensor[] ts = td.tensors();
                make = idx -> {
                    long[] l = new long[idx.length];
                    for (int i = 0; i < idx.length; i++) l[i] = idx[i];
                    Tensor index = Tensor.from(l);
                    Tensor[] out = new Tensor[ts.length];
                    for (int f = 0; f < ts.length; f++) out[f] = ts[f].indexSelect(0, index.to(ts[f].device()));
                    return (B) out;
                };
            } else {
                make = idx -> {
                    List<T> samples = new ArrayList<>(idx.length);
                    for (int i : idx) samples.add(dataset.get(i));
                    return collate.apply(samples);
                };
            }
            return new DataLoader<>(this, make);
        }

        private boolean isDefaultCollate() {
            return collate == (Object) DEFAULT_COLLATE;
        }
    }
}
