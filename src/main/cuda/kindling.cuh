// Kindling's CUDA kernels: the definitions every kernel file shares.
//
// What this is: the device-side half of the contract with dev.kindling.backend.cuda. The Java side
// packs kernel parameters byte for byte as the structs below lay them out (KernelArgs.java), passes
// dtype codes in the order of dev.kindling.DType and op codes in the order of the backend's op enums
// (UnaryOp, BinaryOp, TernaryOp, ReduceOp, ScanOp); tests in src/test/java parse this file and check
// both. Every kernel is extern "C" so that its PTX name is its C name.
//
// Conventions:
//  - An operand (KdOperand) is the address of its logical element 0 (storage base plus offset, in
//    bytes), its dtype and per-dim strides in elements; data == 0 marks a scalar constant held in
//    `scalar` (floating dtypes) or `scalarLong` (integral and bool dtypes).
//  - Element offsets are 32-bit (a storage holds at most 2^31 - 1 elements); byte addresses are 64-bit.
//  - Dtype conversions follow dev.kindling.backend.cpu.Convert: floats to integers truncate toward
//    zero (NaN becomes 0, out-of-range values saturate), integers wrap to the target width, anything
//    non-zero is true, float16/bfloat16 round to nearest even.
//  - Loops are grid-stride loops, so any grid size is correct; the host picks one for occupancy.
#pragma once

#define KD_MAX_DIMS 8
#define KD_FN __device__ __forceinline__

// dtype codes: the ordinals of dev.kindling.DType
enum KdDtype {
    KD_F32 = 0, KD_F64 = 1, KD_F16 = 2, KD_BF16 = 3, KD_I64 = 4,
    KD_I32 = 5, KD_I16 = 6, KD_I8 = 7, KD_U8 = 8, KD_BOOL = 9
};

// The logical shape an element-wise kernel walks (after the host merged dims where it could).
struct KdShape {
    int ndim;
    int sizes[KD_MAX_DIMS];
};

// One operand seen through the walked shape: strides may be 0 (broadcast).
struct KdOperand {
    unsigned long long data;
    int dtype;
    int strides[KD_MAX_DIMS];
    int pad;
    double scalar;
    long long scalarLong;
};

// The geometry of a 2-D convolution (dev.kindling.backend.Conv2dParams plus the output size).
struct KdConv {
    int n, c, h, w, o, kH, kW, sH, sW, pH, pW, dH, dW, groups, oH, oW;
};

// The geometry of a 2-D pooling (dev.kindling.backend.Pool2dParams); kH == 0 means adaptive.
struct KdPool {
    int n, c, h, w, oH, oW, kH, kW, sH, sW, pH, pW, dH, dW, ceilMode, countIncludePad, divisorOverride;
};

// A batched row-major GEMM: C = alpha * op(A) op(B) + beta * C, op(A) [m, k], op(B) [k, n].
struct KdGemm {
    int m, n, k, lda, ldb, ldc, transA, transB, batch, pad;
    long long strideA, strideB, strideC;
    double alpha, beta;
};

// ---- op codes: the ordinals of the backend's enums ----

enum KdUnary {
    U_NEG, U_ABS, U_SIGN, U_RECIPROCAL, U_SQUARE, U_SQRT, U_RSQRT,
    U_EXP, U_EXP2, U_EXPM1, U_LOG, U_LOG2, U_LOG10, U_LOG1P,
    U_SIN, U_COS, U_TAN, U_ASIN, U_ACOS, U_ATAN, U_SINH, U_COSH, U_TANH, U_ASINH, U_ACOSH, U_ATANH,
    U_SIGMOID, U_LOGSIGMOID, U_RELU, U_GELU, U_GELU_TANH, U_SILU, U_MISH, U_ERF, U_ERFC, U_ERFINV,
    U_FLOOR, U_CEIL, U_ROUND, U_TRUNC, U_FRAC,
    U_ROUND_DECIMALS, U_POW_SCALAR, U_RPOW_SCALAR, U_CLAMP, U_LEAKY_RELU, U_ELU, U_SOFTPLUS, U_HARDTANH,
    U_HARDSIGMOID, U_HARDSWISH, U_LOGICAL_NOT, U_BITWISE_NOT,
    U_ISNAN, U_ISINF, U_ISFINITE, U_ISPOSINF, U_ISNEGINF, U_SIGNBIT, U_NAN_TO_NUM
};

