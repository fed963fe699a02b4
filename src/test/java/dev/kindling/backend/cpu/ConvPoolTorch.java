package dev.kindling.backend.cpu;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch, the reference that {@link ConvTest} and {@link PoolTest} compare against: Java arrays
 * to and from libtorch tensors (always copies), and autograd's backward with a given gradient.
 * libtorch loads once per JVM, on first use (about four seconds).
 */
final class ConvPoolTorch {
    private ConvPoolTorch() {}

    static {
        torch.set_num_threads(1);  // the test machine's cores are shared
        // libtorch 2.10's oneDNN (mkldnn) float convolution returns a wrong input gradient on AMD
        // Zen 5 (AVX-512) CPUs, e.g. for a plain 3x3 convolution of a [2, 2, 4, 5] input; its native
        // convolution, used without oneDNN, agrees with a naive loop. Tests compare against that.
        torch.globalContext().setUserEnabledMkldnn(false);
    }

    static Tensor tensor(float[] data, long... shape) {
        return torch.from_blob(new FloatPointer(data), shape, new TensorOptions(torch.ScalarType.Float)).clone();
    }

    static Tensor tensor(double[] data, long... shape) {
        return torch.from_blob(new DoublePointer(data), shape, new TensorOptions(torch.ScalarType.Double)).clone();
    }

    /** A leaf tensor that records gradients. */
    static Tensor leaf(float[] data, long... shape) { return tensor(data, shape).set_requires_grad(true); }

    static Tensor leaf(double[] data, long... shape) { return tensor(data, shape).set_requires_grad(true); }

    static float[] floats(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    static double[] doubles(Tensor t) {
        Tensor c = t.contiguous();
        double[] out = new double[(int) c.numel()];
        c.data_ptr_double().get(out);
        return out;
    }

    static long[] longs(Tensor t) {
        Tensor c = t.contiguous();
        long[] out = new long[(int) c.numel()];
        c.data_ptr_long().get(out);
        return out;
    }

    static long[] shape(Tensor t) { return t.sizes().vec().get(); }

    /** Runs autograd from {@code y} with upstream gradient {@code grad}. */
    static void backward(Tensor y, Tensor grad) {
        y.backward(grad, new BoolOptional(), false, new TensorArrayRefOptional());
    }
}
