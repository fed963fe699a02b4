// Kernels that reduce or scan: reductions over a set of dims, max/min with indices along a dim,
// cumulative scans and softmax / log_softmax. Semantics mirror the CPU backend (CpuReduce,
// CpuAlongDim): floating input accumulates in double and is rounded once on store; SUM, PROD, MAX and
// MIN of integral input accumulate exactly in 64-bit integers; MAX and MIN propagate NaN.
//
// Reductions see the input as [kept dims..., reduced dims...]: output k reduces the elements whose
// kept index is k. The host chooses between a block per output (threads stride over the reduced
// elements, then combine in shared memory) and a thread per output (best when consecutive outputs
// are consecutive in memory), and may split the reduced range over gridDim.y blocks, which then write
// raw accumulators to a scratch buffer that reduce_combine_* folds and finishes.
#include "kindling.cuh"

// ---- double accumulators: feed(a, v) == combine(a, transform(v)) ----

KD_FN double kd_red_init(int op, double p) {
    switch (op) {
        case R_PROD: case R_ALL: return 1.0;
        case R_MAX: return -kd_inf(0.0);
        case R_MIN: return kd_inf(0.0);
        case R_NORM: return p == -kd_inf(0.0) ? kd_inf(0.0) : 0.0;
        default: return 0.0;
    }
}

KD_FN double kd_red_transform(int op, double p, double v) {
    switch (op) {
        case R_ALL: case R_ANY: case R_COUNT_NONZERO: return v != 0 ? 1.0 : 0.0;
        case R_NORM: {
            double a = fabs(v);
            if (p == 2) return a * a;
            if (p == 1 || p == kd_inf(0.0) || p == -kd_inf(0.0)) return a;
            if (p == 0) return v != 0 ? 1.0 : 0.0;
            return pow(a, p);
        }
        default: return v;
    }
}

KD_FN double kd_red_combine(int op, double p, double a, double b) {
    switch (op) {
        case R_SUM: case R_COUNT_NONZERO: return a + b;
        case R_PROD: return a * b;
        case R_MAX: return (a != a || b != b) ? kd_nan(a) : (a > b ? a : b);
        case R_MIN: return (a != a || b != b) ? kd_nan(a) : (a < b ? a : b);
        case R_ALL: return (a != 0 && b != 0) ? 1.0 : 0.0;
        case R_ANY: return (a != 0 || b != 0) ? 1.0 : 0.0;
        case R_NORM:
            if (p == kd_inf(0.0)) return (a != a || b != b) ? kd_nan(a) : (a > b ? a : b);
            if (p == -kd_inf(0.0)) return (a != a || b != b) ? kd_nan(a) : (a < b ? a : b);
            return a + b;
        default: return a;
    }
}

KD_FN double kd_red_finish(int op, double p, double a) {
    if (op == R_NORM && p != 0 && p != 1 && p != kd_inf(0.0) && p != -kd_inf(0.0)) {
        return p == 2 ? sqrt(a) : pow(a, 1.0 / p);
    }
    return a;
}

// ---- exact 64-bit integer accumulators (SUM, PROD, MAX, MIN) ----

KD_FN long long kd_red_init_l(int op) {
    switch (op) {
        case R_PROD: return 1;
        case R_MAX: return (long long) 0x8000000000000000ULL;
        case R_MIN: return 0x7fffffffffffffffLL;
        default: return 0;
    }
}

KD_FN long long kd_red_combine_l(int op, long long a, long long b) {
    switch (op) {
        case R_SUM: return a + b;
        case R_PROD: return a * b;
        case R_MAX: return a > b ? a : b;
        default: return a < b ? a : b;  // R_MIN
    }
}

// The range of reduced elements that split y of `splits` covers.
KD_FN void kd_split_range(int nRed, int splitLen, int y, int& from, int& to) {
    long long f = (long long) y * splitLen;
    long long t = f + splitLen;
    from = (int) (f < nRed ? f : nRed);
    to = (int) (t < nRed ? t : nRed);
}