enum KdBinary {
    B_ADD, B_SUB, B_MUL, B_DIV, B_DIV_TRUNC, B_DIV_FLOOR, B_REMAINDER, B_FMOD, B_POW,
    B_MAXIMUM, B_MINIMUM, B_FMAX, B_FMIN, B_ATAN2, B_HYPOT, B_COPYSIGN, B_XLOGY,
    B_BITWISE_AND, B_BITWISE_OR, B_BITWISE_XOR, B_LSHIFT, B_RSHIFT,
    B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_LOGICAL_AND, B_LOGICAL_OR, B_LOGICAL_XOR
};

enum KdTernary { T_WHERE, T_LERP, T_ADDCMUL, T_ADDCDIV, T_CLAMP };

enum KdReduce { R_SUM, R_PROD, R_MAX, R_MIN, R_ALL, R_ANY, R_ARGMAX, R_ARGMIN, R_NORM, R_COUNT_NONZERO };

enum KdScan { S_CUMSUM, S_CUMPROD, S_CUMMAX, S_CUMMIN, S_LOGCUMSUMEXP };

// ---- 16-bit float formats (bit-exact with dev.kindling.backend.cpu.HalfFloat) ----

KD_FN float kd_half_to_float(unsigned short bits) {
    unsigned int h = bits;
    unsigned int sign = (h & 0x8000u) << 16;
    unsigned int exp = (h >> 10) & 0x1fu;
    unsigned int mant = h & 0x3ffu;
    if (exp == 0x1fu) return __uint_as_float(sign | 0x7f800000u | (mant << 13));
    if (exp == 0) {
        if (mant == 0) return __uint_as_float(sign);
        float v = (float) mant * 5.9604644775390625e-8f;  // mant * 2^-24
        return sign ? -v : v;
    }
    return __uint_as_float(sign | ((exp + 112u) << 23) | (mant << 13));
}

KD_FN unsigned short kd_float_to_half(float f) {
    unsigned int x = __float_as_uint(f);
    unsigned int sign = (x >> 16) & 0x8000u;
    unsigned int abs = x & 0x7fffffffu;
    if (abs >= 0x7f800000u) {
        return (unsigned short) (sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u | ((abs >> 13) & 0x3ffu) : 0u));
    }
    if (abs >= 0x477ff000u) return (unsigned short) (sign | 0x7c00u);
    if (abs < 0x38800000u) {
        float scaled = __uint_as_float(abs) * 16777216.0f;   // * 2^24, exact
        unsigned int m = (unsigned int) rintf(scaled);          // ties to even
        return (unsigned short) (sign | m);
    }
    unsigned int e = ((abs >> 23) - 112u) << 10;
    unsigned int mant = abs & 0x7fffffu;
    unsigned int h = e | (mant >> 13);
    unsigned int rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) h++;
    return (unsigned short) (sign | h);
}

KD_FN float kd_bf16_to_float(unsigned short bits) {
    return __uint_as_float(((unsigned int) bits) << 16);
}

