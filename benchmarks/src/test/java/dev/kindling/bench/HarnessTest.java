package dev.kindling.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timing loop on sides whose cost is known: a busy wait of a fixed length. */
class HarnessTest {

    /** A side that spins for {@code nanos} per iteration and counts its iterations and preparations. */
    private static final class Spin implements Side {
        final long nanos;
        final boolean prepared;
        long runs, prepares;

        Spin(long nanos, boolean prepared) {
            this.nanos = nanos;
            this.prepared = prepared;
        }

        @Override public boolean hasPrepare() { return prepared; }

        @Override public void prepare() {
            prepares++;
            long end = System.nanoTime() + 4 * nanos; // costly, and must not be timed
            while (System.nanoTime() < end) Thread.onSpinWait();
        }

        @Override public void run() {
            runs++;
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() < end) Thread.onSpinWait();
        }

        @Override public List<Part> check() { return List.of(); }
    }

    @Test
    void timesEveryVariantAndOrdersThemByCost() {
        Spin fast = new Spin(50_000, false), slow = new Spin(400_000, false);
        List<String> applied = new ArrayList<>();
        List<Harness.Variant> vs = List.of(
                new Harness.Variant("a", "fast", 1, fast, () -> applied.add("fast")),
                new Harness.Variant("b", "slow", 1, slow, () -> applied.add("slow")));
        List<Harness.Stats> stats = Harness.alternate(vs, 400_000_000L);
        assertEquals(2, stats.size());
        Harness.Stats f = stats.get(0), s = stats.get(1);
        assertTrue(f.samples() >= Harness.MIN_ROUNDS_SLOW && s.samples() == f.samples(), "both variants get every round");
        assertTrue(f.median() >= 50_000 && s.median() >= 400_000, "a median is never below the work itself");
        assertTrue(s.median() > 2 * f.median(), "the slow side is slower: " + f.median() + " vs " + s.median());
        assertTrue(f.batch() > s.batch(), "cheaper iterations are timed in bigger batches");
        assertTrue(applied.contains("fast") && applied.contains("slow"), "each variant's thread setting is applied before it runs");
    }

    @Test
    void preparationIsNotTimed() {
        Spin side = new Spin(100_000, true);
        double perIteration = Harness.timeBatch(side, 20);
        assertEquals(20, side.prepares);
        assertEquals(20, side.runs);
        assertTrue(perIteration >= 100_000 && perIteration < 400_000, "preparation (4x the run) left out: " + perIteration);
    }

    @Test
    void quantilesInterpolate() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(2.5, Harness.quantile(sorted, 0.5));
        assertEquals(1.75, Harness.quantile(sorted, 0.25));
        assertEquals(4, Harness.quantile(new double[] {4}, 0.75));
    }
}
