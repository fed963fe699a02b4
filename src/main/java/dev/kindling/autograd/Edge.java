package dev.kindling.autograd;

/**
 * A link from a node to the node that receives the gradient of one of its inputs: PyTorch's
 * {@code (next_function, input_nr)} pair. {@code inputNr} is the slot of the receiving node's
 * gradient inputs (the forward output index it corresponds to).
 */
public record Edge(Node node, int inputNr) {
    @Override
    public String toString() {
        return "(" + (node == null ? "None" : "<" + node.name() + ">") + ", " + inputNr + ")";
    }
}
