package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Strided;
import dev.kindling.backend.cpu.CpuBackend;

/**
 * Indexing on the device ({@code src/main/cuda/index.cu}): index_select and gather move elements of
 * one dtype; scatter, index_add and put write with conversion, accumulating with atomics for float32,
 * float64, int32 and int64 (other dtypes accumulate on the CPU through {@link HostFallback}).
 * Accumulated floating-point sums over repeated indices may differ in the last bits from run to run,
 * as in PyTorch. nonzero copies to the host: its output size depends on the data.
 */
final class CudaIndex {
    private CudaIndex() {}

    /** Whether the device can accumulate into {@code dtype} atomically. */
    static boolean atomicAdd(DType dtype) {
        return dtype == DType.FLOAT32 || dtype == DType.FLOAT64 || dtype == DType.INT32 || dtype == DType.INT64;
    }

    /** strides with the one at {@code dim} set to 0 (the kernel adds index × the dim's stride). */
    private static int[] zeroAt(int[] strides, int dim, int rank) {
        int[] s = new int[rank];
        for (int d = 0; d < rank; d++) s[d] = d == dim || d >= strides.length ? 0 : strides[d];
        return s;
    }

    private static int strideAt(Strided s, int dim) {
        return s.strides.length == 0 ? 0 : s.strides[dim];
    }

    /** An operand's strides over a walk of rank {@code rank} (0 beyond its own rank; all 0 for scalars). */
    private static int[] over(Strided s, int rank) {
        int[] st = new int[rank];
        if (!s.isScalar()) for (int d = 0; d < Math.min(rank, s.strides.length); d++) st[d] = s.strides[d];
        return st;
    }

    /** A 1-D index seen over a walk of rank {@code rank}: its stride at {@code dim}, 0 elsewhere. */
    private static int[] indexAlong(Strided index, int dim, int rank) {
        int[] st = new int[rank];
        st[dim] = index.strides.length == 0 ? 0 : index.strides[0];
        return st;
    }

    static void indexSelect(CudaContext c, Strided x, int dim, Strided index, Strided out) {
        if (out.numel() == 0) return;
        if (x.shape.length == 0) {
            CudaElementwise.copy(c, x, out);
            return;
        }
        int rank = out.shape.length;
        if (!gather(c, out.shape, x, zeroAt(x.strides, dim, rank), x.strides[dim], index, indexAlong(index, dim, rank), out)) {
            Strided hx = HostFallback.toHost(c, x), hi = HostFallback.toHost(c, index), ho = HostFallback.toHost(c, out);
            CpuBackend.INSTANCE.indexSelect(hx, dim, hi, ho);
            HostFallback.toDevice(c, ho, out);
        }
    }

    static void gather(CudaContext c, Strided x, int dim, Strided index, Strided out) {
        if (out.numel() == 0) return;
        int rank = index.shape.length;
        if (!gather(c, index.shape, x, zeroAt(x.strides, dim, rank), strideAt(x, dim), index, over(index, rank), out)) {
            Strided hx = HostFallback.toHost(c, x), hi = HostFallback.toHost(c, index), ho = HostFallback.toHost(c, out);
            CpuBackend.INSTANCE.gather(hx, dim, hi, ho);
            HostFallback.toDevice(c, ho, out);
        }
    }

    /** Launches gather_k; false when the walk has too many dims for the kernel. */
    private static boolean gather(CudaContext c, int[] shape, Strided x, int[] xStrides, int xDimStride, Strided index,
                                  int[] indexStrides, Strided out) {
        Walk w = Walk.of(shape, new int[][] {xStrides, indexStrides, over(out, shape.length)});
        if (!w.fits()) return false;
        KernelArgs args = new KernelArgs().i32(w.count()).shape(w.sizes);
        Operands.add(args, x, w.strides[0]).i32(xDimStride);
        Operands.add(args, index, w.strides[1]);
        Operands.add(args, out, w.strides[2]).i32(x.dtype.itemSize());
        c.driver.launch(Kernel.GATHER_K, c.blocks(w.numel, CudaContext.THREADS), 1, 1, CudaContext.THREADS, args);
        return true;
    }