// One block per output: threads stride over the reduced elements, then combine in shared memory.
// partial == 0: finish and store into out; otherwise store the raw accumulator at
// partial[k * gridDim.y + blockIdx.y].
extern "C" __global__ void reduce_block_d(int op, double p, int nOut, int nRed, int splitLen,
                                          KdShape kept, KdOperand xk, KdOperand out, KdShape red, KdOperand xr,
                                          unsigned long long partial) {
    __shared__ double sh[KD_REDUCE_THREADS];
    int from, to;
    kd_split_range(nRed, splitLen, blockIdx.y, from, to);
    for (int k = blockIdx.x; k < nOut; k += gridDim.x) {
        int base, oo;
        kd_offsets2(k, kept, xk, out, base, oo);
        double acc = kd_red_init(op, p);
        for (int j = from + threadIdx.x; j < to; j += blockDim.x) {
            int oj;
            kd_offsets1(j, red, xr, oj);
            acc = kd_red_combine(op, p, acc, kd_red_transform(op, p, kd_load_d(xr, base + oj)));
        }
        sh[threadIdx.x] = acc;
        __syncthreads();
        for (int step = blockDim.x / 2; step > 0; step >>= 1) {
            if (threadIdx.x < step) sh[threadIdx.x] = kd_red_combine(op, p, sh[threadIdx.x], sh[threadIdx.x + step]);
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            if (partial) ((double*) partial)[(long long) k * gridDim.y + blockIdx.y] = sh[0];
            else kd_store_d(out, oo, kd_red_finish(op, p, sh[0]));
        }
        __syncthreads();
    }
}

// One thread per output, walking its reduced elements in order (splits as above).
extern "C" __global__ void reduce_thread_d(int op, double p, int nOut, int nRed, int splitLen,
                                           KdShape kept, KdOperand xk, KdOperand out, KdShape red, KdOperand xr,
                                           unsigned long long partial) {
    int from, to;
    kd_split_range(nRed, splitLen, blockIdx.y, from, to);
    KD_GRID_LOOP(k, nOut) {
        int base, oo;
        kd_offsets2(k, kept, xk, out, base, oo);
        double acc = kd_red_init(op, p);
        for (int j = from; j < to; j++) {
            int oj;
            kd_offsets1(j, red, xr, oj);
            acc = kd_red_combine(op, p, acc, kd_red_transform(op, p, kd_load_d(xr, base + oj)));
        }
        if (partial) ((double*) partial)[(long long) k * gridDim.y + blockIdx.y] = acc;
        else kd_store_d(out, oo, kd_red_finish(op, p, acc));
    }
}

// Folds the `splits` raw accumulators of each output, finishes and stores.
extern "C" __global__ void reduce_combine_d(int op, double p, int nOut, int splits, unsigned long long partial,
                                            KdShape kept, KdOperand out) {
    const double* part = (const double*) partial;
    KD_GRID_LOOP(k, nOut) {
        int oo;
        kd_offsets1(k, kept, out, oo);
        double acc = kd_red_init(op, p);
        for (int y = 0; y < splits; y++) acc = kd_red_combine(op, p, acc, part[(long long) k * splits + y]);
        kd_store_d(out, oo, kd_red_finish(op, p, acc));
    }
}

extern "C" __global__ void reduce_block_l(int op, int nOut, int nRed, int splitLen,
                                          KdShape kept, KdOperand xk, KdOperand out, KdShape red, KdOperand xr,
                                          unsigned long long partial) {
    __shared__ long long sh[KD_REDUCE_THREADS];
    int from, to;
    kd_split_range(nRed, splitLen, blockIdx.y, from, to);
    for (int k = blockIdx.x; k < nOut; k += gridDim.x) {
        int base, oo;
        kd_offsets2(k, kept, xk, out, base, oo);
        long long acc = kd_red_init_l(op);
        for (int j = from + threadIdx.x; j < to; j += blockDim.x) {
            int oj;
            kd_offsets1(j, red, xr, oj);
            acc = kd_red_combine_l(op, acc, kd_load_l(xr, base + oj));
        }
        sh[threadIdx.x] = acc;
        __syncthreads();
        for (int step = blockDim.x / 2; step > 0; step >>= 1) {
            if (threadIdx.x < step) sh[threadIdx.x] = kd_red_combine_l(op, sh[threadIdx.x], sh[threadIdx.x + step]);
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            if (partial) ((long long*) partial)[(long long) k * gridDim.y + blockIdx.y] = sh[0];
            else kd_store_l(out, oo, sh[0]);
        }
        __syncthreads();
    }
}

extern "C" __global__ void reduce_thread_l(int op, int nOut, int nRed, int splitLen,
                                           KdShape kept, KdOperand xk, KdOperand out, KdShape red, KdOperand xr,
                                           unsigned long long partial) {
    int from, to;
    kd_split_range(nRed, splitLen, blockIdx.y, from, to);
    KD_GRID_LOOP(k, nOut) {
        int base, oo;
        kd_offsets2(k, kept, xk, out, base, oo);
        long long acc = kd_red_init_l(op);
        for (int j = from; j < to; j++) {
            int oj;
            kd_offsets1(j, red, xr, oj);
            acc = kd_red_combine_l(op, acc, kd_load_l(xr, base + oj));
        }
        if (partial) ((long long*) partial)[(long long) k * gridDim.y + blockIdx.y] = acc;
        else kd_store_l(out, oo, acc);
    }
}

