package dev.kindling.backend.cpu;

import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Strided;

/**
 * CPU indexing kernels: index_select, gather, scatter (set or add), index_add, put and nonzero.
 * Indices arrive as int64 operands already checked against the sizes by the dispatch layer.
 * Kernels that may write one element twice (scatter, index_add, put) run serially so that
 * accumulation is deterministic.
 */
final class CpuIndex {
    private CpuIndex() {}

    private static long[] longs(Strided s) {
        return (long[]) ((CpuStorage) s.storage).array;
    }

    /** The slice of {@code s} at position {@code i} of {@code dim}, as a view without that dim. */
    private static Strided slice(Strided s, int dim, long i) {
        int nd = s.shape.length;
        int[] shape = new int[nd - 1], strides = new int[nd - 1];
        for (int d = 0, k = 0; d < nd; d++) {
            if (d == dim) continue;
            shape[k] = s.shape[d];
            strides[k++] = s.strides[d];
        }
        return new Strided(s.storage, (int) (s.offset + i * s.strides[dim]), shape, strides);
    }

    static void indexSelect(Strided x, int dim, Strided index, Strided out) {
        long[] idx = longs(index);
        int n = index.shape.length == 0 ? 1 : index.shape[0];
        int is = index.strides.length == 0 ? 0 : index.strides[0];
        if (x.shape.length == 0) {
            CpuElementwise.copy(x, out);
            return;
        }
        for (int j = 0; j < n; j++) {
            CpuElementwise.copy(slice(x, dim, idx[index.offset + j * is]), slice(out, dim, j));
        }
    }

    /**
     * Walks {@code index}'s shape with the offsets of {@code self} (with stride 0 in dim), index and
     * other; the body receives the element offsets and the index value.
     */
    private interface Visit {
        void at(int selfOff, long idx, int otherOff);
    }

    private static void walk(Strided self, int dim, Strided index, Strided other, boolean parallel, Visit v) {
        int nd = index.shape.length;
        int[] selfStrides = new int[nd];
        for (int d = 0; d < nd; d++) selfStrides[d] = d == dim ? 0 : self.strides[d];
        Strided selfView = new Strided(self.storage, self.offset, index.shape, selfStrides);
        Strided otherView = other.isScalar() ? other : new Strided(other.storage, other.offset, index.shape,
                java.util.Arrays.copyOf(other.strides, nd));
        long[] idx = longs(index);
        Iter it = new Iter(index.shape, selfView, index, otherView);
        int s0 = it.innerStride(0), s1 = it.innerStride(1), s2 = it.innerStride(2);
        Iter.BodyFactory f = len -> (o, n) -> {
            for (int i = 0; i < n; i++) v.at(o[0] + i * s0, idx[o[1] + i * s1], o[2] + i * s2);
        };
        if (parallel) it.forEach(f);
        else it.forEach(Integer.MAX_VALUE, f);
    }

    static void gather(Strided x, int dim, Strided index, Strided out) {
        int ds = x.strides.length == 0 ? 0 : x.strides[dim];
        Object xa = ((CpuStorage) x.storage).array, oa = ((CpuStorage) out.storage).array;
        if (xa instanceof float[] xf && oa instanceof float[] of) {
            walk(x, dim, index, out, true, (so, i, oo) -> of[oo] = xf[so + (int) i * ds]);
        } else if (xa instanceof double[] xd && oa instanceof double[] od) {
            walk(x, dim, index, out, true, (so, i, oo) -> od[oo] = xd[so + (int) i * ds]);
        } else if (xa instanceof long[] xl && oa instanceof long[] ol) {
            walk(x, dim, index, out, true, (so, i, oo) -> ol[oo] = xl[so + (int) i * ds]);
        } else {
            double[] one = new double[1];
            walk(x, dim, index, out, false, (so, i, oo) -> {
                one[0] = Convert.get(x, so + (int) i * ds);
                Convert.store(one, out, oo, 1, 1);
            });
        }
    }

