package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Strided;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;

/**
 * The CPU element-wise kernels: copy/cast, unary, binary and ternary ops over broadcast, strided
 * operands of any dtype.
 *
 * <p>Each row that {@link Iter} hands out takes one of two paths. The fast path runs when every
 * operand is float32 with a unit (or broadcast, stride 0) inner stride and the op has a
 * {@link FloatKernels} specialisation: it reads and writes the arrays directly. Otherwise the
 * generic path gathers blocks of {@link #BLOCK} elements into double (floating compute) or long
 * (integral compute) buffers with {@link Convert}, runs the {@link BlockOps} loop for the op, and
 * scatters the result, converting to the output dtype. Mixed-dtype operands therefore need no
 * temporary copies.
 */
final class CpuElementwise {
    private CpuElementwise() {}

    static final int BLOCK = 512;

    private static float[] floatArray(Strided s) {
        return s.isScalar() ? new float[] {(float) s.scalar} : (float[]) ((CpuStorage) s.storage).array;
    }

    private static boolean isF32(Strided s) {
        return s.dtype == DType.FLOAT32;
    }

    /** True when the computation runs in floating point. */
    private static boolean floating(Strided... ops) {
        for (Strided s : ops) if (s.dtype.isFloatingPoint()) return true;
        return false;
    }

