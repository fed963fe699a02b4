package dev.kindling;

import java.util.Locale;
import java.util.Objects;

/**
 * How tensors print: PyTorch's {@code torch.set_printoptions} settings, as an immutable value.
 *
 * <p>One set of options is current for the whole JVM, as {@code torch._tensor_str.PRINT_OPTS} is
 * for a Python process; {@code Tensor.toString()} reads it on every call. {@link #set} replaces it,
 * {@link #get} reads it, and {@link #use} changes it for the extent of a try-with-resources block
 * (PyTorch's {@code torch.printoptions} context manager). Reads and writes are atomic; a change
 * made while another thread prints applies to that thread's next tensor.
 *
 * <pre>{@code
 * PrintOptions.set(PrintOptions.get().withPrecision(2));    // tensor([1.12])
 * PrintOptions.set(PrintOptions.profile("full"));           // never summarise
 * try (var scope = PrintOptions.use(PrintOptions.DEFAULT.withSciMode(true))) {
 *     System.out.println(t);                                // tensor([1.0000e+02, 1.0000e-02])
 * }
 * PrintOptions.set(null, 5.0, null, null, null, null);      // torch.set_printoptions(threshold=5)
 * }</pre>
 */
public final class PrintOptions {
    /** Digits after the decimal point (or after the leading digit in scientific notation). */
    public static final int DEFAULT_PRECISION = 4;
    /** Tensors with more elements than this many print summarised, with {@code ...}. */
    public static final double DEFAULT_THRESHOLD = 1000;
    /** Items kept at the start and at the end of each summarised dimension. */
    public static final int DEFAULT_EDGEITEMS = 3;
    /** Characters per line before a row of elements or a suffix wraps. */
    public static final int DEFAULT_LINEWIDTH = 80;

    /** PyTorch's {@code profile="default"}: precision 4, threshold 1000, edgeitems 3, linewidth 80. */
    public static final PrintOptions DEFAULT =
            new PrintOptions(DEFAULT_PRECISION, DEFAULT_THRESHOLD, DEFAULT_EDGEITEMS, DEFAULT_LINEWIDTH, null);
    /** PyTorch's {@code profile="short"}: precision 2, threshold 1000, edgeitems 2, linewidth 80. */
    public static final PrintOptions SHORT = new PrintOptions(2, DEFAULT_THRESHOLD, 2, DEFAULT_LINEWIDTH, null);
    /** PyTorch's {@code profile="full"}: as the default, but never summarised (threshold infinity). */
    public static final PrintOptions FULL =
            new PrintOptions(DEFAULT_PRECISION, Double.POSITIVE_INFINITY, DEFAULT_EDGEITEMS, DEFAULT_LINEWIDTH, null);

    private static volatile PrintOptions current = DEFAULT;

    private final int precision;
    private final double threshold;
    private final int edgeitems;
    private final int linewidth;
    private final Boolean sciMode;

    private PrintOptions(int precision, double threshold, int edgeitems, int linewidth, Boolean sciMode) {
        if (precision < 0) {
            throw new IllegalArgumentException("set_printoptions: precision must be >= 0, got " + precision);
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("set_printoptions: threshold must be a number, got NaN");
        }
        if (edgeitems < 0) {
            throw new IllegalArgumentException("set_printoptions: edgeitems must be >= 0, got " + edgeitems);
        }
        if (linewidth < 0) {
            throw new IllegalArgumentException("set_printoptions: linewidth must be >= 0, got " + linewidth);
        }
        this.precision = precision;
        this.threshold = threshold;
        this.edgeitems = edgeitems;
        this.linewidth = linewidth;
        this.sciMode = sciMode;
    }

    /**
     * Options with every value given. {@code sciMode} is {@code true} (always scientific notation),
     * {@code false} (never) or {@code null} (chosen per tensor from its values, as PyTorch does).
     *
     * @throws IllegalArgumentException if precision, edgeitems or linewidth is negative, or
     *     threshold is NaN
     */
    public static PrintOptions of(int precision, double threshold, int edgeitems, int linewidth, Boolean sciMode) {
        return new PrintOptions(precision, threshold, edgeitems, linewidth, sciMode);
    }

