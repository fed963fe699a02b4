// Tests of Kindling's CUDA kernels run on the host (emulation.h): each kernel is called as the
// backend launches it, on small inputs, and its output is compared with a plain C++ reference or
// with values produced by the Java CPU backend. Prints one line per failure and a summary; exits
// non-zero when anything failed. Run by src/test/cuda/run-kernel-tests.sh (KernelEmulationTest).
#include "elementwise.cu"
#include "reduce.cu"
#include "index.cu"
#include "conv.cu"
#include "gemm.cu"

#include <cstdio>
#include <functional>
#include <initializer_list>
#include <random>
#include <string>

static int failures = 0, checks = 0;

static void check(bool ok, const std::string& what) {
    checks++;
    if (!ok) {
        failures++;
        std::printf("FAIL %s\n", what.c_str());
    }
}

static bool close(double e, double a, double rtol, double atol) {
    if (e != e) return a != a;
    return e == a || std::fabs(e - a) <= atol + rtol * std::fabs(e);
}

static void checkClose(const std::string& what, const std::vector<double>& e, const std::vector<double>& a, double rtol, double atol) {
    check(e.size() == a.size(), what + ": size");
    for (size_t i = 0; i < e.size() && i < a.size(); i++) {
        if (!close(e[i], a[i], rtol, atol)) {
            check(false, what + ": element " + std::to_string(i) + " expected " + std::to_string(e[i]) + " got " + std::to_string(a[i]));
            return;
        }
    }
    check(true, what);
}

static KdShape shape(std::initializer_list<int> s) {
    KdShape r{};
    r.ndim = (int) s.size();
    int i = 0;
    for (int v : s) r.sizes[i++] = v;
    return r;
}

static KdOperand op(const void* data, int dtype, std::initializer_list<int> strides) {
    KdOperand o{};
    o.data = (unsigned long long) (uintptr_t) data;
    o.dtype = dtype;
    int i = 0;
    for (int v : strides) o.strides[i++] = v;
    return o;
}

static KdOperand scalar(int dtype, double v, long long lv) {
    KdOperand o{};
    o.dtype = dtype;
    o.scalar = v;
    o.scalarLong = lv;
    return o;
}

static unsigned long long ptr(const void* p) { return (unsigned long long) (uintptr_t) p; }

template <class F>
static void run(unsigned grid, unsigned block, F f) { emu_launch(grid, 1, 1, block, f); }

