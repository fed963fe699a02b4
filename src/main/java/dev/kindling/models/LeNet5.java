package dev.kindling.models;

import dev.kindling.Tensor;
import dev.kindling.nn.Conv2d;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MaxPool2d;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;

/**
 * LeNet-5 for 1×28×28 images (MNIST, Fashion-MNIST): two 5×5 convolutions (6 and 16 channels,
 * the first padded to keep 28×28), each followed by ReLU and 2×2 max pooling, then fully connected
 * layers of 120, 84 and {@code numClasses} units.
 */
public final class LeNet5 extends Module {
    public LeNet5() { this(10); }

    public LeNet5(int numClasses) {
        registerModule("conv1", new Conv2d(1, 6, 5, 1, 2));
        registerModule("conv2", new Conv2d(6, 16, 5));
        registerModule("pool", new MaxPool2d(2));
        registerModule("relu", new ReLU());
        registerModule("fc1", new Linear(16 * 5 * 5, 120));
        registerModule("fc2", new Linear(120, 84));
        registerModule("fc3", new Linear(84, numClasses));
    }

    @Override
    public Tensor forward(Tensor x) {
        Module relu = get("relu"), pool = get("pool");
        Tensor h = pool.call(relu.call(get("conv1").call(x)));
        h = pool.call(relu.call(get("conv2").call(h))).flatten(1, -1);
        h = relu.call(get("fc1").call(h));
        h = relu.call(get("fc2").call(h));
        return get("fc3").call(h);
    }
}
