package dev.kindling.backend.cuda;

/**
 * One batched matrix product in row-major terms: {@code C = alpha * op(A) op(B) + beta * C} with
 * op(A) of shape [m, k] and op(B) [k, n], where op transposes when the flag is set. Leading
 * dimensions are the row strides of the matrices as stored (A is [k, m] when transposed), batch
 * strides step between the matrices of one batch (0 repeats one matrix). Built by the matmul and
 * convolution code, run by a {@link Gemm}.
 */
record GemmCall(int m, int n, int k, boolean transA, boolean transB, int lda, int ldb, int ldc,
                long strideA, long strideB, long strideC, int batch, double alpha, double beta) {
    GemmCall {
        if (m < 0 || n < 0 || k < 0 || batch < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + ", n=" + n + ", k=" + k + ", batch=" + batch);
        }
        if (lda < Math.max(1, transA ? m : k) || ldb < Math.max(1, transB ? k : n) || ldc < Math.max(1, n)) {
            throw new IllegalArgumentException("gemm: leading dimensions lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc
                    + " too small for m=" + m + ", n=" + n + ", k=" + k + ", transA=" + transA + ", transB=" + transB);
        }
    }
}
