package dev.kindling.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The restatement of row-major GEMMs for cuBLAS: the column-major call, evaluated with BLAS's own
 * definition (element (r, c) of a column-major matrix at r + c·ld), must give the row-major product
 * for every combination of transpositions, padded leading dimensions and batch strides (0 included).
 */
class ColumnMajorGemmTest {

    /** BLAS semantics: C = alpha opX(X) opY(Y) + beta C, all column-major. */
    static void blas(ColumnMajorGemm g, double[] x, double[] y, double[] c, double alpha, double beta) {
        for (int z = 0; z < g.batch(); z++) {
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double acc = 0;
                    for (int k = 0; k < g.k(); k++) {
                        double xv = g.transX() ? x[(int) (z * g.strideX() + k + (long) i * g.ldx())] : x[(int) (z * g.strideX() + i + (long) k * g.ldx())];
                        double yv = g.transY() ? y[(int) (z * g.strideY() + j + (long) k * g.ldy())] : y[(int) (z * g.strideY() + k + (long) j * g.ldy())];
                        acc += xv * yv;
                    }
                    int ci = (int) (z * g.strideC() + i + (long) j * g.ldc());
                    c[ci] = alpha * acc + beta * c[ci];
                }
            }
        }
    }

    /** The row-major meaning of a GemmCall, written out directly. */
    static void rowMajor(GemmCall g, double[] a, double[] b, double[] c) {
        for (int z = 0; z < g.batch(); z++) {
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double acc = 0;
                    for (int k = 0; k < g.k(); k++) {
                        double av = g.transA() ? a[(int) (z * g.strideA() + (long) k * g.lda() + i)] : a[(int) (z * g.strideA() + (long) i * g.lda() + k)];
                        double bv = g.transB() ? b[(int) (z * g.strideB() + (long) j * g.ldb() + k)] : b[(int) (z * g.strideB() + (long) k * g.ldb() + j)];
                        acc += av * bv;
                    }
                    int ci = (int) (z * g.strideC() + (long) i * g.ldc() + j);
                    c[ci] = g.alpha() * acc + g.beta() * c[ci];
                }
            }
        }
    }

    @Test
    void theColumnMajorCallComputesTheRowMajorProduct() {
        Random r = new Random(3);
        int m = 5, n = 4, k = 3, batch = 3;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (boolean broadcastA : new boolean[] {false, true}) {
                    int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
                    long sa = broadcastA ? 0 : (long) lda * (ta ? k : m), sb = (long) ldb * (tb ? n : k), sc = (long) ldc * m;
                    GemmCall g = new GemmCall(m, n, k, ta, tb, lda, ldb, ldc, sa, sb, sc, batch, 1.5, 0.5);
                    double[] a = r.doubles(lda * (ta ? k : m) * batch).toArray();
                    double[] b = r.doubles(ldb * (tb ? n : k) * batch).toArray();
                    double[] c0 = r.doubles(ldc * m * batch).toArray();
                    double[] expect = c0.clone(), actual = c0.clone();
                    rowMajor(g, a, b, expect);
                    blas(ColumnMajorGemm.of(g), b, a, actual, g.alpha(), g.beta());
                    assertArrayEquals(expect, actual, 1e-12, "transA=" + ta + " transB=" + tb + " broadcastA=" + broadcastA);
                }
            }
        }
    }

    @Test
    void leadingDimensionsBelowWhatBlasAcceptsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new GemmCall(4, 3, 2, false, false, 1, 3, 3, 0, 0, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new GemmCall(4, 3, 2, true, false, 3, 3, 3, 0, 0, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new GemmCall(4, 3, 2, false, true, 2, 1, 3, 0, 0, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new GemmCall(4, 3, 2, false, false, 2, 3, 2, 0, 0, 0, 1, 1, 0));
    }
}
