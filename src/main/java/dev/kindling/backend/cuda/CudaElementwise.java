package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Strided;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;

import java.util.Arrays;

/**
 * The element-wise family on the device: copy/cast/fill, unary, binary and ternary ops over
 * broadcast, strided operands ({@code src/main/cuda/elementwise.cu}).
 *
 * <p>Kernel choice: when every tensor operand is float32 (or every one float64) the typed kernel
 * runs with no conversion; otherwise the generic kernel converts each operand from its own dtype to
 * the compute type: double when any operand is float64, float when any is floating, else 64-bit
 * integers (the CPU backend computes the generic path in double; float32 results therefore agree to
 * float32 rounding, not bit for bit). A walk of more than {@link KernelArgs#MAX_DIMS} unmergeable
 * dims runs on the CPU ({@link HostFallback}).
 */
final class CudaElementwise {
    private CudaElementwise() {}

    /** The compute type of a generic kernel. */
    enum Compute { FLOAT, DOUBLE, LONG }

    static Compute compute(Strided... ops) {
        boolean floating = false;
        for (Strided s : ops) {
            if (s.dtype == DType.FLOAT64) return Compute.DOUBLE;
            floating |= s.dtype.isFloatingPoint();
        }
        return floating ? Compute.FLOAT : Compute.LONG;
    }

    /** The shared dtype of all operands when it is float32 or float64, else null. */
    static DType typed(Strided... ops) {
        DType t = ops[0].dtype;
        if (t != DType.FLOAT32 && t != DType.FLOAT64) return null;
        for (Strided s : ops) if (s.dtype != t) return null;
        return t;
    }

    private static void launch(CudaContext c, Kernel k, Walk w, KernelArgs args) {
        c.driver.launch(k, c.blocks(w.numel, CudaContext.THREADS), 1, 1, CudaContext.THREADS, args);
    }

    /** {@code dst = src} on this device, converting the dtype and broadcasting src (which may be a scalar). */
    static void copy(CudaContext c, Strided src, Strided dst) {
        if (dst.numel() == 0) return;
        if (!src.isScalar() && src.dtype == dst.dtype && Arrays.equals(src.shape, dst.shape) && src.isContiguous()
                && dst.isContiguous()) {
            c.driver.copy(Operands.address(dst), Operands.address(src), dst.numel() * dst.dtype.itemSize());
            return;
        }
        Strided s = src.broadcastTo(dst.shape);
        Walk w = Walk.of(dst.shape, s, dst);
        if (!w.fits()) {
            HostFallback.copy(c, src, dst);
            return;
        }
        KernelArgs args = new KernelArgs().i32(w.count()).shape(w.sizes);
        Operands.add(args, s, w.strides[0]);
        Operands.add(args, dst, w.strides[1]);
        if (!src.isScalar() && src.dtype == dst.dtype) {
            launch(c, Kernel.EW_COPY_RAW, w, args.i32(dst.dtype.itemSize()));
        } else {
            boolean floating = src.dtype.isFloatingPoint() || dst.dtype.isFloatingPoint();
            launch(c, floating ? Kernel.EW_COPY_GD : Kernel.EW_COPY_GL, w, args);
        }
    }

    static void unary(CudaContext c, UnaryOp op, Strided x, Strided out, double p1, double p2) {
        if (out.numel() == 0) return;
        Strided xs = x.broadcastTo(out.shape);
        Walk w = Walk.of(out.shape, xs, out);
        if (!w.fits()) {
            HostFallback.unary(c, op, x, out, p1, p2);
            return;
        }
        KernelArgs args = new KernelArgs().i32(w.count()).shape(w.sizes);
        Operands.add(args, xs, w.strides[0]);
        Operands.add(args, out, w.strides[1]).i32(op.ordinal());
        DType t = typed(x, out);
        if (t == DType.FLOAT32) {
            launch(c, Kernel.EW_UNARY_F32, w, args.f32((float) p1).f32((float) p2));
            return;
        }
        args.f64(p1).f64(p2);
        Kernel k = t == DType.FLOAT64 ? Kernel.EW_UNARY_F64 : switch (compute(x, out)) {
            case FLOAT -> Kernel.EW_UNARY_GF;
            case DOUBLE -> Kernel.EW_UNARY_GD;
            case LONG -> Kernel.EW_UNARY_GL;
        };
        launch(c, k, w, args);
    }

    static void binary(CudaContext c, BinaryOp op, Strided a, Strided b, Strided out, double alpha) {
        if (out.numel() == 0) return;
        Strided as = a.broadcastTo(out.shape), bs = b.broadcastTo(out.shape);
        Walk w = Walk.of(out.shape, as, bs, out);
        if (!w.fits()) {
            HostFallback.binary(c, op, a, b, out, alpha);
            return;
        }
        KernelArgs args = new KernelArgs().i32(w.count()).shape(w.sizes);
        Operands.add(args, as, w.strides[0]);
        Operands.add(args, bs, w.strides[1]);
        Operands.add(args, out, w.strides[2]).i32(op.ordinal());
        DType t = typed(a, b, out);
        if (t == DType.FLOAT32) {
            launch(c, Kernel.EW_BINARY_F32, w, args.f32((float) alpha));
        } else if (t == DType.FLOAT64) {
            launch(c, Kernel.EW_BINARY_F64, w, args.f64(alpha));
        } else {
            switch (compute(a, b, out)) {
                case FLOAT -> launch(c, Kernel.EW_BINARY_GF, w, args.f64(alpha));
                case DOUBLE -> launch(c, Kernel.EW_BINARY_GD, w, args.f64(alpha));
                case LONG -> launch(c, Kernel.EW_BINARY_GL, w, args.i64((long) alpha));
            }
        }
    }

    static void ternary(CudaContext c, TernaryOp op, Strided a, Strided b, Strided cc, Strided out, double p) {
        if (out.numel() == 0) return;
        Strided as = a.broadcastTo(out.shape), bs = b.broadcastTo(out.shape), cs = cc.broadcastTo(out.shape);
        Walk w = Walk.of(out.shape, as, bs, cs, out);
        if (!w.fits()) {
            HostFallback.ternary(c, op, a, b, cc, out, p);
            return;
        }
        KernelArgs args = new KernelArgs().i32(w.count()).shape(w.sizes);
        Operands.add(args, as, w.strides[0]);
        Operands.add(args, bs, w.strides[1]);
        Operands.add(args, cs, w.strides[2]);
        Operands.add(args, out, w.strides[3]).i32(op.ordinal()).f64(p);
        // WHERE's condition is BOOL and decides nothing about the compute type
        Strided[] valued = op == TernaryOp.WHERE ? new Strided[] {b, cc, out} : new Strided[] {a, b, cc, out};
        DType t = typed(valued);
        Kernel k;
        if (t == DType.FLOAT32) k = Kernel.EW_TERNARY_F32;
        else if (t == DType.FLOAT64) k = Kernel.EW_TERNARY_F64;
        else k = switch (compute(valued)) {
            case FLOAT -> Kernel.EW_TERNARY_GF;
            case DOUBLE -> Kernel.EW_TERNARY_GD;
            case LONG -> Kernel.EW_TERNARY_GL;
        };
        launch(c, k, w, args);
    }
}