static std::vector<double> randoms(int n, double lo, double hi, unsigned seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(lo, hi);
    std::vector<double> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

// ---- copies and conversions ----

static void testConversions() {
    // expected bits from dev.kindling.backend.cpu.HalfFloat for the same inputs
    std::vector<double> v = {0.0, -0.0, 1.0, -2.5, 65504, 65519.9, 65520, 1e-8, 5.9604644775390625e-8, 8.940696716308594e-8,
                             1.0009765625, 1.00048828125, 1.00146484375, 3.0e38, NAN, INFINITY, -1.0e-5, 0.1, 1.00390625, 1.01171875};
    unsigned short half[] = {0x0000, 0x8000, 0x3c00, 0xc100, 0x7bff, 0x7bff, 0x7c00, 0x0000, 0x0001, 0x0002, 0x3c01, 0x3c00, 0x3c02,
                             0x7c00, 0x7e00, 0x7c00, 0x80a8, 0x2e66, 0x3c04, 0x3c0c};
    unsigned short bf[] = {0x0000, 0x8000, 0x3f80, 0xc020, 0x4780, 0x4780, 0x4780, 0x322c, 0x3380, 0x33c0, 0x3f80, 0x3f80, 0x3f80,
                           0x7f62, 0x7fc0, 0x7f80, 0xb728, 0x3dcd, 0x3f80, 0x3f82};
    int n = (int) v.size();
    std::vector<unsigned short> h(n), b(n);
    run(2, 8, [&] { ew_copy_gd(n, shape({n}), op(v.data(), KD_F64, {1}), op(h.data(), KD_F16, {1})); });
    run(1, 32, [&] { ew_copy_gd(n, shape({n}), op(v.data(), KD_F64, {1}), op(b.data(), KD_BF16, {1})); });
    for (int i = 0; i < n; i++) {
        check(h[i] == half[i], "float64 -> float16 of " + std::to_string(v[i]) + ": " + std::to_string(h[i]) + " != " + std::to_string(half[i]));
        check(b[i] == bf[i], "float64 -> bfloat16 of " + std::to_string(v[i]) + ": " + std::to_string(b[i]) + " != " + std::to_string(bf[i]));
    }
    unsigned short hs[] = {0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8001, 0x3555};
    double hv[] = {5.9604644775e-08, 6.0975551605e-05, 6.1035156250e-05, 6.5504000000e+04, INFINITY, -INFINITY, NAN, -5.9604644775e-08,
                   3.3325195313e-01};
    std::vector<double> back(9);
    run(1, 4, [&] { ew_copy_gd(9, shape({9}), op(hs, KD_F16, {1}), op(back.data(), KD_F64, {1})); });
    for (int i = 0; i < 9; i++) check(close(hv[i], back[i], 1e-9, 0), "float16 -> float64 of bits " + std::to_string(hs[i]));

    // to integers: truncation, NaN to 0, wrap of the 64-bit value, bool as nonzero
    std::vector<double> f = {-2.7, 2.7, 300.0, -1.0, NAN, 1e20, -1e20, 0.5, 255.9};
    int m = (int) f.size();
    std::vector<signed char> i8(m);
    std::vector<unsigned char> u8(m), bo(m);
    std::vector<long long> i64(m);
    std::vector<int> i32(m);
    run(1, 16, [&] {
        ew_copy_gd(m, shape({m}), op(f.data(), KD_F64, {1}), op(i8.data(), KD_I8, {1}));
        ew_copy_gd(m, shape({m}), op(f.data(), KD_F64, {1}), op(u8.data(), KD_U8, {1}));
        ew_copy_gd(m, shape({m}), op(f.data(), KD_F64, {1}), op(bo.data(), KD_BOOL, {1}));
        ew_copy_gd(m, shape({m}), op(f.data(), KD_F64, {1}), op(i64.data(), KD_I64, {1}));
        ew_copy_gd(m, shape({m}), op(f.data(), KD_F64, {1}), op(i32.data(), KD_I32, {1}));
    });
    long long e64[] = {-2, 2, 300, -1, 0, 0x7fffffffffffffffLL, (long long) 0x8000000000000000ULL, 0, 255};
    signed char e8[] = {-2, 2, 44, -1, 0, -1, 0, 0, -1};
    unsigned char eu8[] = {254, 2, 44, 255, 0, 255, 0, 0, 255};
    unsigned char ebo[] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    int e32[] = {-2, 2, 300, -1, 0, -1, 0, 0, 255};
    for (int i = 0; i < m; i++) {
        check(i64[i] == e64[i], "to int64 of " + std::to_string(f[i]));
        check(i8[i] == e8[i], "to int8 of " + std::to_string(f[i]) + " got " + std::to_string(i8[i]));
        check(u8[i] == eu8[i], "to uint8 of " + std::to_string(f[i]) + " got " + std::to_string(u8[i]));
        check(bo[i] == ebo[i], "to bool of " + std::to_string(f[i]));
        check(i32[i] == e32[i], "to int32 of " + std::to_string(f[i]) + " got " + std::to_string(i32[i]));
    }
    // raw strided copy of a transposed int16 matrix, and an integer scalar fill exact beyond 2^53
    short src[6] = {1, 2, 3, 4, 5, 6};
    short dst[6] = {};
    run(2, 2, [&] { ew_copy_raw(6, shape({3, 2}), op(src, KD_I16, {1, 3}), op(dst, KD_I16, {2, 1}), 2); });
    short et[6] = {1, 4, 2, 5, 3, 6};
    for (int i = 0; i < 6; i++) check(dst[i] == et[i], "raw transposed copy " + std::to_string(i));
    long long big[3] = {};
    run(1, 4, [&] { ew_copy_gl(3, shape({3}), scalar(KD_I64, 0, (1LL << 60) + 1), op(big, KD_I64, {1})); });
    check(big[2] == (1LL << 60) + 1, "int64 scalar fill is exact");
}

// ---- unary, binary, ternary ----

static void testElementwise() {
    // unary on a transposed float32 layout, typed and generic kernels
    std::vector<double> xd = randoms(12, -3, 3, 1);
    std::vector<float> x(xd.begin(), xd.end()), y(12), yg(12);
    run(2, 4, [&] { ew_unary_f32(12, shape({3, 4}), op(x.data(), KD_F32, {1, 3}), op(y.data(), KD_F32, {4, 1}), U_SIGMOID, 0, 0); });
    std::vector<double> e(12), a(12);
    for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) { e[i * 4 + j] = 1 / (1 + std::exp(-x[j * 3 + i])); a[i * 4 + j] = y[i * 4 + j]; }
    checkClose("sigmoid float32 on a transposed input", e, a, 1e-6, 1e-7);
    std::vector<int> xi = {-5, -1, 0, 2, 7, 9};
    run(1, 8, [&] { ew_unary_gf(6, shape({6}), op(xi.data(), KD_I32, {1}), op(yg.data(), KD_F32, {1}), U_EXP, 0, 0); });
    for (int i = 0; i < 6; i++) check(close(std::exp(xi[i]), yg[i], 1e-6, 0), "exp of int32 " + std::to_string(xi[i]));
    std::vector<double> cl(6);
    std::vector<double> cin = {-3, -0.5, NAN, 0.25, 1.5, 4};
    run(1, 8, [&] { ew_unary_gd(6, shape({6}), op(cin.data(), KD_F64, {1}), op(cl.data(), KD_F64, {1}), U_CLAMP, NAN, 1.0); });
    checkClose("clamp with only an upper bound", {-3, -0.5, NAN, 0.25, 1, 1}, cl, 0, 0);
    std::vector<long long> li = {-7, 3, -2, 0}, lo(4);
    run(1, 2, [&] { ew_unary_gl(4, shape({4}), op(li.data(), KD_I64, {1}), op(lo.data(), KD_I64, {1}), U_POW_SCALAR, 3, 0); });
    check(lo[0] == -343 && lo[1] == 27 && lo[2] == -8 && lo[3] == 0, "int64 cube");

    // binary: add with alpha over a broadcast row, in float32 and double
    std::vector<float> m(12), r(4), o(12);
    for (int i = 0; i < 12; i++) m[i] = (float) (i * 0.5 - 2);
    for (int j = 0; j < 4; j++) r[j] = (float) (j + 1);
    run(3, 2, [&] { ew_binary_f32(12, shape({3, 4}), op(m.data(), KD_F32, {4, 1}), op(r.data(), KD_F32, {0, 1}), op(o.data(), KD_F32, {4, 1}), B_ADD, 2.5f); });
    for (int i = 0; i < 12; i++) check(o[i] == m[i] + 2.5f * r[i % 4], "add alpha broadcast " + std::to_string(i));
    // python floor division and remainder on signs, in double and int64
    std::vector<double> pa = {7, -7, 7, -7, 5.5, -0.0}, pb = {2, 2, -2, -2, -2, 3}, fd(6), rem(6);
    run(1, 4, [&] {
        ew_binary_gd(6, shape({6}), op(pa.data(), KD_F64, {1}), op(pb.data(), KD_F64, {1}), op(fd.data(), KD_F64, {1}), B_DIV_FLOOR, 1);
        ew_binary_gd(6, shape({6}), op(pa.data(), KD_F64, {1}), op(pb.data(), KD_F64, {1}), op(rem.data(), KD_F64, {1}), B_REMAINDER, 1);
    });
    checkClose("floor division", {3, -4, -4, 3, -3, -0.0}, fd, 0, 0);
    checkClose("remainder", {1, 1, -1, -1, -0.5, 0}, rem, 0, 0);
    std::vector<long long> la = {7, -7, 7, -7, 1, -8}, lb = {2, 2, -2, -2, 63, 2}, lfd(6), lrm(6), lsh(6), lrs(6);
    run(1, 4, [&] {
        ew_binary_gl(6, shape({6}), op(la.data(), KD_I64, {1}), op(lb.data(), KD_I64, {1}), op(lfd.data(), KD_I64, {1}), B_DIV_FLOOR, 1);
        ew_binary_gl(6, shape({6}), op(la.data(), KD_I64, {1}), op(lb.data(), KD_I64, {1}), op(lrm.data(), KD_I64, {1}), B_REMAINDER, 1);
        ew_binary_gl(6, shape({6}), op(la.data(), KD_I64, {1}), op(lb.data(), KD_I64, {1}), op(lsh.data(), KD_I64, {1}), B_LSHIFT, 1);
        ew_binary_gl(6, shape({6}), op(la.data(), KD_I64, {1}), op(lb.data(), KD_I64, {1}), op(lrs.data(), KD_I64, {1}), B_RSHIFT, 1);
    });
    long long efd[] = {3, -4, -4, 3, 0, -4}, erm[] = {1, 1, -1, -1, 1, 0}, esh[] = {28, -28, 0, 0, (long long) 0x8000000000000000ULL, -32},
              ers[] = {1, -2, 0, -1, 0, -2};
    for (int i = 0; i < 6; i++) {
        check(lfd[i] == efd[i], "int64 floor division " + std::to_string(i) + " got " + std::to_string(lfd[i]));
        check(lrm[i] == erm[i], "int64 remainder " + std::to_string(i) + " got " + std::to_string(lrm[i]));
        check(lsh[i] == esh[i], "int64 left shift " + std::to_string(i) + " got " + std::to_string(lsh[i]));
        check(lrs[i] == ers[i], "int64 right shift " + std::to_string(i) + " got " + std::to_string(lrs[i]));
    }
    // comparisons write bool; maximum propagates NaN, fmax ignores it
    std::vector<float> ca = {1, NAN, 3, 2}, cb = {2, 1, NAN, 2};
    std::vector<unsigned char> lt(4);
    std::vector<float> mx(4), fmx(4);
    run(1, 4, [&] {
        ew_binary_gf(4, shape({4}), op(ca.data(), KD_F32, {1}), op(cb.data(), KD_F32, {1}), op(lt.data(), KD_BOOL, {1}), B_LE, 1);
        ew_binary_f32(4, shape({4}), op(ca.data(), KD_F32, {1}), op(cb.data(), KD_F32, {1}), op(mx.data(), KD_F32, {1}), B_MAXIMUM, 1);
        ew_binary_f32(4, shape({4}), op(ca.data(), KD_F32, {1}), op(cb.data(), KD_F32, {1}), op(fmx.data(), KD_F32, {1}), B_FMAX, 1);
    });
    check(lt[0] == 1 && lt[1] == 0 && lt[2] == 0 && lt[3] == 1, "le with NaN");
    check(mx[0] == 2 && mx[1] != mx[1] && mx[2] != mx[2] && mx[3] == 2, "maximum propagates NaN");
    check(fmx[0] == 2 && fmx[1] == 1 && fmx[2] == 3 && fmx[3] == 2, "fmax ignores NaN");

    // ternary: where with a bool condition over float64 values and a scalar; clamp with NaN bounds
    unsigned char cond[4] = {1, 0, 1, 0};
    std::vector<double> tv = {1, 2, 3, 4}, tw(4);
    run(1, 2, [&] { ew_ternary_f64(4, shape({4}), op(cond, KD_BOOL, {1}), op(tv.data(), KD_F64, {1}), scalar(KD_F64, -1, 0), op(tw.data(), KD_F64, {1}), T_WHERE, 0); });
    checkClose("where", {1, -1, 3, -1}, tw, 0, 0);
    std::vector<float> lo2 = {0, NAN, 0, 0}, hi2 = {1, 1, NAN, 1}, val = {2, 2, -2, NAN}, cr(4);
    run(1, 4, [&] { ew_ternary_f32(4, shape({4}), op(val.data(), KD_F32, {1}), op(lo2.data(), KD_F32, {1}), op(hi2.data(), KD_F32, {1}), op(cr.data(), KD_F32, {1}), T_CLAMP, 0); });
    check(cr[0] == 1 && cr[1] == 1 && cr[2] == 0 && cr[3] != cr[3], "clamp with NaN bounds");
}

