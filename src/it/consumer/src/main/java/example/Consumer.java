package example;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MSELoss;
import dev.kindling.nn.Module;
import dev.kindling.optim.SGD;

/** Fits a line with Kindling from outside the project; exits non-zero if it did not learn. */
public final class Consumer {
    public static void main(String[] args) {
        Torch.manualSeed(0);
        Tensor x = Torch.randn(64, 1);
        Tensor y = x.mul(2).add(1);
        Module model = new Linear(1, 1);
        var opt = new SGD(model.parameters(), 0.1);
        double loss = 0;
        for (int i = 0; i < 100; i++) {
            opt.zeroGrad();
            Tensor l = new MSELoss().forward(model.call(x), y);
            l.backward();
            opt.step();
            loss = l.item();
        }
        System.out.println("consumer: final loss " + loss);
        if (!(loss < 1e-3)) System.exit(1);
    }
}
