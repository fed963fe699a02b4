package dev.kindling.backend;

import dev.kindling.Device;
import dev.kindling.DType;

/**
 * What a device must provide to run tensors: allocation and a small set of kernels.
 *
 * <p>The dispatch layer ({@code dev.kindling}) is the only caller. It has already checked shapes,
 * dtypes and devices, chosen the result dtype, broadcast operands (or left the broadcasting to the
 * kernel where documented) and allocated the outputs, so a backend implements arithmetic, not
 * policy. Outputs are dense and row-major unless an op says otherwise; in-place ops pass an output
 * that is also an input. Composite ops (softmax's backward, losses, normalisation...) are written
 * above this interface with tensor ops, so a new backend gets them for free.
 */
public interface Backend {
    Device device();

    /** A new zero-filled storage of {@code numel} elements. */
    Storage allocate(DType dtype, long numel);

    // ---- element-wise (operands are broadcast to out.shape by the kernel) ----

    /** {@code dst = src}, converting the dtype; src may be on another device (a transfer). */
    void copy(Strided src, Strided dst);

    void unary(UnaryOp op, Strided x, Strided out, double p1, double p2);

    void binary(BinaryOp op, Strided a, Strided b, Strided out, double alpha);

    void ternary(TernaryOp op, Strided a, Strided b, Strided c, Strided out, double p);

    // ---- reductions ----

    /**
     * Reduces {@code x} over the dims flagged in {@code reduced} into {@code out}, which has x's rank
     * with size 1 in the reduced dims. {@code p} is the norm order for NORM.
     */
    void reduce(ReduceOp op, Strided x, boolean[] reduced, Strided out, double p);

    /** Max or min along {@code dim} with the index of the first extreme element (keepdim shapes). */
    void reduceWithIndices(boolean max, Strided x, int dim, Strided values, Strided indices);

    void scan(ScanOp op, Strided x, int dim, Strided out, Strided indices);

    /** softmax or log_softmax along {@code dim} into a dense {@code out}. */
    void softmax(Strided x, int dim, boolean log, Strided out);

    // ---- linear algebra ----

    /**
     * Batched matrix product: a is [B, M, K], b is [B, K, N] (batch stride 0 broadcasts), out is
     * a dense [B, M, N]. Any strides in the matrix dims.
     */
    void matmul(Strided a, Strided b, Strided out);

    // ---- indexing ----

    /** out = x.index_select(dim, index) with a 1-D int64 index, already bounds-checked. */
    void indexSelect(Strided x, int dim, Strided index, Strided out);

    /** out[i][j] = x[index[i][j]][j] along dim (index has out's shape). */
    void gather(Strided x, int dim, Strided index, Strided out);

    /**
     * self[index[i][j]][j] = src[i][j] (or += when {@code accumulate}) along dim, in place; src may be
     * a scalar. Indices are bounds-checked by the caller.
     */
    void scatter(Strided self, int dim, Strided index, Strided src, boolean accumulate);

    /** self.index_add_(dim, index, src, alpha) in place, with a 1-D int64 index. */
    void indexAdd(Strided self, int dim, Strided index, Strided src, double alpha);

    /**
     * self.put_(index, src, accumulate): {@code index} holds positions in the row-major order of
     * {@code self}'s logical shape.
     */
    void put(Strided self, Strided index, Strided src, boolean accumulate);

    /** The row-major positions of the non-zero elements of x. */
    long[] nonzero(Strided x);

    // ---- convolution and pooling (dense NCHW operands of one floating dtype) ----

    /** out = conv2d(input, weight) + bias (bias may be null). */
    void conv2d(Strided input, Strided weight, Strided bias, Strided out, Conv2dParams p);

    /** The input gradient of conv2d (also conv_transpose2d's forward). */
    void conv2dBackwardInput(Strided gradOut, Strided weight, Strided gradInput, Conv2dParams p);

    /** The weight gradient of conv2d, summed over the batch. */
    void conv2dBackwardWeight(Strided gradOut, Strided input, Strided gradWeight, Conv2dParams p);

    /** Max pooling with int64 indices (position within each input plane); adaptive when p's window is 0. */
    void maxPool2d(Strided input, Strided out, Strided indices, Pool2dParams p);

    /** Scatters gradOut into a zeroed gradInput at the indices of a max pooling. */
    void maxPool2dBackward(Strided gradOut, Strided indices, Strided gradInput, Pool2dParams p);

    /** Average pooling; adaptive when p's window is 0. */
    void avgPool2d(Strided input, Strided out, Pool2dParams p);

    /** The input gradient of {@link #avgPool2d}. */
    void avgPool2dBackward(Strided gradOut, Strided gradInput, Pool2dParams p);

    /** Sorts along dim into dense values and int64 indices. */
    void sort(Strided x, int dim, boolean descending, boolean stable, Strided values, Strided indices);

    /** The k largest (or smallest) along dim into dense values and indices, sorted if asked. */
    void topk(Strided x, int k, int dim, boolean largest, boolean sorted, Strided values, Strided indices);
}
