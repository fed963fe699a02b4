// Element-wise kernels: copy/cast/fill, unary, binary and ternary ops over broadcast, strided
// operands (see kindling.cuh for the operand conventions).
//
// Each op family comes in two kinds of kernel. The typed kernels (_f32, _f64) run when every tensor
// operand has that dtype: no conversion, one compute type, full memory bandwidth. The generic kernels
// (_gf, _gd, _gl) load every operand with conversion from its own dtype into the compute type
// (float, double or 64-bit integer, chosen by the host as the CPU backend does) and convert on store.
// The semantics of every op mirror dev.kindling.backend.cpu.BlockOps line for line.
#include "kindling.cuh"

// ---- unary ----

template <typename T>
KD_FN T kd_sigmoid(T x) {
    if (x >= T(0)) return T(1) / (T(1) + kd_exp(-x));
    T e = kd_exp(x);
    return e / (T(1) + e);
}

template <typename T>
KD_FN T kd_softplus(T x, T beta, T threshold) {
    T bx = beta * x;
    return bx > threshold ? x : kd_log1p(kd_exp(bx)) / beta;
}

KD_FN float kd_erfc(float x) { return erfcf(x); }
KD_FN double kd_erfc(double x) { return erfc(x); }
KD_FN float kd_erfinv(float x) { return erfinvf(x); }
KD_FN double kd_erfinv(double x) { return erfinv(x); }
KD_FN float kd_ceil(float x) { return ceilf(x); }
KD_FN double kd_ceil(double x) { return ceil(x); }
KD_FN float kd_rint(float x) { return rintf(x); }
KD_FN double kd_rint(double x) { return rint(x); }
KD_FN float kd_trunc(float x) { return truncf(x); }
KD_FN double kd_trunc(double x) { return trunc(x); }