    static void scatter(Strided self, int dim, Strided index, Strided src, boolean accumulate) {
        int ds = self.strides.length == 0 ? 0 : self.strides[dim];
        Object sa = ((CpuStorage) self.storage).array;
        if (sa instanceof float[] sf && (src.isScalar() || src.dtype == self.dtype)) {
            float[] xf = src.isScalar() ? null : (float[]) ((CpuStorage) src.storage).array;
            float c = (float) src.scalar;
            if (accumulate) walk(self, dim, index, src, false, (so, i, oo) -> sf[so + (int) i * ds] += xf == null ? c : xf[oo]);
            else walk(self, dim, index, src, false, (so, i, oo) -> sf[so + (int) i * ds] = xf == null ? c : xf[oo]);
            return;
        }
        double[] one = new double[1];
        boolean exact = !self.dtype.isFloatingPoint();
        long[] oneL = new long[1];
        walk(self, dim, index, src, false, (so, i, oo) -> {
            int target = so + (int) i * ds;
            if (exact) {
                long v = src.isScalar() ? (long) src.scalar : Convert.getLong(src, oo);
                oneL[0] = accumulate ? Convert.getLong(self, target) + v : v;
                Convert.store(oneL, self, target, 1, 1);
            } else {
                double v = src.isScalar() ? src.scalar : Convert.get(src, oo);
                one[0] = accumulate ? Convert.get(self, target) + v : v;
                Convert.store(one, self, target, 1, 1);
            }
        });
    }

    static void indexAdd(Strided self, int dim, Strided index, Strided src, double alpha) {
        long[] idx = longs(index);
        int n = index.shape.length == 0 ? 1 : index.shape[0];
        int is = index.strides.length == 0 ? 0 : index.strides[0];
        if (self.shape.length == 0) {
            CpuElementwise.binary(BinaryOp.ADD, self, src, self, alpha * n);
            return;
        }
        for (int j = 0; j < n; j++) {
            Strided dst = slice(self, dim, idx[index.offset + j * is]);
            CpuElementwise.binary(BinaryOp.ADD, dst, slice(src, dim, j), dst, alpha);
        }
    }

    static void put(Strided self, Strided index, Strided src, boolean accumulate) {
        long[] idx = longs(index);
        int n = (int) index.numel();
        int nd = self.shape.length;
        double[] one = new double[1];
        long[] oneL = new long[1];
        boolean exact = !self.dtype.isFloatingPoint();
        // index and src are dense, row-major, of the same numel
        for (int j = 0; j < n; j++) {
            long lin = idx[index.offset + j];
            int off = self.offset;
            for (int d = nd - 1; d >= 0; d--) {
                off += (int) (lin % self.shape[d]) * self.strides[d];
                lin /= self.shape[d];
            }
            int so = src.isScalar() ? 0 : src.offset + j;
            if (exact) {
                long v = Convert.getLong(src, so);
                oneL[0] = accumulate ? Convert.getLong(self, off) + v : v;
                Convert.store(oneL, self, off, 1, 1);
            } else {
                double v = Convert.get(src, so);
                one[0] = accumulate ? Convert.get(self, off) + v : v;
                Convert.store(one, self, off, 1, 1);
            }
        }
    }

    static long[] nonzero(Strided x) {
        int n = (int) x.numel();
        int nd = x.shape.length;
        long[] found = new long[Math.min(n, 1024)];
        int count = 0;
        double[] buf = new double[CpuElementwise.BLOCK];
        int[] idx = new int[nd];
        // walk in row-major order, one element at a time through blocks of the innermost dim
        int inner = nd == 0 ? 1 : x.shape[nd - 1];
        int innerStride = nd == 0 ? 0 : x.strides[nd - 1];
        int rows = inner == 0 ? 0 : n / inner;
        for (int r = 0; r < rows; r++) {
            int off = x.offset, rem = r;
            for (int d = nd - 2; d >= 0; d--) {
                off += (rem % x.shape[d]) * x.strides[d];
                rem /= x.shape[d];
            }
            for (int b = 0; b < inner; b += buf.length) {
                int m = Math.min(buf.length, inner - b);
                Convert.load(x, off + b * innerStride, innerStride, buf, m);
                for (int i = 0; i < m; i++) {
                    if (buf[i] != 0) {
                        if (count == found.length) found = java.util.Arrays.copyOf(found, Math.max(16, count * 2));
                        found[count++] = (long) r * inner + b + i;
                    }
                }
            }
        }
        return java.util.Arrays.copyOf(found, count);
    }
}
