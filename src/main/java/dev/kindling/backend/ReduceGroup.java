package dev.kindling.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The dims of a reduction's input that are reduced (or kept), merged where they are laid out
 * contiguously in both the input and the output: sizes with the input's and output's strides,
 * and the number of elements they span. The CPU and CUDA reductions plan their loops on these.
 */
public record ReduceGroup(int[] sizes, int[] xStrides, int[] outStrides, long count) {

    /** The group of x's dims whose {@code reduced} flag equals {@code wantReduced}, size-1 dims left out. */
    public static ReduceGroup of(Strided x, Strided out, boolean[] reduced, boolean wantReduced) {
        List<int[]> dims = new ArrayList<>();
        for (int d = 0; d < x.shape.length; d++) {
            if (reduced[d] != wantReduced || x.shape[d] == 1) continue;
            int xs = x.strides[d], os = out.strides[d];
            if (!dims.isEmpty()) {
                int[] prev = dims.get(dims.size() - 1);
                if ((long) prev[1] == (long) xs * x.shape[d] && (wantReduced || (long) prev[2] == (long) os * x.shape[d])) {
                    prev[0] *= x.shape[d];
                    prev[1] = xs;
                    prev[2] = os;
                    continue;
                }
            }
            dims.add(new int[] {x.shape[d], xs, os});
        }
        int n = dims.size();
        int[] sz = new int[n], xs = new int[n], os = new int[n];
        long count = 1;
        for (int i = 0; i < n; i++) {
            sz[i] = dims.get(i)[0];
            xs[i] = dims.get(i)[1];
            os[i] = dims.get(i)[2];
            count *= sz[i];
        }
        return new ReduceGroup(sz, xs, os, count);
    }
}
