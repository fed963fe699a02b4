package dev.kindling.backend.cuda;

import java.util.Locale;

/**
 * Every CUDA kernel the backend launches, with the PTX module that holds it. The kernel's C name is
 * the constant's name in lower case ({@code EW_UNARY_F32} is {@code ew_unary_f32} in
 * {@code elementwise.ptx}); its parameters are declared in {@code src/main/cuda/<module>.cu}.
 * {@code PtxResourcesTest} checks that each one exists in its module.
 */
enum Kernel {
    EW_UNARY_F32(Module.ELEMENTWISE), EW_UNARY_F64(Module.ELEMENTWISE),
    EW_UNARY_GF(Module.ELEMENTWISE), EW_UNARY_GD(Module.ELEMENTWISE), EW_UNARY_GL(Module.ELEMENTWISE),
    EW_BINARY_F32(Module.ELEMENTWISE), EW_BINARY_F64(Module.ELEMENTWISE),
    EW_BINARY_GF(Module.ELEMENTWISE), EW_BINARY_GD(Module.ELEMENTWISE), EW_BINARY_GL(Module.ELEMENTWISE),
    EW_TERNARY_F32(Module.ELEMENTWISE), EW_TERNARY_F64(Module.ELEMENTWISE),
    EW_TERNARY_GF(Module.ELEMENTWISE), EW_TERNARY_GD(Module.ELEMENTWISE), EW_TERNARY_GL(Module.ELEMENTWISE),
    EW_COPY_GD(Module.ELEMENTWISE), EW_COPY_GL(Module.ELEMENTWISE), EW_COPY_RAW(Module.ELEMENTWISE),

    REDUCE_BLOCK_D(Module.REDUCE), REDUCE_THREAD_D(Module.REDUCE), REDUCE_COMBINE_D(Module.REDUCE),
    REDUCE_BLOCK_L(Module.REDUCE), REDUCE_THREAD_L(Module.REDUCE), REDUCE_COMBINE_L(Module.REDUCE),
    ARGEXT_D(Module.REDUCE), ARGEXT_L(Module.REDUCE),
    SCAN_D(Module.REDUCE), SCAN_L(Module.REDUCE),
    SOFTMAX_D(Module.REDUCE),

    GATHER_K(Module.INDEX), SCATTER_K(Module.INDEX), PUT_K(Module.INDEX),

    IM2COL_F32(Module.CONV), IM2COL_F64(Module.CONV), COL2IM_F32(Module.CONV), COL2IM_F64(Module.CONV),
    MAXPOOL_FWD_F32(Module.CONV), MAXPOOL_FWD_F64(Module.CONV), MAXPOOL_BWD_F32(Module.CONV), MAXPOOL_BWD_F64(Module.CONV),
    AVGPOOL_FWD_F32(Module.CONV), AVGPOOL_FWD_F64(Module.CONV), AVGPOOL_BWD_F32(Module.CONV), AVGPOOL_BWD_F64(Module.CONV),

    GEMM_F32(Module.GEMM), GEMM_F64(Module.GEMM), GEMM_I64(Module.GEMM);

    /** The PTX modules, one per {@code src/main/cuda/*.cu} file. */
    enum Module {
        ELEMENTWISE, REDUCE, INDEX, CONV, GEMM;

        /** The resource path of the module's PTX, relative to this package. */
        String resource() { return name().toLowerCase(Locale.ROOT) + ".ptx"; }
    }

    final Module module;

    Kernel(Module module) {
        this.module = module;
    }

    /** The kernel's name in the PTX. */
    String cName() { return name().toLowerCase(Locale.ROOT); }
}