// ---- reductions ----

static void testReductions() {
    int R = 5, C = 300;
    std::vector<double> xd = randoms(R * C, -1, 1, 2);
    std::vector<float> x(xd.begin(), xd.end());
    x[7 * 1 + 2] = NAN;  // row 0 holds a NaN
    std::vector<double> eSum(R, 0), eMax(R, -INFINITY), eNorm(C, 0);
    for (int i = 0; i < R; i++) for (int j = 0; j < C; j++) {
        double v = x[i * C + j];
        eSum[i] += v;
        eMax[i] = (eMax[i] != eMax[i] || v != v) ? NAN : std::max(eMax[i], v);
        eNorm[j] += std::pow(std::fabs(v), 3);
    }
    for (auto& v : eNorm) v = std::pow(v, 1.0 / 3);
    // row sums: a block per output, the run split in 3 with partials combined
    int splits = 3, splitLen = (C + splits - 1) / splits;
    std::vector<double> partial(R * splits);
    std::vector<float> rowSum(R), rowMax(R), colNorm(C);
    KdShape kept = shape({R}), red = shape({C});
    emu_launch(2, splits, 1, 64, [&] {
        reduce_block_d(R_SUM, 0, R, C, splitLen, kept, op(x.data(), KD_F32, {C}), op(rowSum.data(), KD_F32, {1}), red,
                       op(x.data(), KD_F32, {1}), ptr(partial.data()));
    });
    run(1, 8, [&] { reduce_combine_d(R_SUM, 0, R, splits, ptr(partial.data()), kept, op(rowSum.data(), KD_F32, {1})); });
    std::vector<double> a(rowSum.begin(), rowSum.end());
    checkClose("row sums split over blocks", eSum, a, 1e-5, 1e-5);
    run(3, 32, [&] {
        reduce_block_d(R_MAX, 0, R, C, C, kept, op(x.data(), KD_F32, {C}), op(rowMax.data(), KD_F32, {1}), red,
                       op(x.data(), KD_F32, {1}), 0);
    });
    a.assign(rowMax.begin(), rowMax.end());
    checkClose("row maxima with a NaN", eMax, a, 0, 0);
    // column 3-norms: a thread per output, without splits
    run(2, 32, [&] {
        reduce_thread_d(R_NORM, 3, C, R, R, shape({C}), op(x.data(), KD_F32, {1}), op(colNorm.data(), KD_F32, {1}), shape({R}),
                        op(x.data(), KD_F32, {C}), 0);
    });
    a.assign(colNorm.begin(), colNorm.end());
    checkClose("column 3-norms", eNorm, a, 1e-5, 1e-6);
    // exact int64 sum of int32 input, full reduction, thread layout with splits
    std::vector<int> xi(10007);
    long long e = 0;
    for (int i = 0; i < (int) xi.size(); i++) { xi[i] = (i * 7919) % 2001 - 1000; e += xi[i]; }
    std::vector<long long> part(4), total(1);
    int n = (int) xi.size(), sl = (n + 3) / 4;
    emu_launch(1, 4, 1, 4, [&] {
        reduce_thread_l(R_SUM, 1, n, sl, shape({}), op(xi.data(), KD_I32, {}), op(total.data(), KD_I64, {}), shape({n}),
                        op(xi.data(), KD_I32, {1}), ptr(part.data()));
    });
    run(1, 1, [&] { reduce_combine_l(R_SUM, 1, 4, ptr(part.data()), shape({}), op(total.data(), KD_I64, {})); });
    check(total[0] == e, "exact int64 sum, got " + std::to_string(total[0]) + " expected " + std::to_string(e));
    // an empty reduction writes the identity
    float prod[1] = {7};
    run(1, 32, [&] { reduce_block_d(R_PROD, 0, 1, 0, 1, shape({}), op(x.data(), KD_F32, {}), op(prod, KD_F32, {}), shape({0}), op(x.data(), KD_F32, {1}), 0); });
    check(prod[0] == 1, "prod of nothing is 1");

    // max with the first index of the extreme, NaN first
    std::vector<double> t = {1, 5, 5, 2, NAN, 3, NAN, 9, 4, 4, 1, 4};
    std::vector<double> vals(3);
    std::vector<long long> idx(3);
    run(2, 32, [&] { argext_d(1, 3, 4, shape({3}), op(t.data(), KD_F64, {4}), 1, op(vals.data(), KD_F64, {1}), op(idx.data(), KD_I64, {1})); });
    check(idx[0] == 1 && vals[0] == 5, "argmax takes the first of equal maxima");
    check(idx[1] == 0 && vals[1] != vals[1], "argmax takes the first NaN");
    check(idx[2] == 0 && vals[2] == 4, "argmax of a row of ties");
    std::vector<long long> tl = {3, -1, -1, 2};
    std::vector<long long> lv(1), lix(1);
    run(1, 32, [&] { argext_l(0, 1, 4, shape({}), op(tl.data(), KD_I64, {}), 1, op(lv.data(), KD_I64, {}), op(lix.data(), KD_I64, {})); });
    check(lv[0] == -1 && lix[0] == 1, "argmin of int64");

    // cumulative max with indices (last of equal values, NaN sticks), along dim 0 of a [4, 2]
    std::vector<double> s = {1, 5, 3, 5, 3, NAN, 2, 7}, cm(8);
    std::vector<long long> ci(8);
    run(1, 4, [&] { scan_d(S_CUMMAX, 2, 4, shape({2}), op(s.data(), KD_F64, {1}), 2, op(cm.data(), KD_F64, {1}), 2, op(ci.data(), KD_I64, {1}), 2); });
    checkClose("cummax values", {1, 5, 3, 5, 3, NAN, 3, NAN}, cm, 0, 0);
    long long eci[] = {0, 0, 1, 1, 2, 2, 2, 2};
    for (int i = 0; i < 8; i++) check(ci[i] == eci[i], "cummax index " + std::to_string(i) + " got " + std::to_string(ci[i]));
    std::vector<long long> cs(4);
    std::vector<int> ics = {1, 2, 3, 4};
    run(1, 1, [&] { scan_l(S_CUMPROD, 1, 4, shape({}), op(ics.data(), KD_I32, {}), 1, op(cs.data(), KD_I64, {}), 1, op(nullptr, KD_I64, {}), 0); });
    check(cs[3] == 24, "int cumprod");

    // softmax and log_softmax over rows of 300, and a row of -inf
    std::vector<double> sm(R * C), ls(R * C);
    run(2, 128, [&] { softmax_d(0, R, C, shape({R}), op(xd.data(), KD_F64, {C}), 1, op(sm.data(), KD_F64, {C}), 1); });
    run(3, 64, [&] { softmax_d(1, R, C, shape({R}), op(xd.data(), KD_F64, {C}), 1, op(ls.data(), KD_F64, {C}), 1); });
    std::vector<double> esm(R * C), els(R * C);
    for (int i = 0; i < R; i++) {
        double mm = -INFINITY, z = 0;
        for (int j = 0; j < C; j++) mm = std::max(mm, xd[i * C + j]);
        for (int j = 0; j < C; j++) z += std::exp(xd[i * C + j] - mm);
        for (int j = 0; j < C; j++) { esm[i * C + j] = std::exp(xd[i * C + j] - mm) / z; els[i * C + j] = xd[i * C + j] - mm - std::log(z); }
    }
    checkClose("softmax", esm, sm, 1e-12, 1e-15);
    checkClose("log_softmax", els, ls, 1e-12, 1e-12);
    std::vector<double> ninf = {-INFINITY, -INFINITY}, nout(2);
    run(1, 32, [&] { softmax_d(0, 1, 2, shape({}), op(ninf.data(), KD_F64, {}), 1, op(nout.data(), KD_F64, {}), 1); });
    check(nout[0] != nout[0], "softmax of a row of -inf is NaN, as on the CPU");
}

