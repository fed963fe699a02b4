// Indexing kernels: gather (also index_select), scatter (set or add; also index_add) and put.
// Indices are int64 and already bounds-checked and wrapped by the dispatch layer.
//
// gather and scatter walk the index's shape; the indexed operand's strides have 0 in the indexed
// dim, whose stride is passed separately and multiplied by the index value. index_select and
// index_add are the same kernels with a 1-D index given stride 0 in every other dim. Accumulating
// writes use atomics, so sums over duplicate indices are exact for integers and may differ in the
// last bits between runs for floating point, as in PyTorch.
#include "kindling.cuh"

// out[i] = x[index[i] along dim], moving itemSize-byte elements (x and out share a dtype).
extern "C" __global__ void gather_k(int n, KdShape s, KdOperand x, int xDimStride, KdOperand index, KdOperand out,
                                    int itemSize) {
    const long long* ip = (const long long*) index.data;
    KD_GRID_LOOP(i, n) {
        int ox, oi, oo;
        kd_offsets3(i, s, x, index, out, ox, oi, oo);
        int src = ox + (int) ip[oi] * xDimStride;
        switch (itemSize) {
            case 8: ((unsigned long long*) out.data)[oo] = ((const unsigned long long*) x.data)[src]; break;
            case 4: ((unsigned int*) out.data)[oo] = ((const unsigned int*) x.data)[src]; break;
            case 2: ((unsigned short*) out.data)[oo] = ((const unsigned short*) x.data)[src]; break;
            default: ((unsigned char*) out.data)[oo] = ((const unsigned char*) x.data)[src]; break;
        }
    }
}

// Adds v at element `off` of `self` atomically; only the dtypes the host sends here
// (float32, float64, int32, int64).
KD_FN void kd_atomic_add(const KdOperand& self, int off, double v, long long lv) {
    char* p = (char*) self.data;
    switch (self.dtype) {
        case KD_F32: atomicAdd(((float*) p) + off, (float) v); break;
        case KD_F64: atomicAdd(((double*) p) + off, v); break;
        case KD_I32: atomicAdd(((int*) p) + off, (int) lv); break;
        default: atomicAdd(((unsigned long long*) p) + off, (unsigned long long) lv); break;  // KD_I64
    }
}

// self[index[i] along dim] = src[i] (mode 0) or += alpha * src[i] (mode 1).
extern "C" __global__ void scatter_k(int n, KdShape s, KdOperand self, int selfDimStride, KdOperand index,
                                     KdOperand src, int accumulate, double alpha) {
    const long long* ip = (const long long*) index.data;
    bool exact = !kd_is_float_dtype(self.dtype);
    KD_GRID_LOOP(i, n) {
        int os, oi, osrc;
        kd_offsets3(i, s, self, index, src, os, oi, osrc);
        int target = os + (int) ip[oi] * selfDimStride;
        if (accumulate) {
            if (exact) kd_atomic_add(self, target, 0, kd_load_l(src, osrc) * kd_d2l(alpha));
            else kd_atomic_add(self, target, alpha * kd_load_d(src, osrc), 0);
        } else if (exact) {
            kd_store_l(self, target, kd_load_l(src, osrc));
        } else {
            kd_store_d(self, target, kd_load_d(src, osrc));
        }
    }
}

// self.flat[index[j]] = src[j] (or +=), where flat positions run over self's logical shape.
extern "C" __global__ void put_k(int n, KdShape selfShape, KdOperand self, KdOperand index, KdOperand src,
                                 int accumulate) {
    const long long* ip = (const long long*) index.data;
    bool exact = !kd_is_float_dtype(self.dtype);
    KD_GRID_LOOP(j, n) {
        int target;
        kd_offsets1((int) ip[j * index.strides[0]], selfShape, self, target);
        int so = j * src.strides[0];
        if (accumulate) {
            if (exact) kd_atomic_add(self, target, 0, kd_load_l(src, so));
            else kd_atomic_add(self, target, kd_load_d(src, so), 0);
        } else if (exact) {
            kd_store_l(self, target, kd_load_l(src, so));
        } else {
            kd_store_d(self, target, kd_load_d(src, so));
        }
    }
}
