package dev.kindling;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Views alias their base and share its version counter; Java arrays are shared or copied as documented. */
class ViewsAndInteropTest {

    @Test
    void everyViewOpAliasesTheStorage() {
        float[] data = new float[24];
        Tensor t = Tensor.from(data, 2, 3, 4);
        List<Tensor> views = List.of(t.view(6, 4), t.reshape(4, 6), t.permute(2, 0, 1), t.transpose(0, 2), t.select(1, 2),
                t.narrow(2, 1, 2), t.slice(2, 0, 4, 2), t.unsqueeze(1), t.view(2, 1, 12).squeeze(), t.flatten(),
                t.unflatten(2, 2, 2), t.select(0, 0).diagonal(), t.unfold(2, 2, 1), t.movedim(0, 2),
                t.chunk(2, 2).get(1), t.split(1, 0).get(1), t.unbind(1).get(0), t.select(0, 1).t(), t.narrow(0, 0, 1).expand(3, 3, 4));
        for (Tensor v : views) {
            assertSame(t.storage(), v.storage(), "a view shares its storage");
            assertTrue(v.isView());
        }
        int before = t.version();
        t.view(6, 4).fill_(7.0);
        assertEquals(before + 1, t.version(), "an in-place op on a view bumps the shared version counter");
        assertEquals(7f, data[23]);
        t.permute(2, 0, 1).select(0, 3).select(0, 1).select(0, 2).fill_(-1.0);
        assertEquals(-1f, data[1 * 12 + 2 * 4 + 3], "writes through a view land in the base");
    }

    @Test
    void viewStrides() {
        Tensor t = Torch.arange(24).view(2, 3, 4);
        assertArrayEquals(new int[] {12, 4, 1}, t.stride());
        Tensor p = t.permute(2, 0, 1);
        assertArrayEquals(new int[] {1, 12, 4}, p.stride());
        assertFalse(p.isContiguous());
        Tensor s = t.slice(2, 1, 4, 2);
        assertArrayEquals(new int[] {2, 3, 2}, s.shape());
        assertArrayEquals(new int[] {12, 4, 2}, s.stride());
        assertEquals(1, s.storageOffset());
        assertArrayEquals(new long[] {1, 3, 5, 7, 9, 11}, s.reshape(-1).narrow(0, 0, 6).toLongArray());
        Tensor e = Torch.arange(3).view(3, 1).expand(3, 4);
        assertArrayEquals(new int[] {1, 0}, e.stride());
        Tensor d = Torch.arange(9).view(3, 3).diagonal();
        assertArrayEquals(new long[] {0, 4, 8}, d.toLongArray());
        Tensor u = Torch.arange(6).unfold(0, 3, 2);
        assertArrayEquals(new int[] {2, 3}, u.shape());
        assertArrayEquals(new long[] {0, 1, 2, 2, 3, 4}, u.toLongArray());
    }