// ---- indexing ----

static void testIndexing() {
    std::vector<float> x(20);
    for (int i = 0; i < 20; i++) x[i] = (float) i;
    long long sel[3] = {3, 0, 3};
    std::vector<float> out(15);
    // index_select along dim 0 of [4, 5]: the index walks dim 0 only
    run(2, 4, [&] {
        gather_k(15, shape({3, 5}), op(x.data(), KD_F32, {0, 1}), 5, op(sel, KD_I64, {1, 0}), op(out.data(), KD_F32, {5, 1}), 4);
    });
    for (int i = 0; i < 15; i++) check(out[i] == x[sel[i / 5] * 5 + i % 5], "index_select " + std::to_string(i));
    // gather along dim 1
    long long g[8] = {4, 0, 1, 1, 2, 3, 0, 0};
    std::vector<float> go(8);
    run(1, 8, [&] { gather_k(8, shape({4, 2}), op(x.data(), KD_F32, {5, 0}), 1, op(g, KD_I64, {2, 1}), op(go.data(), KD_F32, {2, 1}), 4); });
    for (int i = 0; i < 8; i++) check(go[i] == x[(i / 2) * 5 + g[i]], "gather " + std::to_string(i));
    // scatter_add with duplicate indices into float32 and int64, and a scalar scatter
    std::vector<float> acc(20, 0);
    std::vector<float> src(8, 1.5f);
    run(2, 4, [&] { scatter_k(8, shape({4, 2}), op(acc.data(), KD_F32, {5, 0}), 1, op(g, KD_I64, {2, 1}), op(src.data(), KD_F32, {2, 1}), 1, 1.0); });
    check(acc[1 * 5 + 1] == 3.0f && acc[3 * 5 + 0] == 3.0f && acc[0] == 1.5f && acc[4] == 1.5f && acc[2] == 0.0f, "scatter_add accumulates duplicates");
    std::vector<long long> accl(20, 0);
    std::vector<long long> srcl(8, 3);
    run(1, 8, [&] { scatter_k(8, shape({4, 2}), op(accl.data(), KD_I64, {5, 0}), 1, op(g, KD_I64, {2, 1}), op(srcl.data(), KD_I64, {2, 1}), 1, 2.0); });
    check(accl[1 * 5 + 1] == 12 && accl[4] == 6, "int64 index_add with alpha 2");
    std::vector<double> sc(20, 0);
    run(1, 4, [&] { scatter_k(8, shape({4, 2}), op(sc.data(), KD_F64, {5, 0}), 1, op(g, KD_I64, {2, 1}), scalar(KD_F64, -2, 0), 0, 1.0); });
    check(sc[4] == -2 && sc[1] == 0 && sc[6] == -2, "scatter of a scalar");
    // put into a transposed [4, 5] view: flat positions follow the logical shape
    std::vector<float> base(20, 0);
    long long pos[3] = {19, 0, 6};
    float pv[3] = {1, 2, 3};
    run(1, 4, [&] { put_k(3, shape({4, 5}), op(base.data(), KD_F32, {1, 4}), op(pos, KD_I64, {1}), op(pv, KD_F32, {1}), 0); });
    check(base[3 + 4 * 4] == 1 && base[0] == 2 && base[1 + 1 * 4] == 3, "put through strides");
    run(1, 4, [&] { put_k(3, shape({4, 5}), op(base.data(), KD_F32, {1, 4}), op(pos, KD_I64, {1}), op(pv, KD_F32, {1}), 1); });
    check(base[3 + 4 * 4] == 2 && base[0] == 4, "put with accumulate");
}

