package dev.kindling.cuda;

import dev.kindling.Tensor;
import dev.kindling.Torch;

/**
 * A CPU-only Kindling program, run in a child JVM by {@link CudaClassLoadingTest}: tensors,
 * autograd, views, matmul, convolution, pooling, printing, scopes and close.
 */
public final class CpuOnlyProgram {
    private CpuOnlyProgram() {}

    public static void main(String[] args) {
        Tensor w = Torch.randn(4, 3).requiresGrad_(true);
        Tensor x = Torch.randn(5, 4);
        try (var scope = Torch.scope()) {
            Tensor y = x.matmul(w).relu().sum();
            y.backward();
        }
        Tensor img = Torch.randn(1, 2, 6, 6);
        Tensor k = Torch.randn(3, 2, 3, 3);
        Tensor out = Torch.conv2d(img, k, null, new int[] {1}, new int[] {1}, new int[] {1}, 1);
        Tensor pooled = Torch.maxPool2d(out, new int[] {2}, null, new int[] {0}, new int[] {1}, false);
        String s = pooled.toString() + w.grad().t().contiguous().softmax(1);
        out.close();
        System.out.println("cpu-only-done " + (s.length() > 0));
    }
}