    /**
     * One of PyTorch's named profiles: {@code "default"}, {@code "short"} or {@code "full"}.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static PrintOptions profile(String name) {
        Objects.requireNonNull(name, "profile");
        return switch (name) {
            case "default" -> DEFAULT;
            case "short" -> SHORT;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException(
                    "set_printoptions: profile must be one of 'default', 'short', 'full', got '" + name + "'");
        };
    }

    /** The options in force now. */
    public static PrintOptions get() { return current; }

    /** Makes {@code options} the options in force. */
    public static void set(PrintOptions options) {
        current = Objects.requireNonNull(options, "options");
    }

    /**
     * {@code torch.set_printoptions} with PyTorch's semantics: the profile (if given) is applied
     * first, then each non-null value overrides the current one. {@code sciMode} is always taken as
     * given, so leaving it null returns it to automatic, as in PyTorch.
     *
     * @throws IllegalArgumentException for an unknown profile or an invalid value
     */
    public static void set(Integer precision, Double threshold, Integer edgeitems, Integer linewidth,
                           String profile, Boolean sciMode) {
        PrintOptions base = profile != null ? profile(profile) : current;
        current = new PrintOptions(
                precision != null ? precision : base.precision,
                threshold != null ? threshold : base.threshold,
                edgeitems != null ? edgeitems : base.edgeitems,
                linewidth != null ? linewidth : base.linewidth,
                sciMode);
    }

    /**
     * Makes {@code options} the options in force until the returned scope is closed, which
     * restores the options that were in force before (PyTorch's {@code torch.printoptions}).
     */
    public static Scope use(PrintOptions options) {
        PrintOptions previous = current;
        set(options);
        return new Scope(previous);
    }

    /** Restores the previous print options when closed; see {@link #use}. */
    public static final class Scope implements AutoCloseable {
        private final PrintOptions previous;

        private Scope(PrintOptions previous) { this.previous = previous; }

        @Override
        public void close() { current = previous; }
    }

    /** Digits after the decimal point. */
    public int precision() { return precision; }

    /** Element count above which a tensor prints summarised; may be infinite. */
    public double threshold() { return threshold; }

    /** Items shown at each end of a summarised dimension. */
    public int edgeitems() { return edgeitems; }

    /** Characters per line. */
    public int linewidth() { return linewidth; }

    /** {@code true}/{@code false} to force scientific notation on or off; {@code null} for automatic. */
    public Boolean sciMode() { return sciMode; }

    public PrintOptions withPrecision(int value) {
        return new PrintOptions(value, threshold, edgeitems, linewidth, sciMode);
    }

    public PrintOptions withThreshold(double value) {
        return new PrintOptions(precision, value, edgeitems, linewidth, sciMode);
    }

    public PrintOptions withEdgeitems(int value) {
        return new PrintOptions(precision, threshold, value, linewidth, sciMode);
    }

    public PrintOptions withLinewidth(int value) {
        return new PrintOptions(precision, threshold, edgeitems, value, sciMode);
    }

    public PrintOptions withSciMode(Boolean value) {
        return new PrintOptions(precision, threshold, edgeitems, linewidth, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrintOptions p && p.precision == precision
                && Double.compare(p.threshold, threshold) == 0 && p.edgeitems == edgeitems
                && p.linewidth == linewidth && Objects.equals(p.sciMode, sciMode);
    }

    @Override
    public int hashCode() { return Objects.hash(precision, threshold, edgeitems, linewidth, sciMode); }

    /** As {@code torch.get_printoptions()} shows them, such as {@code {precision=4, threshold=1000, ...}}. */
    @Override
    public String toString() {
        String t = Double.isInfinite(threshold) ? (threshold > 0 ? "inf" : "-inf")
                : threshold == Math.rint(threshold) && Math.abs(threshold) < 1e15
                        ? Long.toString((long) threshold) : Double.toString(threshold);
        return String.format(Locale.ROOT, "{precision=%d, threshold=%s, edgeitems=%d, linewidth=%d, sciMode=%s}",
                precision, t, edgeitems, linewidth, sciMode);
    }
}
