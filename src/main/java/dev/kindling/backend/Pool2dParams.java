package dev.kindling.backend;

/**
 * The geometry of one 2-D pooling: input [n, c, h, w] and output [n, c, oH, oW]; window, stride,
 * padding and dilation per dim (adaptive pooling uses only the sizes). {@code divisorOverride} 0
 * means none.
 */
public record Pool2dParams(int n, int c, int h, int w, int oH, int oW, int kH, int kW, int strideH, int strideW,
                           int padH, int padW, int dilH, int dilW, boolean ceilMode, boolean countIncludePad,
                           int divisorOverride) {
    /** Adaptive pooling from [n, c, h, w] to [n, c, oH, oW]. */
    public static Pool2dParams adaptive(int n, int c, int h, int w, int oH, int oW) {
        return new Pool2dParams(n, c, h, w, oH, oW, 0, 0, 0, 0, 0, 0, 1, 1, false, false, 0);
    }
}
