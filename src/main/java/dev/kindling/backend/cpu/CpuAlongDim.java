package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.backend.ScanOp;
import dev.kindling.backend.Strided;

/**
 * CPU kernels that work along one dimension: max/min with indices, cumulative scans, softmax and
 * log-softmax, sort and top-k. Each line is gathered into a double (or long, for exact integers)
 * buffer, processed, and scattered back; lines run in parallel.
 */
final class CpuAlongDim {
    private CpuAlongDim() {}

    private static int strideOf(Strided s, int dim) {
        return s.strides.length == 0 ? 0 : s.strides[dim];
    }

    private static int sizeOf(Strided s, int dim) {
        return s.shape.length == 0 ? 1 : s.shape[dim];
    }

    static void reduceWithIndices(boolean max, Strided x, int dim, Strided values, Strided indices) {
        int n = sizeOf(x, dim);
        int xs = strideOf(x, dim);
        long[] idxOut = (long[]) ((CpuStorage) indices.storage).array;
        boolean exact = !x.dtype.isFloatingPoint();
        Lines.forEach(dim, n, new Strided[] {x, values, indices}, () -> {
            double[] d = exact ? null : new double[n];
            long[] l = exact ? new long[n] : null;
            return offs -> {
                int best = 0;
                if (exact) {
                    Convert.load(x, offs[0], xs, l, n);
                    for (int i = 1; i < n; i++) if (max ? l[i] > l[best] : l[i] < l[best]) best = i;
                    Convert.store(new long[] {l[best]}, values, offs[1], 1, 1);
                } else {
                    Convert.load(x, offs[0], xs, d, n);
                    if (d[0] == d[0]) {
                        for (int i = 1; i < n; i++) {
                            double v = d[i];
                            if (v != v) { best = i; break; }
                            if (max ? v > d[best] : v < d[best]) best = i;
                        }
                    }
                    Convert.store(new double[] {d[best]}, values, offs[1], 1, 1);
                }
                idxOut[offs[2]] = best;
            };
        });
    }

    static void scan(ScanOp op, Strided x, int dim, Strided out, Strided indices) {
        int n = sizeOf(x, dim);
        int xs = strideOf(x, dim), os = strideOf(out, dim);
        boolean exact = !x.dtype.isFloatingPoint() && !out.dtype.isFloatingPoint();
        long[] idxArr = indices == null ? null : (long[]) ((CpuStorage) indices.storage).array;
        int is = indices == null ? 0 : strideOf(indices, dim);
        Strided[] ops = indices == null ? new Strided[] {x, out} : new Strided[] {x, out, indices};
        Lines.forEach(dim, n, ops, () -> {
            double[] d = new double[n];
            long[] l = new long[n];
            return offs -> {
                if (exact) {
                    Convert.load(x, offs[0], xs, l, n);
                    long acc = 0;
                    int arg = 0;
                    for (int i = 0; i < n; i++) {
                        switch (op) {
                            case CUMSUM -> acc = i == 0 ? l[0] : acc + l[i];
                            case CUMPROD -> acc = i == 0 ? l[0] : acc * l[i];
                            case CUMMAX -> { if (i == 0 || l[i] >= acc) { acc = l[i]; arg = i; } }
                            case CUMMIN -> { if (i == 0 || l[i] <= acc) { acc = l[i]; arg = i; } }
                            case LOGCUMSUMEXP -> throw new IllegalStateException("logcumsumexp on integers");
                        }
                        l[i] = acc;
                        if (idxArr != null) idxArr[offs[2] + i * is] = arg;
                    }
                    Convert.store(l, out, offs[1], os, n);
                } else {
                    Convert.load(x, offs[0], xs, d, n);
                    double acc = 0;
                    int arg = 0;
                    for (int i = 0; i < n; i++) {
                        double v = d[i];
                        switch (op) {
                            case CUMSUM -> acc = i == 0 ? v : acc + v;
                            case CUMPROD -> acc = i == 0 ? v : acc * v;
                            case CUMMAX -> { if (i == 0 || v != v || (acc == acc && v >= acc)) { acc = v; arg = i; } }
                            case CUMMIN -> { if (i == 0 || v != v || (acc == acc && v <= acc)) { acc = v; arg = i; } }
                            case LOGCUMSUMEXP -> {
                                if (i == 0) acc = v;
                                else {
                                    double m = Math.max(acc, v);
                                    acc = m == Double.NEGATIVE_INFINITY ? m : m + Math.log(Math.exp(acc - m) + Math.exp(v - m));
                                }
                            }
                        }
                        d[i] = acc;
                        if (idxArr != null) idxArr[offs[2] + i * is] = arg;
                    }
                    Convert.store(d, out, offs[1], os, n);
                }
            };
        });
    }

