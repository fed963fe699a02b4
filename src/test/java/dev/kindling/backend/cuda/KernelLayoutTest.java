package dev.kindling.backend.cuda;

import dev.kindling.DType;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.ReduceOp;
import dev.kindling.backend.ScanOp;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java side of the kernel ABI against the C side: {@link KernelArgs}' struct packing against
 * the layouts a C compiler gives {@code kindling.cuh}'s structs, the op and dtype codes against the
 * header's enums, and every kernel's C parameter list against its PTX declaration and the
 * {@link Kernel} registry.
 */
class KernelLayoutTest {

    static final Map<String, CudaSources.Struct> STRUCTS = CudaSources.structs();

    @Test
    void shapeStructMatchesTheHeader() {
        CudaSources.Struct s = STRUCTS.get("KdShape");
        assertEquals(KernelArgs.SHAPE_BYTES, s.size());
        assertEquals(0, s.field("ndim").offset());
        assertEquals(4, s.field("sizes").offset());
        assertEquals(KernelArgs.MAX_DIMS, s.field("sizes").count());
        byte[] packed = new KernelArgs().shape(new int[] {3, 5, 7}).toArray()[0];
        ByteBuffer b = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getInt(s.field("ndim").offset()));
        assertEquals(7, b.getInt(s.field("sizes").offset() + 8));
        assertEquals(0, b.getInt(s.field("sizes").offset() + 12), "unused sizes are zero");
    }

    @Test
    void operandStructMatchesTheHeader() {
        CudaSources.Struct s = STRUCTS.get("KdOperand");
        assertEquals(KernelArgs.OPERAND_BYTES, s.size());
        assertEquals(8, s.align());
        assertEquals(0, s.field("data").offset());
        assertEquals(KernelArgs.OPERAND_DTYPE_OFFSET, s.field("dtype").offset());
        assertEquals(KernelArgs.OPERAND_STRIDES_OFFSET, s.field("strides").offset());
        assertEquals(KernelArgs.OPERAND_SCALAR_OFFSET, s.field("scalar").offset());
        assertEquals(KernelArgs.OPERAND_SCALAR_LONG_OFFSET, s.field("scalarLong").offset());
        byte[] packed = new KernelArgs().operand(0x7f00_1234_5678L, DType.INT16, new int[] {40, -3}, 2.5, -9).toArray()[0];
        ByteBuffer b = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x7f00_1234_5678L, b.getLong(s.field("data").offset()));
        assertEquals(DType.INT16.ordinal(), b.getInt(s.field("dtype").offset()));
        assertEquals(40, b.getInt(s.field("strides").offset()));
        assertEquals(-3, b.getInt(s.field("strides").offset() + 4));
        assertEquals(2.5, b.getDouble(s.field("scalar").offset()));
        assertEquals(-9, b.getLong(s.field("scalarLong").offset()));
    }

    @Test
    void convPoolAndGemmStructsMatchTheHeader() {
        assertEquals(4 * KernelArgs.CONV_INTS, STRUCTS.get("KdConv").size());
        assertEquals(List.of("n", "c", "h", "w", "o", "kH", "kW", "sH", "sW", "pH", "pW", "dH", "dW", "groups", "oH", "oW"),
                STRUCTS.get("KdConv").fields().stream().map(CudaSources.Field::name).toList());
        assertEquals(4 * KernelArgs.POOL_INTS, STRUCTS.get("KdPool").size());
        assertEquals(List.of("n", "c", "h", "w", "oH", "oW", "kH", "kW", "sH", "sW", "pH", "pW", "dH", "dW", "ceilMode",
                "countIncludePad", "divisorOverride"), STRUCTS.get("KdPool").fields().stream().map(CudaSources.Field::name).toList());
        CudaSources.Struct g = STRUCTS.get("KdGemm");
        assertEquals(KernelArgs.GEMM_BYTES, g.size());
        GemmCall call = new GemmCall(3, 4, 5, true, false, 3, 4, 4, 11, 22, 33, 6, 1.5, -0.5);
        ByteBuffer b = ByteBuffer.wrap(new KernelArgs().gemm(call).toArray()[0]).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getInt(g.field("m").offset()));
        assertEquals(5, b.getInt(g.field("k").offset()));
        assertEquals(1, b.getInt(g.field("transA").offset()));
        assertEquals(0, b.getInt(g.field("transB").offset()));
        assertEquals(6, b.getInt(g.field("batch").offset()));
        assertEquals(11, b.getLong(g.field("strideA").offset()));
        assertEquals(33, b.getLong(g.field("strideC").offset()));
        assertEquals(1.5, b.getDouble(g.field("alpha").offset()));
        assertEquals(-0.5, b.getDouble(g.field("beta").offset()));
    }

    private static void assertSameOrder(Enum<?>[] java, String cEnum, String prefix) {
        List<String> c = new ArrayList<>();
        for (var e : CudaSources.enumConstants(cEnum).entrySet()) c.add(e.getKey().substring(prefix.length()));
        assertEquals(Arrays.stream(java).map(Enum::name).toList(), c, cEnum + " must list Java's constants in order");
    }

    @Test
    void opCodesFollowTheJavaEnums() {
        assertSameOrder(UnaryOp.values(), "KdUnary", "U_");
        assertSameOrder(BinaryOp.values(), "KdBinary", "B_");
        assertSameOrder(TernaryOp.values(), "KdTernary", "T_");
        assertSameOrder(ReduceOp.values(), "KdReduce", "R_");
        assertSameOrder(ScanOp.values(), "KdScan", "S_");
    }

    @Test
    void dtypeCodesAreTheOrdinals() {
        Map<String, Integer> codes = CudaSources.enumConstants("KdDtype");
        Map<String, DType> names = Map.of("F32", DType.FLOAT32, "F64", DType.FLOAT64, "F16", DType.FLOAT16, "BF16", DType.BFLOAT16,
                "I64", DType.INT64, "I32", DType.INT32, "I16", DType.INT16, "I8", DType.INT8, "U8", DType.UINT8, "BOOL", DType.BOOL);
        assertEquals(DType.values().length, codes.size());
        for (var e : codes.entrySet()) {
            DType d = names.get(e.getKey().substring(3));
            assertEquals(KernelArgs.dtypeCode(d), e.getValue(), e.getKey());
        }
    }

    @Test
    void everyRegisteredKernelIsDeclaredInItsSourceAndPtxWithTheSameParameterSizes() {
        Map<String, List<String>> sources = CudaSources.allKernels();
        for (Kernel k : Kernel.values()) {
            List<String> types = sources.get(k.cName());
            assertTrue(types != null, k.cName() + " is not an extern \"C\" kernel of " + k.module.name().toLowerCase(Locale.ROOT) + ".cu");
            List<Ptx.Param> ptx = Ptx.entries(Ptx.text(k.module)).get(k.cName());
            assertTrue(ptx != null, k.cName() + " is missing from " + k.module.resource() + ": run src/main/cuda/compile-ptx.sh");
            assertEquals(types.size(), ptx.size(), k.cName() + " parameter count");
            for (int i = 0; i < types.size(); i++) {
                assertEquals(CudaSources.sizeOf(types.get(i), STRUCTS), ptx.get(i).bytes(), k.cName() + " parameter " + i + " (" + types.get(i) + ")");
            }
        }
        long unregistered = sources.keySet().stream().filter(n -> Arrays.stream(Kernel.values()).noneMatch(k -> k.cName().equals(n))).count();
        assertEquals(0, unregistered, "kernels in src/main/cuda that the backend never launches: "
                + sources.keySet().stream().filter(n -> Arrays.stream(Kernel.values()).noneMatch(k -> k.cName().equals(n))).toList());
    }

    @Test
    void ptxMismatchNamesTheFirstDifference() {
        List<Ptx.Param> declared = List.of(new Ptx.Param(4, 4), new Ptx.Param(64, 8));
        assertEquals(null, Ptx.mismatch("k", declared, new KernelArgs().i32(1).operand(0, DType.FLOAT32, new int[0], 0, 0).toArray()));
        assertEquals("k parameter 1 is 64 bytes, the launch passes 36",
                Ptx.mismatch("k", declared, new KernelArgs().i32(1).shape(new int[] {1}).toArray()));
        assertEquals("k declares 2 parameters, the launch passes 1", Ptx.mismatch("k", declared, new KernelArgs().i32(1).toArray()));
    }
}
