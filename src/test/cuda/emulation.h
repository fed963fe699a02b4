// Runs Kindling's CUDA kernels on the host, for testing them without a GPU: the CUDA C sources
// (src/main/cuda/*.cu) are compiled by a C++20 host compiler with this header force-included.
//
// A launch runs the grid's blocks one after another; each block runs its blockDim.x threads as
// std::threads that meet at __syncthreads() on a std::barrier. __shared__ variables become static
// (shared by every thread of the one block that runs at a time), atomics take a global lock, and
// the few device intrinsics the kernels use are defined with host code. Semantics that depend on
// warp scheduling or the GPU's floating-point units (FMA contraction, the accuracy of expf) are not
// reproduced; the kernels' indexing, control flow, synchronisation and dtype handling are.
#pragma once

#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <math.h>
#include <mutex>
#include <thread>
#include <vector>

struct EmuDim3 { unsigned x = 0, y = 0, z = 0; };

inline thread_local EmuDim3 threadIdx, blockIdx;
inline EmuDim3 blockDim, gridDim;
inline std::barrier<>* emu_barrier = nullptr;
inline std::mutex emu_atomic_lock;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __shared__ static
#define __syncthreads() emu_barrier->arrive_and_wait()

inline float __uint_as_float(unsigned int u) { float f; std::memcpy(&f, &u, 4); return f; }
inline unsigned int __float_as_uint(float f) { unsigned int u; std::memcpy(&u, &f, 4); return u; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline double __longlong_as_double(long long l) { double d; std::memcpy(&d, &l, 8); return d; }

inline float atomicAdd(float* p, float v) { std::lock_guard<std::mutex> g(emu_atomic_lock); float o = *p; *p = o + v; return o; }
inline double atomicAdd(double* p, double v) { std::lock_guard<std::mutex> g(emu_atomic_lock); double o = *p; *p = o + v; return o; }
inline int atomicAdd(int* p, int v) { std::lock_guard<std::mutex> g(emu_atomic_lock); int o = *p; *p = o + v; return o; }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    std::lock_guard<std::mutex> g(emu_atomic_lock);
    unsigned long long o = *p;
    *p = o + v;
    return o;
}

// erfinv is in CUDA's math library, not in libm: the same Giles first guess plus Newton steps.
inline double erfinv(double y) {
    if (y != y || y < -1 || y > 1) return NAN;
    if (y == 1) return INFINITY;
    if (y == -1) return -INFINITY;
    double w = -std::log((1.0 - y) * (1.0 + y)), p;
    if (w < 5.0) {
        w -= 2.5;
        p = 2.81022636e-08; p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
        p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w; p = 0.246640727 + p * w;
        p = 1.50140941 + p * w;
    } else {
        w = std::sqrt(w) - 3.0;
        p = -0.000200214257; p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
        p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w; p = 1.00167406 + p * w;
        p = 2.83297682 + p * w;
    }
    double x = p * y;
    for (int i = 0; i < 3; i++) x -= (std::erf(x) - y) / (1.1283791670955126 * std::exp(-x * x));
    return x;
}
inline float erfinvf(float y) { return (float) erfinv(y); }

// Runs f as a gridX × gridY × gridZ grid of blocks of blockX threads.
template <class F>
void emu_launch(unsigned gx, unsigned gy, unsigned gz, unsigned bx, F f) {
    gridDim = {gx, gy, gz};
    blockDim = {bx, 1, 1};
    for (unsigned z = 0; z < gz; z++) {
        for (unsigned y = 0; y < gy; y++) {
            for (unsigned x = 0; x < gx; x++) {
                std::barrier<> bar((std::ptrdiff_t) bx);
                emu_barrier = &bar;
                std::vector<std::thread> ts;
                for (unsigned t = 0; t < bx; t++) {
                    ts.emplace_back([&, t, x, y, z] {
                        threadIdx = {t, 0, 0};
                        blockIdx = {x, y, z};
                        f();
                    });
                }
                for (auto& th : ts) th.join();
            }
        }
    }
}