// ---- convolution helpers and pooling ----

static KdConv convGeometry(int n, int c, int h, int w, int o, int kH, int kW, int s, int p, int d, int groups) {
    KdConv g{n, c, h, w, o, kH, kW, s, s, p, p, d, d, groups, 0, 0};
    g.oH = (h + 2 * p - d * (kH - 1) - 1) / s + 1;
    g.oW = (w + 2 * p - d * (kW - 1) - 1) / s + 1;
    return g;
}

static void testIm2colCol2im() {
    // col2im is the adjoint of im2col: <im2col(x), y> == <x, col2im(y)>, for every layout of the columns
    for (int variant = 0; variant < 3; variant++) {
        KdConv g = variant == 0 ? convGeometry(2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1)
                 : variant == 1 ? convGeometry(3, 2, 9, 8, 2, 3, 2, 2, 2, 2, 1)
                                : convGeometry(2, 4, 5, 5, 4, 1, 1, 1, 0, 1, 2);
        int kk = g.kH * g.kW, L = g.oH * g.oW, rows = g.c * kk, samples = g.n;
        long long sampleStride = variant == 1 ? L : (long long) rows * L;
        long long rowStride = variant == 1 ? (long long) samples * L : L;
        std::vector<double> x = randoms(samples * g.c * g.h * g.w, -1, 1, 10 + variant);
        std::vector<double> y = randoms(samples * rows * L, -1, 1, 20 + variant);
        std::vector<double> col(samples * rows * L, 99), back(x.size(), 99);
        run(3, 32, [&] { im2col_f64(g, samples, ptr(x.data()), ptr(col.data()), sampleStride, rowStride); });
        run(2, 32, [&] { col2im_f64(g, samples, ptr(y.data()), sampleStride, rowStride, ptr(back.data())); });
        double lhs = 0, rhs = 0;
        for (size_t i = 0; i < col.size(); i++) lhs += col[i] * y[i];
        for (size_t i = 0; i < x.size(); i++) rhs += x[i] * back[i];
        check(close(lhs, rhs, 1e-12, 1e-12), "col2im is the adjoint of im2col, variant " + std::to_string(variant));
        // and im2col itself reads the right input element (or zero padding)
        bool ok = true;
        for (int s = 0; s < samples; s++) for (int r = 0; r < rows; r++) for (int l = 0; l < L; l++) {
            int c = r / kk, kh = (r % kk) / g.kW, kw = r % g.kW, oh = l / g.oW, ow = l % g.oW;
            int ih = oh * g.sH - g.pH + kh * g.dH, iw = ow * g.sW - g.pW + kw * g.dW;
            double e = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w ? x[((s * g.c + c) * g.h + ih) * g.w + iw] : 0;
            ok &= col[s * sampleStride + r * rowStride + l] == e;
        }
        check(ok, "im2col values, variant " + std::to_string(variant));
    }
}

