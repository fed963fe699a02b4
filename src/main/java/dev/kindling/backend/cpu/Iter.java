package dev.kindling.backend.cpu;

import dev.kindling.backend.Strided;

/**
 * Walks the elements of an output shape together with its operands, one contiguous-in-index
 * "row" (the innermost dimension) at a time.
 *
 * <p>Built by the CPU kernels from operands already broadcast to the output shape (operand 0 is the
 * output by convention; scalar operands have no storage and stride 0). Size-1 dimensions are
 * dropped and neighbouring dimensions that are laid out one after the other in every operand are
 * merged, so a contiguous tensor of any rank is a single row. {@link #forEach} splits the element
 * range, not the rows, across threads, so one long row parallelises as well as many short ones; each
 * chunk gets its own {@link Body} (and so its own scratch buffers). Chunks are pulled by the
 * threads as they come free ({@link #dynamicFor}), a few per thread.
 */
final class Iter {
    /** Elements per parallel chunk below which work stays on the calling thread. */
    static final int GRAIN = 32_768;

    /** Pieces per thread that {@link #forEach} cuts a parallel range into, pulled as threads come free. */
    static final int PIECES_PER_THREAD = 4;

    /** Receives one row: the absolute start offset of each operand and the element count. */
    interface Body {
        void row(int[] offsets, int n);
    }

    /** Creates the body one chunk of work uses, given the chunk's element count (to size buffers). */
    interface BodyFactory {
        Body create(int chunkElements);
    }

    final int nops;
    final int ndim;
    final int[] sizes;
    final int[][] strides; // [op][dim]
    final int[] base;
    final long numel;

    Iter(int[] shape, Strided... ops) {
        nops = ops.length;
        base = new int[nops];
        long n = 1;
        for (int s : shape) n *= s;
        numel = n;
        int nd = shape.length;
        int[] sz = new int[Math.max(nd, 1)];
        int[][] st = new int[nops][Math.max(nd, 1)];
        int k = 0;
        for (int d = 0; d < nd; d++) {
            if (shape[d] == 1) continue;
            if (k > 0 && mergeable(ops, st, k - 1, d, shape[d])) {
                sz[k - 1] *= shape[d];
                for (int o = 0; o < nops; o++) st[o][k - 1] = stride(ops[o], d);
                continue;
            }
            sz[k] = shape[d];
            for (int o = 0; o < nops; o++) st[o][k] = stride(ops[o], d);
            k++;
        }
        if (k == 0) { // a single element: one row of length 1, unit strides
            sz[0] = 1;
            for (int o = 0; o < nops; o++) st[o][0] = ops[o].isScalar() ? 0 : 1;
            k = 1;
        }
        ndim = k;
        sizes = sz;
        strides = st;
        for (int o = 0; o < nops; o++) base[o] = ops[o].isScalar() ? 0 : ops[o].offset;
    }

    private static int stride(Strided s, int d) {
        return s.isScalar() ? 0 : s.strides[d];
    }

    private static boolean mergeable(Strided[] ops, int[][] st, int prev, int d, int size) {
        for (int o = 0; o < ops.length; o++) {
            if (st[o][prev] != stride(ops[o], d) * size) return false;
        }
        return true;
    }

    int inner() { return sizes[ndim - 1]; }

    int innerStride(int op) { return strides[op][ndim - 1]; }

    /** Runs the rows covering all elements, split into chunks of at least {@code grain} elements. */
    void forEach(int grain, BodyFactory factory) {
        if (numel == 0) return;
        if (numel > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + numel);
        int total = (int) numel;
        if (total <= grain) {
            runRange(0, total, factory.create(total));
            return;
        }
        int threads = Parallel.chunks(total, grain);
        if (threads <= 1) {
            runRange(0, total, factory.create(total));
            return;
        }
        int pieces = (int) Math.min((long) threads * PIECES_PER_THREAD, total / grain);
        dynamicFor(pieces, p -> {
            int s = (int) ((long) total * p / pieces), e = (int) ((long) total * (p + 1) / pieces);
            runRange(s, e, factory.create(e - s));
        });
    }

    void forEach(BodyFactory factory) { forEach(GRAIN, factory); }

    /**
     * Runs {@code body} on each of {@code pieces} pieces on up to {@link Parallel#numThreads()}
     * threads, each taking the next unclaimed piece when it comes free. Memory-bound kernels use it
     * instead of one fixed share per thread: a thread that starts late (a pool worker waking up on
     * a busy machine) then takes fewer pieces rather than holding back the whole op.
     */
    static void dynamicFor(int pieces, java.util.function.IntConsumer body) {
        int threads = Parallel.chunks(pieces, 1);
        if (threads <= 1) {
            for (int p = 0; p < pieces; p++) body.accept(p);
            return;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Parallel.parallelFor(threads, 1, (s, e) -> {
            for (int p = next.getAndIncrement(); p < pieces; p = next.getAndIncrement()) body.accept(p);
        });
    }

    private void runRange(int start, int end, Body body) {
        if (ndim == 1) { // one row: no index arithmetic
            int[] offs = new int[nops];
            for (int o = 0; o < nops; o++) offs[o] = base[o] + start * strides[o][0];
            body.row(offs, end - start);
            return;
        }
        int inner = inner();
        int outer = ndim - 1;
        int[] idx = new int[Math.max(outer, 1)];
        int[] offs = new int[nops];
        int row = start / inner;
        int col = start % inner;
        // multi-index of `row` over the outer dims
        for (int d = outer - 1; d >= 0; d--) {
            idx[d] = row % sizes[d];
            row /= sizes[d];
        }
        for (int o = 0; o < nops; o++) {
            int off = base[o] + col * strides[o][ndim - 1];
            for (int d = 0; d < outer; d++) off += idx[d] * strides[o][d];
            offs[o] = off;
        }
        int pos = start;
        while (pos < end) {
            int len = Math.min(inner - col, end - pos);
            body.row(offs, len);
            pos += len;
            if (pos >= end) break;
            // next row: rewind the inner dim, carry through the outer dims
            for (int o = 0; o < nops; o++) offs[o] -= (col) * strides[o][ndim - 1];
            col = 0;
            for (int d = outer - 1; d >= 0; d--) {
                idx[d]++;
                for (int o = 0; o < nops; o++) offs[o] += strides[o][d];
                if (idx[d] < sizes[d]) break;
                for (int o = 0; o < nops; o++) offs[o] -= sizes[d] * strides[o][d];
                idx[d] = 0;
            }
        }
    }
}
