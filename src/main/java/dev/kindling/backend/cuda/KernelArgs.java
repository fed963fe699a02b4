package dev.kindling.backend.cuda;

import dev.kindling.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of one kernel launch, each packed into the bytes its C declaration occupies
 * (little-endian, as on every CUDA host). Built by the backend's kernel families, handed to
 * {@link Driver#launch}; the JCuda driver passes each array by address to {@code cuLaunchKernel}.
 *
 * <p>The structs mirror {@code src/main/cuda/kindling.cuh} field for field; the layout constants
 * below are checked against that header (C alignment rules) and every parameter list against the
 * kernel's PTX declaration by the tests, so a mismatch fails without a GPU.
 */
final class KernelArgs {
    /** The most dims a {@code KdShape} / {@code KdOperand} describes ({@code KD_MAX_DIMS}). */
    static final int MAX_DIMS = 8;
    /** {@code sizeof(KdShape)}: int ndim, int sizes[8]. */
    static final int SHAPE_BYTES = 4 + 4 * MAX_DIMS;
    /** {@code sizeof(KdOperand)}: u64 data @0, int dtype @8, int strides[8] @12, int pad @44, double scalar @48, long long scalarLong @56. */
    static final int OPERAND_BYTES = 64;
    static final int OPERAND_DTYPE_OFFSET = 8;
    static final int OPERAND_STRIDES_OFFSET = 12;
    static final int OPERAND_SCALAR_OFFSET = 48;
    static final int OPERAND_SCALAR_LONG_OFFSET = 56;
    /** {@code sizeof(KdConv)}: 16 ints. */
    static final int CONV_INTS = 16;
    /** {@code sizeof(KdPool)}: 17 ints. */
    static final int POOL_INTS = 17;
    /** {@code sizeof(KdGemm)}: 10 ints @0, long long strides @40, 48, 56, double alpha @64, beta @72. */
    static final int GEMM_BYTES = 80;

    private final List<byte[]> params = new ArrayList<>();

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    KernelArgs i32(int v) {
        params.add(buffer(4).putInt(v).array());
        return this;
    }

    KernelArgs i64(long v) {
        params.add(buffer(8).putLong(v).array());
        return this;
    }

    KernelArgs f32(float v) {
        params.add(buffer(4).putFloat(v).array());
        return this;
    }

    KernelArgs f64(double v) {
        params.add(buffer(8).putDouble(v).array());
        return this;
    }

    /** A device address ({@code unsigned long long}); 0 for "none". */
    KernelArgs ptr(long address) {
        return i64(address);
    }

    /** A {@code KdShape}. */
    KernelArgs shape(int[] sizes) {
        checkDims(sizes.length);
        ByteBuffer b = buffer(SHAPE_BYTES).putInt(sizes.length);
        for (int s : sizes) b.putInt(s);
        params.add(b.array());
        return this;
    }

    /**
     * A {@code KdOperand}: {@code address} of logical element 0 (0 for a scalar), dtype and strides
     * in elements; scalars carry their value.
     */
    KernelArgs operand(long address, DType dtype, int[] strides, double scalar, long scalarLong) {
        checkDims(strides.length);
        ByteBuffer b = buffer(OPERAND_BYTES);
        b.putLong(0, address);
        b.putInt(OPERAND_DTYPE_OFFSET, dtypeCode(dtype));
        for (int d = 0; d < strides.length; d++) b.putInt(OPERAND_STRIDES_OFFSET + 4 * d, strides[d]);
        b.putDouble(OPERAND_SCALAR_OFFSET, scalar);
        b.putLong(OPERAND_SCALAR_LONG_OFFSET, scalarLong);
        params.add(b.array());
        return this;
    }

    /** A struct of ints ({@code KdConv}, {@code KdPool}). */
    KernelArgs ints(int... values) {
        ByteBuffer b = buffer(4 * values.length);
        for (int v : values) b.putInt(v);
        params.add(b.array());
        return this;
    }

    /** A {@code KdGemm}. */
    KernelArgs gemm(GemmCall g) {
        ByteBuffer b = buffer(GEMM_BYTES);
        b.putInt(g.m()).putInt(g.n()).putInt(g.k()).putInt(g.lda()).putInt(g.ldb()).putInt(g.ldc())
                .putInt(g.transA() ? 1 : 0).putInt(g.transB() ? 1 : 0).putInt(g.batch()).putInt(0);
        b.putLong(g.strideA()).putLong(g.strideB()).putLong(g.strideC()).putDouble(g.alpha()).putDouble(g.beta());
        params.add(b.array());
        return this;
    }

    /** The dtype code of the kernels ({@code KdDtype}): the dtype's ordinal. */
    static int dtypeCode(DType dtype) {
        return dtype.ordinal();
    }

    private static void checkDims(int n) {
        if (n > MAX_DIMS) {
            throw new IllegalStateException("a kernel operand has " + n + " dims after merging; kernels take at most " + MAX_DIMS);
        }
    }

    /** The packed parameters, in declaration order. */
    byte[][] toArray() {
        return params.toArray(new byte[0][]);
    }

    int size() { return params.size(); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("KernelArgs[");
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(params.get(i).length).append("B");
            if (params.get(i).length <= 8) sb.append(Arrays.toString(params.get(i)));
        }
        return sb.append(']').toString();
    }
}