static void testPooling() {
    int n = 2, c = 3, h = 7, w = 6;
    std::vector<float> x(n * c * h * w);
    std::vector<double> xd = randoms((int) x.size(), -1, 1, 30);
    for (size_t i = 0; i < x.size(); i++) x[i] = (float) xd[i];
    x[5] = x[4];  // a tie
    // max pooling 3x3, stride 2, padding 1, dilation 1, ceil mode
    KdPool p{n, c, h, w, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0, 0};
    int planes = n * c, outs = planes * p.oH * p.oW;
    std::vector<float> out(outs), gIn(x.size(), 7);
    std::vector<long long> idx(outs);
    run(3, 16, [&] { maxpool_fwd_f32(p, ptr(x.data()), ptr(out.data()), ptr(idx.data())); });
    bool ok = true;
    std::vector<float> eg(x.size(), 0), gOut(outs);
    for (int i = 0; i < outs; i++) gOut[i] = (float) (i % 5 + 1);
    for (int pl = 0; pl < planes; pl++) for (int oh = 0; oh < p.oH; oh++) for (int ow = 0; ow < p.oW; ow++) {
        float best = -INFINITY;
        long long bi = -1;
        for (int ih = std::max(0, oh * 2 - 1); ih < std::min(h, oh * 2 - 1 + 3); ih++)
            for (int iw = std::max(0, ow * 2 - 1); iw < std::min(w, ow * 2 - 1 + 3); iw++) {
                float v = x[(pl * h + ih) * w + iw];
                if (v > best || bi < 0) { best = v; bi = ih * w + iw; }
            }
        int o = (pl * p.oH + oh) * p.oW + ow;
        ok &= out[o] == best && idx[o] == bi;
        eg[pl * h * w + bi] += gOut[o];
    }
    check(ok, "max pooling values and first-max indices");
    run(2, 32, [&] { maxpool_bwd_f32(p, ptr(gOut.data()), ptr(idx.data()), ptr(gIn.data())); });
    std::vector<double> e(eg.begin(), eg.end()), a(gIn.begin(), gIn.end());
    checkClose("max pooling backward gathers every output at its index", e, a, 0, 0);
    // adaptive average pooling 7x6 -> 3x4, forward against a direct sum and backward as its adjoint
    KdPool ad{n, c, h, w, 3, 4, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0};
    int aouts = planes * 3 * 4;
    std::vector<double> in(xd), ao(aouts), ag = randoms(aouts, -1, 1, 31), gi(x.size());
    run(2, 16, [&] { avgpool_fwd_f64(ad, ptr(in.data()), ptr(ao.data())); });
    run(2, 16, [&] { avgpool_bwd_f64(ad, ptr(ag.data()), ptr(gi.data())); });
    double lhs = 0, rhs = 0;
    for (int i = 0; i < aouts; i++) lhs += ao[i] * ag[i];
    for (size_t i = 0; i < in.size(); i++) rhs += in[i] * gi[i];
    check(close(lhs, rhs, 1e-12, 1e-12), "adaptive average pooling backward is the adjoint of the forward");
    // window (1, 2) of plane 0: rows [2, 5), columns [3, 5)
    double s = 0;
    for (int ih = 2; ih < 5; ih++) for (int iw = 3; iw < 5; iw++) s += in[ih * w + iw];
    check(close(s / 6, ao[1 * 4 + 2], 1e-12, 0), "adaptive window sizes");
    // average pooling with padding, count_include_pad false, ceil mode: adjoint again
    KdPool av{n, c, h, w, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0, 0};
    int vouts = planes * 4 * 3;
    std::vector<double> vo(vouts), vg = randoms(vouts, -1, 1, 32), vi(x.size());
    run(1, 32, [&] { avgpool_fwd_f64(av, ptr(in.data()), ptr(vo.data())); });
    run(1, 32, [&] { avgpool_bwd_f64(av, ptr(vg.data()), ptr(vi.data())); });
    lhs = 0, rhs = 0;
    for (int i = 0; i < vouts; i++) lhs += vo[i] * vg[i];
    for (size_t i = 0; i < in.size(); i++) rhs += in[i] * vi[i];
    check(close(lhs, rhs, 1e-12, 1e-12), "padded average pooling backward is the adjoint of the forward");
    double corner = (in[0] + in[1] + in[w] + in[w + 1]) / 4;
    check(close(corner, vo[0], 1e-12, 0), "padding is not counted");
}