KD_FN unsigned short kd_float_to_bf16(float f) {
    unsigned int x = __float_as_uint(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (unsigned short) ((x >> 16) | 0x40u);
    unsigned int rounding = 0x7fffu + ((x >> 16) & 1u);
    return (unsigned short) ((x + rounding) >> 16);
}

// Java's (long) d: truncation, NaN to 0, saturation at the ends of the range.
KD_FN long long kd_d2l(double v) {
    if (v != v) return 0;
    if (v >= 9.2233720368547758e18) return 0x7fffffffffffffffLL;
    if (v <= -9.2233720368547758e18) return (long long) 0x8000000000000000ULL;
    return (long long) v;
}

KD_FN bool kd_is_float_dtype(int dt) { return dt <= KD_BF16; }

// ---- loads and stores with conversion ----

KD_FN double kd_load_d(const KdOperand& o, int off) {
    if (o.data == 0) return o.scalar;
    const char* p = (const char*) o.data;
    switch (o.dtype) {
        case KD_F32: return ((const float*) p)[off];
        case KD_F64: return ((const double*) p)[off];
        case KD_F16: return kd_half_to_float(((const unsigned short*) p)[off]);
        case KD_BF16: return kd_bf16_to_float(((const unsigned short*) p)[off]);
        case KD_I64: return (double) ((const long long*) p)[off];
        case KD_I32: return ((const int*) p)[off];
        case KD_I16: return ((const short*) p)[off];
        case KD_I8: return ((const signed char*) p)[off];
        case KD_U8: return ((const unsigned char*) p)[off];
        default: return ((const unsigned char*) p)[off] != 0 ? 1.0 : 0.0;
    }
}

KD_FN long long kd_load_l(const KdOperand& o, int off) {
    if (o.data == 0) return kd_is_float_dtype(o.dtype) ? kd_d2l(o.scalar) : o.scalarLong;
    const char* p = (const char*) o.data;
    switch (o.dtype) {
        case KD_F32: return kd_d2l(((const float*) p)[off]);
        case KD_F64: return kd_d2l(((const double*) p)[off]);
        case KD_F16: return kd_d2l(kd_half_to_float(((const unsigned short*) p)[off]));
        case KD_BF16: return kd_d2l(kd_bf16_to_float(((const unsigned short*) p)[off]));
        case KD_I64: return ((const long long*) p)[off];
        case KD_I32: return ((const int*) p)[off];
        case KD_I16: return ((const short*) p)[off];
        case KD_I8: return ((const signed char*) p)[off];
        case KD_U8: return ((const unsigned char*) p)[off];
        default: return ((const unsigned char*) p)[off] != 0 ? 1 : 0;
    }
}

KD_FN float kd_load_f(const KdOperand& o, int off) {
    if (o.data == 0) return (float) o.scalar;
    const char* p = (const char*) o.data;
    switch (o.dtype) {
        case KD_F32: return ((const float*) p)[off];
        case KD_F64: return (float) ((const double*) p)[off];
        case KD_F16: return kd_half_to_float(((const unsigned short*) p)[off]);
        case KD_BF16: return kd_bf16_to_float(((const unsigned short*) p)[off]);
        case KD_I64: return (float) ((const long long*) p)[off];
        case KD_I32: return (float) ((const int*) p)[off];
        case KD_I16: return ((const short*) p)[off];
        case KD_I8: return ((const signed char*) p)[off];
        case KD_U8: return ((const unsigned char*) p)[off];
        default: return ((const unsigned char*) p)[off] != 0 ? 1.0f : 0.0f;
    }
}

KD_FN void kd_store_d(const KdOperand& o, int off, double v) {
    char* p = (char*) o.data;
    switch (o.dtype) {
        case KD_F32: ((float*) p)[off] = (float) v; break;
        case KD_F64: ((double*) p)[off] = v; break;
        case KD_F16: ((unsigned short*) p)[off] = kd_float_to_half((float) v); break;
        case KD_BF16: ((unsigned short*) p)[off] = kd_float_to_bf16((float) v); break;
        case KD_I64: ((long long*) p)[off] = kd_d2l(v); break;
        case KD_I32: ((int*) p)[off] = (int) kd_d2l(v); break;
        case KD_I16: ((short*) p)[off] = (short) kd_d2l(v); break;
        case KD_I8: ((signed char*) p)[off] = (signed char) kd_d2l(v); break;
        case KD_U8: ((unsigned char*) p)[off] = (unsigned char) kd_d2l(v); break;
        default: ((unsigned char*) p)[off] = v != 0 ? 1 : 0; break;
    }
}

KD_FN void kd_store_l(const KdOperand& o, int off, long long v) {
    char* p = (char*) o.data;
    switch (o.dtype) {
        case KD_F32: ((float*) p)[off] = (float) v; break;
        case KD_F64: ((double*) p)[off] = (double) v; break;
        case KD_F16: ((unsigned short*) p)[off] = kd_float_to_half((float) v); break;
        case KD_BF16: ((unsigned short*) p)[off] = kd_float_to_bf16((float) v); break;
        case KD_I64: ((long long*) p)[off] = v; break;
        case KD_I32: ((int*) p)[off] = (int) v; break;
        case KD_I16: ((short*) p)[off] = (short) v; break;
        case KD_I8: ((signed char*) p)[off] = (signed char) v; break;
        case KD_U8: ((unsigned char*) p)[off] = (unsigned char) v; break;
        default: ((unsigned char*) p)[off] = v != 0 ? 1 : 0; break;
    }
}

KD_FN void kd_store_f(const KdOperand& o, int off, float v) {
    char* p = (char*) o.data;
    switch (o.dtype) {
        case KD_F32: ((float*) p)[off] = v; break;
        case KD_F64: ((double*) p)[off] = v; break;
        case KD_F16: ((unsigned short*) p)[off] = kd_float_to_half(v); break;
        case KD_BF16: ((unsigned short*) p)[off] = kd_float_to_bf16(v); break;
        case KD_I64: ((long long*) p)[off] = kd_d2l(v); break;
        case KD_I32: ((int*) p)[off] = (int) kd_d2l(v); break;
        case KD_I16: ((short*) p)[off] = (short) kd_d2l(v); break;
        case KD_I8: ((signed char*) p)[off] = (signed char) kd_d2l(v); break;
        case KD_U8: ((unsigned char*) p)[off] = (unsigned char) kd_d2l(v); break;
        default: ((unsigned char*) p)[off] = v != 0 ? 1 : 0; break;
    }
}

// The same loads and stores, chosen by the compute type.
KD_FN void kd_load(const KdOperand& o, int off, float& v) { v = kd_load_f(o, off); }
KD_FN void kd_load(const KdOperand& o, int off, double& v) { v = kd_load_d(o, off); }
KD_FN void kd_load(const KdOperand& o, int off, long long& v) { v = kd_load_l(o, off); }
KD_FN void kd_store(const KdOperand& o, int off, float v) { kd_store_f(o, off, v); }
KD_FN void kd_store(const KdOperand& o, int off, double v) { kd_store_d(o, off, v); }
KD_FN void kd_store(const KdOperand& o, int off, long long v) { kd_store_l(o, off, v); }

// ---- offsets of linear index i in 1 to 4 operands walking one shape (row-major order) ----

KD_FN void kd_offsets1(int i, const KdShape& s, const KdOperand& a, int& oa) {
    if (s.ndim == 1) { oa = i * a.strides[0]; return; }
    oa = 0;
#pragma unroll
    for (int d = KD_MAX_DIMS - 1; d >= 0; d--) {
        if (d < s.ndim) {
            int id = i % s.sizes[d];
            i /= s.sizes[d];
            oa += id * a.strides[d];
        }
    }
}

KD_FN void kd_offsets2(int i, const KdShape& s, const KdOperand& a, const KdOperand& b, int& oa, int& ob) {
    if (s.ndim == 1) { oa = i * a.strides[0]; ob = i * b.strides[0]; return; }
    oa = 0; ob = 0;
#pragma unroll
    for (int d = KD_MAX_DIMS - 1; d >= 0; d--) {
        if (d < s.ndim) {
            int id = i % s.sizes[d];
            i /= s.sizes[d];
            oa += id * a.strides[d];
            ob += id * b.strides[d];
        }
    }
}

KD_FN void kd_offsets3(int i, const KdShape& s, const KdOperand& a, const KdOperand& b, const KdOperand& c,
                       int& oa, int& ob, int& oc) {
    if (s.ndim == 1) { oa = i * a.strides[0]; ob = i * b.strides[0]; oc = i * c.strides[0]; return; }
    oa = 0; ob = 0; oc = 0;
#pragma unroll
    for (int d = KD_MAX_DIMS - 1; d >= 0; d--) {
        if (d < s.ndim) {
            int id = i % s.sizes[d];
            i /= s.sizes[d];
            oa += id * a.strides[d];
            ob += id * b.strides[d];
            oc += id * c.strides[d];
        }
    }
}

KD_FN void kd_offsets4(int i, const KdShape& s, const KdOperand& a, const KdOperand& b, const KdOperand& c,
                       const KdOperand& e, int& oa, int& ob, int& oc, int& oe) {
    if (s.ndim == 1) {
        oa = i * a.strides[0]; ob = i * b.strides[0]; oc = i * c.strides[0]; oe = i * e.strides[0];
        return;
    }
    oa = 0; ob = 0; oc = 0; oe = 0;
#pragma unroll
    for (int d = KD_MAX_DIMS - 1; d >= 0; d--) {
        if (d < s.ndim) {
            int id = i % s.sizes[d];
            i /= s.sizes[d];
            oa += id * a.strides[d];
            ob += id * b.strides[d];
            oc += id * c.strides[d];
            oe += id * e.strides[d];
        }
    }
}

// The grid-stride loop over [0, n): i is an int, the counter 64-bit so it cannot wrap.
#define KD_GRID_LOOP(i, n) \
    for (long long i##_ = (long long) blockIdx.x * blockDim.x + threadIdx.x; i##_ < (long long) (n); \
         i##_ += (long long) blockDim.x * gridDim.x) \
        for (int i = (int) i##_, i##_once = 1; i##_once; i##_once = 0)

// ---- math overloads, so templates read the same in float and double ----

KD_FN float kd_exp(float x) { return expf(x); }
KD_FN double kd_exp(double x) { return exp(x); }
KD_FN float kd_log(float x) { return logf(x); }
KD_FN double kd_log(double x) { return log(x); }
KD_FN float kd_log1p(float x) { return log1pf(x); }
KD_FN double kd_log1p(double x) { return log1p(x); }
KD_FN float kd_expm1(float x) { return expm1f(x); }
KD_FN double kd_expm1(double x) { return expm1(x); }
KD_FN float kd_sqrt(float x) { return sqrtf(x); }
KD_FN double kd_sqrt(double x) { return sqrt(x); }
KD_FN float kd_tanh(float x) { return tanhf(x); }
KD_FN double kd_tanh(double x) { return tanh(x); }
KD_FN float kd_erf(float x) { return erff(x); }
KD_FN double kd_erf(double x) { return erf(x); }
KD_FN float kd_pow(float x, float y) { return powf(x, y); }
KD_FN double kd_pow(double x, double y) { return pow(x, y); }
KD_FN float kd_fmod(float x, float y) { return fmodf(x, y); }
KD_FN double kd_fmod(double x, double y) { return fmod(x, y); }
KD_FN float kd_floor(float x) { return floorf(x); }
KD_FN double kd_floor(double x) { return floor(x); }
KD_FN float kd_abs(float x) { return fabsf(x); }
KD_FN double kd_abs(double x) { return fabs(x); }
KD_FN bool kd_isnan(float x) { return x != x; }
KD_FN bool kd_isnan(double x) { return x != x; }
KD_FN float kd_inf(float) { return __int_as_float(0x7f800000); }
KD_FN double kd_inf(double) { return __longlong_as_double(0x7ff0000000000000LL); }
KD_FN float kd_nan(float) { return __int_as_float(0x7fc00000); }
KD_FN double kd_nan(double) { return __longlong_as_double(0x7ff8000000000000LL); }

// ---- block-wide reduction in shared memory (blockDim.x a power of two, at most 256) ----

#define KD_REDUCE_THREADS 256
