package dev.kindling.backend.cpu;

import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.UnaryOp;

/** The plain-Java {@link FloatKernels}: simple loops the JIT can auto-vectorise. */
final class ScalarFloatKernels extends FloatKernels {

    @Override
    void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n, float alpha) {
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> { if (alpha == 1f) { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + b[bo + i]; } else { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + alpha * b[bo + i]; } }
                case SUB -> { if (alpha == 1f) { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - b[bo + i]; } else { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - alpha * b[bo + i]; } }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / b[bo + i]; }
                default -> throw new IllegalStateException(op + " has no float32 fast path");
            }
            return;
        }
        if (as == 1 && bs == 0) {
            float s = b[bo];
            switch (op) {
                case ADD -> { float v = alpha * s; for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + v; }
                case SUB -> { float v = alpha * s; for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - v; }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * s; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / s; }
                default -> throw new IllegalStateException(op + " has no float32 fast path");
            }
            return;
        }
        if (as == 0 && bs == 1) {
            float s = a[ao];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = s + alpha * b[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = s - alpha * b[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = s * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = s / b[bo + i]; }
                default -> throw new IllegalStateException(op + " has no float32 fast path");
            }
            return;
        }
        // both operands broadcast: one value for the whole row
        float v = switch (op) {
            case ADD -> a[ao] + alpha * b[bo];
            case SUB -> a[ao] - alpha * b[bo];
            case MUL -> a[ao] * b[bo];
            case DIV -> a[ao] / b[bo];
            default -> throw new IllegalStateException(op + " has no float32 fast path");
        };
        java.util.Arrays.fill(o, oo, oo + n, v);
    }

    @Override
    void unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float p1, float p2) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) y[yo + i] = -x[xo + i]; }
            case ABS -> { for (int i = 0; i < n; i++) y[yo + i] = Math.abs(x[xo + i]); }
            case RELU -> { for (int i = 0; i < n; i++) { float v = x[xo + i]; y[yo + i] = v > 0 ? v : v == v ? 0f : v; } }
            case SQUARE -> { for (int i = 0; i < n; i++) { float v = x[xo + i]; y[yo + i] = v * v; } }
            case SQRT -> { for (int i = 0; i < n; i++) y[yo + i] = (float) Math.sqrt(x[xo + i]); }
            case RECIPROCAL -> { for (int i = 0; i < n; i++) y[yo + i] = 1f / x[xo + i]; }
            case EXP -> { for (int i = 0; i < n; i++) y[yo + i] = (float) Math.exp(x[xo + i]); }
            case LOG -> { for (int i = 0; i < n; i++) y[yo + i] = (float) Math.log(x[xo + i]); }
            case TANH -> { for (int i = 0; i < n; i++) y[yo + i] = (float) Math.tanh(x[xo + i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) y[yo + i] = (float) SpecialMath.sigmoid(x[xo + i]); }
            default -> throw new IllegalStateException(op + " has no float32 fast path");
        }
    }

    @Override
    double sum(float[] x, int off, int n) {
        double total = 0;
        int i = 0;
        final int block = 1024;
        while (i < n) {
            int end = Math.min(n, i + block);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int j = i;
            for (; j + 8 <= end; j += 8) {
                s0 += x[off + j]; s1 += x[off + j + 1]; s2 += x[off + j + 2]; s3 += x[off + j + 3];
                s4 += x[off + j + 4]; s5 += x[off + j + 5]; s6 += x[off + j + 6]; s7 += x[off + j + 7];
            }
            double s = ((double) s0 + s1) + ((double) s2 + s3) + ((double) s4 + s5) + ((double) s6 + s7);
            for (; j < end; j++) s += x[off + j];
            total += s;
            i = end;
        }
        return total;
    }

    @Override
    float extreme(float[] x, int off, int n, boolean max) {
        float m = x[off];
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            if (v != v) return v;
            if (max ? v > m : v < m) m = v;
        }
        return m;
    }

    @Override
    void accumulate(float[] x, int off, double[] acc, int n) {
        for (int i = 0; i < n; i++) acc[i] += x[off + i];
    }
}
