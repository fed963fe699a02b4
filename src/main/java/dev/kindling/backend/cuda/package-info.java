/**
 * The CUDA backend: the only package that imports {@code jcuda.*}.
 *
 * <p>Layers, from the tensor layer down:
 * <ul>
 *   <li>{@link dev.kindling.backend.cuda.CudaRuntime} finds out once whether CUDA can be used and
 *       creates each device's {@code CudaContext} (driver, caching allocator, backend) on first use;
 *       {@code dev.kindling.cuda.Cuda} is its public face.
 *   <li>{@link dev.kindling.backend.cuda.CudaBackend} implements the kernel contract of
 *       {@code dev.kindling.backend.Backend} (the CPU backend is the reference implementation) with
 *       one class per kernel family; {@link dev.kindling.backend.cuda.CudaStorage} holds device
 *       memory from the caching allocator.
 *   <li>{@code Driver} is everything the families ask of a device: memory, launches of the kernels
 *       in {@code src/main/cuda/} (shipped as PTX resources, packed by {@code KernelArgs} exactly as
 *       the C structs lay them out), transfers through pinned staging buffers, and a GEMM (cuBLAS
 *       when {@code libcublas.so.12} loads, else Kindling's own kernels). {@code CudaDevice} and
 *       {@code CublasGemm} implement it over JCuda; nothing else touches JCuda, so a CPU-only
 *       program never loads a JCuda class.
 * </ul>
 *
 * <p>Note [Device memory lifetime]: every tensor object over a {@code CudaStorage} holds one
 * reference ({@code CudaStorage.track}); closing the tensor drops it at once, and a phantom reference
 * drops it when the tensor is unreachable. The storage returns its block to the caching allocator
 * when the last reference is dropped. Phantom references are drained synchronously, by each
 * allocation and, when the device is full, by the allocator's reclaimer after a garbage collection
 * ({@code DeviceCleaner}), so memory is never freed from a thread that did not ask for it. Blocks
 * returned while kernels that use them are still queued are safe to reuse: there is one stream per
 * device, and every later use is queued behind them.
 *
 * <p>Testing without a GPU: the kernel ABI is checked against {@code kindling.cuh} and the PTX, the
 * PTX against its sources and {@code ptxas}, the kernels themselves on the host
 * ({@code src/test/cuda}), and everything around them on a simulated device. Tests tagged
 * {@code cuda} compare the device with the CPU backend on a real GPU.
 */
package dev.kindling.backend.cuda;
