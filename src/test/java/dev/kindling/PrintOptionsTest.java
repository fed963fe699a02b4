package dev.kindling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link PrintOptions}: the profiles, and {@code torch.set_printoptions}' rules for changing them. */
class PrintOptionsTest {
    @AfterEach
    void restoreDefaults() {
        PrintOptions.set(PrintOptions.DEFAULT);
    }

    @Test
    void profilesHavePyTorchsValues() {
        PrintOptions d = PrintOptions.profile("default");
        assertEquals(4, d.precision());
        assertEquals(1000.0, d.threshold());
        assertEquals(3, d.edgeitems());
        assertEquals(80, d.linewidth());
        assertNull(d.sciMode());
        assertEquals(PrintOptions.of(2, 1000, 2, 80, null), PrintOptions.profile("short"));
        assertEquals(PrintOptions.of(4, Double.POSITIVE_INFINITY, 3, 80, null), PrintOptions.profile("full"));
        var e = assertThrows(IllegalArgumentException.class, () -> PrintOptions.profile("long"));
        assertEquals("set_printoptions: profile must be one of 'default', 'short', 'full', got 'long'", e.getMessage());
    }

    @Test
    void setAppliesProfileThenOverridesAndAlwaysResetsSciMode() {
        PrintOptions.set(null, null, null, null, null, true);
        assertEquals(Boolean.TRUE, PrintOptions.get().sciMode());
        // Like torch.set_printoptions(precision=2): sci_mode goes back to automatic.
        PrintOptions.set(2, null, null, null, null, null);
        assertEquals(PrintOptions.of(2, 1000, 3, 80, null), PrintOptions.get());
        PrintOptions.set(null, 5.0, null, 120, "short", false);
        assertEquals(PrintOptions.of(2, 5, 2, 120, false), PrintOptions.get());
        PrintOptions.set(null, null, null, null, "full", null);
        assertEquals(PrintOptions.FULL, PrintOptions.get());
    }

    @Test
    void setChangesHowTensorsPrint() {
        PrintOptions.set(null, 5.0, null, null, null, null);
        assertEquals("tensor([0, 1, 2,  ..., 7, 8, 9])",
                TensorFormatter.format(new int[] {10}, DType.INT64, i -> i, "cpu", false, null));
        PrintOptions.set(null, null, null, null, "default", null);
        assertEquals("tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])",
                TensorFormatter.format(new int[] {10}, DType.INT64, i -> i, "cpu", false, null));
    }

    @Test
    void scopeRestoresThePreviousOptions() {
        PrintOptions.set(PrintOptions.SHORT);
        try (var scope = PrintOptions.use(PrintOptions.DEFAULT.withSciMode(true))) {
            assertEquals(PrintOptions.DEFAULT.withSciMode(true), PrintOptions.get());
            assertEquals("tensor([1.0000e+02, 1.0000e-02])",
                    TensorFormatter.format(new int[] {2}, DType.FLOAT32, i -> i == 0 ? 100 : (float) 0.01, "cpu", false, null));
        }
        assertSame(PrintOptions.SHORT, PrintOptions.get());
    }

    @Test
    void withersChangeOneValue() {
        PrintOptions o = PrintOptions.DEFAULT.withPrecision(6).withThreshold(10).withEdgeitems(1).withLinewidth(100)
                .withSciMode(false);
        assertEquals(PrintOptions.of(6, 10, 1, 100, false), o);
        assertEquals("{precision=6, threshold=10, edgeitems=1, linewidth=100, sciMode=false}", o.toString());
        assertEquals("{precision=4, threshold=inf, edgeitems=3, linewidth=80, sciMode=null}", PrintOptions.FULL.toString());
        assertEquals(PrintOptions.DEFAULT, PrintOptions.of(4, 1000, 3, 80, null));
        assertEquals(PrintOptions.DEFAULT.hashCode(), PrintOptions.of(4, 1000, 3, 80, null).hashCode());
    }

    @Test
    void invalidValuesAreRejectedWithTheValue() {
        assertEquals("set_printoptions: precision must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> PrintOptions.DEFAULT.withPrecision(-1)).getMessage());
        assertEquals("set_printoptions: edgeitems must be >= 0, got -2", assertThrows(IllegalArgumentException.class,
                () -> PrintOptions.set(null, null, -2, null, null, null)).getMessage());
        assertEquals("set_printoptions: linewidth must be >= 0, got -80", assertThrows(IllegalArgumentException.class,
                () -> PrintOptions.DEFAULT.withLinewidth(-80)).getMessage());
        assertEquals("set_printoptions: threshold must be a number, got NaN", assertThrows(IllegalArgumentException.class,
                () -> PrintOptions.DEFAULT.withThreshold(Double.NaN)).getMessage());
        assertThrows(NullPointerException.class, () -> PrintOptions.set(null));
        assertEquals(PrintOptions.DEFAULT, PrintOptions.get(), "a rejected change leaves the options as they were");
    }
}