extern "C" __global__ void reduce_combine_l(int op, int nOut, int splits, unsigned long long partial,
                                            KdShape kept, KdOperand out) {
    const long long* part = (const long long*) partial;
    KD_GRID_LOOP(k, nOut) {
        int oo;
        kd_offsets1(k, kept, out, oo);
        long long acc = kd_red_init_l(op);
        for (int y = 0; y < splits; y++) acc = kd_red_combine_l(op, acc, part[(long long) k * splits + y]);
        kd_store_l(out, oo, acc);
    }
}

// ---- max / min with the index, along one dim (one block per line) ----
//
// The CPU rule: the first NaN if there is one, else the first index of the extreme value. A thread
// folds its elements in order; threads combine candidates keeping the lower index on ties.

KD_FN bool kd_better_d(bool isMax, double v, int i, double w, int j) {
    // true when candidate (v, i) wins over (w, j); j < 0 marks an empty candidate
    if (j < 0) return true;
    if (i < 0) return false;
    bool vn = v != v, wn = w != w;
    if (vn || wn) return vn && (!wn || i < j);
    if (v == w) return i < j;
    return isMax ? v > w : v < w;
}

KD_FN bool kd_better_l(bool isMax, long long v, int i, long long w, int j) {
    if (j < 0) return true;
    if (i < 0) return false;
    if (v == w) return i < j;
    return isMax ? v > w : v < w;
}

extern "C" __global__ void argext_d(int isMax, int nLines, int n, KdShape outer, KdOperand x, int xDimStride,
                                    KdOperand values, KdOperand indices) {
    __shared__ double shv[KD_REDUCE_THREADS];
    __shared__ int shi[KD_REDUCE_THREADS];
    for (int line = blockIdx.x; line < nLines; line += gridDim.x) {
        int ox, ov, oi;
        kd_offsets3(line, outer, x, values, indices, ox, ov, oi);
        double best = 0;
        int bi = -1;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            double v = kd_load_d(x, ox + j * xDimStride);
            if (kd_better_d(isMax, v, j, best, bi)) { best = v; bi = j; }
        }
        shv[threadIdx.x] = best;
        shi[threadIdx.x] = bi;
        __syncthreads();
        for (int step = blockDim.x / 2; step > 0; step >>= 1) {
            if (threadIdx.x < step) {
                int t = threadIdx.x + step;
                if (kd_better_d(isMax, shv[t], shi[t], shv[threadIdx.x], shi[threadIdx.x])) {
                    shv[threadIdx.x] = shv[t];
                    shi[threadIdx.x] = shi[t];
                }
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            kd_store_d(values, ov, shv[0]);
            ((long long*) indices.data)[oi] = shi[0];
        }
        __syncthreads();
    }
}

extern "C" __global__ void argext_l(int isMax, int nLines, int n, KdShape outer, KdOperand x, int xDimStride,
                                    KdOperand values, KdOperand indices) {
    __shared__ long long shv[KD_REDUCE_THREADS];
    __shared__ int shi[KD_REDUCE_THREADS];
    for (int line = blockIdx.x; line < nLines; line += gridDim.x) {
        int ox, ov, oi;
        kd_offsets3(line, outer, x, values, indices, ox, ov, oi);
        long long best = 0;
        int bi = -1;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            long long v = kd_load_l(x, ox + j * xDimStride);
            if (kd_better_l(isMax, v, j, best, bi)) { best = v; bi = j; }
        }
        shv[threadIdx.x] = best;
        shi[threadIdx.x] = bi;
        __syncthreads();
        for (int step = blockDim.x / 2; step > 0; step >>= 1) {
            if (threadIdx.x < step) {
                int t = threadIdx.x + step;
                if (kd_better_l(isMax, shv[t], shi[t], shv[threadIdx.x], shi[threadIdx.x])) {
                    shv[threadIdx.x] = shv[t];
                    shi[threadIdx.x] = shi[t];
                }
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            kd_store_l(values, ov, shv[0]);
            ((long long*) indices.data)[oi] = shi[0];
        }
        __syncthreads();
    }
}

