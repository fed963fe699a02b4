package dev.kindling.autograd;

/** PyTorch's autograd error texts, with Kindling's (Java) names for the options they mention. */
final class Messages {
    private Messages() {}

    static final String BACKWARD_TWICE = "Trying to backward through the graph a second time (or directly access "
            + "saved tensors after they have already been freed). Saved intermediate values of the graph are freed "
            + "when you call backward() or Autograd.grad(). Specify retainGraph=true if you need to backward through "
            + "the graph a second time or if you need to access saved tensors after calling backward.";

    static String noGradFn(int i) {
        return "element " + i + " of tensors does not require grad and does not have a grad_fn";
    }

    static final String IMPLICIT_SCALAR = "grad can be implicitly created only for scalar outputs";

    static final String UNUSED = "One of the differentiated Tensors appears to not have been used in the graph. "
            + "Set allowUnused=true if this is the desired behavior.";

    static final String NOT_REQUIRING_GRAD_INPUT = "One of the differentiated Tensors does not require grad";
}
