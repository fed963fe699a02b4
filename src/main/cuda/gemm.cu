// Kindling's own GEMM, used when cuBLAS (libcublas.so.12) cannot be loaded and for int64, which
// cuBLAS lacks: batched row-major C = alpha * op(A) op(B) + beta * C (see KdGemm in kindling.cuh).
//
// Classic shared-memory tiling: a block of 256 threads computes a BM x BN tile of C, walking K in
// steps of BK; each thread owns TM x TN outputs spread with stride (BM/TM, BN/TN) over the tile, so
// that shared-memory reads of a warp hit distinct banks and the final stores are coalesced. Tiles of
// A and B are loaded so that consecutive threads read consecutive addresses in whichever dim is
// contiguous (it depends on the transposition flags). Edges are zero-padded. float32 uses 128 x 128
// tiles with 8 x 8 outputs per thread; float64 and int64 use 64 x 64 with 4 x 4.
#include "kindling.cuh"

template <typename T, int BM, int BN, int BK, int TM, int TN>
KD_FN void kd_gemm(const KdGemm& g, const T* A, const T* B, T* C) {
    constexpr int NT = (BM / TM) * (BN / TN);
    constexpr int RS = BM / TM;  // row stride between a thread's outputs
    constexpr int CS = BN / TN;  // column stride
    __shared__ T As[BK][BM];
    __shared__ T Bs[BK][BN];
    int tid = threadIdx.x;
    int tx = tid % CS, ty = tid / CS;
    int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    T alpha = (T) g.alpha, beta = (T) g.beta;
    for (int bz = blockIdx.z; bz < g.batch; bz += gridDim.z) {
        const T* a = A + bz * g.strideA;
        const T* b = B + bz * g.strideB;
        T* c = C + bz * g.strideC;
        T acc[TM][TN];
#pragma unroll
        for (int i = 0; i < TM; i++)
#pragma unroll
            for (int j = 0; j < TN; j++) acc[i][j] = T(0);
        for (int k0 = 0; k0 < g.k; k0 += BK) {
            // A tile: As[kk][r] = op(A)[m0 + r][k0 + kk]
            for (int e = tid; e < BM * BK; e += NT) {
                int r, kk;
                if (g.transA) { kk = e / BM; r = e % BM; } else { r = e / BK; kk = e % BK; }
                int gm = m0 + r, gk = k0 + kk;
                T v = T(0);
                if (gm < g.m && gk < g.k) v = g.transA ? a[(long long) gk * g.lda + gm] : a[(long long) gm * g.lda + gk];
                As[kk][r] = v;
            }
            // B tile: Bs[kk][cc] = op(B)[k0 + kk][n0 + cc]
            for (int e = tid; e < BK * BN; e += NT) {
                int cc, kk;
                if (g.transB) { cc = e / BK; kk = e % BK; } else { kk = e / BN; cc = e % BN; }
                int gk = k0 + kk, gn = n0 + cc;
                T v = T(0);
                if (gk < g.k && gn < g.n) v = g.transB ? b[(long long) gn * g.ldb + gk] : b[(long long) gk * g.ldb + gn];
                Bs[kk][cc] = v;
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < BK; kk++) {
                T ra[TM], rb[TN];
#pragma unroll
                for (int i = 0; i < TM; i++) ra[i] = As[kk][ty + i * RS];
#pragma unroll
                for (int j = 0; j < TN; j++) rb[j] = Bs[kk][tx + j * CS];
#pragma unroll
                for (int i = 0; i < TM; i++)
#pragma unroll
                    for (int j = 0; j < TN; j++) acc[i][j] += ra[i] * rb[j];
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < TM; i++) {
            int gm = m0 + ty + i * RS;
            if (gm >= g.m) continue;
#pragma unroll
            for (int j = 0; j < TN; j++) {
                int gn = n0 + tx + j * CS;
                if (gn >= g.n) continue;
                T* p = c + (long long) gm * g.ldc + gn;
                *p = beta == T(0) ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *p;
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(256) gemm_f32(KdGemm g, unsigned long long a, unsigned long long b,
                                                            unsigned long long c) {
    kd_gemm<float, 128, 128, 8, 8, 8>(g, (const float*) a, (const float*) b, (float*) c);
}

extern "C" __global__ void __launch_bounds__(256) gemm_f64(KdGemm g, unsigned long long a, unsigned long long b,
                                                            unsigned long long c) {
    kd_gemm<double, 64, 64, 8, 4, 4>(g, (const double*) a, (const double*) b, (double*) c);
}

extern "C" __global__ void __launch_bounds__(256) gemm_i64(KdGemm g, unsigned long long a, unsigned long long b,
                                                            unsigned long long c) {
    kd_gemm<long long, 64, 64, 8, 4, 4>(g, (const long long*) a, (const long long*) b, (long long*) c);
}
