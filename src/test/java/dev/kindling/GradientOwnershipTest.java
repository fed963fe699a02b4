package dev.kindling;

import dev.kindling.nn.functional.F;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine hands a leaf the gradient that reaches it without a copy only when no other tensor
 * can see that memory: leaves' grads never alias each other, the caller's gradient, or what a hook
 * kept, and later backward passes accumulate into them correctly.
 */
class GradientOwnershipTest {

    private static void assertValues(double[] expected, Tensor t) {
        assertArrayEquals(expected, t.toDoubleArray(), 1e-12);
    }

    @Test
    void oneGradientReachingTwoLeavesIsNotShared() {
        Tensor x = Tensor.from(new double[] {1, 2, 3}).requiresGrad_(true);
        Tensor y = Tensor.from(new double[] {4, 5, 6}).requiresGrad_(true);
        // AddBackward0 returns the same incoming gradient tensor for both inputs
        x.add(y).mul(Tensor.from(new double[] {1, 2, 3})).sum().backward();
        assertNotSame(x.grad().storage(), y.grad().storage());
        x.grad().add_(100.0);
        assertValues(new double[] {1, 2, 3}, y.grad());
    }

    @Test
    void theCallersGradientIsNotTaken() {
        Tensor x = Tensor.from(new double[] {1, 2}).requiresGrad_(true);
        Tensor seed = Tensor.from(new double[] {0.5, -1});
        x.clone().backward(seed);
        assertNotSame(seed.storage(), x.grad().storage());
        x.grad().mul_(3.0);
        assertValues(new double[] {0.5, -1}, seed);
    }

    @Test
    void aGradientSeenByAHookIsCopied() {
        Tensor x = Tensor.from(new double[] {1, 2}).requiresGrad_(true);
        List<Tensor> kept = new ArrayList<>();
        x.registerHook(g -> {
            kept.add(g);
            return null;
        });
        x.mul(3.0).sum().backward();
        assertNotSame(kept.get(0).storage(), x.grad().storage());
        kept.get(0).zero_();
        assertValues(new double[] {3, 3}, x.grad());
    }

    @Test
    void aGradientSeenByACustomFunctionIsCopied() {
        Tensor x = Tensor.from(new double[] {1, 2}).requiresGrad_(true);
        List<Tensor> kept = new ArrayList<>();
        dev.kindling.autograd.Function passThrough = new dev.kindling.autograd.Function() {
            @Override
            protected Tensor[] forward(dev.kindling.autograd.FunctionCtx ctx, Tensor... in) { return new Tensor[] {in[0].clone()}; }

            @Override
            protected Tensor[] backward(dev.kindling.autograd.FunctionCtx ctx, Tensor... g) {
                Tensor out = g[0].mul(2.0);
                kept.add(out);
                return new Tensor[] {out};
            }
        };
        passThrough.apply(x).sum().backward();
        assertNotSame(kept.get(0).storage(), x.grad().storage());
        kept.get(0).zero_();
        assertValues(new double[] {2, 2}, x.grad());
    }

    @Test
    void stolenGradientsAccumulateOverPasses() {
        Tensor w = Tensor.from(new double[] {1, -2, 3}).requiresGrad_(true);
        Tensor c = Tensor.from(new double[] {2, 3, 4});
        for (int i = 0; i < 3; i++) w.mul(c).sum().backward();
        assertValues(new double[] {6, 9, 12}, w.grad());
        assertValues(new double[] {2, 3, 4}, c);
    }

    /** A linear layer's weight gradient arrives contiguous (computed in weight.t()'s layout), with the right values. */
    @Test
    void linearWeightGradientIsContiguousAndCorrect() {
        double[] xv = {1, 2, 3, -1, 0.5, 2}, wv = {0.1, 0.2, 0.3, -0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 1.0, 1.1, 1.2};
        Tensor x = Tensor.from(xv.clone()).view(2, 3);
        Tensor w = Tensor.from(wv.clone()).view(4, 3).requiresGrad_(true);
        Tensor b = Tensor.from(new double[4]).requiresGrad_(true);
        Tensor g = Tensor.from(new double[] {1, -1, 2, 0.5, -2, 1, 0, 3}).view(2, 4);
        F.linear(x, w, b).backward(g);
        assertTrue(w.grad().isContiguous());
        double[] expected = new double[12]; // dW[o][i] = sum_n g[n][o] x[n][i]
        double[] gv = g.toDoubleArray();
        for (int o = 0; o < 4; o++) for (int i = 0; i < 3; i++) for (int n = 0; n < 2; n++) expected[o * 3 + i] += gv[n * 4 + o] * xv[n * 3 + i];
        assertValues(expected, w.grad());
        assertValues(new double[] {-1, 0, 2, 3.5}, b.grad());
        assertEquals(0, w.grad().storageOffset());
    }
}
