package dev.kindling;

import dev.kindling.autograd.Function;
import dev.kindling.autograd.FunctionCtx;
import dev.kindling.autograd.GradCheck;
import dev.kindling.autograd.Node;
import dev.kindling.autograd.RemovableHandle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autograd engine's behaviour and PyTorch's error texts. */
class EngineTest {

    static Tensor leaf(double... v) {
        return Tensor.from(v.clone()).requiresGrad_(true);
    }

    @Test
    void seedScenarioYEquals2x() {
        Tensor x = Torch.ones(1).requiresGrad_(true);
        Tensor y = x.mul(2);
        y.backward();
        assertEquals("tensor([2.])", x.grad().toString());
        assertEquals("MulBackward0", y.gradFn().name());
        assertTrue(x.isLeaf());
        assertFalse(y.isLeaf());
    }

    @Test
    void requiresGradPropagation() {
        Tensor x = Torch.randn(3), y = Torch.randn(3), z = Torch.randn(3).requiresGrad_(true);
        assertFalse(x.add(y).requiresGrad(), "x + y: neither requires grad");
        assertTrue(x.add(z).requiresGrad(), "x + z: z requires grad");
        assertNull(x.add(y).gradFn());
        assertEquals("AddBackward0", x.add(z).gradFn().name());
        String msg = Ref.message(KindlingException.class, () -> x.add(y).sum().backward());
        assertEquals("element 0 of tensors does not require grad and does not have a grad_fn", msg);
    }

    @Test
    void manualSgdUpdateUnderNoGrad() {
        Tensor p = leaf(1, 2, 3);
        p.mul(p).sum().backward();
        double lr = 0.1;
        try (var g = Torch.noGrad()) {
            p.data().sub_(p.grad().mul(lr));
        }
        assertArrayEquals(new double[] {0.8, 1.6, 2.4}, p.toDoubleArray(), 1e-12);
        assertTrue(p.isLeaf());
        assertTrue(p.requiresGrad());
        try (var g = Torch.noGrad()) {
            p.sub_(p.grad().mul(lr)); // in-place on a leaf is allowed with grad mode off
        }
        assertArrayEquals(new double[] {0.6, 1.2, 1.8}, p.toDoubleArray(), 1e-12);
    }

    @Test
    void asFloatArrayRefusedWhenRequiringGradDetachShares() {
        float[] data = {1, 2, 3};
        Tensor t = Tensor.from(data).requiresGrad_(true);
        String msg = Ref.message(KindlingException.class, t::asFloatArray);
        assertEquals("Can't call asFloatArray() on Tensor that requires grad. Use tensor.detach().asFloatArray() instead.", msg);
        assertSame(data, t.detach().asFloatArray());
    }

    @Test
    void diamondGraphSumsGradients() {
        Tensor x = leaf(2.0);
        Tensor a = x.mul(3), b = x.square();
        a.add(b).mul(x).backward(); // d/dx (3x + x²)x = 6x + 3x² = 12 + 12
        assertEquals(24.0, x.grad().item(), 1e-12);
    }

    @Test
    void sharedInputUsedTwiceInOneOp() {
        Tensor x = leaf(3.0);
        x.mul(x).backward();
        assertEquals(6.0, x.grad().item(), 1e-12);
    }

