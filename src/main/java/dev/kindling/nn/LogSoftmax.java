package dev.kindling.nn;

import dev.kindling.Tensor;

/** log-softmax along {@code dim}, computed stably, as {@code torch.nn.LogSoftmax}. */
public class LogSoftmax extends Module {
    private final int dim;

    public LogSoftmax(int dim) { this.dim = dim; }

    @Override
    public Tensor forward(Tensor input) { return input.logSoftmax(dim); }

    @Override
    protected String extraRepr() { return "dim=" + dim; }
}
