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
                it.forEach(Iter.GRAIN * 4, () -> (o, n) -> System.arraycopy(from, o[1], to, o[0], n));
                return;
            }
        }
        if (src.dtype.isFloatingPoint() || dst.dtype.isFloatingPoint()) {
            boolean longPath = !src.dtype.isFloatingPoint();
            if (longPath) {
                it.forEach(() -> {
                    long[] buf = new long[BLOCK];
                    return (o, n) -> {
                        for (int b = 0; b < n; b += BLOCK) {
                            int m = Math.min(BLOCK, n - b);
                            Convert.load(s, o[1] + b * ss, ss, buf, m);
                            Convert.store(buf, dst, o[0] + b * os, os, m);
                        }
                    };
                });
            } else {
                it.forEach(() -> {
                    double[] buf = new double[BLOCK];
                    return (o, n) -> {
                        for (int b = 0; b < n; b += BLOCK) {
                            int m = Math.min(BLOCK, n - b);
                            Convert.load(s, o[1] + b * ss, ss, buf, m);
                            Convert.store(buf, dst, o[0] + b * os, os, m);
                        }
                    };
                });
            }
        } else {
            it.forEach(() -> {
                long[] buf = new long[BLOCK];
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
        Strided xs = x.broadcastTo(out.shape);
        Iter it = new Iter(out.shape, out, xs);
        int os = it.innerStride(0), is = it.innerStride(1);
        if (isF32(x) && isF32(out) && os == 1 && is == 1 && !x.isScalar()) {
            float[] xa = floatArray(x), ya = floatArray(out);
            if (FloatKernels.supports(op)) {
                it.forEach(() -> (o, n) -> FloatKernels.INSTANCE.unary(op, xa, o[1], ya, o[0], n, (float) p1, (float) p2));
                return;
            }
        }
        if (floating(x) || out.dtype.isFloatingPoint()) {
            it.forEach(() -> {
                double[] a = new double[BLOCK], r = new double[BLOCK];
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
            it.forEach(() -> {
                long[] a = new long[BLOCK], r = new long[BLOCK];
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

    static void binary(BinaryOp op, Strided a, Strided b, Strided out, double alpha) {
        Strided as = a.broadcastTo(out.shape), bs = b.broadcastTo(out.shape);
        Iter it = new Iter(out.shape, out, as, bs);
        int os = it.innerStride(0), ast = it.innerStride(1), bst = it.innerStride(2);
        if (isF32(a) && isF32(b) && isF32(out) && os == 1 && (ast | 1) == 1 && (bst | 1) == 1) {
            float[] aa = floatArray(a), ba = floatArray(b), oa = floatArray(out);
            float al = (float) alpha;
            if (FloatKernels.supports(op)) {
                it.forEach(() -> (o, n) -> FloatKernels.INSTANCE.binary(op, aa, o[1], ast, ba, o[2], bst, oa, o[0], n, al));
                return;
            }
        }
        if (floating(a, b) || out.dtype.isFloatingPoint()) {
            it.forEach(() -> {
                double[] x = new double[BLOCK], y = new double[BLOCK], r = new double[BLOCK];
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
            it.forEach(() -> {
                long[] x = new long[BLOCK], y = new long[BLOCK], r = new long[BLOCK];
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
        // WHERE's condition is BOOL and decides nothing about the compute type
        boolean fl = out.dtype.isFloatingPoint() || (op == TernaryOp.WHERE ? floating(b, c) : floating(a, b, c));
        if (fl) {
            it.forEach(() -> {
                double[] x = new double[BLOCK], y = new double[BLOCK], z = new double[BLOCK], r = new double[BLOCK];
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
            it.forEach(() -> {
                long[] x = new long[BLOCK], y = new long[BLOCK], z = new long[BLOCK], r = new long[BLOCK];
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
