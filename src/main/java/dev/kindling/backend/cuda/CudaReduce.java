package dev.kindling.backend.cuda;

import dev.kindling.backend.ReduceOp;
import dev.kindling.backend.ScanOp;
import dev.kindling.backend.ReduceGroup;
import dev.kindling.backend.Strided;
import dev.kindling.backend.cpu.CpuBackend;

import java.util.Arrays;

/**
 * Reductions, max/min with indices, scans and softmax on the device ({@code src/main/cuda/reduce.cu}),
 * with the CPU backend's semantics: floating input accumulates in double, exact integer
 * accumulation for SUM/PROD/MAX/MIN of integral input, NaN propagation, first index of the extreme.
 *
 * <p>A reduction splits the input's dims into kept and reduced groups (each merged where memory
 * allows) and picks a layout: a thread per output when consecutive outputs read consecutive memory
 * (the innermost kept dim is contiguous, e.g. a bias gradient summed over the batch) or the reduced
 * run is short; else a block of threads per output. When there are too few outputs to fill the
 * device, the reduced range is split over {@code gridDim.y}, partial accumulators go to scratch
 * memory, and a second kernel combines them.
 */
final class CudaReduce {
    private CudaReduce() {}

    /** Reduced runs of at most this many elements use a thread per output whatever the layout. */
    static final int SHORT_RUN = 16;
    /** Threads (thread layout) or blocks (block layout) per multiprocessor that a reduction aims for. */
    static final int THREADS_PER_SM = 2048, BLOCKS_PER_SM = 4;
    /** A split covers at least this many reduced elements: 256 (thread layout), 4096 (block layout). */
    static final int MIN_SPLIT_THREAD = 256, MIN_SPLIT_BLOCK = 4096;
    /** The most splits of one reduction (grid y). */
    static final int MAX_SPLITS = 1024;

    static boolean exactLong(ReduceOp op, Strided x) {
        return !x.dtype.isFloatingPoint() && (op == ReduceOp.SUM || op == ReduceOp.PROD || op == ReduceOp.MAX || op == ReduceOp.MIN);
    }

    /** The launch plan of one reduction; computed without a device so that it can be tested. */
    record Plan(boolean threadLayout, int splits, int splitLen, int threads, int gridX) {}

    static Plan plan(ReduceGroup kept, ReduceGroup red, int multiprocessors) {
        int nOut = (int) kept.count(), nRed = (int) red.count();
        int nk = kept.sizes().length, nr = red.sizes().length;
        boolean keptInnerContiguous = nk > 0 && kept.xStrides()[nk - 1] == 1;
        boolean redInnerContiguous = nr > 0 && red.xStrides()[nr - 1] == 1;
        boolean threadLayout = nRed <= SHORT_RUN || (keptInnerContiguous && !redInnerContiguous);
        int splits = 1;
        if (threadLayout) {
            long want = (long) multiprocessors * THREADS_PER_SM;
            if (nOut < want) splits = (int) Math.min(Math.min(want / Math.max(nOut, 1), nRed / MIN_SPLIT_THREAD), MAX_SPLITS);
        } else {
            long want = (long) multiprocessors * BLOCKS_PER_SM;
            if (nOut < want) splits = (int) Math.min(Math.min(want / Math.max(nOut, 1), nRed / MIN_SPLIT_BLOCK), MAX_SPLITS);
        }
        splits = Math.max(splits, 1);
        int splitLen = (int) ((nRed + (long) splits - 1) / splits);
        if (splitLen == 0) splitLen = 1;
        splits = (int) ((nRed + (long) splitLen - 1) / splitLen);
        splits = Math.max(splits, 1);
        int threads, gridX;
        if (threadLayout) {
            threads = CudaContext.THREADS;
            gridX = (int) Math.max(1, Math.min((nOut + (long) threads - 1) / threads, (long) multiprocessors * CudaContext.BLOCKS_PER_SM));
        } else {
            threads = Math.max(32, Math.min(CudaContext.THREADS, Integer.highestOneBit(Math.max(1, splitLen - 1)) * 2));
            gridX = (int) Math.max(1, Math.min(nOut, (long) multiprocessors * CudaContext.BLOCKS_PER_SM));
        }
        return new Plan(threadLayout, splits, splitLen, threads, gridX);
    }

