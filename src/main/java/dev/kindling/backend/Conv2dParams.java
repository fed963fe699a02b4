package dev.kindling.backend;

/**
 * The geometry of one 2-D convolution: input [n, c, h, w], weight [o, c/groups, kH, kW], output
 * [n, o, oH, oW], with per-dim stride, padding and dilation.
 */
public record Conv2dParams(int n, int c, int h, int w, int o, int kH, int kW,
                           int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
    public int outH() { return (h + 2 * padH - dilH * (kH - 1) - 1) / strideH + 1; }

    public int outW() { return (w + 2 * padW - dilW * (kW - 1) - 1) / strideW + 1; }
}
