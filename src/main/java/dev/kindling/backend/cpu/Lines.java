package dev.kindling.backend.cpu;

import dev.kindling.backend.Strided;

/**
 * Iterates the 1-D "lines" of tensors along one dimension: for every position of the other dims,
 * hands the start offset of the line in each operand. Used by kernels that work along a dim
 * (softmax, scans, sort, top-k, max with indices), in parallel over lines.
 */
final class Lines {
    private Lines() {}

    interface Body {
        /** Processes the line whose operands start at {@code offsets} (one per operand). */
        void line(int[] offsets);
    }

    interface BodyFactory {
        Body create();
    }

    /**
     * Runs over every line along {@code dim}. All operands have the same rank; their sizes agree
     * except in {@code dim}. {@code lineLength} is the work per line, used to choose the grain.
     */
    static void forEach(int dim, int lineLength, Strided[] ops, BodyFactory factory) {
        int[] shape = ops[0].shape;
        int nd = shape.length;
        long lines = 1;
        for (int d = 0; d < nd; d++) if (d != dim) lines *= shape[d];
        int n = (int) lines;
        int grain = Math.max(1, Iter.GRAIN / Math.max(1, lineLength));
        Parallel.parallelFor(n, grain, (s, e) -> {
            Body body = factory.create();
            int[] offs = new int[ops.length];
            for (int l = s; l < e; l++) {
                int rem = l;
                for (int o = 0; o < ops.length; o++) offs[o] = ops[o].offset;
                for (int d = nd - 1; d >= 0; d--) {
                    if (d == dim) continue;
                    int i = rem % shape[d];
                    rem /= shape[d];
                    for (int o = 0; o < ops.length; o++) offs[o] += i * ops[o].strides[d];
                }
                body.line(offs);
            }
        });
    }
}