    static void softmax(Strided x, int dim, boolean log, Strided out) {
        int n = sizeOf(x, dim);
        int xs = strideOf(x, dim), os = strideOf(out, dim);
        if (x.dtype == DType.FLOAT32 && out.dtype == DType.FLOAT32 && xs == 1 && os == 1) {
            float[] xa = (float[]) ((CpuStorage) x.storage).array, oa = (float[]) ((CpuStorage) out.storage).array;
            Lines.forEach(dim, n * 4, new Strided[] {x, out}, () -> offs -> SoftmaxRow.INSTANCE.row(xa, offs[0], oa, offs[1], n, log));
            return;
        }
        Lines.forEach(dim, n * 4, new Strided[] {x, out}, () -> {
            double[] d = new double[n];
            return offs -> {
                Convert.load(x, offs[0], xs, d, n);
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) if (d[i] > m || d[i] != d[i]) m = d[i];
                if (m == Double.NEGATIVE_INFINITY) m = 0;
                double s = 0;
                if (log) {
                    for (int i = 0; i < n; i++) s += Math.exp(d[i] - m);
                    double lse = m + Math.log(s);
                    for (int i = 0; i < n; i++) d[i] -= lse;
                } else {
                    for (int i = 0; i < n; i++) { d[i] = Math.exp(d[i] - m); s += d[i]; }
                    double inv = 1.0 / s;
                    for (int i = 0; i < n; i++) d[i] *= inv;
                }
                Convert.store(d, out, offs[1], os, n);
            };
        });
    }

    /** Sorts indices of a line by value; NaN sorts above every number, as PyTorch does. */
    private static void sortLine(double[] v, Integer[] idx, int n, boolean descending) {
        for (int i = 0; i < n; i++) idx[i] = i;
        java.util.Comparator<Integer> asc = (p, q) -> {
            double a = v[p], b = v[q];
            boolean an = a != a, bn = b != b;
            if (an || bn) return an == bn ? 0 : an ? 1 : -1;
            return Double.compare(a == 0 ? 0.0 : a, b == 0 ? 0.0 : b);
        };
        java.util.Arrays.sort(idx, 0, n, descending ? asc.reversed() : asc); // a stable merge sort
    }

    private static void sortLine(long[] v, Integer[] idx, int n, boolean descending) {
        for (int i = 0; i < n; i++) idx[i] = i;
        java.util.Comparator<Integer> asc = (p, q) -> Long.compare(v[p], v[q]);
        java.util.Arrays.sort(idx, 0, n, descending ? asc.reversed() : asc);
    }

    static void sort(Strided x, int dim, boolean descending, Strided values, Strided indices) {
        int n = sizeOf(x, dim);
        topkOrSort(x, dim, n, descending, values, indices, n);
    }

    static void topk(Strided x, int k, int dim, boolean largest, Strided values, Strided indices) {
        topkOrSort(x, dim, sizeOf(x, dim), largest, values, indices, k);
    }

    private static void topkOrSort(Strided x, int dim, int n, boolean descending, Strided values, Strided indices, int k) {
        int xs = strideOf(x, dim), vs = strideOf(values, dim), is = strideOf(indices, dim);
        long[] idxArr = (long[]) ((CpuStorage) indices.storage).array;
        boolean exact = !x.dtype.isFloatingPoint();
        Lines.forEach(dim, n * 8, new Strided[] {x, values, indices}, () -> {
            double[] d = new double[n], outD = new double[k];
            long[] l = new long[n], outL = new long[k];
            Integer[] order = new Integer[n];
            return offs -> {
                if (exact) {
                    Convert.load(x, offs[0], xs, l, n);
                    sortLine(l, order, n, descending);
                    for (int i = 0; i < k; i++) outL[i] = l[order[i]];
                    Convert.store(outL, values, offs[1], vs, k);
                } else {
                    Convert.load(x, offs[0], xs, d, n);
                    sortLine(d, order, n, descending);
                    for (int i = 0; i < k; i++) outD[i] = d[order[i]];
                    Convert.store(outD, values, offs[1], vs, k);
                }
                for (int i = 0; i < k; i++) idxArr[offs[2] + i * is] = order[i];
            };
        });
    }
}
