package dev.kindling.models;

import dev.kindling.nn.Flatten;
import dev.kindling.nn.Linear;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;

/**
 * A multi-layer perceptron: {@code new MLP(784, 512, 512, 10)} is Flatten, then Linear layers
 * between consecutive sizes with ReLU between them (none after the last). Parameter names are a
 * Sequential's: {@code 1.weight}, {@code 1.bias}, {@code 3.weight}...
 */
public final class MLP extends Sequential {
    public MLP(int... sizes) {
        if (sizes.length < 2) throw new IllegalArgumentException("MLP needs at least an input and an output size, got " + sizes.length);
        append(new Flatten());
        for (int i = 0; i + 1 < sizes.length; i++) {
            append(new Linear(sizes[i], sizes[i + 1]));
            if (i + 2 < sizes.length) append(new ReLU());
        }
    }
}