// ---- cumulative scans along one dim: one thread per line, in order ----

extern "C" __global__ void scan_d(int op, int nLines, int n, KdShape outer, KdOperand x, int xs,
                                  KdOperand out, int os, KdOperand idx, int is) {
    KD_GRID_LOOP(line, nLines) {
        int ox, oo, oi;
        kd_offsets3(line, outer, x, out, idx, ox, oo, oi);
        double acc = 0;
        long long arg = 0;
        for (int i = 0; i < n; i++) {
            double v = kd_load_d(x, ox + i * xs);
            switch (op) {
                case S_CUMSUM: acc = i == 0 ? v : acc + v; break;
                case S_CUMPROD: acc = i == 0 ? v : acc * v; break;
                case S_CUMMAX: if (i == 0 || v != v || (acc == acc && v >= acc)) { acc = v; arg = i; } break;
                case S_CUMMIN: if (i == 0 || v != v || (acc == acc && v <= acc)) { acc = v; arg = i; } break;
                default:  // S_LOGCUMSUMEXP
                    if (i == 0) {
                        acc = v;
                    } else {
                        double m = acc > v ? acc : v;
                        acc = m == -kd_inf(m) ? m : m + log(exp(acc - m) + exp(v - m));
                    }
                    break;
            }
            kd_store_d(out, oo + i * os, acc);
            if (idx.data) ((long long*) idx.data)[oi + i * is] = arg;
        }
    }
}

extern "C" __global__ void scan_l(int op, int nLines, int n, KdShape outer, KdOperand x, int xs,
                                  KdOperand out, int os, KdOperand idx, int is) {
    KD_GRID_LOOP(line, nLines) {
        int ox, oo, oi;
        kd_offsets3(line, outer, x, out, idx, ox, oo, oi);
        long long acc = 0, arg = 0;
        for (int i = 0; i < n; i++) {
            long long v = kd_load_l(x, ox + i * xs);
            switch (op) {
                case S_CUMSUM: acc = i == 0 ? v : acc + v; break;
                case S_CUMPROD: acc = i == 0 ? v : acc * v; break;
                case S_CUMMAX: if (i == 0 || v >= acc) { acc = v; arg = i; } break;
                default: if (i == 0 || v <= acc) { acc = v; arg = i; } break;  // S_CUMMIN
            }
            kd_store_l(out, oo + i * os, acc);
            if (idx.data) ((long long*) idx.data)[oi + i * is] = arg;
        }
    }
}

// ---- softmax / log_softmax along one dim: one block per line ----

extern "C" __global__ void softmax_d(int isLog, int nLines, int n, KdShape outer, KdOperand x, int xs,
                                     KdOperand out, int os) {
    __shared__ double sh[KD_REDUCE_THREADS];
    for (int line = blockIdx.x; line < nLines; line += gridDim.x) {
        int ox, oo;
        kd_offsets2(line, outer, x, out, ox, oo);
        // the maximum, NaN if any element is NaN
        double m = -kd_inf(0.0);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            double v = kd_load_d(x, ox + j * xs);
            if (v > m || v != v) m = (m != m) ? m : v;
        }
        sh[threadIdx.x] = m;
        __syncthreads();
        for (int step = blockDim.x / 2; step > 0; step >>= 1) {
            if (threadIdx.x < step) {
                double a = sh[threadIdx.x], b = sh[threadIdx.x + step];
                sh[threadIdx.x] = (a != a || b != b) ? kd_nan(a) : (a > b ? a : b);
            }
            __syncthreads();
        }
        m = sh[0];
        if (m == -kd_inf(m)) m = 0;
        __syncthreads();
        // the sum of exponentials
        double s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) s += exp(kd_load_d(x, ox + j * xs) - m);
        sh[threadIdx.x] = s;
        __syncthreads();
        for (int step = blockDim.x / 2; step > 0; step >>= 1) {
            if (threadIdx.x < step) sh[threadIdx.x] += sh[threadIdx.x + step];
            __syncthreads();
        }
        s = sh[0];
        __syncthreads();
        if (isLog) {
            double lse = m + log(s);
            for (int j = threadIdx.x; j < n; j += blockDim.x) kd_store_d(out, oo + j * os, kd_load_d(x, ox + j * xs) - lse);
        } else {
            double inv = 1.0 / s;
            for (int j = threadIdx.x; j < n; j += blockDim.x) {
                kd_store_d(out, oo + j * os, exp(kd_load_d(x, ox + j * xs) - m) * inv);
            }
        }
    }
}
