package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Conv2dParams;
import dev.kindling.backend.Pool2dParams;
import dev.kindling.backend.Strided;

/**
 * 2-D convolution and pooling on the device, on dense NCHW float32 or float64 operands.
 *
 * <p>Convolution is im2col + GEMM ({@code src/main/cuda/conv.cu} and the device's {@link Gemm}).
 * Samples go in chunks whose unfolded columns fit in {@link #COL_BUFFER_BYTES}; within a chunk one
 * strided-batched GEMM per group covers all samples (or, with more groups than samples, one per
 * sample covers all groups). A 1×1, stride-1, unpadded convolution multiplies the input directly.
 * <ul>
 *   <li>forward: out[s, grp] (og × L) = W[grp] (og × R) · col[s, grp] (R × L), then + bias;
 *   <li>input gradient: col[s, grp] (R × L) = W[grp]ᵀ · gOut[s, grp] (og × L), then col2im;
 *   <li>weight gradient: the chunk is unfolded as one [C·kH·kW, samples·L] matrix and gOut permuted
 *       to [O, samples·L], so that gW[grp] (og × R) += gOut[grp] · col[grp]ᵀ is one GEMM per chunk
 *       (batched over groups), accumulating over chunks.
 * </ul>
 * where L = oH·oW, R = C/groups·kH·kW and og = O/groups. Pooling kernels are direct; their
 * backward passes gather, so they need no atomics and are deterministic.
 */
final class CudaConv {
    private CudaConv() {}

    /** The largest scratch buffer of unfolded columns (per call): 256 MiB. */
    static final long COL_BUFFER_BYTES = 256L << 20;

    private static int[] ints(Conv2dParams p) {
        return new int[] {p.n(), p.c(), p.h(), p.w(), p.o(), p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
                p.dilH(), p.dilW(), p.groups(), p.outH(), p.outW()};
    }

    private static boolean pointwise(Conv2dParams p) {
        return p.kH() == 1 && p.kW() == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
    }

    /** Samples per chunk when each sample needs {@code perSampleBytes} of scratch. */
    static int chunk(CudaContext c, int n, long perSampleBytes) {
        return (int) Math.max(1, Math.min(n, c.colBufferBytes / Math.max(1, perSampleBytes)));
    }

    private static void im2col(CudaContext c, DType dt, Conv2dParams p, int samples, long in, long col,
                               long sampleStride, long rowStride) {
        long total = (long) samples * p.c() * p.kH() * p.kW() * p.outH() * p.outW();
        c.driver.launch(dt == DType.FLOAT32 ? Kernel.IM2COL_F32 : Kernel.IM2COL_F64, c.blocks(total, CudaContext.THREADS), 1, 1,
                CudaContext.THREADS, new KernelArgs().ints(ints(p)).i32(samples).ptr(in).ptr(col).i64(sampleStride).i64(rowStride));
    }

    /**
     * Runs out[s, grp] = A[grp] · B[s, grp] for every group and every sample of a chunk, as few GEMMs
     * as possible: batched over samples (one per group) or over groups (one per sample).
     */
    private static void grouped(CudaContext c, DType dt, int groups, int samples, int m, int n, int k,
                                boolean transA, int lda, long a, long aGroupStride,
                                int ldb, long b, long bGroupStride, long bSampleStride,
                                int ldc, long cc, long cGroupStride, long cSampleStride) {
        int item = dt.itemSize();
        if (groups > samples) {
            for (int s = 0; s < samples; s++) {
                GemmCall g = new GemmCall(m, n, k, transA, false, lda, ldb, ldc, aGroupStride, bGroupStride, cGroupStride,
                        groups, 1, 0);
                c.driver.gemm().run(dt, g, a, b + s * bSampleStride * item, cc + s * cSampleStride * item);
            }
        } else {
            for (int grp = 0; grp < groups; grp++) {
                GemmCall g = new GemmCall(m, n, k, transA, false, lda, ldb, ldc, 0, bSampleStride, cSampleStride, samples, 1, 0);
                c.driver.gemm().run(dt, g, a + grp * aGroupStride * item, b + grp * bGroupStride * item, cc + grp * cGroupStride * item);
            }
        }
    }

