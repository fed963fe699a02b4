package dev.kindling.backend.cuda;

import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Strided;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;
import dev.kindling.backend.cpu.CpuBackend;
import dev.kindling.backend.cpu.CpuStorage;

/**
 * Runs a kernel of the CPU backend on device operands: each device operand is downloaded into a
 * dense CPU copy, the CPU kernel runs on the copies, and the operands it writes are uploaded back
 * into their device layout. Used for the rarely used ops that have no CUDA kernel (sort, top-k,
 * nonzero), for accumulating scatters into dtypes without device atomics, and for walks of more
 * than {@link KernelArgs#MAX_DIMS} dims. Slow (two transfers) but exact: results equal the CPU
 * backend's.
 */
final class HostFallback {
    private HostFallback() {}

    /** A dense CPU copy of a device operand (scalars and null pass through). */
    static Strided toHost(CudaContext c, Strided s) {
        if (s == null || s.isScalar()) return s;
        Strided h = new Strided(CpuStorage.allocate(s.dtype, s.numel()), 0, s.shape, Operands.contiguous(s.shape));
        Transfers.download(c, s, h);
        return h;
    }

    /** Writes a dense CPU operand back into the device operand it was copied from. */
    static void toDevice(CudaContext c, Strided host, Strided device) {
        if (device != null) Transfers.upload(c, host, device);
    }

    /** A device copy whose layout no kernel can walk: through host copies of the spans both cover. */
    static void copy(CudaContext c, Strided src, Strided dst) {
        Strided h = src.isScalar() ? src : Transfers.downloadSpan(c, src);
        Strided o = Transfers.downloadSpan(c, dst);
        CpuBackend.INSTANCE.copy(h, o);
        Transfers.uploadSpan(c, o, dst);
    }

    static void unary(CudaContext c, UnaryOp op, Strided x, Strided out, double p1, double p2) {
        Strided hx = toHost(c, x), ho = toHost(c, out);
        CpuBackend.INSTANCE.unary(op, hx, ho, p1, p2);
        toDevice(c, ho, out);
    }

    static void binary(CudaContext c, BinaryOp op, Strided a, Strided b, Strided out, double alpha) {
        Strided ha = toHost(c, a), hb = toHost(c, b), ho = toHost(c, out);
        CpuBackend.INSTANCE.binary(op, ha, hb, ho, alpha);
        toDevice(c, ho, out);
    }

    static void ternary(CudaContext c, TernaryOp op, Strided a, Strided b, Strided cc, Strided out, double p) {
        Strided ha = toHost(c, a), hb = toHost(c, b), hc = toHost(c, cc), ho = toHost(c, out);
        CpuBackend.INSTANCE.ternary(op, ha, hb, hc, ho, p);
        toDevice(c, ho, out);
    }
}
