// Convolution helpers and pooling kernels on dense NCHW float32 / float64 planes.
//
// Convolution runs as im2col + GEMM (the GEMM is cuBLAS or gemm.cu): im2col unfolds `samples`
// consecutive samples of the input into columns, col2im folds columns back into an input gradient.
// The column layout is parameterised: element (sample s, row r = c*kH*kW + kh*kW + kw, column
// l = oh*oW + ow) lives at s*colSampleStride + r*colRowStride + l, so the forward pass can use one
// [rows, oH*oW] matrix per sample and the weight gradient one [rows, samples*oH*oW] matrix.
//
// Pooling windows, output sizes, tie and NaN rules and index values are those of the CPU backend
// (dev.kindling.backend.cpu.Pool): the first largest element of a window, or its last NaN; indices
// are positions ih*w + iw in the input plane. Backward kernels are gathers (one thread per input
// element summing the outputs whose windows cover it, in output order), so no atomics are needed and
// results are deterministic. Adaptive pooling is flagged by kH == 0.
#include "kindling.cuh"

template <typename T>
KD_FN void kd_im2col(const KdConv& g, int samples, const T* in, T* col, long long colSampleStride,
                     long long colRowStride) {
    int kk = g.kH * g.kW, L = g.oH * g.oW, rows = g.c * kk;
    long long total = (long long) samples * rows * L;
    for (long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int l = (int) (t % L);
        long long q = t / L;
        int r = (int) (q % rows);
        int s = (int) (q / rows);
        int c = r / kk, kh = (r % kk) / g.kW, kw = r % g.kW;
        int oh = l / g.oW, ow = l % g.oW;
        int ih = oh * g.sH - g.pH + kh * g.dH, iw = ow * g.sW - g.pW + kw * g.dW;
        T v = T(0);
        if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) v = in[(((long long) s * g.c + c) * g.h + ih) * g.w + iw];
        col[s * colSampleStride + r * colRowStride + l] = v;
    }
}

template <typename T>
KD_FN void kd_col2im(const KdConv& g, int samples, const T* col, long long colSampleStride, long long colRowStride,
                     T* out) {
    int kk = g.kH * g.kW;
    long long total = (long long) samples * g.c * g.h * g.w;
    for (long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int iw = (int) (t % g.w);
        int ih = (int) ((t / g.w) % g.h);
        int c = (int) ((t / ((long long) g.w * g.h)) % g.c);
        int s = (int) (t / ((long long) g.w * g.h * g.c));
        T acc = T(0);
        for (int kh = 0; kh < g.kH; kh++) {
            int th = ih + g.pH - kh * g.dH;
            if (th < 0 || th % g.sH != 0) continue;
            int oh = th / g.sH;
            if (oh >= g.oH) continue;
            for (int kw = 0; kw < g.kW; kw++) {
                int tw = iw + g.pW - kw * g.dW;
                if (tw < 0 || tw % g.sW != 0) continue;
                int ow = tw / g.sW;
                if (ow >= g.oW) continue;
                acc += col[s * colSampleStride + (long long) (c * kk + kh * g.kW + kw) * colRowStride + oh * g.oW + ow];
            }
        }
        out[t] = acc;
    }
}

extern "C" __global__ void im2col_f32(KdConv g, int samples, unsigned long long in, unsigned long long col,
                                      long long colSampleStride, long long colRowStride) {
    kd_im2col<float>(g, samples, (const float*) in, (float*) col, colSampleStride, colRowStride);
}

extern "C" __global__ void im2col_f64(KdConv g, int samples, unsigned long long in, unsigned long long col,
                                      long long colSampleStride, long long colRowStride) {
    kd_im2col<double>(g, samples, (const double*) in, (double*) col, colSampleStride, colRowStride);
}

extern "C" __global__ void col2im_f32(KdConv g, int samples, unsigned long long col, long long colSampleStride,
                                      long long colRowStride, unsigned long long out) {
    kd_col2im<float>(g, samples, (const float*) col, colSampleStride, colRowStride, (float*) out);
}

extern "C" __global__ void col2im_f64(KdConv g, int samples, unsigned long long col, long long colSampleStride,
                                      long long colRowStride, unsigned long long out) {
    kd_col2im<double>(g, samples, (const double*) col, colSampleStride, colRowStride, (double*) out);
}

// ---- pooling windows ----

KD_FN int kd_adaptive_start(int i, int out, int in) {
    return (int) ((long long) i / out * in + ((long long) i % out) * in / out);
}

KD_FN int kd_adaptive_end(int i, int out, int in) {
    return (int) (1 + ((long long) (i + 1) * in - 1) / out);
}

