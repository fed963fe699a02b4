package dev.kindling.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The cross-check must pass equal results and refuse a wrong one, whatever is wrong with it. */
class CheckTest {
    private static List<Side.Part> parts(double[]... values) {
        return java.util.stream.IntStream.range(0, values.length).mapToObj(i -> new Side.Part("p" + i, values[i])).toList();
    }

    @Test
    void equalValuesPass() {
        Check c = Check.compare(parts(new double[] {1, -2, 3}), parts(new double[] {1, -2, 3}), 0);
        assertTrue(c.ok());
        assertEquals(0, c.error());
    }

    @Test
    void errorIsRelativeToTheLargestReferenceMagnitudePerPart() {
        // part 0: off by 0.5 on a scale of 100 (5e-3); part 1: off by 1e-3 on a scale of 1 (1e-3)
        Check c = Check.compare(parts(new double[] {100.5, 1}, new double[] {1.001}), parts(new double[] {100, 1}, new double[] {1}), 1e-2);
        assertTrue(c.ok());
        assertEquals(5e-3, c.error(), 1e-12);
        assertEquals("p0", c.detail());
        Check strict = Check.compare(parts(new double[] {100.5, 1}, new double[] {1.001}), parts(new double[] {100, 1}, new double[] {1}), 1e-3);
        assertFalse(strict.ok(), "5e-3 exceeds 1e-3");
    }

    @Test
    void aSmallPartIsNotHiddenByALargeOne() {
        // relative to the first part's scale (1e6) the second part's error would vanish
        Check c = Check.compare(parts(new double[] {1e6}, new double[] {2e-3}), parts(new double[] {1e6}, new double[] {1e-3}), 1e-4);
        assertFalse(c.ok());
        assertEquals("p1", c.detail());
        assertEquals(1.0, c.error(), 1e-12);
    }

    @Test
    void nanOnOneSideOnlyFails() {
        assertFalse(Check.compare(parts(new double[] {Double.NaN}), parts(new double[] {1}), 1).ok());
        assertFalse(Check.compare(parts(new double[] {1}), parts(new double[] {Double.NaN}), 1).ok());
        assertTrue(Check.compare(parts(new double[] {Double.NaN, 2}), parts(new double[] {Double.NaN, 2}), 0).ok());
    }

    @Test
    void shapeMismatchesFail() {
        assertFalse(Check.compare(parts(new double[] {1, 2}), parts(new double[] {1}), 1).ok());
        assertFalse(Check.compare(parts(new double[] {1}), parts(new double[] {1}, new double[] {1}), 1).ok());
    }

    @Test
    void allZeroReferenceUsesAbsoluteError() {
        assertTrue(Check.compare(parts(new double[] {1e-6, 0}), parts(new double[] {0, 0}), 1e-5).ok());
        assertFalse(Check.compare(parts(new double[] {1e-4, 0}), parts(new double[] {0, 0}), 1e-5).ok());
    }
}