    static void reduce(CudaContext c, ReduceOp op, Strided x, boolean[] reduced, Strided out, double p) {
        if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
            throw new IllegalStateException(op + " is not a plain reduction (the dispatch layer uses reduceWithIndices)");
        }
        if (out.numel() == 0) return;
        ReduceGroup kept = ReduceGroup.of(x, out, reduced, false), red = ReduceGroup.of(x, out, reduced, true);
        if (kept.sizes().length > KernelArgs.MAX_DIMS || red.sizes().length > KernelArgs.MAX_DIMS
                || kept.count() > Integer.MAX_VALUE || red.count() > Integer.MAX_VALUE) {
            Strided hx = HostFallback.toHost(c, x), ho = HostFallback.toHost(c, out);
            CpuBackend.INSTANCE.reduce(op, hx, reduced, ho, p);
            HostFallback.toDevice(c, ho, out);
            return;
        }
        boolean exact = exactLong(op, x);
        Plan plan = plan(kept, red, c.driver.multiprocessors());
        int nOut = (int) kept.count(), nRed = (int) red.count();
        CudaContext.Scratch partial = plan.splits() > 1 ? c.scratch((long) nOut * plan.splits() * 8) : null;
        try {
            KernelArgs args = new KernelArgs().i32(op.ordinal());
            if (!exact) args.f64(p);
            args.i32(nOut).i32(nRed).i32(plan.splitLen()).shape(kept.sizes());
            Operands.add(args, x, kept.xStrides());
            Operands.add(args, out, kept.outStrides());
            args.shape(red.sizes());
            Operands.add(args, x, red.xStrides());
            args.ptr(partial == null ? 0 : partial.address());
            Kernel k = plan.threadLayout() ? (exact ? Kernel.REDUCE_THREAD_L : Kernel.REDUCE_THREAD_D)
                    : (exact ? Kernel.REDUCE_BLOCK_L : Kernel.REDUCE_BLOCK_D);
            c.driver.launch(k, plan.gridX(), plan.splits(), 1, plan.threads(), args);
            if (partial != null) {
                KernelArgs comb = new KernelArgs().i32(op.ordinal());
                if (!exact) comb.f64(p);
                comb.i32(nOut).i32(plan.splits()).ptr(partial.address()).shape(kept.sizes());
                Operands.add(comb, out, kept.outStrides());
                c.driver.launch(exact ? Kernel.REDUCE_COMBINE_L : Kernel.REDUCE_COMBINE_D,
                        c.blocks(nOut, CudaContext.THREADS), 1, 1, CudaContext.THREADS, comb);
            }
        } finally {
            if (partial != null) partial.close();
        }
    }

    /** The lines along {@code dim}: the other dims merged, with each operand's strides. */
    private static Walk lines(int dim, Strided... ops) {
        int[] shape = Operands.drop(ops[0].shape, dim);
        int[][] st = new int[ops.length][];
        for (int o = 0; o < ops.length; o++) st[o] = ops[o] == null ? new int[shape.length] : Operands.drop(ops[o].strides, dim);
        return Walk.of(shape, st);
    }

    /** Block size for a per-line kernel: a power of two from 32 to 256 covering the line. */
    static int lineThreads(int n) {
        return Math.max(32, Math.min(CudaContext.THREADS, Integer.highestOneBit(Math.max(1, n - 1)) * 2));
    }

    static void reduceWithIndices(CudaContext c, boolean max, Strided x, int dim, Strided values, Strided indices) {
        Walk w = lines(dim, x, values, indices);
        if (w.numel == 0) return;
        if (!w.fits()) {
            Strided hx = HostFallback.toHost(c, x), hv = HostFallback.toHost(c, values), hi = HostFallback.toHost(c, indices);
            CpuBackend.INSTANCE.reduceWithIndices(max, hx, dim, hv, hi);
            HostFallback.toDevice(c, hv, values);
            HostFallback.toDevice(c, hi, indices);
            return;
        }
        int n = x.shape[dim];
        KernelArgs args = new KernelArgs().i32(max ? 1 : 0).i32(w.count()).i32(n).shape(w.sizes);
        Operands.add(args, x, w.strides[0]).i32(x.strides[dim]);
        Operands.add(args, values, w.strides[1]);
        Operands.add(args, indices, w.strides[2]);
        Kernel k = x.dtype.isFloatingPoint() ? Kernel.ARGEXT_D : Kernel.ARGEXT_L;
        c.driver.launch(k, c.blocks(w.numel, 1) , 1, 1, lineThreads(n), args);
    }

    static void scan(CudaContext c, ScanOp op, Strided x, int dim, Strided out, Strided indices) {
        Walk w = lines(dim, x, out, indices);
        if (w.numel == 0 || x.shape[dim] == 0) return;
        if (!w.fits()) {
            Strided hx = HostFallback.toHost(c, x), ho = HostFallback.toHost(c, out), hi = HostFallback.toHost(c, indices);
            CpuBackend.INSTANCE.scan(op, hx, dim, ho, hi);
            HostFallback.toDevice(c, ho, out);
            HostFallback.toDevice(c, hi, indices);
            return;
        }
        boolean exact = !x.dtype.isFloatingPoint() && !out.dtype.isFloatingPoint();
        KernelArgs args = new KernelArgs().i32(op.ordinal()).i32(w.count()).i32(x.shape[dim]).shape(w.sizes);
        Operands.add(args, x, w.strides[0]).i32(x.strides[dim]);
        Operands.add(args, out, w.strides[1]).i32(out.strides[dim]);
        if (indices == null) Operands.none(args, dev.kindling.DType.INT64, w.dims()).i32(0);
        else Operands.add(args, indices, w.strides[2]).i32(indices.strides[dim]);
        c.driver.launch(exact ? Kernel.SCAN_L : Kernel.SCAN_D, c.blocks(w.numel, CudaContext.THREADS), 1, 1, CudaContext.THREADS, args);
    }

    static void softmax(CudaContext c, Strided x, int dim, boolean log, Strided out) {
        Walk w = lines(dim, x, out);
        if (w.numel == 0 || x.shape[dim] == 0) return;
        if (!w.fits()) {
            Strided hx = HostFallback.toHost(c, x), ho = HostFallback.toHost(c, out);
            CpuBackend.INSTANCE.softmax(hx, dim, log, ho);
            HostFallback.toDevice(c, ho, out);
            return;
        }
        int n = x.shape[dim];
        KernelArgs args = new KernelArgs().i32(log ? 1 : 0).i32(w.count()).i32(n).shape(w.sizes);
        Operands.add(args, x, w.strides[0]).i32(x.strides[dim]);
        Operands.add(args, out, w.strides[1]).i32(out.strides[dim]);
        c.driver.launch(Kernel.SOFTMAX_D, c.blocks(w.numel, 1), 1, 1, lineThreads(n), args);
    }

    static String describe(ReduceGroup g) {
        return Arrays.toString(g.sizes()) + " x" + Arrays.toString(g.xStrides()) + " out" + Arrays.toString(g.outStrides());
    }
}
