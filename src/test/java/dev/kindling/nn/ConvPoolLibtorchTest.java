package dev.kindling.nn;

import static dev.kindling.nn.LibTorch.assertClose;
import static dev.kindling.nn.LibTorch.kt;
import static dev.kindling.nn.LibTorch.lt;
import static dev.kindling.nn.LibTorch.ltGrad;
import static dev.kindling.nn.LibTorch.opt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.ValuesIndices;
import dev.kindling.nn.functional.F;
import java.util.function.Function;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Convolution and pooling modules and their functional forms against libtorch: default
 * initialisation for the same seed, outputs and gradients for strides, padding (numbers,
 * "same" with an odd total, and the reflect/replicate/circular modes), dilation, groups,
 * transposed convolution with a requested output size, and the poolings.
 *
 * <p>Convolution references are computed by libtorch in float64: libtorch 2.10's float32
 * {@code conv_transpose2d} (also used for conv2d's input gradient) returns wrong values for a
 * batch of 2 after a call with a batch of 1 on the test machines, while float64 is right.
 */
class ConvPoolLibtorchTest extends LibtorchTestBase {
    @Override
    long seed() { return 31; }

    private static long[] l(int... v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i];
        return r;
    }

    /** Compares the output and the gradients of input and parameters of a module with a libtorch function of the same tensors. */
    private static void check(String what, Module m, Tensor x,
                              Function<org.bytedeco.pytorch.Tensor[], org.bytedeco.pytorch.Tensor> ref) {
        Tensor kx = x.clone().requiresGrad_(true);
        m.zeroGrad();
        Tensor y = m.forward(kx);
        Tensor w = m.getParameter("weight");
        Tensor b = m.namedParameters().get("bias");
        org.bytedeco.pytorch.Tensor lx = ltGrad(x.to(DType.FLOAT64)), lw = ltGrad(w.to(DType.FLOAT64));
        org.bytedeco.pytorch.Tensor lb = b == null ? null : ltGrad(b.to(DType.FLOAT64));
        org.bytedeco.pytorch.Tensor ly = ref.apply(new org.bytedeco.pytorch.Tensor[] {lx, lw, lb});
        assertClose(ly, y, 1e-4, 1e-5, what + " output");
        Tensor g = Torch.randnLike(y);
        y.mul(g).sum().backward();
        ly.mul(lt(g.to(DType.FLOAT64))).sum().backward();
        assertClose(lx.grad(), kx.grad(), 1e-4, 1e-5, what + " dx");
        assertClose(lw.grad(), w.grad(), 1e-4, 1e-4, what + " dW");
        if (b != null) assertClose(lb.grad(), b.grad(), 1e-4, 1e-4, what + " db");
    }

    @Test
    void conv2dInitialisationEqualsLibtorch() {
        for (int groups : new int[] {1, 2}) {
            torch.manual_seed(5);
            Conv2dOptions o = new Conv2dOptions(4, 6, new LongPointer(3L, 3L));
            o.groups().put(groups);
            Conv2dImpl ref = new Conv2dImpl(o);
            Torch.manualSeed(5);
            Conv2d conv = new Conv2d(4, 6, 3, 1, 0, 1, groups, true);
            assertArrayEquals(kt(ref.weight()).toFloatArray(), conv.weight().toFloatArray(), "weight, groups " + groups);
            assertArrayEquals(kt(ref.bias()).toFloatArray(), conv.bias().toFloatArray(), "bias, groups " + groups);
        }
    }

    @Test
    void conv2dMatchesLibtorch() {
        Tensor x = Torch.randn(2, 4, 9, 8);
        check("conv2d plain", new Conv2d(4, 6, 3), x, t -> torch.conv2d(t[0], t[1], opt(t[2]), l(1, 1), l(0, 0), l(1, 1), 1));
        check("conv2d s2 p1 d2 g2", new Conv2d(4, 6, 3, 2, 1, 2, 2, true), x,
                t -> torch.conv2d(t[0], t[1], opt(t[2]), l(2, 2), l(1, 1), l(2, 2), 2));
        check("conv2d rectangular, no bias", new Conv2d(4, 2, new int[] {2, 3}, new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 1},
                1, false, "zeros"), x, t -> torch.conv2d(t[0], t[1], opt(null), l(1, 2), l(0, 1), l(1, 1), 1));
        for (int k : new int[] {3, 4}) {
            check("conv2d same k" + k, new Conv2d(4, 3, new int[] {k, k}, new int[] {1, 1}, "same", new int[] {1, 1}, 1, true, "zeros"), x,
                    t -> torch.conv2d(t[0], t[1], opt(t[2]), l(1, 1), "same", l(1, 1), 1));
        }
        check("conv2d valid", new Conv2d(4, 3, new int[] {3, 3}, new int[] {2, 2}, "valid", new int[] {1, 1}, 1, true, "zeros"), x,
                t -> torch.conv2d(t[0], t[1], opt(t[2]), l(2, 2), "valid", l(1, 1), 1));
        for (String mode : new String[] {"reflect", "replicate", "circular"}) {
            check("conv2d " + mode, new Conv2d(4, 3, new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 1}, new int[] {1, 1}, 1, true, mode),
                    x, t -> torch.conv2d(torch.pad(t[0], l(1, 1, 2, 2), mode, new DoubleOptional()), t[1], opt(t[2]), l(1, 1), l(0, 0),
                            l(1, 1), 1));
        }
        check("conv2d same reflect even kernel", new Conv2d(4, 3, new int[] {2, 4}, new int[] {1, 1}, "same", new int[] {1, 1}, 1, true,
                "reflect"), x, t -> torch.conv2d(torch.pad(t[0], l(1, 2, 0, 1), "reflect", new DoubleOptional()), t[1], opt(t[2]), l(1, 1),
                        l(0, 0), l(1, 1), 1));
        check("conv2d unbatched", new Conv2d(4, 6, 3), Torch.randn(4, 7, 7),
                t -> torch.conv2d(t[0], t[1], opt(t[2]), l(1, 1), l(0, 0), l(1, 1), 1));
    }

    @Test
    void conv1dAndTransposedMatchLibtorch() {
        Tensor x = Torch.randn(3, 4, 11);
        check("conv1d", new Conv1d(4, 6, 3, 2, 1, 2, 2, true, "zeros"), x,
                t -> torch.conv1d(t[0], t[1], opt(t[2]), l(2), l(1), l(2), 2));
        check("conv1d same", new Conv1d(4, 5, 4, 1, "same", 1, 1, true, "zeros"), x,
                t -> torch.conv1d(t[0], t[1], opt(t[2]), l(1), "same", l(1), 1));
        check("conv1d circular", new Conv1d(4, 5, 3, 1, 1, 1, 1, false, "circular"), x,
                t -> torch.conv1d(torch.pad(t[0], l(1, 1), "circular", new DoubleOptional()), t[1], opt(null), l(1), l(0), l(1), 1));
        Tensor z = Torch.randn(2, 4, 5, 6);
        check("conv_transpose2d", new ConvTranspose2d(4, 6, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 0}, 2,
                true, new int[] {1, 1}), z, t -> torch.conv_transpose2d(t[0], t[1], opt(t[2]), l(2, 2), l(1, 1), l(1, 0), 2, 1, 1));
        ConvTranspose2d up = new ConvTranspose2d(4, 3, 3, 2, 1, 0);
        assertArrayEquals(new int[] {2, 3, 10, 12}, up.forward(z, 10, 12).shape());
        assertClose(torch.conv_transpose2d(lt(z.to(DType.FLOAT64)), lt(up.weight().to(DType.FLOAT64)),
                opt(lt(up.bias().to(DType.FLOAT64))), l(2, 2), l(1, 1), l(1, 1), 1, 1, 1),
                up.forward(z, 10, 12), 1e-4, 1e-5, "conv_transpose2d output_size");
        assertEquals("requested an output size of [12, 12], but valid sizes range from [9, 11] to [10, 12] (for an input of [5, 6])",
                assertThrows(dev.kindling.KindlingException.class, () -> up.forward(z, 12, 12)).getMessage());
    }

    @Test
    void poolingMatchesLibtorch() {
        Tensor x = Torch.randn(2, 3, 9, 10);
        Tensor kx = x.clone().requiresGrad_(true);
        MaxPool2d mp = new MaxPool2d(new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 2}, true);
        ValuesIndices vi = mp.forwardWithIndices(kx);
        org.bytedeco.pytorch.Tensor lx = ltGrad(x);
        T_TensorTensor_T ref = torch.max_pool2d_with_indices(lx, l(3, 2), l(2, 2), l(1, 1), l(1, 2), true);
        assertClose(ref.get0(), vi.values(), "max_pool2d");
        assertArrayEquals(kt(ref.get1()).toLongArray(), vi.indices().toLongArray(), "max_pool2d indices");
        assertClose(ref.get0(), mp.forward(x), "max_pool2d forward");
        vi.values().sum().backward();
        ref.get0().sum().backward();
        assertClose(lx.grad(), kx.grad(), "max_pool2d dx");

        Tensor ka = x.clone().requiresGrad_(true);
        AvgPool2d ap = new AvgPool2d(new int[] {3}, new int[] {2}, new int[] {1}, true, false, null);
        Tensor ya = ap.forward(ka);
        org.bytedeco.pytorch.Tensor la = ltGrad(x);
        org.bytedeco.pytorch.Tensor ra = torch.avg_pool2d(la, l(3, 3), l(2, 2), l(1, 1), true, false, new LongOptional());
        assertClose(ra, ya, "avg_pool2d");
        ya.sum().backward();
        ra.sum().backward();
        assertClose(la.grad(), ka.grad(), "avg_pool2d dx");
        assertClose(torch.avg_pool2d(lt(x), l(2, 2), l(2, 2), l(0, 0), false, true, new LongOptional(3)),
                F.avgPool2d(x, new int[] {2}, null, new int[] {0}, false, true, 3), "avg_pool2d divisor_override");

        assertClose(torch.adaptive_avg_pool2d(lt(x), 1, 1), new AdaptiveAvgPool2d(1, 1).forward(x), "adaptive_avg_pool2d 1");
        assertClose(torch.adaptive_avg_pool2d(lt(x), 4, 3), new AdaptiveAvgPool2d(4, 3).forward(x), "adaptive_avg_pool2d 4x3");
        assertClose(torch.adaptive_max_pool2d(lt(x), 4, 4).get0(), new AdaptiveMaxPool2d(4).forward(x), "adaptive_max_pool2d");
    }

    @Test
    void padModesMatchLibtorch() {
        Tensor x = Torch.randn(1, 2, 4, 5);
        Tensor x3 = Torch.randn(2, 3, 5);
        int[][] pads = {{1, 2}, {2, 1, 3, 0}, {0, 3, 1, 1}};
        for (int[] p : pads) {
            Tensor in = p.length == 2 ? x3 : x;
            for (String mode : new String[] {"constant", "reflect", "replicate", "circular"}) {
                boolean constant = "constant".equals(mode);
                org.bytedeco.pytorch.Tensor ref = torch.pad(lt(in), l(p), mode, constant ? new DoubleOptional(0.5) : new DoubleOptional());
                assertClose(ref, F.pad(in, p, mode, constant ? 0.5 : 0), "pad " + mode + " " + java.util.Arrays.toString(p));
            }
        }
        assertEquals("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now",
                assertThrows(dev.kindling.KindlingException.class, () -> F.pad(x, new int[] {1, 1}, "reflect", 0)).getMessage());
        assertEquals("Padding mode \"replicate\" doesn't take in value argument",
                assertThrows(IllegalArgumentException.class, () -> F.pad(x, new int[] {1, 1, 1, 1}, "replicate", 2)).getMessage());
        assertClose(torch.pad(lt(x), l(-1, 2, 0, -2), "constant", new DoubleOptional(0.0)), F.pad(x, -1, 2, 0, -2), "negative pads crop");
        assertThrows(dev.kindling.KindlingException.class, () -> F.pad(x, new int[] {5, 5, 0, 0}, "reflect", 0));
    }
}