    @Test
    void viewErrorsUsePytorchWording() {
        Tensor t = Torch.arange(6).view(2, 3).t();
        String msg = Ref.message(KindlingException.class, () -> t.view(6));
        assertEquals("view size is not compatible with input tensor's size and stride (at least one dimension spans across "
                + "two contiguous subspaces). Use .reshape(...) instead.", msg);
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, t.reshape(6).toLongArray(), "reshape copies when it must");
        assertEquals("shape '[4, 2]' is invalid for input of size 6", Ref.message(KindlingException.class, () -> t.reshape(4, 2)));
        assertEquals("only one dimension can be inferred", Ref.message(KindlingException.class, () -> t.reshape(-1, -1)));
        assertEquals("Dimension out of range (expected to be in range of [-2, 1], but got 2)",
                Ref.message(KindlingException.class, () -> t.sum(2)));
        assertEquals("The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  "
                + "Target sizes: [2, 4].  Tensor sizes: [2, 3]", Ref.message(KindlingException.class, () -> Torch.ones(2, 3).expand(2, 4)));
        assertEquals("start (2) + length (2) exceeds dimension size (3).", Ref.message(KindlingException.class, () -> Torch.ones(3).narrow(0, 2, 2)));
        assertEquals("select(): index 3 out of range for tensor of size [3] at dimension 0",
                Ref.message(KindlingException.class, () -> Torch.ones(3).select(0, 3)));
    }

    @Test
    void fromWrapsWithoutCopyingBothWays() {
        float[] a = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.from(a, 2, 3);
        a[4] = 50;
        assertEquals(50.0, t.select(0, 1).select(0, 1).item(), "array writes show in the tensor");
        t.mul_(2.0);
        assertEquals(100f, a[4], "tensor writes show in the array");
        assertSame(a, t.asFloatArray());
        double[] d = {1, 2};
        assertSame(d, Tensor.from(d).asDoubleArray());
        long[] l = {1, 2};
        assertSame(l, Tensor.from(l).asLongArray());
        int[] i = {1, 2};
        assertSame(i, Tensor.from(i).asIntArray());
        boolean[] b = {true};
        assertSame(b, Tensor.from(b).asBooleanArray());
        assertEquals(DType.INT16, Tensor.from(new short[] {1}).dtype());
        assertEquals(DType.INT8, Tensor.from(new byte[] {1}).dtype());
        assertEquals(DType.UINT8, Tensor.fromUnsigned(new byte[] {(byte) 200}).dtype());
        assertEquals(200L, Tensor.fromUnsigned(new byte[] {(byte) 200}).longItem());
    }

    @Test
    void conversionsCopy() {
        int[] ints = {1, 2, 3};
        Tensor f = Tensor.from(ints).to(DType.FLOAT32);
        ints[0] = 100;
        assertEquals(1.0, f.select(0, 0).item(), "to(dtype) copies");
        float[] src = {1.5f, -2.5f};
        float[] copy = Tensor.from(src).toFloatArray();
        assertNotSame(src, copy);
        assertArrayEquals(src, copy);
        assertArrayEquals(new long[] {1, -2}, Tensor.from(src).toLongArray(), "floats truncate toward zero");
        Tensor nested = Torch.tensor(new float[][] {{1, 2}, {3, 4}});
        assertArrayEquals(new int[] {2, 2}, nested.shape());
        assertEquals(DType.INT64, Torch.tensor(new int[][] {{1}, {2}}).dtype());
        assertThrows(IllegalArgumentException.class, () -> Torch.tensor(new float[][] {{1, 2}, {3}}));
    }

    @Test
    void asArrayRefusesWithTheReason() {
        Tensor t = Torch.zeros(2, 3);
        assertTrue(Ref.message(KindlingException.class, () -> t.t().asFloatArray()).contains("not contiguous"));
        assertTrue(Ref.message(KindlingException.class, () -> t.narrow(0, 1, 1).asFloatArray()).contains("storage"));
        assertTrue(Ref.message(KindlingException.class, t::asDoubleArray).contains("dtype is torch.float32"));
        assertEquals("Tensor.from: shape [2, 2] has 4 elements but the array has 3",
                Ref.message(IllegalArgumentException.class, () -> Tensor.from(new float[3], 2, 2)));
    }

    @Test
    void nioBuffersShareContiguousRanges() {
        float[] a = {1, 2, 3, 4, 5, 6};
        Tensor row = Tensor.from(a, 2, 3).select(0, 1);
        FloatBuffer fb = row.asFloatBuffer();
        assertEquals(3, fb.remaining());
        assertEquals(4f, fb.get(0));
        fb.put(0, 40f);
        assertEquals(40f, a[3]);
    }

    @Test
    void refusedInPlaceOpLeavesTensorUnchanged() {
        Tensor t = Tensor.from(new long[] {1, 2, 3});
        assertEquals("result type Float can't be cast to the desired output type Long",
                Ref.message(KindlingException.class, () -> t.add_(1.5)));
        assertEquals("output with shape [3] doesn't match the broadcast shape [2, 3]",
                Ref.message(KindlingException.class, () -> t.add_(Torch.ones(new int[] {2, 3}, DType.INT64))));
        assertArrayEquals(new long[] {1, 2, 3}, t.toLongArray());
        assertEquals(0, t.version());
    }

    @Test
    void broadcastErrorNamesTheSizes() {
        assertEquals("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
                Ref.message(KindlingException.class, () -> Torch.ones(2, 3).add(Torch.ones(2, 4))));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
                Ref.message(KindlingException.class, () -> Torch.ones(2, 3).mm(Torch.ones(4, 5))));
    }

    @Test
    void printingMatchesPytorch() {
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)",
                Torch.tensor(new float[][] {{1, 2}, {3, 4}}).requiresGrad_(true).toString());
        assertEquals("tensor([0.5000, 1.2500], dtype=torch.float64)", Tensor.from(new double[] {0.5, 1.25}).toString());
        assertEquals("tensor(6., grad_fn=<SumBackward0>)", Torch.ones(2, 3).requiresGrad_(true).sum().toString());
        assertEquals("tensor([ True, False])", Tensor.from(new boolean[] {true, false}).toString());
        assertEquals("tensor([0, 1, 2])", Torch.arange(3).toString());
    }

    @Test
    void reproducibleRandomNumbers() {
        Torch.manualSeed(42);
        Tensor a = Torch.rand(5);
        assertArrayEquals(new float[] {0.88226926f, 0.91500396f, 0.38286376f, 0.95930564f, 0.3904482f}, a.toFloatArray());
        Torch.manualSeed(7);
        Tensor b = Torch.randn(3, 3);
        Torch.manualSeed(7);
        assertTrue(b.equal(Torch.randn(3, 3)));
        Generator g = new Generator().manualSeed(1);
        Tensor r1 = Torch.randint(0, 10, new int[] {20}, g);
        g.manualSeed(1);
        assertTrue(r1.equal(Torch.randint(0, 10, new int[] {20}, g)));
        long[] perm = Torch.randperm(50).toLongArray();
        java.util.Arrays.sort(perm);
        for (int i = 0; i < 50; i++) assertEquals(i, perm[i]);
    }
}
