package dev.kindling.autograd;

/** Returned by hook registrations; {@link #remove()} unregisters the hook (idempotent). */
@FunctionalInterface
public interface RemovableHandle {
    void remove();
}