    static void conv2d(CudaContext c, Strided input, Strided weight, Strided bias, Strided out, Conv2dParams p) {
        DType dt = out.dtype;
        int item = dt.itemSize();
        int groups = p.groups(), cg = p.c() / groups, og = p.o() / groups;
        int kk = p.kH() * p.kW(), rows = cg * kk, L = p.outH() * p.outW(), hw = p.h() * p.w();
        long x = Operands.address(input), w = Operands.address(weight), y = Operands.address(out);
        boolean direct = pointwise(p);
        long colSample = (long) p.c() * kk * L;
        int chunk = direct ? p.n() : chunk(c, p.n(), colSample * item);
        CudaContext.Scratch col = direct ? null : c.scratch((long) chunk * colSample * item);
        try {
            for (int s0 = 0; s0 < p.n(); s0 += chunk) {
                int cs = Math.min(chunk, p.n() - s0);
                long xs = x + (long) s0 * p.c() * hw * item, ys = y + (long) s0 * p.o() * L * item;
                long b;
                long bSample, bGroup;
                if (direct) {
                    b = xs;
                    bSample = (long) p.c() * hw;
                    bGroup = (long) cg * hw;
                } else {
                    im2col(c, dt, p, cs, xs, col.address(), colSample, L);
                    b = col.address();
                    bSample = colSample;
                    bGroup = (long) rows * L;
                }
                grouped(c, dt, groups, cs, og, L, rows, false, rows, w, (long) og * rows,
                        L, b, bGroup, bSample, L, ys, (long) og * L, (long) p.o() * L);
            }
        } finally {
            if (col != null) col.close();
        }
        if (bias != null) {
            Strided b4 = new Strided(bias.storage, bias.offset, new int[] {1, p.o(), 1, 1}, new int[] {0, bias.strides[0], 0, 0});
            CudaElementwise.binary(c, BinaryOp.ADD, out, b4, out, 1);
        }
    }

    static void backwardInput(CudaContext c, Strided gradOut, Strided weight, Strided gradInput, Conv2dParams p) {
        DType dt = gradInput.dtype;
        int item = dt.itemSize();
        int groups = p.groups(), cg = p.c() / groups, og = p.o() / groups;
        int kk = p.kH() * p.kW(), rows = cg * kk, L = p.outH() * p.outW(), hw = p.h() * p.w();
        long go = Operands.address(gradOut), w = Operands.address(weight), gi = Operands.address(gradInput);
        boolean direct = pointwise(p);
        long colSample = (long) p.c() * kk * L;
        int chunk = direct ? p.n() : chunk(c, p.n(), colSample * item);
        CudaContext.Scratch col = direct ? null : c.scratch((long) chunk * colSample * item);
        try {
            for (int s0 = 0; s0 < p.n(); s0 += chunk) {
                int cs = Math.min(chunk, p.n() - s0);
                long gos = go + (long) s0 * p.o() * L * item, gis = gi + (long) s0 * p.c() * hw * item;
                long target = direct ? gis : col.address();
                long tSample = direct ? (long) p.c() * hw : colSample;
                long tGroup = direct ? (long) cg * hw : (long) rows * L;
                grouped(c, dt, groups, cs, rows, L, og, true, rows, w, (long) og * rows,
                        L, gos, (long) og * L, (long) p.o() * L, L, target, tGroup, tSample);
                if (!direct) {
                    long total = (long) cs * p.c() * hw;
                    c.driver.launch(dt == DType.FLOAT32 ? Kernel.COL2IM_F32 : Kernel.COL2IM_F64, c.blocks(total, CudaContext.THREADS),
                            1, 1, CudaContext.THREADS, new KernelArgs().ints(ints(p)).i32(cs).ptr(col.address()).i64(colSample)
                                    .i64(L).ptr(gis));
                }
            }
        } finally {
            if (col != null) col.close();
        }
    }

