package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.backend.Backend;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Conv2dParams;
import dev.kindling.backend.Pool2dParams;
import dev.kindling.backend.ReduceOp;
import dev.kindling.backend.ScanOp;
import dev.kindling.backend.Storage;
import dev.kindling.backend.Strided;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;
import dev.kindling.backend.cpu.CpuBackend;
import dev.kindling.backend.cpu.CpuStorage;

/**
 * The CUDA backend of one device: storage from the device's caching allocator and kernels in PTX
 * ({@code src/main/cuda/}), launched on the device's stream through its {@link Driver}. One per
 * device, created with its {@link CudaContext}; the dispatch layer reaches it through
 * {@code Storage.backend()}. Each kernel family lives in a class of its own
 * ({@link CudaElementwise}, {@link CudaReduce}, {@link CudaIndex}, {@link CudaMatmul},
 * {@link CudaConv}); copies between devices go through {@link Transfers}.
 *
 * <p>Differences from the CPU backend: {@link #allocate} returns uninitialised memory (the dispatch
 * layer zeroes CUDA tensors that must start at zero, as {@code Torch.zeros} does), kernels run
 * asynchronously (an error in one surfaces at the next synchronising call, such as a copy to the
 * host), floating-point sums may group terms differently, and {@link #sort}, {@link #topk} and
 * {@link #nonzero} run on the CPU: they copy their input to the host, run the CPU kernel and copy
 * the results back.
 */
public final class CudaBackend implements Backend {
    private final CudaContext ctx;