// ---- GEMM ----

template <typename T>
static void gemmCase(void (*kernel)(KdGemm, unsigned long long, unsigned long long, unsigned long long), int tile,
                     int m, int n, int k, bool ta, bool tb, int batch, double beta, const std::string& name) {
    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
    long long sa = (long long) lda * (ta ? k : m), sb = 0, sc = (long long) ldc * m;  // B shared by the batch
    std::vector<double> ad = randoms((int) (sa * batch), -1, 1, 40), bd = randoms(ldb * (tb ? n : k), -1, 1, 41), cd = randoms((int) (sc * batch), -1, 1, 42);
    std::vector<T> A(ad.size()), B(bd.size()), C(cd.size());
    for (size_t i = 0; i < ad.size(); i++) A[i] = (T) (sizeof(T) == 8 && (T) 0.5 == 0 ? (long long) (ad[i] * 10) : ad[i]);
    for (size_t i = 0; i < bd.size(); i++) B[i] = (T) (sizeof(T) == 8 && (T) 0.5 == 0 ? (long long) (bd[i] * 10) : bd[i]);
    for (size_t i = 0; i < cd.size(); i++) C[i] = (T) (sizeof(T) == 8 && (T) 0.5 == 0 ? (long long) (cd[i] * 10) : cd[i]);
    std::vector<T> E(C);
    for (int z = 0; z < batch; z++) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int q = 0; q < k; q++) {
            double av = ta ? A[z * sa + (long long) q * lda + i] : A[z * sa + (long long) i * lda + q];
            double bv = tb ? B[z * sb + (long long) j * ldb + q] : B[z * sb + (long long) q * ldb + j];
            acc += av * bv;
        }
        T& e = E[z * sc + (long long) i * ldc + j];
        e = (T) (1.0 * acc + beta * e);
    }
    KdGemm g{m, n, k, lda, ldb, ldc, ta ? 1 : 0, tb ? 1 : 0, batch, 0, sa, sb, sc, 1.0, beta};
    emu_launch((n + tile - 1) / tile, (m + tile - 1) / tile, batch > 1 ? 2 : 1, 256, [&] { kernel(g, ptr(A.data()), ptr(B.data()), ptr(C.data())); });
    std::vector<double> e(E.begin(), E.end()), a(C.begin(), C.end());
    checkClose(name + " m" + std::to_string(m) + " n" + std::to_string(n) + " k" + std::to_string(k) + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "")
               + " batch " + std::to_string(batch), e, a, sizeof(T) == 4 ? 1e-5 : 1e-12, sizeof(T) == 4 ? 1e-5 : 1e-12);
}

static void testGemm() {
    for (int t = 0; t < 4; t++) {
        bool ta = t & 1, tb = t & 2;
        gemmCase<float>(gemm_f32, 128, 130, 70, 19, ta, tb, 3, t == 3 ? 0.5 : 0.0, "gemm_f32");
        gemmCase<double>(gemm_f64, 64, 65, 129, 9, ta, tb, 1, 0.0, "gemm_f64");
        gemmCase<long long>(gemm_i64, 64, 33, 17, 70, ta, tb, 2, t == 1 ? 1.0 : 0.0, "gemm_i64");
    }
}

int main() {
    testConversions();
    testElementwise();
    testReductions();
    testIndexing();
    testIm2colCol2im();
    testPooling();
    testGemm();
    std::printf("%d of %d kernel checks failed\n", failures, checks);
    return failures == 0 ? 0 : 1;
}
