package dev.kindling.nn.utils;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Sequential;
import dev.kindling.nn.Tanh;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gradient clipping against libtorch's {@code torch::nn::utils}; flattening against plain index arithmetic. */
class UtilsTest {
    private PointerScope scope;

    @BeforeAll
    static void load() { torch.manual_seed(0); }

    @BeforeEach
    void open() {
        scope = new PointerScope();
        Torch.manualSeed(77);
    }

    @AfterEach
    void close() { scope.close(); }

    private static org.bytedeco.pytorch.Tensor lt(Tensor t) {
        long[] shape = new long[t.dim()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.size(i);
        return torch.from_blob(new FloatPointer(t.detach().contiguous().toFloatArray()), shape, new TensorOptions(ScalarType.Float)).clone();
    }

    private static float[] floats(org.bytedeco.pytorch.Tensor t) {
        float[] r = new float[(int) t.numel()];
        t.contiguous().data_ptr_float().get(r);
        return r;
    }

    /** Kindling parameters with the given grads, and libtorch twins whose grads equal them. */
    private static TensorVector twins(List<Tensor> params, List<Tensor> grads) {
        TensorVector v = new TensorVector();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            org.bytedeco.pytorch.Tensor lp = lt(p);
            lp.set_requires_grad(true);
            if (grads.get(i) != null) {
                p.setGrad(grads.get(i).clone());
                lp.mul(lt(grads.get(i))).sum().backward();
            }
            v.push_back(lp);
        }
        return v;
    }

    @Test
    void clipGradNormMatchesLibtorch() {
        for (double normType : new double[] {2.0, 1.0, 3.0, Double.POSITIVE_INFINITY}) {
            for (double maxNorm : new double[] {0.5, 1000.0}) {
                List<Tensor> params = new ArrayList<>(), grads = new ArrayList<>();
                for (int[] shape : new int[][] {{3, 4}, {4}, {2, 2, 2}, {5}}) {
                    params.add(Torch.randn(shape).requiresGrad_(true));
                    grads.add(shape.length == 1 && shape[0] == 5 ? null : Torch.randn(shape).mul(2));
                }
                TensorVector lps = twins(params, grads);
                double expected = torch.clip_grad_norm_(lps, maxNorm, normType, false);
                Tensor total = Utils.clipGradNorm_(params, maxNorm, normType, false);
                String what = "p=" + normType + " max=" + maxNorm;
                assertEquals(expected, total.item(), 1e-5 * expected, what + " total norm");
                for (int i = 0; i < params.size(); i++) {
                    if (grads.get(i) == null) {
                        assertNull(params.get(i).grad());
                        continue;
                    }
                    float[] e = floats(lps.get(i).grad()), a = params.get(i).grad().toFloatArray();
                    for (int k = 0; k < e.length; k++) assertEquals(e[k], a[k], 1e-6, what + " grad " + i);
                }
            }
        }
        assertEquals(0.0, Utils.clipGradNorm_(List.of(Torch.zeros(2).requiresGrad_(true)), 1.0).item());
    }

    @Test
    void clipGradNormRefusesANonFiniteNormWhenAsked() {
        Tensor p = Torch.zeros(2).requiresGrad_(true);
        p.setGrad(Tensor.from(new float[] {Float.POSITIVE_INFINITY, 1f}));
        KindlingException e = assertThrows(KindlingException.class, () -> Utils.clipGradNorm_(List.of(p), 1.0, 2.0, true));
        assertTrue(e.getMessage().startsWith("The total norm of order 2.0 for gradients from `parameters` is non-finite"));
        assertEquals(Float.POSITIVE_INFINITY, p.grad().toFloatArray()[0], "unchanged");
    }

    @Test
    void clipGradValueMatchesLibtorch() {
        List<Tensor> params = List.of(Torch.randn(4, 3).requiresGrad_(true), Torch.randn(6).requiresGrad_(true));
        List<Tensor> grads = List.of(Torch.randn(4, 3).mul(3), Torch.randn(6).mul(3));
        TensorVector lps = twins(params, grads);
        torch.clip_grad_value_(lps, 0.75);
        Utils.clipGradValue_(params, 0.75);
        for (int i = 0; i < 2; i++) assertArrayEquals(floats(lps.get(i).grad()), params.get(i).grad().toFloatArray());
    }

    @Test
    void parametersToVectorAndBack() {
        Sequential net = new Sequential(new Linear(3, 2), new Tanh(), new Linear(2, 1));
        List<Tensor> params = net.parameters();
        Tensor vec = Utils.parametersToVector(params);
        assertEquals(6 + 2 + 2 + 1, vec.numel());
        List<Float> expected = new ArrayList<>();
        for (Tensor p : params) for (float f : p.toFloatArray()) expected.add(f);
        float[] v = vec.detach().toFloatArray();
        for (int i = 0; i < v.length; i++) assertEquals(expected.get(i), v[i]);
        assertTrue(vec.requiresGrad(), "differentiable");

        Tensor fresh = Torch.arange(0.0, 11.0, 1.0);
        Tensor w0 = params.get(0);
        Utils.vectorToParameters(fresh, params);
        assertSame(w0, net.parameters().get(0), "parameters keep their identity");
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, w0.toFloatArray());
        assertArrayEquals(new float[] {10}, params.get(3).toFloatArray());
        try (var g = Torch.noGrad()) {
            fresh.narrow(0, 6, 1).fill_(42.0);
        }
        assertEquals(42f, params.get(1).toFloatArray()[0], "the parameters view the vector");
        assertThrows(KindlingException.class, () -> Utils.vectorToParameters(Torch.zeros(5), params));
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, w0.toFloatArray(), "a wrong length changes nothing");
        assertEquals(DType.FLOAT32, w0.dtype());
    }
}