template <typename T>
KD_FN T kd_unary(int op, T x, T p1, T p2) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return kd_abs(x);
        case U_SIGN: return x > T(0) ? T(1) : x < T(0) ? T(-1) : x == T(0) ? T(0) : x;
        case U_RECIPROCAL: return T(1) / x;
        case U_SQUARE: return x * x;
        case U_SQRT: return kd_sqrt(x);
        case U_RSQRT: return T(1) / kd_sqrt(x);
        case U_EXP: return kd_exp(x);
        case U_EXP2: return sizeof(T) == 4 ? (T) exp2f((float) x) : (T) exp2((double) x);
        case U_EXPM1: return kd_expm1(x);
        case U_LOG: return kd_log(x);
        case U_LOG2: return sizeof(T) == 4 ? (T) log2f((float) x) : (T) log2((double) x);
        case U_LOG10: return sizeof(T) == 4 ? (T) log10f((float) x) : (T) log10((double) x);
        case U_LOG1P: return kd_log1p(x);
        case U_SIN: return sizeof(T) == 4 ? (T) sinf((float) x) : (T) sin((double) x);
        case U_COS: return sizeof(T) == 4 ? (T) cosf((float) x) : (T) cos((double) x);
        case U_TAN: return sizeof(T) == 4 ? (T) tanf((float) x) : (T) tan((double) x);
        case U_ASIN: return sizeof(T) == 4 ? (T) asinf((float) x) : (T) asin((double) x);
        case U_ACOS: return sizeof(T) == 4 ? (T) acosf((float) x) : (T) acos((double) x);
        case U_ATAN: return sizeof(T) == 4 ? (T) atanf((float) x) : (T) atan((double) x);
        case U_SINH: return sizeof(T) == 4 ? (T) sinhf((float) x) : (T) sinh((double) x);
        case U_COSH: return sizeof(T) == 4 ? (T) coshf((float) x) : (T) cosh((double) x);
        case U_TANH: return kd_tanh(x);
        case U_ASINH: return sizeof(T) == 4 ? (T) asinhf((float) x) : (T) asinh((double) x);
        case U_ACOSH: return sizeof(T) == 4 ? (T) acoshf((float) x) : (T) acosh((double) x);
        case U_ATANH: return sizeof(T) == 4 ? (T) atanhf((float) x) : (T) atanh((double) x);
        case U_SIGMOID: return kd_sigmoid(x);
        case U_LOGSIGMOID: return (x < T(0) ? x : T(0)) - kd_log1p(kd_exp(-kd_abs(x)));
        case U_RELU: return x > T(0) ? x : (x == x ? T(0) : x);
        case U_GELU: return T(0.5) * x * (T(1) + kd_erf(x * T(0.7071067811865476)));
        case U_GELU_TANH: return T(0.5) * x * (T(1) + kd_tanh(T(0.7978845608028654) * (x + T(0.044715) * x * x * x)));
        case U_SILU: return x * kd_sigmoid(x);
        case U_MISH: return x * kd_tanh(kd_softplus(x, T(1), T(20)));
        case U_ERF: return kd_erf(x);
        case U_ERFC: return kd_erfc(x);
        case U_ERFINV: return kd_erfinv(x);
        case U_FLOOR: return kd_floor(x);
        case U_CEIL: return kd_ceil(x);
        case U_ROUND: return kd_rint(x);
        case U_TRUNC: return kd_trunc(x);
        case U_FRAC: return x - kd_trunc(x);
        case U_ROUND_DECIMALS: {
            T scale = kd_pow(T(10), p1);
            return kd_rint(x * scale) / scale;
        }
        case U_POW_SCALAR:
            if (p1 == T(2)) return x * x;
            if (p1 == T(0.5)) return kd_sqrt(x);
            return kd_pow(x, p1);
        case U_RPOW_SCALAR: return kd_pow(p1, x);
        case U_CLAMP: {
            T v = x;
            if (!kd_isnan(p1) && v < p1) v = p1;
            if (!kd_isnan(p2) && v > p2) v = p2;
            return v;
        }
        case U_LEAKY_RELU: return x > T(0) ? x : x * p1;
        case U_ELU: return x > T(0) ? x : p1 * kd_expm1(x);
        case U_SOFTPLUS: return kd_softplus(x, p1, p2);
        case U_HARDTANH: return x < p1 ? p1 : x > p2 ? p2 : x;
        case U_HARDSIGMOID: {
            T v = x / T(6) + T(0.5);
            v = v > T(0) ? v : T(0);
            return v < T(1) ? v : T(1);
        }
        case U_HARDSWISH: {
            T v = x + T(3);
            v = v > T(0) ? v : T(0);
            v = v < T(6) ? v : T(6);
            return x * v / T(6);
        }
        case U_LOGICAL_NOT: return x == T(0) ? T(1) : T(0);
        case U_ISNAN: return kd_isnan(x) ? T(1) : T(0);
        case U_ISINF: return kd_abs(x) == kd_inf(x) ? T(1) : T(0);
        case U_ISFINITE: return (!kd_isnan(x) && kd_abs(x) != kd_inf(x)) ? T(1) : T(0);
        case U_ISPOSINF: return x == kd_inf(x) ? T(1) : T(0);
        case U_ISNEGINF: return x == -kd_inf(x) ? T(1) : T(0);
        case U_SIGNBIT: return signbit(x) ? T(1) : T(0);
        case U_NAN_TO_NUM:
            return kd_isnan(x) ? p1 : x == kd_inf(x) ? p2 : x == -kd_inf(x) ? -p2 : x;
        default: return kd_nan(x);  // BITWISE_NOT on floating point: rejected by dispatch
    }
}

KD_FN long long kd_pow_int(long long base, long long exp) {
    if (exp < 0) {
        if (base == 1) return 1;
        if (base == -1) return (exp & 1) == 0 ? 1 : -1;
        return 0;
    }
    long long result = 1, b = base, e = exp;
    while (e > 0) {
        if (e & 1) result *= b;
        b *= b;
        e >>= 1;
    }
    return result;
}

