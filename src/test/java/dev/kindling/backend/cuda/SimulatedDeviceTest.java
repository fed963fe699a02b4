package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Conv2dParams;
import dev.kindling.backend.Pool2dParams;
import dev.kindling.backend.ReduceGroup;
import dev.kindling.backend.ReduceOp;
import dev.kindling.backend.ScanOp;
import dev.kindling.backend.Storage;
import dev.kindling.backend.Strided;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;
import dev.kindling.backend.cpu.CpuBackend;
import dev.kindling.backend.cpu.CpuStorage;
import dev.kindling.cuda.AllocatorConfig;
import dev.kindling.cuda.CudaOutOfMemoryException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend on a simulated device ({@link FakeDriver}): everything around the kernels,
 * without a GPU. Transfers, dtype conversion, broadcasting and strided layouts, matrix layouts and
 * convolution chunks are checked end to end against the CPU backend (the simulated device emulates
 * the copy, add, im2col/col2im and GEMM kernels); every other kernel family is checked for what it
 * passes (parameters against the PTX, every pointer and reachable element inside device memory);
 * storage lifetime, the cleaner and out-of-memory recovery through the caching allocator.
 */
class SimulatedDeviceTest {
    private FakeDriver dev;
    private CudaContext ctx;
    private CudaBackend be;
    private final Random rnd = new Random(7);

    @BeforeEach
    void setUp() {
        dev = new FakeDriver(512L << 20, 4096, 4);
        ctx = new CudaContext(dev, AllocatorConfig.defaults(), false);
        be = ctx.backend;
    }

    // ---- helpers ----

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** A dense CPU operand of dtype dt holding v (converted). */
    static Strided host(DType dt, double[] v, int... shape) {
        Strided src = Operands.dense(CpuStorage.wrap(DType.FLOAT64, v), shape);
        Strided dst = Operands.dense(CpuStorage.allocate(dt, v.length), shape);
        CpuBackend.INSTANCE.copy(src, dst);
        return dst;
    }

    double[] random(int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rnd.nextDouble();
        return v;
    }

    double[] randomInts(int n, int lo, int hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + rnd.nextInt(hi - lo);
        return v;
    }

    Strided device(DType dt, int... shape) {
        return Operands.dense(be.allocate(dt, numel(shape)), shape);
    }

    Strided upload(Strided cpu) {
        Strided d = device(cpu.dtype, cpu.shape);
        be.copy(cpu, d);
        return d;
    }

    /** The logical values of any operand, row-major, as doubles. */
    double[] read(Strided s) {
        Strided h = Operands.dense(CpuStorage.allocate(DType.FLOAT64, numel(s.shape)), s.shape);
        s.storage.backend().copy(s, h);
        return (double[]) ((CpuStorage) h.storage).array;
    }

    static double[] cpuValues(Strided s) {
        Strided h = Operands.dense(CpuStorage.allocate(DType.FLOAT64, numel(s.shape)), s.shape);
        CpuBackend.INSTANCE.copy(s, h);
        return (double[]) ((CpuStorage) h.storage).array;
    }

    static Strided view(Strided s, int offset, int[] shape, int[] strides) {
        return new Strided(s.storage, offset, shape, strides);
    }

    // ---- transfers ----

    @Test
    void everyDtypeRoundTripsExactlyAcrossStagingChunks() {
        for (DType dt : DType.values()) {
            double[] v = dt == DType.BOOL ? randomInts(3001, 0, 2) : dt.isFloatingPoint() ? random(3001, -100, 100)
                    : randomInts(3001, dt == DType.UINT8 ? 0 : -100, 100);
            Strided cpu = host(dt, v, 3001);
            Strided d = upload(cpu);
            Strided back = Operands.dense(CpuStorage.allocate(dt, 3001), new int[] {3001});
            be.copy(d, back);
            assertArrayEquals(cpuValues(cpu), cpuValues(back), 0, dt.toString());
        }
        assertTrue(dev.uploads >= DType.values().length);
    }

