package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.cpu.HalfFloat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A simulated CUDA device for testing everything around the kernels without a GPU.
 *
 * <p>Memory is real (a byte array per allocation, at fresh addresses that never overlap, so a
 * stale or out-of-range address is caught). Copies move bytes; the staging chunk is small so that
 * transfers cross chunk boundaries. Every launch is checked against the kernel's PTX declaration and
 * its C parameter types: parameter count and sizes, grid and block limits, every pointer inside a
 * live allocation, and, for element-wise kernels, every element an operand can reach. A few kernels
 * are emulated in Java with the C code's semantics (the copies, binary add/sub/mul, im2col, col2im
 * and the GEMMs), so that host-side orchestration (transfers, dtype conversion, convolution chunks
 * and matrix layouts) can be checked end to end against the CPU backend; other launches are only
 * recorded.
 */
final class FakeDriver implements Driver {
    static final long BASE_ADDRESS = 0x7f00_0000_0000L;

    record Launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, byte[][] params) {}

    private final long capacity;
    private final int stagingBytes;
    private final int multiprocessors;
    private final TreeMap<Long, byte[]> blocks = new TreeMap<>();
    private long next = BASE_ADDRESS;
    private long used;
    final List<Launch> launches = new ArrayList<>();
    int uploads, downloads, deviceCopies, syncs;
    private Gemm gemm = new JavaGemm();

    private static final Map<String, List<String>> C_TYPES = CudaSources.allKernels();
    private static final Map<String, CudaSources.Struct> STRUCTS = CudaSources.structs();
    private static final Map<String, List<Ptx.Param>> PTX = new HashMap<>();

    static {
        for (Kernel.Module m : Kernel.Module.values()) PTX.putAll(Ptx.entries(Ptx.text(m)));
    }

    FakeDriver(long capacity, int stagingBytes, int multiprocessors) {
        this.capacity = capacity;
        this.stagingBytes = stagingBytes;
        this.multiprocessors = multiprocessors;
    }

    /** Runs matrix products through the GEMM kernels (emulated) instead of the Java GEMM. */
    FakeDriver useKernelGemm() {
        gemm = new KernelGemm(this);
        return this;
    }

    // ---- memory ----

    @Override
    public synchronized long allocate(long bytes) {
        if (used + bytes > capacity) return 0;
        long a = next;
        next += bytes + 4096;  // a gap, so that overruns land outside every allocation
        blocks.put(a, new byte[(int) bytes]);
        used += bytes;
        return a;
    }

    @Override
    public synchronized void free(long address) {
        byte[] b = blocks.remove(address);
        if (b == null) throw new AssertionError("cuMemFree of 0x" + Long.toHexString(address) + ", not an allocation");
        used -= b.length;
    }

    @Override public long totalBytes() { return capacity; }

    @Override public synchronized long freeBytes() { return capacity - used; }

    synchronized int liveAllocations() { return blocks.size(); }

    /** A little-endian view of device bytes [address, address + bytes); fails outside one allocation. */
    synchronized ByteBuffer at(long address, long bytes) {
        var e = blocks.floorEntry(address);
        if (e == null || address < e.getKey() || address + bytes > e.getKey() + e.getValue().length || bytes < 0) {
            throw new AssertionError("device access [0x" + Long.toHexString(address) + ", +" + bytes + ") is outside every allocation");
        }
        return ByteBuffer.wrap(e.getValue(), (int) (address - e.getKey()), (int) bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---- Driver ----

    @Override public int index() { return 0; }

    @Override public String name() { return "simulated device"; }

    @Override public int multiprocessors() { return multiprocessors; }

    @Override public Gemm gemm() { return gemm; }

    @Override
    public void upload(long dst, long bytes, HostSource source) {
        uploads++;
        at(dst, bytes);
        for (long done = 0; done < bytes; done += stagingBytes) {
            int n = (int) Math.min(stagingBytes, bytes - done);
            ByteBuffer chunk = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            source.fill(chunk, done);
            at(dst + done, n).put(chunk.rewind());
        }
    }

    @Override
    public void download(long src, long bytes, HostSink sink) {
        downloads++;
        at(src, bytes);
        for (long done = 0; done < bytes; done += stagingBytes) {
            int n = (int) Math.min(stagingBytes, bytes - done);
            ByteBuffer chunk = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            chunk.put(at(src + done, n)).rewind();
            sink.drain(chunk, done);
        }
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        deviceCopies++;
        byte[] tmp = new byte[(int) bytes];
        at(src, bytes).get(tmp);
        at(dst, bytes).put(tmp);
    }

    @Override
    public void zero(long dst, long bytes) {
        at(dst, bytes).put(new byte[(int) bytes]);
    }

    @Override public void synchronize() { syncs++; }

    // ---- launches ----

    /** A decoded KdOperand. */
    record Operand(long data, int dtype, int[] strides, double scalar, long scalarLong) {
        DType type() { return DType.values()[dtype]; }
    }

    static int[] shape(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        int nd = b.getInt(0);
        if (nd < 0 || nd > KernelArgs.MAX_DIMS) throw new AssertionError("KdShape with ndim " + nd);
        int[] s = new int[nd];
        for (int d = 0; d < nd; d++) s[d] = b.getInt(4 + 4 * d);
        return s;
    }

    static Operand operand(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        int[] st = new int[KernelArgs.MAX_DIMS];
        for (int d = 0; d < st.length; d++) st[d] = b.getInt(KernelArgs.OPERAND_STRIDES_OFFSET + 4 * d);
        return new Operand(b.getLong(0), b.getInt(KernelArgs.OPERAND_DTYPE_OFFSET), st,
                b.getDouble(KernelArgs.OPERAND_SCALAR_OFFSET), b.getLong(KernelArgs.OPERAND_SCALAR_LONG_OFFSET));
    }

    static int i32(byte[] p) { return ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getInt(0); }

    static long i64(byte[] p) { return ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getLong(0); }

    static double f64(byte[] p) { return ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getDouble(0); }

    static int[] ints(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[p.length / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getInt(4 * i);
        return v;
    }

    /** Offsets of linear index i in each operand walking {@code sizes} (row-major). */
    static int[] offsets(int i, int[] sizes, Operand... ops) {
        int[] off = new int[ops.length];
        for (int d = sizes.length - 1; d >= 0; d--) {
            int id = i % sizes[d];
            i /= sizes[d];
            for (int o = 0; o < ops.length; o++) off[o] += id * ops[o].strides[d];
        }
        return off;
    }

    @Override
    public synchronized void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, KernelArgs args) {
        byte[][] p = args.toArray();
        String name = kernel.cName();
        String bad = Ptx.mismatch(name, PTX.get(name), p);
        if (bad != null) throw new AssertionError(bad);
        if (gridX < 1 || gridY < 1 || gridY > 65535 || gridZ < 1 || gridZ > 65535 || blockX < 1 || blockX > 1024) {
            throw new AssertionError(name + " launched on grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + blockX);
        }
        if (name.startsWith("reduce_block") || name.startsWith("argext") || name.startsWith("softmax")) {
            if (Integer.bitCount(blockX) != 1 || blockX > 256) throw new AssertionError(name + " needs a power-of-two block <= 256, got " + blockX);
        }
        List<String> types = C_TYPES.get(name);
        int[] lastShape = null;
        for (int i = 0; i < p.length; i++) {
            switch (types.get(i)) {
                case "unsigned long long" -> {
                    long a = i64(p[i]);
                    if (a != 0) at(a, 1);
                }
                case "KdShape" -> lastShape = shape(p[i]);
                case "KdOperand" -> {
                    Operand o = operand(p[i]);
                    if (o.data() == 0) continue;
                    if (name.startsWith("ew_") && lastShape != null) {
                        long min = 0, max = 0;
                        for (int d = 0; d < lastShape.length; d++) {
                            long span = (long) (lastShape[d] - 1) * o.strides()[d];
                            if (span < 0) min += span; else max += span;
                        }
                        int item = o.type().itemSize();
                        at(o.data() + min * item, (max - min + 1) * item);
                    } else {
                        at(o.data(), 1);
                    }
                }
                default -> { }
            }
        }
        launches.add(new Launch(kernel, gridX, gridY, gridZ, blockX, p));
        emulate(kernel, p);
    }

    List<Kernel> kernels() { return launches.stream().map(Launch::kernel).toList(); }

    // ---- emulation (the C semantics of a few kernels) ----

    double load(Operand o, int off) {
        if (o.data() == 0) return o.scalar();
        DType t = o.type();
        ByteBuffer b = at(o.data() + (long) off * t.itemSize(), t.itemSize());
        return switch (t) {
            case FLOAT32 -> b.getFloat(0);
            case FLOAT64 -> b.getDouble(0);
            case FLOAT16 -> HalfFloat.halfToFloat(b.getShort(0));
            case BFLOAT16 -> HalfFloat.bfloat16ToFloat(b.getShort(0));
            case INT64 -> b.getLong(0);
            case INT32 -> b.getInt(0);
            case INT16 -> b.getShort(0);
            case INT8 -> b.get(0);
            case UINT8 -> b.get(0) & 0xff;
            case BOOL -> b.get(0) != 0 ? 1 : 0;
        };
    }

    long loadLong(Operand o, int off) {
        if (o.data() == 0) return o.type().isFloatingPoint() ? (long) o.scalar() : o.scalarLong();
        DType t = o.type();
        if (t.isFloatingPoint()) return (long) load(o, off);
        ByteBuffer b = at(o.data() + (long) off * t.itemSize(), t.itemSize());
        return switch (t) {
            case INT64 -> b.getLong(0);
            case INT32 -> b.getInt(0);
            case INT16 -> b.getShort(0);
            case INT8 -> b.get(0);
            case UINT8 -> b.get(0) & 0xff;
            default -> b.get(0) != 0 ? 1 : 0;
        };
    }

    void store(Operand o, int off, double v) {
        DType t = o.type();
        ByteBuffer b = at(o.data() + (long) off * t.itemSize(), t.itemSize());
        switch (t) {
            case FLOAT32 -> b.putFloat(0, (float) v);
            case FLOAT64 -> b.putDouble(0, v);
            case FLOAT16 -> b.putShort(0, HalfFloat.floatToHalf((float) v));
            case BFLOAT16 -> b.putShort(0, HalfFloat.floatToBfloat16((float) v));
            case INT64 -> b.putLong(0, (long) v);
            case INT32 -> b.putInt(0, (int) (long) v);
            case INT16 -> b.putShort(0, (short) (long) v);
            case INT8, UINT8 -> b.put(0, (byte) (long) v);
            case BOOL -> b.put(0, (byte) (v != 0 ? 1 : 0));
        }
    }

    void storeLong(Operand o, int off, long v) {
        DType t = o.type();
        if (t.isFloatingPoint()) {
            store(o, off, v);
            return;
        }
        ByteBuffer b = at(o.data() + (long) off * t.itemSize(), t.itemSize());
        switch (t) {
            case INT64 -> b.putLong(0, v);
            case INT32 -> b.putInt(0, (int) v);
            case INT16 -> b.putShort(0, (short) v);
            case INT8, UINT8 -> b.put(0, (byte) v);
            default -> b.put(0, (byte) (v != 0 ? 1 : 0));
        }
    }

    private void emulate(Kernel kernel, byte[][] p) {
        String name = kernel.cName();
        switch (name) {
            case "ew_copy_raw", "ew_copy_gd", "ew_copy_gl" -> {
                int n = i32(p[0]);
                int[] s = shape(p[1]);
                Operand src = operand(p[2]), dst = operand(p[3]);
                for (int i = 0; i < n; i++) {
                    int[] off = offsets(i, s, src, dst);
                    if (name.equals("ew_copy_raw")) {
                        int item = i32(p[4]);
                        byte[] e = new byte[item];
                        at(src.data() + (long) off[0] * item, item).get(e);
                        at(dst.data() + (long) off[1] * item, item).put(e);
                    } else if (name.equals("ew_copy_gd")) {
                        store(dst, off[1], load(src, off[0]));
                    } else {
                        storeLong(dst, off[1], loadLong(src, off[0]));
                    }
                }
            }
            case "ew_binary_f32", "ew_binary_f64", "ew_binary_gf", "ew_binary_gd", "ew_binary_gl" -> {
                int n = i32(p[0]);
                int[] s = shape(p[1]);
                Operand a = operand(p[2]), b = operand(p[3]), o = operand(p[4]);
                BinaryOp op = BinaryOp.values()[i32(p[5])];
                if (op != BinaryOp.ADD && op != BinaryOp.SUB && op != BinaryOp.MUL) return;  // recorded, not emulated
                double alpha = name.equals("ew_binary_gl") ? i64(p[6]) : name.equals("ew_binary_f32") ? ByteBuffer.wrap(p[6])
                        .order(ByteOrder.LITTLE_ENDIAN).getFloat(0) : f64(p[6]);
                for (int i = 0; i < n; i++) {
                    int[] off = offsets(i, s, a, b, o);
                    double x = load(a, off[0]), y = load(b, off[1]);
                    double r = switch (op) {
                        case ADD -> x + alpha * y;
                        case SUB -> x - alpha * y;
                        case MUL -> x * y;
                        default -> throw new IllegalStateException(op.toString());
                    };
                    store(o, off[2], r);
                }
            }
            case "im2col_f32", "im2col_f64" -> im2col(ints(p[0]), i32(p[1]), i64(p[2]), i64(p[3]), i64(p[4]), i64(p[5]),
                    name.endsWith("f32") ? DType.FLOAT32 : DType.FLOAT64);
            case "col2im_f32", "col2im_f64" -> col2im(ints(p[0]), i32(p[1]), i64(p[2]), i64(p[3]), i64(p[4]), i64(p[5]),
                    name.endsWith("f32") ? DType.FLOAT32 : DType.FLOAT64);
            case "gemm_f32", "gemm_f64", "gemm_i64" -> {
                ByteBuffer g = ByteBuffer.wrap(p[0]).order(ByteOrder.LITTLE_ENDIAN);
                GemmCall call = new GemmCall(g.getInt(0), g.getInt(4), g.getInt(8), g.getInt(24) != 0, g.getInt(28) != 0,
                        g.getInt(12), g.getInt(16), g.getInt(20), g.getLong(40), g.getLong(48), g.getLong(56), g.getInt(32),
                        g.getDouble(64), g.getDouble(72));
                DType dt = name.endsWith("f32") ? DType.FLOAT32 : name.endsWith("f64") ? DType.FLOAT64 : DType.INT64;
                new JavaGemm().run(dt, call, i64(p[1]), i64(p[2]), i64(p[3]));
            }
            default -> { }
        }
    }

    private Operand raw(long address, DType dt) {
        return new Operand(address, dt.ordinal(), new int[KernelArgs.MAX_DIMS], 0, 0);
    }

    private void im2col(int[] g, int samples, long in, long col, long sampleStride, long rowStride, DType dt) {
        int c = g[1], h = g[2], w = g[3], kH = g[5], kW = g[6], sH = g[7], sW = g[8], pH = g[9], pW = g[10], dH = g[11], dW = g[12],
                oH = g[14], oW = g[15];
        Operand x = raw(in, dt), y = raw(col, dt);
        for (int s = 0; s < samples; s++) {
            for (int r = 0; r < c * kH * kW; r++) {
                int ch = r / (kH * kW), kh = (r % (kH * kW)) / kW, kw = r % kW;
                for (int l = 0; l < oH * oW; l++) {
                    int ih = (l / oW) * sH - pH + kh * dH, iw = (l % oW) * sW - pW + kw * dW;
                    double v = ih >= 0 && ih < h && iw >= 0 && iw < w ? load(x, ((s * c + ch) * h + ih) * w + iw) : 0;
                    store(y, (int) (s * sampleStride + r * rowStride + l), v);
                }
            }
        }
    }

    private void col2im(int[] g, int samples, long col, long sampleStride, long rowStride, long out, DType dt) {
        int c = g[1], h = g[2], w = g[3], kH = g[5], kW = g[6], sH = g[7], sW = g[8], pH = g[9], pW = g[10], dH = g[11], dW = g[12],
                oH = g[14], oW = g[15];
        Operand x = raw(col, dt), y = raw(out, dt);
        for (int s = 0; s < samples; s++) {
            for (int ch = 0; ch < c; ch++) {
                for (int ih = 0; ih < h; ih++) {
                    for (int iw = 0; iw < w; iw++) {
                        double acc = 0;
                        for (int kh = 0; kh < kH; kh++) {
                            int th = ih + pH - kh * dH;
                            if (th < 0 || th % sH != 0 || th / sH >= oH) continue;
                            for (int kw = 0; kw < kW; kw++) {
                                int tw = iw + pW - kw * dW;
                                if (tw < 0 || tw % sW != 0 || tw / sW >= oW) continue;
                                acc += load(x, (int) (s * sampleStride + (ch * kH * kW + kh * kW + kw) * rowStride + (th / sH) * oW + tw / sW));
                            }
                        }
                        store(y, ((s * c + ch) * h + ih) * w + iw, acc);
                    }
                }
            }
        }
    }

    /** Row-major batched GEMM with the {@link GemmCall} contract, computed in double (long for int64). */
    final class JavaGemm implements Gemm {
        @Override public String name() { return "Java GEMM"; }

        @Override
        public void run(DType dt, GemmCall g, long a, long b, long c) {
            Operand oa = raw(a, dt), ob = raw(b, dt), oc = raw(c, dt);
            for (int z = 0; z < g.batch(); z++) {
                for (int i = 0; i < g.m(); i++) {
                    for (int j = 0; j < g.n(); j++) {
                        double acc = 0;
                        long accL = 0;
                        for (int k = 0; k < g.k(); k++) {
                            int ai = (int) (z * g.strideA() + (g.transA() ? (long) k * g.lda() + i : (long) i * g.lda() + k));
                            int bi = (int) (z * g.strideB() + (g.transB() ? (long) j * g.ldb() + k : (long) k * g.ldb() + j));
                            if (dt == DType.INT64) accL += loadLong(oa, ai) * loadLong(ob, bi);
                            else acc += load(oa, ai) * load(ob, bi);
                        }
                        int ci = (int) (z * g.strideC() + (long) i * g.ldc() + j);
                        if (dt == DType.INT64) {
                            storeLong(oc, ci, (long) g.alpha() * accL + (g.beta() == 0 ? 0 : (long) g.beta() * loadLong(oc, ci)));
                        } else {
                            store(oc, ci, g.alpha() * acc + (g.beta() == 0 ? 0 : g.beta() * load(oc, ci)));
                        }
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "FakeDriver" + Arrays.toString(kernels().stream().map(k -> k.cName().toLowerCase(Locale.ROOT)).toArray());
    }
}