KD_FN long long kd_unary_l(int op, long long x, double p1, double p2) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return x < 0 ? -x : x;
        case U_SIGN: return x > 0 ? 1 : x < 0 ? -1 : 0;
        case U_SQUARE: return x * x;
        case U_FLOOR: case U_CEIL: case U_ROUND: case U_TRUNC: case U_NAN_TO_NUM: return x;
        case U_FRAC: return 0;
        case U_RELU: return x > 0 ? x : 0;
        case U_CLAMP: case U_HARDTANH: {
            long long v = x;
            if (p1 == p1 && v < kd_d2l(p1)) v = kd_d2l(p1);
            if (p2 == p2 && v > kd_d2l(p2)) v = kd_d2l(p2);
            return v;
        }
        case U_POW_SCALAR: return kd_pow_int(x, kd_d2l(p1));
        case U_LOGICAL_NOT: return x == 0 ? 1 : 0;
        case U_BITWISE_NOT: return ~x;
        case U_ISNAN: case U_ISINF: case U_ISPOSINF: case U_ISNEGINF: return 0;
        case U_ISFINITE: return 1;
        case U_SIGNBIT: return x < 0 ? 1 : 0;
        default: return 0;  // float-only ops on integers: rejected by dispatch
    }
}

// typed: every tensor operand has dtype T
template <typename T>
KD_FN void kd_unary_typed(int n, const KdShape& s, const KdOperand& x, const KdOperand& y, int op, T p1, T p2) {
    const T* xp = (const T*) x.data;
    T* yp = (T*) y.data;
    KD_GRID_LOOP(i, n) {
        int ox, oy;
        kd_offsets2(i, s, x, y, ox, oy);
        T v = xp ? xp[ox] : (T) x.scalar;
        yp[oy] = kd_unary<T>(op, v, p1, p2);
    }
}

extern "C" __global__ void ew_unary_f32(int n, KdShape s, KdOperand x, KdOperand y, int op, float p1, float p2) {
    kd_unary_typed<float>(n, s, x, y, op, p1, p2);
}

extern "C" __global__ void ew_unary_f64(int n, KdShape s, KdOperand x, KdOperand y, int op, double p1, double p2) {
    kd_unary_typed<double>(n, s, x, y, op, p1, p2);
}

extern "C" __global__ void ew_unary_gf(int n, KdShape s, KdOperand x, KdOperand y, int op, double p1, double p2) {
    KD_GRID_LOOP(i, n) {
        int ox, oy;
        kd_offsets2(i, s, x, y, ox, oy);
        kd_store_f(y, oy, kd_unary<float>(op, kd_load_f(x, ox), (float) p1, (float) p2));
    }
}

extern "C" __global__ void ew_unary_gd(int n, KdShape s, KdOperand x, KdOperand y, int op, double p1, double p2) {
    KD_GRID_LOOP(i, n) {
        int ox, oy;
        kd_offsets2(i, s, x, y, ox, oy);
        kd_store_d(y, oy, kd_unary<double>(op, kd_load_d(x, ox), p1, p2));
    }
}

extern "C" __global__ void ew_unary_gl(int n, KdShape s, KdOperand x, KdOperand y, int op, double p1, double p2) {
    KD_GRID_LOOP(i, n) {
        int ox, oy;
        kd_offsets2(i, s, x, y, ox, oy);
        kd_store_l(y, oy, kd_unary_l(op, kd_load_l(x, ox), p1, p2));
    }
}

// ---- binary ----

template <typename T>
KD_FN T kd_floor_divide(T a, T b) {
    if (b == T(0)) return a / b;
    T mod = kd_fmod(a, b);
    T div = (a - mod) / b;
    if (mod != T(0) && ((b < T(0)) != (mod < T(0)))) div -= T(1);
    T floordiv;
    if (div != T(0)) {
        floordiv = kd_floor(div);
        if (div - floordiv > T(0.5)) floordiv += T(1);
    } else {
        floordiv = copysign(T(0), a / b);
    }
    return floordiv;
}