    @Test
    void uploadsBroadcastConvertAndWriteStridedDestinations() {
        double[] v = random(3, -5, 5);
        Strided cpu = host(DType.FLOAT64, v, 3, 1);
        Strided storage = device(DType.FLOAT32, 4, 3);
        Strided transposed = view(storage, 0, new int[] {3, 4}, new int[] {1, 3});
        be.copy(cpu, transposed);
        double[] expect = new double[12];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) expect[i * 4 + j] = (float) v[i];
        assertArrayEquals(expect, read(transposed), 0);
        assertTrue(dev.kernels().contains(Kernel.EW_COPY_GD), "the conversion runs on the device after a dense upload");
    }

    @Test
    void downloadsFromStridedOffsetViewsIntoOtherDtypes() {
        double[] v = randomInts(40, -50, 50);
        Strided d = upload(host(DType.INT64, v, 5, 8));
        Strided slice = view(d, 9, new int[] {3, 3}, new int[] {8, 2});
        Strided out = Operands.dense(CpuStorage.allocate(DType.INT16, 9), new int[] {3, 3});
        be.copy(slice, out);
        double[] expect = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) expect[i * 3 + j] = v[9 + i * 8 + j * 2];
        assertArrayEquals(expect, cpuValues(out), 0);
    }

    @Test
    void deviceCopiesConvertLikeTheCpu() {
        double[] v = {-2.75, -1.5, -0.5, 0, 0.5, 1.5, 2.5, 300.25, 1e10, Double.NaN, -1e-9, 65519.9};
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                Strided cpuSrc = host(from, v, v.length);
                Strided cpuDst = Operands.dense(CpuStorage.allocate(to, v.length), new int[] {v.length});
                CpuBackend.INSTANCE.copy(cpuSrc, cpuDst);
                Strided d = device(to, v.length);
                be.copy(upload(cpuSrc), d);
                assertArrayEquals(cpuValues(cpuDst), read(d), 0, from + " -> " + to);
            }
        }
    }

    @Test
    void scalarsFillDeviceTensors() {
        Strided d = device(DType.FLOAT16, 2, 3);
        be.copy(Strided.scalar(DType.FLOAT16, 1.5), d);
        assertArrayEquals(new double[] {1.5, 1.5, 1.5, 1.5, 1.5, 1.5}, read(d), 0);
        Strided l = device(DType.INT64, 2);
        be.copy(Strided.scalar(DType.INT64, (1L << 60) + 1), l);
        Strided back = Operands.dense(CpuStorage.allocate(DType.INT64, 2), new int[] {2});
        be.copy(l, back);
        assertEquals((1L << 60) + 1, ((long[]) ((CpuStorage) back.storage).array)[1], "int64 scalars are exact beyond 2^53");
    }

    @Test
    void layoutsNoKernelCanWalkGoThroughTheHost() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        int n = (int) numel(shape);
        double[] v = random(n, -1, 1);
        Strided d = upload(host(DType.FLOAT32, v, shape));
        int[] rev = new int[shape.length];  // all dims reversed: no two neighbours merge
        for (int i = 0; i < shape.length; i++) rev[i] = 1 << i;
        Strided permuted = view(d, 0, shape, rev);
        Strided out = device(DType.FLOAT32, shape);
        be.binary(BinaryOp.ADD, permuted, Strided.scalar(DType.FLOAT32, 1.0), out, 1);
        double[] expect = new double[n];
        for (int i = 0; i < n; i++) {
            int src = 0;
            for (int b = 0; b < shape.length; b++) if ((i >> (shape.length - 1 - b) & 1) != 0) src += rev[b];
            expect[i] = (float) ((float) v[src] + 1f);
        }
        assertArrayEquals(expect, read(out), 1e-6);
        assertFalse(dev.kernels().contains(Kernel.EW_BINARY_F32), "ten unmergeable dims exceed the kernels' eight");
    }

    // ---- matmul ----

    private void checkMatmul(Strided a, Strided b, int batch, int m, int n) {
        Strided out = device(a.dtype, batch, m, n);
        be.matmul(a, b, out);
        Strided ca = Transfers.denseOnHost(toHostCopy(a)), cb = Transfers.denseOnHost(toHostCopy(b));
        Strided co = Operands.dense(CpuStorage.allocate(a.dtype, (long) batch * m * n), new int[] {batch, m, n});
        CpuBackend.INSTANCE.matmul(ca, cb, co);
        assertArrayEquals(cpuValues(co), read(out), 1e-9 + (a.dtype == DType.FLOAT32 ? 1e-4 : 0));
    }

    private Strided toHostCopy(Strided d) {
        Strided h = Operands.dense(CpuStorage.allocate(d.dtype, numel(d.shape)), d.shape);
        be.copy(d, h);
        return h;
    }

    @Test
    void matmulPassesTransposedBroadcastAndStridedOperandsToTheGemm() {
        for (boolean kernelGemm : new boolean[] {false, true}) {
            setUp();
            if (kernelGemm) {
                dev.useKernelGemm();
            }
            int b = 2, m = 3, k = 4, n = 5;
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.FLOAT16, DType.INT32}) {
                boolean ints = !dt.isFloatingPoint();
                Strided a = upload(host(dt, ints ? randomInts(b * m * k, -5, 5) : random(b * m * k, -1, 1), b, m, k));
                Strided bb = upload(host(dt, ints ? randomInts(b * k * n, -5, 5) : random(b * k * n, -1, 1), b, k, n));
                checkMatmul(a, bb, b, m, n);
                // a transposed in memory: stored [b, k, m]
                Strided at = upload(host(dt, ints ? randomInts(b * m * k, -5, 5) : random(b * m * k, -1, 1), b, k, m));
                checkMatmul(view(at, 0, new int[] {b, m, k}, new int[] {m * k, 1, m}), bb, b, m, n);
                // b broadcast over the batch (batch stride 0), transposed
                Strided bt = upload(host(dt, ints ? randomInts(k * n, -5, 5) : random(k * n, -1, 1), n, k));
                checkMatmul(a, view(bt, 0, new int[] {b, k, n}, new int[] {0, 1, k}), b, m, n);
                // neither matrix dim contiguous: copied densely first
                Strided wide = upload(host(dt, ints ? randomInts(b * m * k * 2, -5, 5) : random(b * m * k * 2, -1, 1), b, m, 2 * k));
                checkMatmul(view(wide, 1, new int[] {b, m, k}, new int[] {2 * m * k, 2 * k, 2}), bb, b, m, n);
            }
            if (kernelGemm) assertTrue(dev.kernels().contains(Kernel.GEMM_F32) && dev.kernels().contains(Kernel.GEMM_I64));
        }
    }

    @Test
    void matrixOperandsAreReadInPlaceWhenOneDimIsContiguous() {
        assertEquals(new CudaMatmul.Operand(100, false, 7, 21), CudaMatmul.view(100, new int[] {2, 3, 5}, new int[] {21, 7, 1}));
        assertEquals(new CudaMatmul.Operand(100, true, 9, 0), CudaMatmul.view(100, new int[] {1, 3, 5}, new int[] {99, 1, 9}));
        assertEquals(new CudaMatmul.Operand(100, false, 5, 5), CudaMatmul.view(100, new int[] {4, 1, 5}, new int[] {5, 123, 1}));
        assertEquals(null, CudaMatmul.view(100, new int[] {1, 3, 5}, new int[] {0, 10, 2}));
        assertEquals(null, CudaMatmul.view(100, new int[] {1, 3, 5}, new int[] {0, 0, 1}), "a broadcast row cannot be a leading dim");
    }

    // ---- convolution ----

    private void checkConv(DType dt, int n, int c, int h, int w, int o, int kH, int kW, int s, int p, int d, int groups, long colBytes) {
        setUp();
        ctx.colBufferBytes = colBytes;
        Conv2dParams cp = new Conv2dParams(n, c, h, w, o, kH, kW, s, s, p, p, d, d, groups);
        int oH = cp.outH(), oW = cp.outW();
        int[] xs = {n, c, h, w}, ws = {o, c / groups, kH, kW}, ys = {n, o, oH, oW};
        Strided x = host(dt, random((int) numel(xs), -1, 1), xs), wt = host(dt, random((int) numel(ws), -1, 1), ws);
        Strided bias = host(dt, random(o, -1, 1), o), gy = host(dt, random((int) numel(ys), -1, 1), ys);
        double tol = dt == DType.FLOAT32 ? 2e-5 : 1e-12;
        String what = dt + " conv " + cp;

        Strided y = Operands.dense(CpuStorage.allocate(dt, numel(ys)), ys);
        CpuBackend.INSTANCE.conv2d(x, wt, bias, y, cp);
        Strided dy = device(dt, ys);
        be.conv2d(upload(x), upload(wt), upload(bias), dy, cp);
        assertArrayEquals(cpuValues(y), read(dy), tol, what + " forward");

        Strided gx = Operands.dense(CpuStorage.allocate(dt, numel(xs)), xs);
        CpuBackend.INSTANCE.conv2dBackwardInput(gy, wt, gx, cp);
        Strided dgx = device(dt, xs);
        be.conv2dBackwardInput(upload(gy), upload(wt), dgx, cp);
        assertArrayEquals(cpuValues(gx), read(dgx), tol, what + " input gradient");

        Strided gw = Operands.dense(CpuStorage.allocate(dt, numel(ws)), ws);
        CpuBackend.INSTANCE.conv2dBackwardWeight(gy, x, gw, cp);
        Strided dgw = device(dt, ws);
        be.conv2dBackwardWeight(upload(gy), upload(x), dgw, cp);
        assertArrayEquals(cpuValues(gw), read(dgw), tol * 10, what + " weight gradient");
    }

    @Test
    void convolutionMatchesTheCpuAcrossGeometriesGroupsAndChunks() {
        checkConv(DType.FLOAT32, 2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 256L << 20);
        checkConv(DType.FLOAT64, 3, 4, 9, 8, 6, 3, 2, 2, 1, 2, 2, 256L << 20);
        checkConv(DType.FLOAT64, 5, 4, 6, 6, 4, 3, 3, 1, 0, 1, 4, 1);          // depthwise, one sample per chunk
        checkConv(DType.FLOAT32, 5, 6, 5, 5, 9, 3, 3, 2, 1, 1, 3, 3 * 6 * 9 * 9 * 4 * 2); // two samples per chunk, groups > 1
        checkConv(DType.FLOAT32, 3, 8, 4, 5, 6, 1, 1, 1, 0, 1, 2, 1);          // pointwise: the input is the column matrix
        checkConv(DType.FLOAT64, 1, 2, 3, 3, 2, 3, 3, 1, 2, 1, 1, 1);          // padding larger than the input's border
    }

    // ---- marshalling of the kernels that are not emulated ----

    @Test
    void reductionsPickLayoutsAndSplitsAndPassValidArguments() {
        Strided x = upload(host(DType.FLOAT32, random(4096 * 64, -1, 1), 4096, 64));
        Strided colSums = device(DType.FLOAT32, 1, 64);
        be.reduce(ReduceOp.SUM, x, new boolean[] {true, false}, colSums, 0);
        assertEquals(Kernel.REDUCE_THREAD_D, dev.launches.get(dev.launches.size() - 2).kernel(), "columns: a thread per output, split");
        assertEquals(Kernel.REDUCE_COMBINE_D, dev.launches.get(dev.launches.size() - 1).kernel());

        Strided rowMax = device(DType.FLOAT32, 4096, 1);
        be.reduce(ReduceOp.MAX, x, new boolean[] {false, true}, rowMax, 0);
        assertEquals(Kernel.REDUCE_BLOCK_D, dev.launches.get(dev.launches.size() - 1).kernel(), "rows: a block per output");

        Strided big = upload(host(DType.INT32, randomInts(1 << 20, -3, 3), 1 << 20));
        Strided total = device(DType.INT64, 1);
        be.reduce(ReduceOp.SUM, big, new boolean[] {true}, total, 0);
        assertEquals(List.of(Kernel.REDUCE_BLOCK_L, Kernel.REDUCE_COMBINE_L), dev.kernels().subList(dev.kernels().size() - 2, dev.kernels().size()));
        FakeDriver.Launch split = dev.launches.get(dev.launches.size() - 2);
        assertTrue(split.gridY() > 1, "one long run is split over many blocks");

        be.reduce(ReduceOp.NORM, x, new boolean[] {true, true}, device(DType.FLOAT32, 1, 1), 3);
        be.reduce(ReduceOp.ANY, upload(host(DType.BOOL, randomInts(30, 0, 2), 5, 6)), new boolean[] {false, true}, device(DType.BOOL, 5, 1), 0);
        assertThrows(IllegalStateException.class, () -> be.reduce(ReduceOp.ARGMAX, x, new boolean[] {true, true}, device(DType.INT64, 1, 1), 0));
    }

    @Test
    void reductionPlansFollowTheLayout() {
        ReduceGroup keptCols = new ReduceGroup(new int[] {64}, new int[] {1}, new int[] {1}, 64);
        ReduceGroup redRows = new ReduceGroup(new int[] {4096}, new int[] {64}, new int[] {0}, 4096);
        CudaReduce.Plan p = CudaReduce.plan(keptCols, redRows, 100);
        assertTrue(p.threadLayout());
        assertEquals(16, p.splits(), "4096 reduced elements in splits of at least 256");
        assertEquals(256, p.splitLen());
        ReduceGroup keptRows = new ReduceGroup(new int[] {100_000}, new int[] {64}, new int[] {1}, 100_000);
        ReduceGroup redCols = new ReduceGroup(new int[] {64}, new int[] {1}, new int[] {0}, 64);
        CudaReduce.Plan q = CudaReduce.plan(keptRows, redCols, 100);
        assertFalse(q.threadLayout());
        assertEquals(1, q.splits(), "enough outputs to fill the device");
        assertEquals(64, q.threads(), "a block of 64 threads for runs of 64");
        ReduceGroup none = new ReduceGroup(new int[0], new int[0], new int[0], 1);
        ReduceGroup empty = new ReduceGroup(new int[] {0}, new int[] {1}, new int[] {0}, 0);
        assertEquals(1, CudaReduce.plan(none, empty, 100).splits(), "an empty reduction still writes its identity");
    }

    @Test
    void kernelsAlongOneDimPassValidArguments() {
        Strided x = upload(host(DType.FLOAT64, random(6 * 7 * 5, -1, 1), 6, 7, 5));
        be.reduceWithIndices(true, x, 1, device(DType.FLOAT64, 6, 1, 5), device(DType.INT64, 6, 1, 5));
        be.scan(ScanOp.CUMMAX, x, 2, device(DType.FLOAT64, 6, 7, 5), device(DType.INT64, 6, 7, 5));
        be.scan(ScanOp.CUMSUM, upload(host(DType.INT32, randomInts(42, -9, 9), 6, 7)), 0, device(DType.INT64, 6, 7), null);
        be.softmax(x, 0, true, device(DType.FLOAT64, 6, 7, 5));
        be.reduceWithIndices(false, upload(host(DType.UINT8, randomInts(20, 0, 200), 4, 5)), 1, device(DType.UINT8, 4, 1), device(DType.INT64, 4, 1));
        assertEquals(List.of(Kernel.ARGEXT_D, Kernel.SCAN_D, Kernel.SCAN_L, Kernel.SOFTMAX_D, Kernel.ARGEXT_L),
                dev.kernels().subList(dev.kernels().size() - 5, dev.kernels().size()));
    }

    @Test
    void elementwiseKernelsAreChosenByDtype() {
        Strided f = upload(host(DType.FLOAT32, random(12, -1, 1), 3, 4));
        Strided i = upload(host(DType.INT32, randomInts(12, -5, 5), 3, 4));
        be.unary(UnaryOp.EXP, f, device(DType.FLOAT32, 3, 4), 0, 0);
        be.unary(UnaryOp.EXP, i, device(DType.FLOAT32, 3, 4), 0, 0);
        be.unary(UnaryOp.ABS, i, device(DType.INT32, 3, 4), 0, 0);
        be.unary(UnaryOp.ISNAN, upload(host(DType.FLOAT64, random(12, -1, 1), 3, 4)), device(DType.BOOL, 3, 4), 0, 0);
        be.binary(BinaryOp.MUL, f, view(f, 0, new int[] {3, 4}, new int[] {0, 1}), device(DType.FLOAT32, 3, 4), 1);
        be.binary(BinaryOp.LT, i, Strided.scalar(DType.INT32, 2L), device(DType.BOOL, 3, 4), 1);
        be.ternary(TernaryOp.WHERE, upload(host(DType.BOOL, randomInts(12, 0, 2), 3, 4)), f, Strided.scalar(DType.FLOAT32, 0.0),
                device(DType.FLOAT32, 3, 4), 0);
        be.ternary(TernaryOp.ADDCMUL, f, f, i, device(DType.FLOAT32, 3, 4), 0.5);
        assertEquals(List.of(Kernel.EW_UNARY_F32, Kernel.EW_UNARY_GF, Kernel.EW_UNARY_GL, Kernel.EW_UNARY_GD,
                Kernel.EW_BINARY_F32, Kernel.EW_BINARY_GL, Kernel.EW_TERNARY_F32, Kernel.EW_TERNARY_GF),
                dev.kernels().subList(dev.kernels().size() - 8, dev.kernels().size()));
    }

    @Test
    void indexingKernelsPassValidArguments() {
        Strided x = upload(host(DType.FLOAT32, random(20, -1, 1), 4, 5));
        Strided idx = upload(host(DType.INT64, new double[] {3, 0, 3}, 3));
        be.indexSelect(x, 0, idx, device(DType.FLOAT32, 3, 5));
        Strided gidx = upload(host(DType.INT64, randomInts(8, 0, 5), 4, 2));
        be.gather(x, 1, gidx, device(DType.FLOAT32, 4, 2));
        be.scatter(x, 1, gidx, upload(host(DType.FLOAT32, random(8, -1, 1), 4, 2)), true);
        be.scatter(x, 1, gidx, Strided.scalar(DType.FLOAT32, 2.0), false);
        be.indexAdd(x, 0, idx, upload(host(DType.FLOAT32, random(15, -1, 1), 3, 5)), 2.0);
        be.put(x, upload(host(DType.INT64, new double[] {19, 0}, 2)), upload(host(DType.FLOAT32, new double[] {1, 2}, 2)), false);
        assertEquals(List.of(Kernel.GATHER_K, Kernel.GATHER_K, Kernel.SCATTER_K, Kernel.SCATTER_K, Kernel.SCATTER_K, Kernel.PUT_K),
                dev.kernels().subList(dev.kernels().size() - 6, dev.kernels().size()));
    }

    @Test
    void accumulationIntoDtypesWithoutAtomicsRunsOnTheHost() {
        double[] v = randomInts(20, -9, 9);
        Strided x = upload(host(DType.INT16, v, 4, 5));
        Strided idx = upload(host(DType.INT64, new double[] {1, 1, 3}, 3));
        Strided src = upload(host(DType.INT16, randomInts(15, -9, 9), 3, 5));
        be.indexAdd(x, 0, idx, src, 1);
        double[] s = read(src), expect = v.clone();
        for (int j = 0; j < 3; j++) for (int c = 0; c < 5; c++) expect[(j == 2 ? 3 : 1) * 5 + c] += s[j * 5 + c];
        assertArrayEquals(expect, read(x), 0);
        assertFalse(dev.kernels().contains(Kernel.SCATTER_K));
    }

    @Test
    void poolingKernelsPassValidArguments() {
        Strided x = upload(host(DType.FLOAT32, random(2 * 3 * 8 * 8, -1, 1), 2, 3, 8, 8));
        Pool2dParams max = new Pool2dParams(2, 3, 8, 8, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1, false, false, 0);
        Strided out = device(DType.FLOAT32, 2, 3, 4, 4), idx = device(DType.INT64, 2, 3, 4, 4);
        be.maxPool2d(x, out, idx, max);
        be.maxPool2dBackward(out, idx, device(DType.FLOAT32, 2, 3, 8, 8), max);
        Pool2dParams adaptive = Pool2dParams.adaptive(2, 3, 8, 8, 3, 3);
        be.avgPool2d(x, device(DType.FLOAT32, 2, 3, 3, 3), adaptive);
        be.avgPool2dBackward(device(DType.FLOAT32, 2, 3, 3, 3), device(DType.FLOAT32, 2, 3, 8, 8), adaptive);
        assertEquals(List.of(Kernel.MAXPOOL_FWD_F32, Kernel.MAXPOOL_BWD_F32, Kernel.AVGPOOL_FWD_F32, Kernel.AVGPOOL_BWD_F32),
                dev.kernels().subList(dev.kernels().size() - 4, dev.kernels().size()));
    }

    @Test
    void sortTopkAndNonzeroRunOnTheHostWithCpuResults() {
        double[] v = {3, -1, 7, 7, 0, -4, 2, 9, 0, 1, 5, -2};
        Strided x = upload(host(DType.FLOAT32, v, 3, 4));
        Strided values = device(DType.FLOAT32, 3, 4), indices = device(DType.INT64, 3, 4);
        be.sort(x, 1, true, true, values, indices);
        Strided cv = Operands.dense(CpuStorage.allocate(DType.FLOAT32, 12), new int[] {3, 4});
        Strided ci = Operands.dense(CpuStorage.allocate(DType.INT64, 12), new int[] {3, 4});
        CpuBackend.INSTANCE.sort(host(DType.FLOAT32, v, 3, 4), 1, true, true, cv, ci);
        assertArrayEquals(cpuValues(cv), read(values), 0);
        assertArrayEquals(cpuValues(ci), read(indices), 0);
        Strided tv = device(DType.FLOAT32, 2, 4), ti = device(DType.INT64, 2, 4);
        be.topk(x, 2, 0, false, true, tv, ti);
        assertArrayEquals(new double[] {0, -4, 2, -2, 0, -1, 5, 7}, read(tv), 0);
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 0, 2, 0}, read(ti), 0);
        assertArrayEquals(new long[] {0, 1, 2, 3, 5, 6, 7, 9, 10, 11}, be.nonzero(x));
    }

    // ---- storage lifetime ----

    @Test
    void releaseReturnsTheBlockOnceAndMarksTheStorage() {
        Storage s = be.allocate(DType.FLOAT32, 1000);
        assertEquals(4096, ctx.allocator.memoryAllocated(), "1000 floats rounded to 512-byte blocks");
        s.retain();
        s.retain();
        s.releaseRef();
        assertFalse(s.isReleased(), "one tensor still uses it");
        s.releaseRef();
        assertTrue(s.isReleased());
        assertEquals(0, ctx.allocator.memoryAllocated());
        s.release();
        assertEquals(0, ctx.allocator.memoryAllocated(), "a second release frees nothing");
        assertEquals(1, ctx.allocator.memoryStats().get("allocation.all.freed"));
    }

    @Test
    void unreachableStoragesAreReclaimedByTheCleaner() {
        List<Storage> held = new ArrayList<>();   // reachable until counted: a GC in between must not reclaim them
        for (int i = 0; i < 10; i++) held.add(be.allocate(DType.FLOAT64, 1 << 16));
        assertEquals(10L << 19, ctx.allocator.memoryAllocated());
        held.clear();
        assertTrue(DeviceCleaner.INSTANCE.reclaim() >= 10);
        assertEquals(0, ctx.allocator.memoryAllocated(), "every storage was unreachable");
    }

    @Test
    void outOfMemoryExplainsItselfAndTheReclaimerRecoversUnreachableTensors() {
        dev = new FakeDriver(40L << 20, 4096, 4);
        ctx = new CudaContext(dev, AllocatorConfig.defaults(), false);
        be = ctx.backend;
        long fifteenMiB = (15L << 20) / 4;
        Storage keep = be.allocate(DType.FLOAT32, fifteenMiB);
        be.allocate(DType.FLOAT32, fifteenMiB);  // dropped at once: only the cleaner can return it
        Storage again = be.allocate(DType.FLOAT32, fifteenMiB);
        assertFalse(again.isReleased());
        assertEquals(2, dev.liveAllocations(), "the dropped storage's segment was reused, not a new one");
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> be.allocate(DType.FLOAT32, fifteenMiB));
        assertTrue(e.getMessage().startsWith("CUDA out of memory. Tried to allocate 16.00 MiB (request 15.00 MiB). GPU 0 has a total "
                + "capacity of 40.00 MiB of which 8.00 MiB is free."), e.getMessage());
        assertFalse(keep.isReleased(), "an out-of-memory error changes no live block");
        assertEquals(1, ctx.allocator.memoryStats().get("num_ooms"));
    }

    @Test
    void theLeakReportNamesShapeSizeAndDevice() {
        assertEquals("CUDA tensor reclaimed by the garbage collector, never closed: shape [64, 784], torch.float32, 200704 bytes on "
                + "cuda:0; close it, or create it inside Torch.scope()", CudaStorage.leakMessage(ctx.device, new int[] {64, 784},
                DType.FLOAT32, 64 * 784));
        CudaContext reporting = new CudaContext(dev, AllocatorConfig.defaults(), true);
        CudaStorage s = (CudaStorage) reporting.backend.allocate(DType.INT64, 6);
        s.noteShape(new int[] {2, 3});
        s.noteShape(new int[] {6});
        CudaStorage.Release r = releaseOf(s);
        assertEquals("[2, 3]", java.util.Arrays.toString(r.shape), "the first tensor's shape is kept");
        assertTrue(r.stack.getStackTrace().length > 0 && r.stack.getStackTrace()[0].getClassName().contains("CudaStorage"));
        s.release();
    }

    private static CudaStorage.Release releaseOf(CudaStorage s) {
        try {
            var f = CudaStorage.class.getDeclaredField("release");
            f.setAccessible(true);
            return (CudaStorage.Release) f.get(s);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