// floor(a / b) and ceil(a / b) for b > 0 and any sign of a
KD_FN int kd_floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
KD_FN int kd_ceil_div(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// The outputs (along one dim) whose windows may cover input position i: [lo, hi].
KD_FN void kd_window_candidates(bool adaptive, int i, int in, int out, int k, int s, int p, int d, int& lo, int& hi) {
    if (adaptive) {
        lo = (int) ((long long) i * out / in) - 1;
        hi = (int) (((long long) (i + 1) * out + in - 1) / in);
    } else {
        lo = kd_ceil_div(i + p - (k - 1) * d, s);
        hi = kd_floor_div(i + p, s);
    }
    if (lo < 0) lo = 0;
    if (hi > out - 1) hi = out - 1;
}

// The input rows [a, b) and step of output row o of a max pooling (also columns).
KD_FN void kd_max_window(bool adaptive, int o, int in, int out, int k, int s, int p, int d, int& a, int& b, int& step) {
    if (adaptive) {
        a = kd_adaptive_start(o, out, in);
        b = kd_adaptive_end(o, out, in);
        step = 1;
        return;
    }
    a = o * s - p;
    b = a + (k - 1) * d + 1;
    if (b > in) b = in;
    while (a < 0) a += d;
    step = d;
}

template <typename T>
KD_FN void kd_maxpool_fwd(const KdPool& g, const T* in, T* out, long long* idx) {
    bool adaptive = g.kH == 0;
    long long total = (long long) g.n * g.c * g.oH * g.oW;
    for (long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int ow = (int) (t % g.oW), oh = (int) ((t / g.oW) % g.oH);
        long long plane = t / ((long long) g.oW * g.oH);
        const T* src = in + plane * g.h * g.w;
        int ih0, ih1, sh, iw0, iw1, sw;
        kd_max_window(adaptive, oh, g.h, g.oH, g.kH, g.sH, g.pH, g.dH, ih0, ih1, sh);
        kd_max_window(adaptive, ow, g.w, g.oW, g.kW, g.sW, g.pW, g.dW, iw0, iw1, sw);
        int maxIndex = ih0 * g.w + iw0;
        T maxVal = -kd_inf(T(0));
        for (int ih = ih0; ih < ih1; ih += sh) {
            for (int iw = iw0; iw < iw1; iw += sw) {
                T v = src[ih * g.w + iw];
                if (v > maxVal || v != v) {
                    maxVal = v;
                    maxIndex = ih * g.w + iw;
                }
            }
        }
        out[t] = maxVal;
        idx[t] = maxIndex;
    }
}

template <typename T>
KD_FN void kd_maxpool_bwd(const KdPool& g, const T* gOut, const long long* idx, T* gIn) {
    bool adaptive = g.kH == 0;
    long long total = (long long) g.n * g.c * g.h * g.w;
    for (long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int iw = (int) (t % g.w), ih = (int) ((t / g.w) % g.h);
        long long plane = t / ((long long) g.w * g.h);
        long long at = ih * g.w + iw;
        int oh0, oh1, ow0, ow1;
        kd_window_candidates(adaptive, ih, g.h, g.oH, g.kH, g.sH, g.pH, g.dH, oh0, oh1);
        kd_window_candidates(adaptive, iw, g.w, g.oW, g.kW, g.sW, g.pW, g.dW, ow0, ow1);
        const long long* ip = idx + plane * g.oH * g.oW;
        const T* gp = gOut + plane * g.oH * g.oW;
        T acc = T(0);
        for (int oh = oh0; oh <= oh1; oh++) {
            for (int ow = ow0; ow <= ow1; ow++) {
                if (ip[oh * g.oW + ow] == at) acc += gp[oh * g.oW + ow];
            }
        }
        gIn[t] = acc;
    }
}

// The clipped window of output (oh, ow) of an average pooling and its divisor; false when empty.
KD_FN bool kd_avg_window(const KdPool& g, int oh, int ow, int& y0, int& y1, int& x0, int& x1, int& divisor) {
    if (g.kH == 0) {
        y0 = kd_adaptive_start(oh, g.oH, g.h);
        y1 = kd_adaptive_end(oh, g.oH, g.h);
        x0 = kd_adaptive_start(ow, g.oW, g.w);
        x1 = kd_adaptive_end(ow, g.oW, g.w);
        divisor = (y1 - y0) * (x1 - x0);
        return true;
    }
    int ih0 = oh * g.sH - g.pH, ih1 = ih0 + g.kH;
    if (ih1 > g.h + g.pH) ih1 = g.h + g.pH;
    int iw0 = ow * g.sW - g.pW, iw1 = iw0 + g.kW;
    if (iw1 > g.w + g.pW) iw1 = g.w + g.pW;
    int poolSize = (ih1 - ih0) * (iw1 - iw0);
    y0 = ih0 > 0 ? ih0 : 0;
    x0 = iw0 > 0 ? iw0 : 0;
    y1 = ih1 < g.h ? ih1 : g.h;
    x1 = iw1 < g.w ? iw1 : g.w;
    if (y0 >= y1 || x0 >= x1) return false;
    divisor = g.divisorOverride != 0 ? g.divisorOverride : g.countIncludePad ? poolSize : (y1 - y0) * (x1 - x0);
    return true;
}

template <typename T>
KD_FN void kd_avgpool_fwd(const KdPool& g, const T* in, T* out) {
    long long total = (long long) g.n * g.c * g.oH * g.oW;
    for (long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int ow = (int) (t % g.oW), oh = (int) ((t / g.oW) % g.oH);
        long long plane = t / ((long long) g.oW * g.oH);
        const T* src = in + plane * g.h * g.w;
        int y0, y1, x0, x1, divisor;
        if (!kd_avg_window(g, oh, ow, y0, y1, x0, x1, divisor)) {
            out[t] = T(0);
            continue;
        }
        double sum = 0;
        for (int ih = y0; ih < y1; ih++) {
            for (int iw = x0; iw < x1; iw++) sum += src[ih * g.w + iw];
        }
        out[t] = (T) (sum / divisor);
    }
}

template <typename T>
KD_FN void kd_avgpool_bwd(const KdPool& g, const T* gOut, T* gIn) {
    bool adaptive = g.kH == 0;
    long long total = (long long) g.n * g.c * g.h * g.w;
    for (long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int iw = (int) (t % g.w), ih = (int) ((t / g.w) % g.h);
        long long plane = t / ((long long) g.w * g.h);
        int oh0, oh1, ow0, ow1;
        kd_window_candidates(adaptive, ih, g.h, g.oH, g.kH, g.sH, g.pH, 1, oh0, oh1);
        kd_window_candidates(adaptive, iw, g.w, g.oW, g.kW, g.sW, g.pW, 1, ow0, ow1);
        const T* gp = gOut + plane * g.oH * g.oW;
        T acc = T(0);
        for (int oh = oh0; oh <= oh1; oh++) {
            for (int ow = ow0; ow <= ow1; ow++) {
                int y0, y1, x0, x1, divisor;
                if (!kd_avg_window(g, oh, ow, y0, y1, x0, x1, divisor)) continue;
                if (ih < y0 || ih >= y1 || iw < x0 || iw >= x1) continue;
                acc += gp[oh * g.oW + ow] / (T) divisor;
            }
        }
        gIn[t] = acc;
    }
}

extern "C" __global__ void maxpool_fwd_f32(KdPool g, unsigned long long in, unsigned long long out, unsigned long long idx) {
    kd_maxpool_fwd<float>(g, (const float*) in, (float*) out, (long long*) idx);
}

extern "C" __global__ void maxpool_fwd_f64(KdPool g, unsigned long long in, unsigned long long out, unsigned long long idx) {
    kd_maxpool_fwd<double>(g, (const double*) in, (double*) out, (long long*) idx);
}

extern "C" __global__ void maxpool_bwd_f32(KdPool g, unsigned long long gOut, unsigned long long idx, unsigned long long gIn) {
    kd_maxpool_bwd<float>(g, (const float*) gOut, (const long long*) idx, (float*) gIn);
}

extern "C" __global__ void maxpool_bwd_f64(KdPool g, unsigned long long gOut, unsigned long long idx, unsigned long long gIn) {
    kd_maxpool_bwd<double>(g, (const double*) gOut, (const long long*) idx, (double*) gIn);
}

extern "C" __global__ void avgpool_fwd_f32(KdPool g, unsigned long long in, unsigned long long out) {
    kd_avgpool_fwd<float>(g, (const float*) in, (float*) out);
}

extern "C" __global__ void avgpool_fwd_f64(KdPool g, unsigned long long in, unsigned long long out) {
    kd_avgpool_fwd<double>(g, (const double*) in, (double*) out);
}

extern "C" __global__ void avgpool_bwd_f32(KdPool g, unsigned long long gOut, unsigned long long gIn) {
    kd_avgpool_bwd<float>(g, (const float*) gOut, (float*) gIn);
}

extern "C" __global__ void avgpool_bwd_f64(KdPool g, unsigned long long gOut, unsigned long long gIn) {
    kd_avgpool_bwd<double>(g, (const double*) gOut, (double*) gIn);
}