    static void backwardWeight(CudaContext c, Strided gradOut, Strided input, Strided gradWeight, Conv2dParams p) {
        DType dt = gradWeight.dtype;
        int item = dt.itemSize();
        int groups = p.groups(), cg = p.c() / groups, og = p.o() / groups;
        int kk = p.kH() * p.kW(), rows = cg * kk, L = p.outH() * p.outW(), hw = p.h() * p.w();
        long go = Operands.address(gradOut), x = Operands.address(input), gw = Operands.address(gradWeight);
        if (p.n() == 0 || L == 0) {
            c.driver.zero(gw, gradWeight.numel() * item);
            return;
        }
        long perSample = ((long) p.c() * kk * L + (long) p.o() * L) * item;
        int chunk = chunk(c, p.n(), perSample);
        CudaContext.Scratch col = c.scratch((long) chunk * p.c() * kk * L * item);
        CudaStorage gt = c.storage(dt, (long) chunk * p.o() * L);
        try {
            for (int s0 = 0; s0 < p.n(); s0 += chunk) {
                int cs = Math.min(chunk, p.n() - s0);
                long cols = (long) cs * L;
                if (cols > Integer.MAX_VALUE) throw new IllegalArgumentException("conv2d weight gradient: chunk too large");
                // col: [C·kH·kW, cs·L], sample s at column offset s·L
                im2col(c, dt, p, cs, x + (long) s0 * p.c() * hw * item, col.address(), L, cols);
                // gOut chunk [cs, O, L] permuted to [O, cs, L]
                Strided src = new Strided(gradOut.storage, gradOut.offset + s0 * p.o() * L, new int[] {p.o(), cs, L},
                        new int[] {L, p.o() * L, 1});
                Strided dst = new Strided(gt, 0, new int[] {p.o(), cs, L}, new int[] {cs * L, L, 1});
                CudaElementwise.copy(c, src, dst);
                GemmCall g = new GemmCall(og, rows, (int) cols, false, true, (int) cols, (int) cols, rows,
                        (long) og * cols, (long) rows * cols, (long) og * rows, groups, 1, s0 == 0 ? 0 : 1);
                c.driver.gemm().run(dt, g, gt.address(), col.address(), gw);
            }
        } finally {
            col.close();
            gt.release();
        }
    }

    // ---- pooling ----

    private static int[] ints(Pool2dParams p) {
        return new int[] {p.n(), p.c(), p.h(), p.w(), p.oH(), p.oW(), p.kH(), p.kW(), p.strideH(), p.strideW(), p.padH(), p.padW(),
                p.dilH(), p.dilW(), p.ceilMode() ? 1 : 0, p.countIncludePad() ? 1 : 0, p.divisorOverride()};
    }

    private static void pool(CudaContext c, Kernel f32, Kernel f64, DType dt, long items, KernelArgs args) {
        if (items == 0) return;
        c.driver.launch(dt == DType.FLOAT32 ? f32 : f64, c.blocks(items, CudaContext.THREADS), 1, 1, CudaContext.THREADS, args);
    }

    private static long outputs(Pool2dParams p) { return (long) p.n() * p.c() * p.oH() * p.oW(); }

    private static long inputs(Pool2dParams p) { return (long) p.n() * p.c() * p.h() * p.w(); }

    static void maxPool(CudaContext c, Strided in, Strided out, Strided idx, Pool2dParams p) {
        pool(c, Kernel.MAXPOOL_FWD_F32, Kernel.MAXPOOL_FWD_F64, out.dtype, outputs(p), new KernelArgs().ints(ints(p))
                .ptr(Operands.address(in)).ptr(Operands.address(out)).ptr(Operands.address(idx)));
    }

    static void maxPoolBackward(CudaContext c, Strided gradOut, Strided idx, Strided gradIn, Pool2dParams p) {
        pool(c, Kernel.MAXPOOL_BWD_F32, Kernel.MAXPOOL_BWD_F64, gradIn.dtype, inputs(p), new KernelArgs().ints(ints(p))
                .ptr(Operands.address(gradOut)).ptr(Operands.address(idx)).ptr(Operands.address(gradIn)));
    }

    static void avgPool(CudaContext c, Strided in, Strided out, Pool2dParams p) {
        pool(c, Kernel.AVGPOOL_FWD_F32, Kernel.AVGPOOL_FWD_F64, out.dtype, outputs(p), new KernelArgs().ints(ints(p))
                .ptr(Operands.address(in)).ptr(Operands.address(out)));
    }

    static void avgPoolBackward(CudaContext c, Strided gradOut, Strided gradIn, Pool2dParams p) {
        pool(c, Kernel.AVGPOOL_BWD_F32, Kernel.AVGPOOL_BWD_F64, gradIn.dtype, inputs(p), new KernelArgs().ints(ints(p))
                .ptr(Operands.address(gradOut)).ptr(Operands.address(gradIn)));
    }
}
