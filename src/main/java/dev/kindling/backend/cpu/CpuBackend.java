package dev.kindling.backend.cpu;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.backend.Backend;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Conv2dParams;
import dev.kindling.backend.Pool2dParams;
import dev.kindling.backend.ReduceOp;
import dev.kindling.backend.ScanOp;
import dev.kindling.backend.Storage;
import dev.kindling.backend.Strided;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;

/**
 * The CPU backend: Java kernels on heap arrays, parallel over {@link Parallel}'s pool. A stateless
 * singleton; each kernel lives in a class of its own family ({@link CpuElementwise},
 * {@link CpuReduce}, {@link CpuAlongDim}, {@link CpuIndex}, {@link CpuMatmul}, {@link CpuConv}).
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() { return Device.CPU; }

    @Override
    public Storage allocate(DType dtype, long numel) { return CpuStorage.allocate(dtype, numel); }

    @Override
    public void copy(Strided src, Strided dst) {
        if (!src.isScalar() && !src.storage.device().isCpu()) {
            src.storage.backend().copy(src, dst); // a device-to-host transfer is the device's job
            return;
        }
        CpuElementwise.copy(src, dst);
    }

    @Override
    public void unary(UnaryOp op, Strided x, Strided out, double p1, double p2) { CpuElementwise.unary(op, x, out, p1, p2); }

    @Override
    public void binary(BinaryOp op, Strided a, Strided b, Strided out, double alpha) { CpuElementwise.binary(op, a, b, out, alpha); }

    @Override
    public void ternary(TernaryOp op, Strided a, Strided b, Strided c, Strided out, double p) { CpuElementwise.ternary(op, a, b, c, out, p); }

    @Override
    public void reduce(ReduceOp op, Strided x, boolean[] reduced, Strided out, double p) { CpuReduce.reduce(op, x, reduced, out, p); }

    @Override
    public void reduceWithIndices(boolean max, Strided x, int dim, Strided values, Strided indices) {
        CpuAlongDim.reduceWithIndices(max, x, dim, values, indices);
    }

    @Override
    public void scan(ScanOp op, Strided x, int dim, Strided out, Strided indices) { CpuAlongDim.scan(op, x, dim, out, indices); }

    @Override
    public void softmax(Strided x, int dim, boolean log, Strided out) { CpuAlongDim.softmax(x, dim, log, out); }

    @Override
    public void matmul(Strided a, Strided b, Strided out) { CpuMatmul.matmul(a, b, out); }

    @Override
    public void indexSelect(Strided x, int dim, Strided index, Strided out) { CpuIndex.indexSelect(x, dim, index, out); }

    @Override
    public void gather(Strided x, int dim, Strided index, Strided out) { CpuIndex.gather(x, dim, index, out); }

    @Override
    public void scatter(Strided self, int dim, Strided index, Strided src, boolean accumulate) { CpuIndex.scatter(self, dim, index, src, accumulate); }

    @Override
    public void indexAdd(Strided self, int dim, Strided index, Strided src, double alpha) { CpuIndex.indexAdd(self, dim, index, src, alpha); }

    @Override
    public void put(Strided self, Strided index, Strided src, boolean accumulate) { CpuIndex.put(self, index, src, accumulate); }

    @Override
    public long[] nonzero(Strided x) { return CpuIndex.nonzero(x); }

    @Override
    public void conv2d(Strided input, Strided weight, Strided bias, Strided out, Conv2dParams p) { CpuConv.conv2d(input, weight, bias, out, p); }

    @Override
    public void conv2dBackwardInput(Strided gradOut, Strided weight, Strided gradInput, Conv2dParams p) {
        CpuConv.backwardInput(gradOut, weight, gradInput, p);
    }

    @Override
    public void conv2dBackwardWeight(Strided gradOut, Strided input, Strided gradWeight, Conv2dParams p) {
        CpuConv.backwardWeight(gradOut, input, gradWeight, p);
    }

    @Override
    public void maxPool2d(Strided input, Strided out, Strided indices, Pool2dParams p) { CpuConv.maxPool(input, out, indices, p); }

    @Override
    public void maxPool2dBackward(Strided gradOut, Strided indices, Strided gradInput, Pool2dParams p) {
        CpuConv.maxPoolBackward(gradOut, indices, gradInput, p);
    }

    @Override
    public void avgPool2d(Strided input, Strided out, Pool2dParams p) { CpuConv.avgPool(input, out, p); }

    @Override
    public void avgPool2dBackward(Strided gradOut, Strided gradInput, Pool2dParams p) { CpuConv.avgPoolBackward(gradOut, gradInput, p); }

    @Override
    public void sort(Strided x, int dim, boolean descending, boolean stable, Strided values, Strided indices) {
        CpuAlongDim.sort(x, dim, descending, values, indices);
    }

    @Override
    public void topk(Strided x, int k, int dim, boolean largest, boolean sorted, Strided values, Strided indices) {
        CpuAlongDim.topk(x, k, dim, largest, values, indices);
    }
}
