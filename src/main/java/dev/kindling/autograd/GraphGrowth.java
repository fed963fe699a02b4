package dev.kindling.autograd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches for the memory trap of a graph that keeps growing across iterations, the classic cause
 * being {@code total = total.add(loss)} (which keeps every iteration's graph alive) instead of
 * {@code total += loss.item()}. When a new node can reach more than {@link #threshold()} nodes
 * (an upper bound, counted at creation), one SLF4J warning is logged for the life of the JVM.
 * The threshold is {@value #DEFAULT_THRESHOLD} nodes, or the system property
 * {@code kindling.graphWarnNodes}.
 */
public final class GraphGrowth {
    private GraphGrowth() {}

    private static final Logger LOG = LoggerFactory.getLogger(GraphGrowth.class);
    public static final long DEFAULT_THRESHOLD = 1_000_000;
    private static volatile long threshold = Long.getLong("kindling.graphWarnNodes", DEFAULT_THRESHOLD);
    private static volatile boolean warned;

    public static long threshold() { return threshold; }

    /** Sets the node count above which the warning is logged. */
    public static void setThreshold(long nodes) {
        threshold = nodes;
        warned = false;
    }

    /** Whether the warning was logged since the threshold was last set. */
    public static boolean hasWarned() { return warned; }

    static void check(long size) {
        if (size > threshold && !warned) {
            warned = true;
            LOG.warn("Kindling: an autograd graph has grown past {} nodes. This usually means history is kept "
                    + "alive across iterations, e.g. `total = total.add(loss)` instead of `total += loss.item()`, "
                    + "or a tensor that requires grad carried from one step to the next; use item() for running "
                    + "sums and detach() for carried state.", threshold);
        }
    }
}