    static void copy(Strided src, Strided dst) {
        Strided s = src.broadcastTo(dst.shape);
        Iter it = new Iter(dst.shape, dst, s);
        int os = it.innerStride(0), ss = it.innerStride(1);
        if (src.dtype == dst.dtype && !src.isScalar()) {
            Object from = ((CpuStorage) src.storage).array, to = ((CpuStorage) dst.storage).array;
            if (os == 1 && ss == 1) {
                it.forEach(Iter.GRAIN * 4, len -> (o, n) -> System.arraycopy(from, o[1], to, o[0], n));
                return;
            }
        }
        // through double when the source is floating (exact for every float dtype), else through
        // long (exact for every integer dtype, and int -> float rounds once, as a cast does)
        if (src.dtype.isFloatingPoint()) {
            it.forEach(len -> {
                double[] buf = new double[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int b = 0; b < n; b += BLOCK) {
                        int m = Math.min(BLOCK, n - b);
                        Convert.load(s, o[1] + b * ss, ss, buf, m);
                        Convert.store(buf, dst, o[0] + b * os, os, m);
                    }
                };
            });
        } else {
            it.forEach(len -> {
                long[] buf = new long[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int b = 0; b < n; b += BLOCK) {
                        int m = Math.min(BLOCK, n - b);
                        Convert.load(s, o[1] + b * ss, ss, buf, m);
                        Convert.store(buf, dst, o[0] + b * os, os, m);
                    }
                };
            });
        }
    }

    static void unary(UnaryOp op, Strided x, Strided out, double p1, double p2) {
        int total = (int) out.numel();
        if (total <= Iter.GRAIN && isF32(x) && isF32(out) && FloatKernels.supports(op) && out.isContiguous()
                && flatStride(x, out) == 1) {
            FloatKernels.INSTANCE.unary(op, floatArray(x), x.offset, floatArray(out), out.offset, total, (float) p1, (float) p2);
            return;
        }
        Strided xs = x.broadcastTo(out.shape);
        Iter it = new Iter(out.shape, out, xs);
        int os = it.innerStride(0), is = it.innerStride(1);
        if (isF32(x) && isF32(out) && os == 1 && is == 1 && !x.isScalar()) {
            float[] xa = floatArray(x), ya = floatArray(out);
            if (FloatKernels.supports(op)) {
                it.forEach(len -> (o, n) -> FloatKernels.INSTANCE.unary(op, xa, o[1], ya, o[0], n, (float) p1, (float) p2));
                return;
            }
        }
        if (floating(x) || out.dtype.isFloatingPoint()) {
            it.forEach(len -> {
                double[] a = new double[Math.min(BLOCK, len)], r = new double[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int b = 0; b < n; b += BLOCK) {
                        int m = Math.min(BLOCK, n - b);
                        Convert.load(xs, o[1] + b * is, is, a, m);
                        BlockOps.unary(op, a, r, m, p1, p2);
                        Convert.store(r, out, o[0] + b * os, os, m);
                    }
                };
            });
        } else {
            it.forEach(len -> {
                long[] a = new long[Math.min(BLOCK, len)], r = new long[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int b = 0; b < n; b += BLOCK) {
                        int m = Math.min(BLOCK, n - b);
                        Convert.load(xs, o[1] + b * is, is, a, m);
                        BlockOps.unary(op, a, r, m, p1, p2);
                        Convert.store(r, out, o[0] + b * os, os, m);
                    }
                };
            });
        }
    }

    /**
     * The stride an operand has when the op is one flat run over a dense output: 1 when it is dense
     * with the output's shape, 0 when it is a single value, -1 otherwise.
     */
    private static int flatStride(Strided x, Strided out) {
        if (x.isScalar()) return 0;
        if (x.storage != null && x.numel() == 1) return 0;
        return java.util.Arrays.equals(x.shape, out.shape) && x.isContiguous() ? 1 : -1;
    }

    static void binary(BinaryOp op, Strided a, Strided b, Strided out, double alpha) {
        int total = (int) out.numel();
        if (total <= Iter.GRAIN && isF32(a) && isF32(b) && isF32(out) && FloatKernels.supports(op) && out.isContiguous()) {
            int ast = flatStride(a, out), bst = flatStride(b, out);
            if (ast >= 0 && bst >= 0) { // the common small case: no iterator, no threads
                FloatKernels.INSTANCE.binary(op, floatArray(a), a.isScalar() ? 0 : a.offset, ast, floatArray(b),
                        b.isScalar() ? 0 : b.offset, bst, floatArray(out), out.offset, total, (float) alpha);
                return;
            }
        }
        Strided as = a.broadcastTo(out.shape), bs = b.broadcastTo(out.shape);
        Iter it = new Iter(out.shape, out, as, bs);
        int os = it.innerStride(0), ast = it.innerStride(1), bst = it.innerStride(2);
        if (isF32(a) && isF32(b) && isF32(out) && os == 1 && (ast | 1) == 1 && (bst | 1) == 1) {
            float[] aa = floatArray(a), ba = floatArray(b), oa = floatArray(out);
            float al = (float) alpha;
            if (FloatKernels.supports(op)) {
                it.forEach(len -> (o, n) -> FloatKernels.INSTANCE.binary(op, aa, o[1], ast, ba, o[2], bst, oa, o[0], n, al));
                return;
            }
        }
        if (floating(a, b) || out.dtype.isFloatingPoint()) {
            it.forEach(len -> {
                double[] x = new double[Math.min(BLOCK, len)], y = new double[Math.min(BLOCK, len)], r = new double[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int k = 0; k < n; k += BLOCK) {
                        int m = Math.min(BLOCK, n - k);
                        Convert.load(as, o[1] + k * ast, ast, x, m);
                        Convert.load(bs, o[2] + k * bst, bst, y, m);
                        BlockOps.binary(op, x, y, r, m, alpha);
                        Convert.store(r, out, o[0] + k * os, os, m);
                    }
                };
            });
        } else {
            long al = (long) alpha;
            it.forEach(len -> {
                long[] x = new long[Math.min(BLOCK, len)], y = new long[Math.min(BLOCK, len)], r = new long[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int k = 0; k < n; k += BLOCK) {
                        int m = Math.min(BLOCK, n - k);
                        Convert.load(as, o[1] + k * ast, ast, x, m);
                        Convert.load(bs, o[2] + k * bst, bst, y, m);
                        BlockOps.binary(op, x, y, r, m, al);
                        Convert.store(r, out, o[0] + k * os, os, m);
                    }
                };
            });
        }
    }

    static void ternary(TernaryOp op, Strided a, Strided b, Strided c, Strided out, double p) {
        Strided as = a.broadcastTo(out.shape), bs = b.broadcastTo(out.shape), cs = c.broadcastTo(out.shape);
        Iter it = new Iter(out.shape, out, as, bs, cs);
        int os = it.innerStride(0), s1 = it.innerStride(1), s2 = it.innerStride(2), s3 = it.innerStride(3);
        if (FloatKernels.supports(op) && isF32(a) && isF32(b) && isF32(c) && isF32(out) && os == 1
                && (s1 | 1) == 1 && (s2 | 1) == 1 && (s3 | 1) == 1) {
            float[] x = floatArray(a), y = floatArray(b), z = floatArray(c), o = floatArray(out);
            float fp = (float) p;
            it.forEach(len -> (off, n) -> FloatKernels.INSTANCE.ternary(op, x, off[1], s1, y, off[2], s2, z, off[3], s3, o, off[0], n, fp));
            return;
        }
        // WHERE's condition is BOOL and decides nothing about the compute type
        boolean fl = out.dtype.isFloatingPoint() || (op == TernaryOp.WHERE ? floating(b, c) : floating(a, b, c));
        if (fl) {
            it.forEach(len -> {
                double[] x = new double[Math.min(BLOCK, len)], y = new double[Math.min(BLOCK, len)], z = new double[Math.min(BLOCK, len)], r = new double[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int k = 0; k < n; k += BLOCK) {
                        int m = Math.min(BLOCK, n - k);
                        Convert.load(as, o[1] + k * s1, s1, x, m);
                        Convert.load(bs, o[2] + k * s2, s2, y, m);
                        Convert.load(cs, o[3] + k * s3, s3, z, m);
                        BlockOps.ternary(op, x, y, z, r, m, p);
                        Convert.store(r, out, o[0] + k * os, os, m);
                    }
                };
            });
        } else {
            it.forEach(len -> {
                long[] x = new long[Math.min(BLOCK, len)], y = new long[Math.min(BLOCK, len)], z = new long[Math.min(BLOCK, len)], r = new long[Math.min(BLOCK, len)];
                return (o, n) -> {
                    for (int k = 0; k < n; k += BLOCK) {
                        int m = Math.min(BLOCK, n - k);
                        Convert.load(as, o[1] + k * s1, s1, x, m);
                        Convert.load(bs, o[2] + k * s2, s2, y, m);
                        Convert.load(cs, o[3] + k * s3, s3, z, m);
                        BlockOps.ternary(op, x, y, z, r, m, p);
                        Convert.store(r, out, o[0] + k * os, os, m);
                    }
                };
            });
        }
    }
}