    static void scatter(CudaContext c, Strided self, int dim, Strided index, Strided src, boolean accumulate) {
        if (index.numel() == 0) return;
        if (accumulate && !atomicAdd(self.dtype)) {
            Strided hs = HostFallback.toHost(c, self), hi = HostFallback.toHost(c, index), hx = HostFallback.toHost(c, src);
            CpuBackend.INSTANCE.scatter(hs, dim, hi, hx, true);
            HostFallback.toDevice(c, hs, self);
            return;
        }
        int rank = index.shape.length;
        if (!scatter(c, index.shape, self, zeroAt(self.strides, dim, rank), strideAt(self, dim), index, over(index, rank), src,
                over(src, rank), accumulate, 1.0)) {
            Strided hs = HostFallback.toHost(c, self), hi = HostFallback.toHost(c, index), hx = HostFallback.toHost(c, src);
            CpuBackend.INSTANCE.scatter(hs, dim, hi, hx, accumulate);
            HostFallback.toDevice(c, hs, self);
        }
    }

    static void indexAdd(CudaContext c, Strided self, int dim, Strided index, Strided src, double alpha) {
        if (index.numel() == 0 || src.numel() == 0) return;
        if (self.shape.length == 0) {
            CudaElementwise.binary(c, BinaryOp.ADD, self, src, self, alpha * index.numel());
            return;
        }
        if (!atomicAdd(self.dtype)) {
            Strided hs = HostFallback.toHost(c, self), hi = HostFallback.toHost(c, index), hx = HostFallback.toHost(c, src);
            CpuBackend.INSTANCE.indexAdd(hs, dim, hi, hx, alpha);
            HostFallback.toDevice(c, hs, self);
            return;
        }
        int rank = src.shape.length;
        if (!scatter(c, src.shape, self, zeroAt(self.strides, dim, rank), self.strides[dim], index, indexAlong(index, dim, rank),
                src, over(src, rank), true, alpha)) {
            Strided hs = HostFallback.toHost(c, self), hi = HostFallback.toHost(c, index), hx = HostFallback.toHost(c, src);
            CpuBackend.INSTANCE.indexAdd(hs, dim, hi, hx, alpha);
            HostFallback.toDevice(c, hs, self);
        }
    }

    /** Launches scatter_k; false when the walk has too many dims for the kernel. */
    private static boolean scatter(CudaContext c, int[] shape, Strided self, int[] selfStrides, int selfDimStride, Strided index,
                                   int[] indexStrides, Strided src, int[] srcStrides, boolean accumulate, double alpha) {
        Walk w = Walk.of(shape, new int[][] {selfStrides, indexStrides, srcStrides});
        if (!w.fits()) return false;
        KernelArgs args = new KernelArgs().i32(w.count()).shape(w.sizes);
        Operands.add(args, self, w.strides[0]).i32(selfDimStride);
        Operands.add(args, index, w.strides[1]);
        Operands.add(args, src, w.strides[2]).i32(accumulate ? 1 : 0).f64(alpha);
        c.driver.launch(Kernel.SCATTER_K, c.blocks(w.numel, CudaContext.THREADS), 1, 1, CudaContext.THREADS, args);
        return true;
    }

    static void put(CudaContext c, Strided self, Strided index, Strided src, boolean accumulate) {
        long n = index.numel();
        if (n == 0) return;
        Walk sw = Walk.of(self.shape, self);
        if ((accumulate && !atomicAdd(self.dtype)) || !sw.fits()) {
            Strided hs = HostFallback.toHost(c, self), hi = HostFallback.toHost(c, index), hx = HostFallback.toHost(c, src);
            CpuBackend.INSTANCE.put(hs, hi, hx, accumulate);
            HostFallback.toDevice(c, hs, self);
            return;
        }
        KernelArgs args = new KernelArgs().i32((int) n).shape(sw.sizes);
        Operands.add(args, self, sw.strides[0]);
        Operands.add(args, index, new int[] {index.strides.length == 0 ? 1 : index.strides[index.strides.length - 1]});
        Operands.add(args, src, new int[] {src.isScalar() || src.strides.length == 0 ? (src.isScalar() ? 0 : 1)
                : src.strides[src.strides.length - 1]}).i32(accumulate ? 1 : 0);
        c.driver.launch(Kernel.PUT_K, c.blocks(n, CudaContext.THREADS), 1, 1, CudaContext.THREADS, args);
    }

    /** Copies x to the host and runs the CPU kernel: the size of the result depends on the data. */
    static long[] nonzero(CudaContext c, Strided x) {
        return CpuBackend.INSTANCE.nonzero(HostFallback.toHost(c, x));
    }
}