    CudaBackend(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Device device() { return ctx.device; }

    /** A new storage of {@code numel} elements; unlike the CPU's, its contents are unspecified. */
    @Override
    public Storage allocate(DType dtype, long numel) { return ctx.storage(dtype, numel); }

    private boolean here(Strided s) {
        return !s.isScalar() && s.storage instanceof CudaStorage cs && cs.context() == ctx;
    }

    @Override
    public void copy(Strided src, Strided dst) {
        if (here(dst)) {
            if (src.isScalar() || here(src)) CudaElementwise.copy(ctx, src, dst);
            else if (src.storage.device().isCpu()) Transfers.upload(ctx, src, dst);
            else Transfers.upload(ctx, HostFallback.toHost(((CudaStorage) src.storage).context(), src), dst);
        } else if (here(src)) {
            if (dst.storage.device().isCpu()) Transfers.download(ctx, src, dst);
            else {
                CudaContext other = ((CudaStorage) dst.storage).context();
                Transfers.upload(other, HostFallback.toHost(ctx, src), dst);
            }
        } else {
            throw new IllegalStateException("internal error: a copy from " + (src.isScalar() ? "a scalar" : src.storage.device())
                    + " to " + dst.storage.device() + " reached the backend of " + ctx.device);
        }
    }

    @Override
    public void unary(UnaryOp op, Strided x, Strided out, double p1, double p2) { CudaElementwise.unary(ctx, op, x, out, p1, p2); }

    @Override
    public void binary(BinaryOp op, Strided a, Strided b, Strided out, double alpha) { CudaElementwise.binary(ctx, op, a, b, out, alpha); }

    @Override
    public void ternary(TernaryOp op, Strided a, Strided b, Strided c, Strided out, double p) {
        CudaElementwise.ternary(ctx, op, a, b, c, out, p);
    }

    @Override
    public void reduce(ReduceOp op, Strided x, boolean[] reduced, Strided out, double p) { CudaReduce.reduce(ctx, op, x, reduced, out, p); }

    @Override
    public void reduceWithIndices(boolean max, Strided x, int dim, Strided values, Strided indices) {
        CudaReduce.reduceWithIndices(ctx, max, x, dim, values, indices);
    }

    @Override
    public void scan(ScanOp op, Strided x, int dim, Strided out, Strided indices) { CudaReduce.scan(ctx, op, x, dim, out, indices); }

    @Override
    public void softmax(Strided x, int dim, boolean log, Strided out) { CudaReduce.softmax(ctx, x, dim, log, out); }

    @Override
    public void matmul(Strided a, Strided b, Strided out) { CudaMatmul.matmul(ctx, a, b, out); }

    @Override
    public void indexSelect(Strided x, int dim, Strided index, Strided out) { CudaIndex.indexSelect(ctx, x, dim, index, out); }

    @Override
    public void gather(Strided x, int dim, Strided index, Strided out) { CudaIndex.gather(ctx, x, dim, index, out); }

    @Override
    public void scatter(Strided self, int dim, Strided index, Strided src, boolean accumulate) {
        CudaIndex.scatter(ctx, self, dim, index, src, accumulate);
    }

    @Override
    public void indexAdd(Strided self, int dim, Strided index, Strided src, double alpha) { CudaIndex.indexAdd(ctx, self, dim, index, src, alpha); }

    @Override
    public void put(Strided self, Strided index, Strided src, boolean accumulate) { CudaIndex.put(ctx, self, index, src, accumulate); }

    /** Runs on the CPU: copies x to the host (the result's size depends on the data). */
    @Override
    public long[] nonzero(Strided x) { return CudaIndex.nonzero(ctx, x); }

    @Override
    public void conv2d(Strided input, Strided weight, Strided bias, Strided out, Conv2dParams p) {
        CudaConv.conv2d(ctx, input, weight, bias, out, p);
    }

    @Override
    public void conv2dBackwardInput(Strided gradOut, Strided weight, Strided gradInput, Conv2dParams p) {
        CudaConv.backwardInput(ctx, gradOut, weight, gradInput, p);
    }

    @Override
    public void conv2dBackwardWeight(Strided gradOut, Strided input, Strided gradWeight, Conv2dParams p) {
        CudaConv.backwardWeight(ctx, gradOut, input, gradWeight, p);
    }

    @Override
    public void maxPool2d(Strided input, Strided out, Strided indices, Pool2dParams p) { CudaConv.maxPool(ctx, input, out, indices, p); }

    @Override
    public void maxPool2dBackward(Strided gradOut, Strided indices, Strided gradInput, Pool2dParams p) {
        CudaConv.maxPoolBackward(ctx, gradOut, indices, gradInput, p);
    }

    @Override
    public void avgPool2d(Strided input, Strided out, Pool2dParams p) { CudaConv.avgPool(ctx, input, out, p); }

    @Override
    public void avgPool2dBackward(Strided gradOut, Strided gradInput, Pool2dParams p) { CudaConv.avgPoolBackward(ctx, gradOut, gradInput, p); }

    /** Runs on the CPU: copies x to the host, sorts there and copies values and indices back. */
    @Override
    public void sort(Strided x, int dim, boolean descending, boolean stable, Strided values, Strided indices) {
        Strided hx = HostFallback.toHost(ctx, x), hv = hostOutput(values), hi = hostOutput(indices);
        CpuBackend.INSTANCE.sort(hx, dim, descending, stable, hv, hi);
        HostFallback.toDevice(ctx, hv, values);
        HostFallback.toDevice(ctx, hi, indices);
    }

    /** Runs on the CPU: copies x to the host, selects there and copies values and indices back. */
    @Override
    public void topk(Strided x, int k, int dim, boolean largest, boolean sorted, Strided values, Strided indices) {
        Strided hx = HostFallback.toHost(ctx, x), hv = hostOutput(values), hi = hostOutput(indices);
        CpuBackend.INSTANCE.topk(hx, k, dim, largest, sorted, hv, hi);
        HostFallback.toDevice(ctx, hv, values);
        HostFallback.toDevice(ctx, hi, indices);
    }

    /** A dense CPU operand shaped as a device output the CPU kernel overwrites entirely. */
    private static Strided hostOutput(Strided s) {
        return Operands.dense(CpuStorage.allocate(s.dtype, s.numel()), s.shape);
    }

    CudaContext context() { return ctx; }
}