template <typename T>
KD_FN T kd_remainder(T a, T b) {
    T r = kd_fmod(a, b);
    if (r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
    return r;
}

template <typename T>
KD_FN T kd_binary(int op, T a, T b, T alpha) {
    switch (op) {
        case B_ADD: return alpha == T(1) ? a + b : a + alpha * b;
        case B_SUB: return alpha == T(1) ? a - b : a - alpha * b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_DIV_TRUNC: return kd_trunc(a / b);
        case B_DIV_FLOOR: return kd_floor_divide(a, b);
        case B_REMAINDER: return kd_remainder(a, b);
        case B_FMOD: return kd_fmod(a, b);
        case B_POW: return kd_pow(a, b);
        case B_MAXIMUM: return (kd_isnan(a) || kd_isnan(b)) ? kd_nan(a) : (a > b ? a : b);
        case B_MINIMUM: return (kd_isnan(a) || kd_isnan(b)) ? kd_nan(a) : (a < b ? a : b);
        case B_FMAX: return kd_isnan(a) ? b : kd_isnan(b) ? a : (a > b ? a : b);
        case B_FMIN: return kd_isnan(a) ? b : kd_isnan(b) ? a : (a < b ? a : b);
        case B_ATAN2: return sizeof(T) == 4 ? (T) atan2f((float) a, (float) b) : (T) atan2((double) a, (double) b);
        case B_HYPOT: return sizeof(T) == 4 ? (T) hypotf((float) a, (float) b) : (T) hypot((double) a, (double) b);
        case B_COPYSIGN: return copysign(a, b);
        case B_XLOGY: return kd_isnan(b) ? kd_nan(a) : a == T(0) ? T(0) : a * kd_log(b);
        case B_EQ: return a == b ? T(1) : T(0);
        case B_NE: return a != b ? T(1) : T(0);
        case B_LT: return a < b ? T(1) : T(0);
        case B_LE: return a <= b ? T(1) : T(0);
        case B_GT: return a > b ? T(1) : T(0);
        case B_GE: return a >= b ? T(1) : T(0);
        case B_LOGICAL_AND: return (a != T(0) && b != T(0)) ? T(1) : T(0);
        case B_LOGICAL_OR: return (a != T(0) || b != T(0)) ? T(1) : T(0);
        case B_LOGICAL_XOR: return ((a != T(0)) != (b != T(0))) ? T(1) : T(0);
        default: return kd_nan(a);  // bitwise ops on floating point: rejected by dispatch
    }
}

KD_FN long long kd_floor_div_l(long long a, long long b) {
    long long q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

KD_FN long long kd_binary_l(int op, long long a, long long b, long long alpha) {
    switch (op) {
        case B_ADD: return a + alpha * b;
        case B_SUB: return a - alpha * b;
        case B_MUL: return a * b;
        case B_DIV_TRUNC: return a / b;
        case B_DIV_FLOOR: return kd_floor_div_l(a, b);
        case B_REMAINDER: {
            long long r = a % b;
            if (r != 0 && ((r < 0) != (b < 0))) r += b;
            return r;
        }
        case B_FMOD: return a % b;
        case B_POW: return kd_pow_int(a, b);
        case B_MAXIMUM: case B_FMAX: return a > b ? a : b;
        case B_MINIMUM: case B_FMIN: return a < b ? a : b;
        case B_BITWISE_AND: return a & b;
        case B_BITWISE_OR: return a | b;
        case B_BITWISE_XOR: return a ^ b;
        case B_LSHIFT: return (b >= 64 || b < 0) ? 0 : (long long) ((unsigned long long) a << b);
        case B_RSHIFT: return (b >= 64 || b < 0) ? (a < 0 ? -1 : 0) : a >> b;
        case B_EQ: return a == b;
        case B_NE: return a != b;
        case B_LT: return a < b;
        case B_LE: return a <= b;
        case B_GT: return a > b;
        case B_GE: return a >= b;
        case B_LOGICAL_AND: return a != 0 && b != 0;
        case B_LOGICAL_OR: return a != 0 || b != 0;
        case B_LOGICAL_XOR: return (a != 0) != (b != 0);
        default: return 0;  // float-only ops on integers: rejected by dispatch
    }
}

template <typename T>
KD_FN void kd_binary_typed(int n, const KdShape& s, const KdOperand& a, const KdOperand& b, const KdOperand& o,
                           int op, T alpha) {
    const T* ap = (const T*) a.data;
    const T* bp = (const T*) b.data;
    T* op_ = (T*) o.data;
    T as = (T) a.scalar, bs = (T) b.scalar;
    KD_GRID_LOOP(i, n) {
        int oa, ob, oo;
        kd_offsets3(i, s, a, b, o, oa, ob, oo);
        T x = ap ? ap[oa] : as;
        T y = bp ? bp[ob] : bs;
        op_[oo] = kd_binary<T>(op, x, y, alpha);
    }
}

extern "C" __global__ void ew_binary_f32(int n, KdShape s, KdOperand a, KdOperand b, KdOperand o, int op, float alpha) {
    kd_binary_typed<float>(n, s, a, b, o, op, alpha);
}

extern "C" __global__ void ew_binary_f64(int n, KdShape s, KdOperand a, KdOperand b, KdOperand o, int op, double alpha) {
    kd_binary_typed<double>(n, s, a, b, o, op, alpha);
}

extern "C" __global__ void ew_binary_gf(int n, KdShape s, KdOperand a, KdOperand b, KdOperand o, int op, double alpha) {
    KD_GRID_LOOP(i, n) {
        int oa, ob, oo;
        kd_offsets3(i, s, a, b, o, oa, ob, oo);
        kd_store_f(o, oo, kd_binary<float>(op, kd_load_f(a, oa), kd_load_f(b, ob), (float) alpha));
    }
}

extern "C" __global__ void ew_binary_gd(int n, KdShape s, KdOperand a, KdOperand b, KdOperand o, int op, double alpha) {
    KD_GRID_LOOP(i, n) {
        int oa, ob, oo;
        kd_offsets3(i, s, a, b, o, oa, ob, oo);
        kd_store_d(o, oo, kd_binary<double>(op, kd_load_d(a, oa), kd_load_d(b, ob), alpha));
    }
}

extern "C" __global__ void ew_binary_gl(int n, KdShape s, KdOperand a, KdOperand b, KdOperand o, int op, long long alpha) {
    KD_GRID_LOOP(i, n) {
        int oa, ob, oo;
        kd_offsets3(i, s, a, b, o, oa, ob, oo);
        kd_store_l(o, oo, kd_binary_l(op, kd_load_l(a, oa), kd_load_l(b, ob), alpha));
    }
}

// ---- ternary ----

template <typename T>
KD_FN T kd_ternary(int op, T a, T b, T c, T p) {
    switch (op) {
        case T_WHERE: return a != T(0) ? b : c;
        case T_LERP: {
            T w = c;
            return kd_abs(w) < T(0.5) ? a + w * (b - a) : b - (b - a) * (T(1) - w);
        }
        case T_ADDCMUL: return a + p * b * c;
        case T_ADDCDIV: return a + p * b / c;
        default: {  // T_CLAMP: NaN input propagates, NaN bounds are ignored
            T v = a;
            if (v != v) return v;
            if (b == b && v < b) v = b;
            if (c == c && v > c) v = c;
            return v;
        }
    }
}

KD_FN long long kd_ternary_l(int op, long long a, long long b, long long c, double p) {
    switch (op) {
        case T_WHERE: return a != 0 ? b : c;
        case T_ADDCMUL: return a + kd_d2l(p) * b * c;
        case T_CLAMP: {
            long long v = a > b ? a : b;
            return v < c ? v : c;
        }
        default: return 0;  // lerp and addcdiv on integers: rejected by dispatch
    }
}

template <typename T>
KD_FN void kd_ternary_typed(int n, const KdShape& s, const KdOperand& a, const KdOperand& b, const KdOperand& c,
                            const KdOperand& o, int op, T p) {
    T* op_ = (T*) o.data;
    KD_GRID_LOOP(i, n) {
        int oa, ob, oc, oo;
        kd_offsets4(i, s, a, b, c, o, oa, ob, oc, oo);
        // WHERE's condition is BOOL whatever T is, so the first operand is always converted
        T x, y, z;
        kd_load(a, oa, x);
        y = b.data ? ((const T*) b.data)[ob] : (T) b.scalar;
        z = c.data ? ((const T*) c.data)[oc] : (T) c.scalar;
        op_[oo] = kd_ternary<T>(op, x, y, z, p);
    }
}

extern "C" __global__ void ew_ternary_f32(int n, KdShape s, KdOperand a, KdOperand b, KdOperand c, KdOperand o,
                                          int op, double p) {
    kd_ternary_typed<float>(n, s, a, b, c, o, op, (float) p);
}

extern "C" __global__ void ew_ternary_f64(int n, KdShape s, KdOperand a, KdOperand b, KdOperand c, KdOperand o,
                                          int op, double p) {
    kd_ternary_typed<double>(n, s, a, b, c, o, op, p);
}

extern "C" __global__ void ew_ternary_gf(int n, KdShape s, KdOperand a, KdOperand b, KdOperand c, KdOperand o,
                                         int op, double p) {
    KD_GRID_LOOP(i, n) {
        int oa, ob, oc, oo;
        kd_offsets4(i, s, a, b, c, o, oa, ob, oc, oo);
        kd_store_f(o, oo, kd_ternary<float>(op, kd_load_f(a, oa), kd_load_f(b, ob), kd_load_f(c, oc), (float) p));
    }
}

extern "C" __global__ void ew_ternary_gd(int n, KdShape s, KdOperand a, KdOperand b, KdOperand c, KdOperand o,
                                         int op, double p) {
    KD_GRID_LOOP(i, n) {
        int oa, ob, oc, oo;
        kd_offsets4(i, s, a, b, c, o, oa, ob, oc, oo);
        kd_store_d(o, oo, kd_ternary<double>(op, kd_load_d(a, oa), kd_load_d(b, ob), kd_load_d(c, oc), p));
    }
}

extern "C" __global__ void ew_ternary_gl(int n, KdShape s, KdOperand a, KdOperand b, KdOperand c, KdOperand o,
                                         int op, double p) {
    KD_GRID_LOOP(i, n) {
        int oa, ob, oc, oo;
        kd_offsets4(i, s, a, b, c, o, oa, ob, oc, oo);
        kd_store_l(o, oo, kd_ternary_l(op, kd_load_l(a, oa), kd_load_l(b, ob), kd_load_l(c, oc), p));
    }
}

// ---- copy, cast and fill ----

// dst = src converted through double (any floating dtype involved) or 64-bit integers (none).
extern "C" __global__ void ew_copy_gd(int n, KdShape s, KdOperand src, KdOperand dst) {
    KD_GRID_LOOP(i, n) {
        int os, od;
        kd_offsets2(i, s, src, dst, os, od);
        kd_store_d(dst, od, kd_load_d(src, os));
    }
}

extern "C" __global__ void ew_copy_gl(int n, KdShape s, KdOperand src, KdOperand dst) {
    KD_GRID_LOOP(i, n) {
        int os, od;
        kd_offsets2(i, s, src, dst, os, od);
        kd_store_l(dst, od, kd_load_l(src, os));
    }
}

// dst = src of the same dtype: a strided move of itemSize-byte elements, no conversion.
extern "C" __global__ void ew_copy_raw(int n, KdShape s, KdOperand src, KdOperand dst, int itemSize) {
    KD_GRID_LOOP(i, n) {
        int os, od;
        kd_offsets2(i, s, src, dst, os, od);
        switch (itemSize) {
            case 8: ((unsigned long long*) dst.data)[od] = ((const unsigned long long*) src.data)[os]; break;
            case 4: ((unsigned int*) dst.data)[od] = ((const unsigned int*) src.data)[os]; break;
            case 2: ((unsigned short*) dst.data)[od] = ((const unsigned short*) src.data)[os]; break;
            default: ((unsigned char*) dst.data)[od] = ((const unsigned char*) src.data)[os]; break;
        }
    }
}
