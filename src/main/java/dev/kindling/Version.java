package dev.kindling;

/**
 * A tensor's version counter: bumped by every in-place modification, shared by all views of one
 * storage (and by {@code detach()}), so that autograd can tell when a saved tensor was changed.
 */
final class Version {
    private int value;

    int get() { return value; }

    void bump() { value++; }
}
