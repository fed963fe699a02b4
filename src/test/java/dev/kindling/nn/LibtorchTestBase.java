package dev.kindling.nn;

import dev.kindling.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up the nn tests against libtorch share: libtorch loaded once per class, each test's
 * native tensors freed by a pointer scope, and Kindling's default generator seeded per test.
 */
abstract class LibtorchTestBase {
    private PointerScope scope;

    @BeforeAll
    static void loadLibtorch() { LibTorch.load(); }

    @BeforeEach
    void openScope() {
        scope = new PointerScope();
        Torch.manualSeed(seed());
    }

    @AfterEach
    void closeScope() { scope.close(); }

    /** The seed of Kindling's default generator at the start of each test. */
    abstract long seed();
}
