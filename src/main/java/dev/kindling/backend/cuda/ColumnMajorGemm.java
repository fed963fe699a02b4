package dev.kindling.backend.cuda;

/**
 * A row-major {@link GemmCall} restated as the column-major call BLAS libraries take
 * ({@code gemm(opX, opY, m, n, k, alpha, X, ldx, strideX, Y, ldy, strideY, beta, C, ldc, strideC)},
 * C = alpha · opX(X) · opY(Y) + beta · C with C of m × n column-major).
 *
 * <p>A row-major [r, c] matrix with row stride ld, read column-major with the same ld, is its
 * transpose. So the row-major C = op(A) · op(B) is the column-major Cᵀ = op(B)ᵀ · op(A)ᵀ: X is B and
 * Y is A, m and n swap, and each operand keeps its own transposition flag and leading dimension.
 */
record ColumnMajorGemm(boolean transX, boolean transY, int m, int n, int k, int ldx, long strideX, int ldy, long strideY,
                       int ldc, long strideC, int batch) {

    static ColumnMajorGemm of(GemmCall g) {
        return new ColumnMajorGemm(g.transB(), g.transA(), g.n(), g.m(), g.k(), g.ldb(), g.strideB(), g.lda(), g.strideA(),
                g.ldc(), g.strideC(), g.batch());
    }
}
