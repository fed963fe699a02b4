package dev.kindling.backend.cuda;

import dev.kindling.KindlingException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuGetErrorString;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * A CUDA device through JCuda's driver API: the {@link Driver} of the real hardware. Created once
 * per device by {@link CudaRuntime}; the backend and the caching allocator of that device call it.
 *
 * <p>It uses the device's primary context (shared with cuBLAS and any other runtime-API library in
 * the process), one blocking stream on which every kernel, copy and cuBLAS call is queued, PTX
 * modules loaded on first use of one of their kernels with {@code cuModuleLoadData} (the driver
 * JIT-compiles them for the GPU and caches the result on disk), and two pinned host buffers of
 * {@link #STAGING_BYTES} for transfers: uploads return once the data is in pinned memory, so they
 * overlap with the host's next work, and downloads overlap the copy of one chunk with unpacking of
 * the previous one. Every driver call checks its result; failures throw {@link KindlingException}
 * with the driver's name and text of the error. With {@code KINDLING_CUDA_LAUNCH_BLOCKING=1} every
 * launch is followed by a synchronisation, so that an asynchronous kernel failure is reported at the
 * launch that caused it; {@code KINDLING_CUDA_GEMM=kernels} runs matrix products on Kindling's own
 * kernels even where cuBLAS loads.
 *
 * <p>Thread safety: any thread may call any method; the context is made current on the calling
 * thread first, transfers share the staging buffers under a lock.
 */
final class CudaDevice implements Driver {
    private static final Logger log = LoggerFactory.getLogger(CudaDevice.class);

    /** Bytes of each of the two pinned staging buffers of a device: 8 MiB. */
    static final int STAGING_BYTES = 8 << 20;
    /** {@code KINDLING_CUDA_LAUNCH_BLOCKING=1}: synchronise after every kernel launch. */
    static final boolean LAUNCH_BLOCKING = "1".equals(System.getenv("KINDLING_CUDA_LAUNCH_BLOCKING"));

    /** {@code KINDLING_CUDA_GEMM=kernels} uses Kindling's GEMM kernels even where cuBLAS loads. */
    static final String GEMM_ENV = "KINDLING_CUDA_GEMM";

    /** The driver's CUDA_ERROR_INSUFFICIENT_DRIVER (JCuda's CUresult does not name it). */
    static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();
    private static final AtomicBoolean GEMM_LOGGED = new AtomicBoolean();

    private final int index;
    private final String name;
    private final int multiprocessors;
    private final long totalBytes;
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final Map<Kernel.Module, CUmodule> modules = new EnumMap<>(Kernel.Module.class);
    private final Map<Kernel.Module, Map<String, List<Ptx.Param>>> signatures = new EnumMap<>(Kernel.Module.class);
    private final Map<Kernel, CUfunction> functions = new ConcurrentHashMap<>();
    private final Object transferLock = new Object();
    private final Pointer[] staging = new Pointer[2];
    private final ByteBuffer[] stagingBuffers = new ByteBuffer[2];
    private final CUevent[] stagingDone = {new CUevent(), new CUevent()};
    private final Gemm gemm;

    /**
     * Initialises the driver and counts the devices.
     *
     * @throws KindlingException with a one-line reason when the driver cannot be used
     * @throws LinkageError when JCuda or its native library cannot be loaded
     */
    static int probe() {
        int rc = cuInit(0);
        if (rc != CUresult.CUDA_SUCCESS) throw new KindlingException(initFailure(rc));
        int[] count = {0};
        rc = cuDeviceGetCount(count);
        if (rc != CUresult.CUDA_SUCCESS) throw new KindlingException(initFailure(rc));
        if (count[0] == 0) throw new KindlingException("no CUDA GPU found (the NVIDIA driver reports 0 devices)");
        return count[0];
    }

    /** The driver's version as "12.4". */
    static String driverVersion() {
        int[] v = {0};
        return cuDriverGetVersion(v) == CUresult.CUDA_SUCCESS ? (v[0] / 1000) + "." + (v[0] % 1000) / 10 : "unknown";
    }

    private static String initFailure(int rc) {
        String what = CUresult.stringFor(rc);
        if (rc == CUresult.CUDA_ERROR_NO_DEVICE) return "no CUDA GPU found (" + what + ")";
        if (rc == CUDA_ERROR_INSUFFICIENT_DRIVER) {
            return "the NVIDIA driver is older than the CUDA 12 runtime JCuda needs (" + what + ")";
        }
        return "the NVIDIA driver failed to initialise: " + errorText(rc) + " (" + what + ")";
    }

    CudaDevice(int index) {
        this.index = index;
        CUdevice device = new CUdevice();
        check(cuDeviceGet(device, index), "cuDeviceGet");
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        byte[] nameBytes = new byte[256];
        check(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
        int len = 0;
        while (len < nameBytes.length && nameBytes[len] != 0) len++;
        this.name = new String(nameBytes, 0, len, StandardCharsets.US_ASCII);
        int[] sm = {0};
        check(cuDeviceGetAttribute(sm, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device), "cuDeviceGetAttribute");
        this.multiprocessors = Math.max(1, sm[0]);
        long[] total = {0};
        check(cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
        this.totalBytes = total[0];
        check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
        for (int k = 0; k < 2; k++) {
            check(cuEventCreate(stagingDone[k], CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
            Pointer p = new Pointer();
            if (cuMemAllocHost(p, STAGING_BYTES) == CUresult.CUDA_SUCCESS) {
                staging[k] = p;
                stagingBuffers[k] = p.getByteBuffer(0, STAGING_BYTES);
            } else {  // no pinned memory to be had: pageable, still correct
                stagingBuffers[k] = ByteBuffer.allocateDirect(STAGING_BYTES);
                staging[k] = Pointer.to(stagingBuffers[k]);
            }
        }
        this.gemm = chooseGemm();
        log.debug("cuda:{}: {} with {} multiprocessors and {} bytes, driver {}", index, name, multiprocessors, totalBytes,
                driverVersion());
    }

    private Gemm chooseGemm() {
        if ("kernels".equals(System.getenv(GEMM_ENV))) {
            if (GEMM_LOGGED.compareAndSet(false, true)) log.info("CUDA matrix products run on Kindling's own GEMM kernels ({}=kernels)", GEMM_ENV);
            return new KernelGemm(this);
        }
        String why;
        try {
            Gemm g = CublasGemm.create(this);
            if (GEMM_LOGGED.compareAndSet(false, true)) log.info("CUDA matrix products run on {}", g.name());
            return g;
        } catch (LinkageError e) {
            why = CudaRuntime.reasonForLinkError(e);
        } catch (KindlingException e) {
            why = e.getMessage();
        }
        if (GEMM_LOGGED.compareAndSet(false, true)) {
            log.info("CUDA matrix products run on Kindling's own GEMM kernels: cuBLAS is unavailable ({})", why);
        }
        return new KernelGemm(this);
    }

    // ---- errors and context ----

    private static String errorText(int rc) {
        String[] s = {null};
        cuGetErrorString(rc, s);
        return s[0] == null ? "unknown error" : s[0];
    }

    /** Throws for a failed driver call, naming the error, the call and the device. */
    void check(int rc, String call) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new KindlingException("CUDA error: " + errorText(rc) + " (" + CUresult.stringFor(rc) + " in " + call
                    + " on cuda:" + index + ")");
        }
    }

    /** Makes this device's context current on the calling thread. */
    void makeCurrent() {
        if (CURRENT.get() != context) {
            check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CURRENT.set(context);
        }
    }

    CUstream stream() { return stream; }

    /** A driver pointer to a device address. */
    static CUdeviceptr pointer(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    /** A device pointer that reveals the address the driver wrote into it. */
    private static final class AddressPointer extends CUdeviceptr {
        long address() { return getNativePointer() + getByteOffset(); }
    }

    // ---- Driver ----

    @Override
    public int index() { return index; }

    @Override
    public String name() { return name; }

    @Override
    public int multiprocessors() { return multiprocessors; }

    @Override
    public Gemm gemm() { return gemm; }

    @Override
    public long allocate(long bytes) {
        makeCurrent();
        AddressPointer p = new AddressPointer();
        int rc;
        try {
            rc = cuMemAlloc(p, bytes);
        } catch (jcuda.CudaException e) {  // JCudaDriver.setExceptionsEnabled(true) elsewhere in the process
            if (String.valueOf(e.getMessage()).contains("CUDA_ERROR_OUT_OF_MEMORY")) return 0;
            throw e;
        }
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) return 0;
        check(rc, "cuMemAlloc(" + bytes + ")");
        return p.address();
    }

    @Override
    public void free(long address) {
        makeCurrent();
        check(cuMemFree(pointer(address)), "cuMemFree");
    }

    @Override
    public long totalBytes() { return totalBytes; }

    @Override
    public long freeBytes() {
        makeCurrent();
        long[] free = {0}, total = {0};
        check(cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    private CUfunction function(Kernel kernel) {
        CUfunction f = functions.get(kernel);
        if (f != null) return f;
        synchronized (modules) {
            CUmodule module = modules.get(kernel.module);
            if (module == null) {
                String text = Ptx.text(kernel.module);
                module = new CUmodule();
                check(cuModuleLoadData(module, text), "cuModuleLoadData(" + kernel.module.resource() + ")");
                modules.put(kernel.module, module);
                signatures.put(kernel.module, Ptx.entries(text));
            }
            f = new CUfunction();
            check(cuModuleGetFunction(f, module, kernel.cName()), "cuModuleGetFunction(" + kernel.cName() + ")");
            functions.put(kernel, f);
            return f;
        }
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, KernelArgs args) {
        makeCurrent();
        CUfunction f = function(kernel);
        byte[][] params = args.toArray();
        List<Ptx.Param> declared;
        synchronized (modules) {
            declared = signatures.get(kernel.module).get(kernel.cName());
        }
        String bad = Ptx.mismatch(kernel.cName(), declared, params);
        if (bad != null) throw new IllegalStateException("internal error in the CUDA backend: " + bad);
        NativePointerObject[] pointers = new NativePointerObject[params.length];
        for (int i = 0; i < params.length; i++) pointers[i] = Pointer.to(params[i]);
        check(cuLaunchKernel(f, gridX, gridY, gridZ, blockX, 1, 1, 0, stream, Pointer.to(pointers), null),
                "cuLaunchKernel(" + kernel.cName() + ", grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + blockX + ")");
        if (LAUNCH_BLOCKING) check(cuStreamSynchronize(stream), "cuStreamSynchronize after " + kernel.cName());
    }

    private static ByteBuffer chunk(ByteBuffer staging, int bytes) {
        ByteBuffer b = staging.duplicate();
        b.clear().limit(bytes);
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void upload(long dst, long bytes, HostSource source) {
        makeCurrent();
        synchronized (transferLock) {
            int k = 0;
            for (long done = 0; done < bytes; done += STAGING_BYTES, k ^= 1) {
                int n = (int) Math.min(STAGING_BYTES, bytes - done);
                check(cuEventSynchronize(stagingDone[k]), "cuEventSynchronize");  // the buffer's previous copy is done
                source.fill(chunk(stagingBuffers[k], n), done);
                check(cuMemcpyHtoDAsync(pointer(dst + done), staging[k], n, stream), "cuMemcpyHtoDAsync");
                check(cuEventRecord(stagingDone[k], stream), "cuEventRecord");
            }
        }
    }

    @Override
    public void download(long src, long bytes, HostSink sink) {
        makeCurrent();
        synchronized (transferLock) {
            if (bytes == 0) return;
            // stream order puts each copy behind earlier uploads from the same buffer; one chunk
            // stays in flight while the previous one is unpacked
            issueDownload(0, src, 0, bytes);
            int k = 0;
            for (long done = 0; done < bytes; done += STAGING_BYTES, k ^= 1) {
                long next = done + STAGING_BYTES;
                if (next < bytes) issueDownload(k ^ 1, src, next, bytes);
                check(cuEventSynchronize(stagingDone[k]), "cuEventSynchronize after cuMemcpyDtoHAsync");
                sink.drain(chunk(stagingBuffers[k], (int) Math.min(STAGING_BYTES, bytes - done)), done);
            }
        }
    }

    private void issueDownload(int k, long src, long from, long bytes) {
        int n = (int) Math.min(STAGING_BYTES, bytes - from);
        check(cuMemcpyDtoHAsync(staging[k], pointer(src + from), n, stream), "cuMemcpyDtoHAsync");
        check(cuEventRecord(stagingDone[k], stream), "cuEventRecord");
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        if (bytes == 0) return;
        makeCurrent();
        check(cuMemcpyDtoDAsync(pointer(dst), pointer(src), bytes, stream), "cuMemcpyDtoDAsync");
    }

    @Override
    public void zero(long dst, long bytes) {
        if (bytes == 0) return;
        makeCurrent();
        check(cuMemsetD8Async(pointer(dst), (byte) 0, bytes, stream), "cuMemsetD8Async");
    }

    @Override
    public void synchronize() {
        makeCurrent();
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }
}