    @Test
    void gradAccumulatesAcrossBackwardCalls() {
        Tensor x = leaf(1.0, 2.0);
        x.mul(2).sum().backward();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[] {5, 5}, x.grad().toDoubleArray());
    }

    @Test
    void longChainIsIterative() {
        Tensor x = leaf(1.0);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y.mul(1.0);
        y.backward();
        assertEquals(1.0, x.grad().item());
    }

    @Test
    void retainGraphAllowsSecondBackwardAndFreedGraphErrors() {
        Tensor x = leaf(2.0);
        Tensor y = x.exp();
        y.backward(null, true, false);
        y.backward();
        assertEquals(2 * Math.exp(2), x.grad().item(), 1e-9);
        Tensor before = x.grad().clone();
        String msg = Ref.message(KindlingException.class, y::backward);
        assertTrue(msg.startsWith("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed)."), msg);
        assertTrue(msg.contains("Specify retainGraph=true"), msg);
        assertTrue(before.equal(x.grad()), "a failed backward leaves grads unchanged");
    }

    @Test
    void implicitGradOnlyForScalars() {
        Tensor x = leaf(1, 2);
        String msg = Ref.message(KindlingException.class, () -> x.mul(2).backward());
        assertEquals("grad can be implicitly created only for scalar outputs", msg);
        x.mul(2).backward(Tensor.from(new double[] {1, 10}));
        assertArrayEquals(new double[] {2, 20}, x.grad().toDoubleArray());
    }

    @Test
    void createGraphGivesHigherOrderDerivatives() {
        Tensor x = leaf(0.5);
        Tensor y = x.tanh();
        Tensor d1 = Autograd.grad(List.of(y), List.of(x), true).get(0);
        Tensor d2 = Autograd.grad(List.of(d1), List.of(x), true).get(0);
        Tensor d3 = Autograd.grad(List.of(d2), List.of(x)).get(0);
        double t = Math.tanh(0.5);
        assertEquals(1 - t * t, d1.item(), 1e-12);
        assertEquals(-2 * t * (1 - t * t), d2.item(), 1e-12);
        assertEquals(-2 * (1 - t * t) * (1 - 3 * t * t), d3.item(), 1e-12);
        assertNull(x.grad(), "Autograd.grad does not accumulate");
    }

    @Test
    void backwardWithCreateGraphAccumulatesOutOfPlaceWithHistory() {
        Tensor x = leaf(3.0);
        x.pow(3).backward(null, true, true);
        assertTrue(x.grad().requiresGrad(), "x.grad has history under createGraph");
        Tensor g = x.grad();
        x.setGrad(null);
        g.backward();
        assertEquals(6 * 3.0, x.grad().item(), 1e-12);
    }

    @Test
    void allowUnused() {
        Tensor x = leaf(1.0), z = leaf(2.0);
        Tensor y = x.mul(2);
        String msg = Ref.message(KindlingException.class, () -> Autograd.grad(List.of(y), List.of(x, z)));
        assertEquals("One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused=true if this is the desired behavior.", msg);
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x, z), null, null, false, true);
        assertEquals(2.0, g.get(0).item());
        assertNull(g.get(1));
    }

    @Test
    void hooksRunInOrderAndMayReplaceTheGradient() {
        Tensor x = leaf(1.0);
        Tensor y = x.mul(2);
        List<String> order = new ArrayList<>();
        y.registerHook(g -> { order.add("first"); return g.mul(10); });
        RemovableHandle h = y.registerHook(g -> { order.add("second:" + g.item()); return null; });
        y.retainGrad();
        y.backward();
        assertEquals(List.of("first", "second:10.0"), order);
        assertEquals(20.0, x.grad().item());
        assertEquals(10.0, y.grad().item(), "retained grad sees the hooks' result");
        h.remove();
        order.clear();
        Tensor x2 = leaf(1.0);
        Tensor y2 = x2.mul(2);
        y2.registerHook(g -> { order.add("leaf-path"); return null; });
        x2.registerHook(g -> g.mul(0.5));
        y2.backward();
        assertEquals(1.0, x2.grad().item(), "a leaf hook changes what is accumulated");
        String msg = Ref.message(KindlingException.class, () -> Torch.ones(1).registerHook(g -> g));
        assertEquals("cannot register a hook on a tensor that doesn't require gradient", msg);
    }

    @Test
    void postAccumulateGradHook() {
        Tensor p = leaf(1.0, 2.0);
        List<Double> seen = new ArrayList<>();
        p.registerPostAccumulateGradHook(t -> seen.add(t.grad().sum().item()));
        p.mul(3).sum().backward();
        assertEquals(List.of(6.0), seen);
    }

    @Test
    void versionCounterCatchesInPlaceModificationOfSavedTensor() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.exp();
        Tensor z = y.sum();
        y.add_(1);
        String msg = Ref.message(KindlingException.class, z::backward);
        // y was saved by its own ExpBackward0 (as the result); the sum did not need it
        Tensor w = x.exp();
        Tensor s = w.mul(2);
        w.add_(1);
        String msg2 = Ref.message(KindlingException.class, () -> s.sum().backward());
        assertEquals("one of the variables needed for gradient computation has been modified by an inplace operation: "
                + "[torch.DoubleTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. "
                + "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
                + "Autograd.setDetectAnomaly(true).", msg);
        assertTrue(msg2.contains("is at version 1; expected version 0 instead"), msg2);
        assertNull(x.grad(), "the failed backward accumulated nothing");
    }

    @Test
    void inPlaceOnLeafRequiringGradIsRefusedAndLeavesItUnchanged() {
        Tensor x = leaf(1, 2);
        String msg = Ref.message(KindlingException.class, () -> x.add_(1.0));
        assertEquals("a leaf Variable that requires grad is being used in an in-place operation.", msg);
        assertArrayEquals(new double[] {1, 2}, x.toDoubleArray());
        assertEquals(0, x.version());
        String msg2 = Ref.message(KindlingException.class, () -> x.narrow(0, 0, 1).mul_(2.0));
        assertEquals("a view of a leaf Variable that requires grad is being used in an in-place operation.", msg2);
    }

    @Test
    void inPlaceOnViewOfCloneRebasesHistory() {
        Tensor x = leaf(1, 2, 3, 4);
        Tensor y = x.clone();
        y.narrow(0, 1, 2).mul_(3.0);
        assertEquals("CopySlices", y.gradFn().name());
        y.mul(Tensor.from(new double[] {1, 10, 100, 1000})).sum().backward();
        assertArrayEquals(new double[] {1, 30, 300, 1000}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 6, 9, 4}, y.detach().toDoubleArray());
    }

    @Test
    void maskedFillInPlaceOnNonLeaf() {
        Tensor x = leaf(-1, 2, -3, 4);
        Tensor y = x.mul(2);
        y.maskedFill_(y.lt(0.0), 0.0);
        assertEquals("MaskedFillBackward0", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {0, 2, 0, 2}, x.grad().toDoubleArray());
    }

    @Test
    void staleViewRegeneratesItsHistoryAfterBaseChanged() {
        Tensor x = leaf(1, 2, 3);
        Tensor base = x.mul(1);
        Tensor view = base.narrow(0, 0, 2);
        base.mul_(2.0);
        view.sum().backward();
        assertArrayEquals(new double[] {2, 2, 0}, x.grad().toDoubleArray());
    }

    @Test
    void detachAndData() {
        Tensor x = leaf(1, 2);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        d.add_(1.0);
        assertEquals(1, x.version(), "detach shares the version counter");
        Tensor data = x.data();
        data.add_(1.0);
        assertEquals(1, x.version(), "data() has its own counter");
        assertArrayEquals(new double[] {3, 4}, x.toDoubleArray());
    }

    @Test
    void requiresGradErrors() {
        Tensor y = leaf(1).mul(2);
        String msg = Ref.message(KindlingException.class, () -> y.requiresGrad_(false));
        assertTrue(msg.startsWith("you can only change requires_grad flags of leaf variables."), msg);
        String msg2 = Ref.message(KindlingException.class, () -> Torch.arange(3).requiresGrad_(true));
        assertEquals("only Tensors of floating point and complex dtype can require gradients", msg2);
    }

    @Test
    void noGradAndInferenceModeAreThreadLocal() throws Exception {
        Tensor x = leaf(1.0);
        AtomicBoolean otherThreadRecords = new AtomicBoolean();
        CountDownLatch inside = new CountDownLatch(1), checked = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                inside.await();
                otherThreadRecords.set(x.mul(2).requiresGrad());
                checked.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        try (var g = Torch.noGrad()) {
            assertFalse(x.mul(2).requiresGrad());
            inside.countDown();
            checked.await();
            try (var e = Torch.enableGrad()) {
                assertTrue(x.mul(2).requiresGrad());
            }
        }
        t.join();
        assertTrue(otherThreadRecords.get(), "noGrad on one thread does not affect another");
        try (var g = Torch.inferenceMode()) {
            assertFalse(x.mul(2).requiresGrad());
            assertTrue(Torch.isInferenceModeEnabled());
        }
        assertEquals(4.0, Torch.noGrad(() -> x.mul(4)).item());
    }

    @Test
    void gradientValidationNamesTheNode() {
        class Bad extends Function {
            protected Tensor[] forward(FunctionCtx ctx, Tensor... in) { return new Tensor[] {in[0].mul(2)}; }
            protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[] {Torch.ones(5).to(DType.FLOAT64)}; }
        }
        Tensor x = leaf(1, 2, 3);
        Tensor y = new Bad().apply(x);
        assertEquals("BadBackward", y.gradFn().name());
        String msg = Ref.message(KindlingException.class, () -> y.sum().backward());
        assertEquals("Function BadBackward returned an invalid gradient at index 0 - got [5] but expected shape compatible with [3]", msg);
    }

    @Test
    void customFunctionWithSavedTensors() {
        class Exp extends Function {
            protected Tensor[] forward(FunctionCtx ctx, Tensor... in) {
                Tensor r = in[0].exp();
                ctx.saveForBackward(r);
                return new Tensor[] {r};
            }

            protected Tensor[] backward(FunctionCtx ctx, Tensor... g) {
                return new Tensor[] {g[0].mul(ctx.savedTensors().get(0))};
            }
        }
        Tensor x = Tensor.from(new double[] {0.1, -0.4, 1.2}).requiresGrad_(true);
        assertTrue(GradCheck.gradcheck(in -> new Exp().apply(in[0]), x));
        Tensor y = new Exp().apply(x);
        y.sum().backward();
        Ref.assertClose(Ref.values(x.detach().exp()), x.grad(), 1e-12, 1e-12, "custom exp grad");
    }

    @Test
    void anomalyModeReportsNaNGradients() {
        try (var a = Autograd.detectAnomaly()) {
            Tensor x = leaf(0.0);
            Tensor y = x.sqrt().mul(0.0);
            // d/dx sqrt(x) at 0 is inf; times 0 gives nan in MulBackward0's input gradient to sqrt
            String msg = Ref.message(KindlingException.class, y::backward);
            assertTrue(msg.startsWith("Function '") && msg.contains("returned nan values in its 0th output."), msg);
        }
        assertFalse(Autograd.isAnomalyEnabled());
    }

    @Test
    void nonLeafGradAccessIsNullWithoutRetainGrad() {
        Tensor x = leaf(1.0);
        Tensor y = x.mul(2);
        y.backward();
        assertNull(y.grad());
        assertNotNull(x.grad());
    }

    @Test
    void nextFunctionsAndNodeNames() {
        Tensor x = leaf(1, 2), w = leaf(3, 4);
        Tensor y = x.mul(w).sum();
        Node fn = y.gradFn();
        assertEquals("SumBackward0", fn.name());
        Node mul = fn.nextFunctions().get(0).node();
        assertEquals("MulBackward0", mul.name());
        assertEquals("torch::autograd::AccumulateGrad", mul.nextFunctions().get(0).node().name());
        assertEquals("SumBackward1", x.sum(0).gradFn().name());
        assertEquals("MmBackward0", Tensor.from(new double[] {1, 2, 3, 4}, 2, 2).requiresGrad_(true).mm(Torch.eye(2).to(DType.FLOAT64)).gradFn().name());
    }

    @Test
    void broadcastGradientsAreReducedToInputShape() {
        Tensor a = Tensor.from(new double[] {1, 2, 3}, 3, 1).requiresGrad_(true);
        Tensor b = Tensor.from(new double[] {10, 20}, 1, 2).requiresGrad_(true);
        a.mul(b).sum().backward();
        assertArrayEquals(new int[] {3, 1}, a.grad().shape());
        assertArrayEquals(new double[] {30, 30, 30}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {6, 6}, b.grad().toDoubleArray());
    }

    @Test
    void gradDtypeFollowsTheInput() {
        Tensor x = Tensor.from(new float[] {1, 2}).requiresGrad_(true);
        Tensor y = x.to(DType.FLOAT64).mul(Tensor.from(new double[] {0.5, 0.25}));
        y.sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new float[] {0.5f, 0.25f}, x.grad().toFloatArray());
    }

    @Test
    void growingGraphWarnsOnce() {
        Autograd.setGraphWarningThreshold(50);
        try {
            Tensor w = leaf(1.0);
            double plain = 0;
            for (int i = 0; i < 30; i++) plain += w.mul(2.0).sum().item();
            assertFalse(dev.kindling.autograd.GraphGrowth.hasWarned(), "summing item() keeps no history");
            Tensor total = Torch.zeros(1).to(DType.FLOAT64);
            for (int i = 0; i < 30; i++) total = total.add(w.mul(2.0).sum());
            assertTrue(dev.kindling.autograd.GraphGrowth.hasWarned(), "summing loss tensors grows one graph");
            assertEquals(plain, total.item());
        } finally {
            Autograd.setGraphWarningThreshold(dev.kindling.autograd.GraphGrowth.DEFAULT_THRESHOLD);
        }
    }

    @Test
    void mismatchedGradientShapeForBackward() {
        Tensor x = leaf(1, 2, 3);
        String msg = Ref.message(KindlingException.class, () -> x.mul(2).backward(Torch.ones(2).to(DType.FLOAT64)));
        assertEquals("Mismatch in shape: grad_output[0] has a shape of [2] and output[0] has a shape of [3].", msg);
    }

    @Test
    void inPlaceTernaryOpsComputeInPlaceAndRecordWhenNeeded() {
        Tensor p = Tensor.from(new double[] {1, 2, 3});
        Tensor a = Tensor.from(new double[] {2, 2, 2}), b = Tensor.from(new double[] {0.5, 1, 4});
        Object storage = p.storage();
        p.addcmul_(a, b, 2.0).addcdiv_(a, b, 1.0).lerp_(Tensor.from(new double[] {0, 0, 0}), 0.5);
        assertSame(storage, p.storage());
        assertArrayEquals(new double[] {(1 + 2 + 4) / 2.0, (2 + 4 + 2) / 2.0, (3 + 16 + 0.5) / 2.0}, p.toDoubleArray(), 1e-12);
        assertEquals(3, p.version());
        p.maskedFill_(p.gt(4.0), -1.0).clamp_(0, 3.5);
        assertArrayEquals(new double[] {3.5, 3.5, 0}, p.toDoubleArray(), 1e-12);
        // recorded: the gradient flows through the in-place ops of a non-leaf
        assertTrue(GradCheck.gradcheck(in -> {
            Tensor y = in[0].clone();
            y.addcmul_(in[1], in[1], 0.5);
            y.lerp_(in[1], 0.25);
            y.maskedFill_(in[0].detach().lt(0.0), 0.0);
            return y;
        }, Tensor.from(new double[] {1, -2, 3}).requiresGrad_(true), Tensor.from(new double[] {0.5, 1, 2}).requiresGrad_(true)));
    }
}
