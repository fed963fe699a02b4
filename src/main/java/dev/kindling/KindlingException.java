package dev.kindling;

/**
 * The exception for a caller's mistake: bad shapes, dtypes, devices, arguments or autograd use.
 * The message names the op and the facts involved, in PyTorch's wording where PyTorch has one.
 * A failed call leaves every tensor, module and optimizer as it was.
 */
public class KindlingException extends RuntimeException {
    public KindlingException(String message) { super(message); }

    public KindlingException(String message, Throwable cause) { super(message, cause); }
}
