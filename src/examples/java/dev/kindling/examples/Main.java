package dev.kindling.examples;

import dev.kindling.Tensor;
import dev.kindling.Torch;

/**
 * The main job ({@code mvn -q compile exec:java}): fits y = 3x - 2 with plain autograd and a manual
 * SGD step, printing the loss and the learned parameters.
 */
public final class Main {
    public static void main(String[] args) {
        System.out.println("Kindling on the CPU with " + Torch.getNumThreads() + " threads");
        Torch.manualSeed(0);
        Tensor x = Torch.randn(256, 1);
        Tensor y = x.mul(3).sub(2).add(Torch.randn(256, 1).mul(0.1));
        Tensor w = Torch.zeros(1, 1).requiresGrad_(true);
        Tensor b = Torch.zeros(1).requiresGrad_(true);
        for (int step = 0; step <= 200; step++) {
            Tensor loss = x.matmul(w).add(b).sub(y).square().mean();
            w.setGrad(null);
            b.setGrad(null);
            loss.backward();
            try (var g = Torch.noGrad()) {
                w.sub_(w.grad().mul(0.1));
                b.sub_(b.grad().mul(0.1));
            }
            if (step % 50 == 0) System.out.printf("step %3d  loss %.5f%n", step, loss.item());
        }
        System.out.println("w = " + w + "\nb = " + b);
    }
}
