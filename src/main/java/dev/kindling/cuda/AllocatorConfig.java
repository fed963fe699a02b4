package dev.kindling.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The tunable policy of a {@link CachingAllocator}, read from the environment variable
 * {@code KINDLING_CUDA_ALLOC_CONF} in the syntax of PyTorch's {@code PYTORCH_CUDA_ALLOC_CONF}:
 * comma-separated {@code key:value} options, spaces ignored. For example
 * {@code max_split_size_mb:128,garbage_collection_threshold:0.6,roundup_power2_divisions:[256:1,512:2,>:4]}.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code max_split_size_mb} (at least 20): blocks of this size or more are never split, and a
 *       cached block that large serves only requests of at least this size that fall short of the
 *       block by less than 20 MiB. Unlimited by default.
 *   <li>{@code garbage_collection_threshold} (strictly between 0 and 1): when the memory reserved from
 *       the device exceeds this fraction of the device's capacity, cached unsplit segments are
 *       released, least recently freed first, before a new segment is asked of the device. Off by
 *       default.
 *   <li>{@code roundup_power2_divisions}: requests are rounded up to one of N equal steps between two
 *       powers of two, instead of to 512 bytes, so that slightly different sizes share cached blocks.
 *       Either one N for all sizes ({@code roundup_power2_divisions:4}) or a list of size bounds in MiB
 *       ({@code [256:1,512:2,1024:4,>:8]}: 1 division below 256 MiB, 2 from 256 to 512 MiB, 4 from
 *       512 MiB to 1 GiB, 8 above). Bounds are increasing powers of two, N is 0 or a power of two;
 *       N of 0 or 1, and sizes past the last bound without a {@code >} entry, get no power-of-two
 *       rounding. Off by default.
 * </ul>
 * An unknown option or a malformed value is rejected with an {@link IllegalArgumentException} that
 * names the option. Instances are immutable.
 */
public final class AllocatorConfig {
    /** The environment variable {@link #fromEnvironment()} reads. */
    public static final String ENV_VAR = "KINDLING_CUDA_ALLOC_CONF";

    /** The smallest {@code max_split_size_mb}: one large-pool segment, 20 MiB. */
    static final long MIN_MAX_SPLIT_SIZE_MB = CachingAllocator.LARGE_BUFFER_BYTES / CachingAllocator.MIB;

    private static final String MAX_SPLIT_SIZE_MB = "max_split_size_mb";
    private static final String GC_THRESHOLD = "garbage_collection_threshold";
    private static final String ROUNDUP_POWER2_DIVISIONS = "roundup_power2_divisions";
    private static final List<String> OPTIONS = List.of(MAX_SPLIT_SIZE_MB, GC_THRESHOLD, ROUNDUP_POWER2_DIVISIONS);
    private static final Pattern UNSIGNED_INTEGER = Pattern.compile("[0-9]+");
    /** The most power-of-two divisions accepted: 2^30, far beyond any useful rounding. */
    private static final long MAX_DIVISIONS = 1L << 30;
    private static final int MAX_DIVISION_DIGITS = 10;
    private static final Pattern DECIMAL = Pattern.compile("([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private static final AllocatorConfig DEFAULTS =
            new AllocatorConfig(Long.MAX_VALUE, 0.0, new long[0], new int[0], 0);

    private final long maxSplitSize;
    private final double garbageCollectionThreshold;
    // roundup_power2_divisions: sizes below divisionBounds[i] (and not below an earlier bound) use
    // divisions[i]; sizes past the last bound use divisionsAbove.
    private final long[] divisionBounds;
    private final int[] divisions;
    private final int divisionsAbove;

    private AllocatorConfig(long maxSplitSize, double garbageCollectionThreshold, long[] divisionBounds,
                            int[] divisions, int divisionsAbove) {
        this.maxSplitSize = maxSplitSize;
        this.garbageCollectionThreshold = garbageCollectionThreshold;
        this.divisionBounds = divisionBounds;
        this.divisions = divisions;
        this.divisionsAbove = divisionsAbove;
    }

    /** The default policy: no split limit, no garbage collection threshold, 512-byte rounding. */
    public static AllocatorConfig defaults() { return DEFAULTS; }

    /** Parses {@code KINDLING_CUDA_ALLOC_CONF}; the defaults when it is unset or blank. */
    public static AllocatorConfig fromEnvironment() { return parse(System.getenv(ENV_VAR)); }

    /**
     * Parses a configuration string in {@code PYTORCH_CUDA_ALLOC_CONF} syntax; {@code null} or a blank
     * string gives the defaults.
     *
     * @throws IllegalArgumentException for an unknown option or a malformed value, naming the option
     */
    public static AllocatorConfig parse(String conf) {
        if (conf == null || conf.isBlank()) return DEFAULTS;
        return new Parser(conf).parse();
    }

    /** Blocks of this many bytes or more are never split; {@link Long#MAX_VALUE} when unlimited. */
    public long maxSplitSize() { return maxSplitSize; }

    /** The fraction of device capacity above which cached segments are released; 0 when off. */
    public double garbageCollectionThreshold() { return garbageCollectionThreshold; }

    /** The power-of-two divisions a request of {@code bytes} is rounded to; 0 or 1 for none. */
    public int roundupPower2Divisions(long bytes) {
        for (int i = 0; i < divisionBounds.length; i++) {
            if (bytes < divisionBounds[i]) return divisions[i];
        }
        return divisionsAbove;
    }

    /** The configuration in {@code KINDLING_CUDA_ALLOC_CONF} syntax, options that differ from defaults only. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (maxSplitSize != Long.MAX_VALUE) parts.add(MAX_SPLIT_SIZE_MB + ":" + maxSplitSize / CachingAllocator.MIB);
        if (garbageCollectionThreshold > 0) parts.add(GC_THRESHOLD + ":" + garbageCollectionThreshold);
        if (divisionBounds.length == 0 && divisionsAbove != 0) {
            parts.add(ROUNDUP_POWER2_DIVISIONS + ":" + divisionsAbove);
        } else if (divisionBounds.length > 0) {
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < divisionBounds.length; i++) {
                entries.add(divisionBounds[i] / CachingAllocator.MIB + ":" + divisions[i]);
            }
            if (divisionsAbove != 0) entries.add(">:" + divisionsAbove);
            parts.add(ROUNDUP_POWER2_DIVISIONS + ":[" + String.join(",", entries) + "]");
        }
        return String.join(",", parts);
    }

    /** A recursive-descent parser over PyTorch's tokens: words, and the separators , : [ ]. */
    private static final class Parser {
        private final String conf;
        private final List<String> tokens = new ArrayList<>();
        private int pos;

        private long maxSplitSize = Long.MAX_VALUE;
        private double gcThreshold = 0.0;
        private long[] bounds = new long[0];
        private int[] divisions = new int[0];
        private int divisionsAbove = 0;

        Parser(String conf) {
            this.conf = conf;
            StringBuilder word = new StringBuilder();
            for (int i = 0; i < conf.length(); i++) {
                char c = conf.charAt(i);
                if (c == ',' || c == ':' || c == '[' || c == ']') {
                    if (word.length() > 0) tokens.add(word.toString());
                    word.setLength(0);
                    tokens.add(String.valueOf(c));
                } else if (!Character.isWhitespace(c)) {
                    word.append(c);
                }
            }
            if (word.length() > 0) tokens.add(word.toString());
        }

        AllocatorConfig parse() {
            while (pos < tokens.size()) {
                String key = next("an option name");
                if (!OPTIONS.contains(key)) {
                    throw error("unknown option '" + key + "'; supported options are " + String.join(", ", OPTIONS));
                }
                expect(":", key);
                switch (key) {
                    case MAX_SPLIT_SIZE_MB: parseMaxSplitSize(); break;
                    case GC_THRESHOLD: parseGcThreshold(); break;
                    default: parseRoundupDivisions(); break;
                }
                if (pos < tokens.size()) expect(",", key);
            }
            return new AllocatorConfig(maxSplitSize, gcThreshold, bounds, divisions, divisionsAbove);
        }

        private void parseMaxSplitSize() {
            String value = value(MAX_SPLIT_SIZE_MB);
            if (!UNSIGNED_INTEGER.matcher(value).matches()) {
                throw error(MAX_SPLIT_SIZE_MB + " expects a whole number of MiB, got '" + value + "'");
            }
            long mib;
            try {
                mib = Long.parseLong(value);
            } catch (NumberFormatException tooLarge) {
                mib = Long.MAX_VALUE;
            }
            if (mib < MIN_MAX_SPLIT_SIZE_MB) {
                throw error(MAX_SPLIT_SIZE_MB + " must be at least " + MIN_MAX_SPLIT_SIZE_MB + " (MiB), got " + mib);
            }
            maxSplitSize = mib >= Long.MAX_VALUE / CachingAllocator.MIB ? Long.MAX_VALUE : mib * CachingAllocator.MIB;
        }

        private void parseGcThreshold() {
            String value = value(GC_THRESHOLD);
            double t = DECIMAL.matcher(value).matches() ? Double.parseDouble(value) : Double.NaN;
            if (!(t > 0.0 && t < 1.0)) {
                throw error(GC_THRESHOLD + " must be a number strictly between 0.0 and 1.0, got '" + value + "'");
            }
            gcThreshold = t;
        }

        private void parseRoundupDivisions() {
            if (!peek("[")) {
                int n = divisionCount(value(ROUNDUP_POWER2_DIVISIONS), false);
                bounds = new long[0];
                divisions = new int[0];
                divisionsAbove = n;
                return;
            }
            pos++;
            List<Long> newBounds = new ArrayList<>();
            List<Integer> newDivisions = new ArrayList<>();
            int above = 0;
            boolean sawAbove = false;
            while (true) {
                if (sawAbove) throw error(ROUNDUP_POWER2_DIVISIONS + ": the '>' entry must come last");
                String bound = next("a size bound in MiB or '>' in " + ROUNDUP_POWER2_DIVISIONS);
                expect(":", ROUNDUP_POWER2_DIVISIONS);
                int n = divisionCount(value(ROUNDUP_POWER2_DIVISIONS), true);
                if (bound.equals(">")) {
                    above = n;
                    sawAbove = true;
                } else {
                    long mib = powerOfTwoBound(bound);
                    if (!newBounds.isEmpty() && mib * CachingAllocator.MIB <= newBounds.get(newBounds.size() - 1)) {
                        throw error(ROUNDUP_POWER2_DIVISIONS + ": size bounds must increase, got " + mib + " after "
                                + newBounds.get(newBounds.size() - 1) / CachingAllocator.MIB);
                    }
                    newBounds.add(mib * CachingAllocator.MIB);
                    newDivisions.add(n);
                }
                String sep = next("',' or ']' in " + ROUNDUP_POWER2_DIVISIONS);
                if (sep.equals("]")) break;
                if (!sep.equals(",")) throw error(ROUNDUP_POWER2_DIVISIONS + ": expected ',' or ']', got '" + sep + "'");
            }
            bounds = newBounds.stream().mapToLong(Long::longValue).toArray();
            divisions = newDivisions.stream().mapToInt(Integer::intValue).toArray();
            divisionsAbove = above;
        }

        /** A bound of the list form: a power of two in MiB, small enough to be a byte count. */
        private long powerOfTwoBound(String bound) {
            long mib = -1;
            if (UNSIGNED_INTEGER.matcher(bound).matches()) {
                try {
                    mib = Long.parseLong(bound);
                } catch (NumberFormatException tooLarge) {
                    mib = -1;
                }
            }
            if (mib <= 0 || Long.bitCount(mib) != 1 || mib > Long.MAX_VALUE / CachingAllocator.MIB) {
                throw error(ROUNDUP_POWER2_DIVISIONS + ": a size bound must be a power of two in MiB or '>', got '"
                        + bound + "'");
            }
            return mib;
        }

        private int divisionCount(String value, boolean zeroAllowed) {
            long n = -1;
            if (UNSIGNED_INTEGER.matcher(value).matches() && value.length() <= MAX_DIVISION_DIGITS) n = Long.parseLong(value);
            boolean ok = n > 0 ? Long.bitCount(n) == 1 && n <= MAX_DIVISIONS : n == 0 && zeroAllowed;
            if (!ok) {
                throw error(ROUNDUP_POWER2_DIVISIONS + ": the number of divisions must be a power of two"
                        + (zeroAllowed ? " or 0" : "") + ", got '" + value + "'");
            }
            return (int) n;
        }

        /** The next token, which must be a value (a word, not a separator). */
        private String value(String key) {
            String v = next("a value for " + key);
            if (v.length() == 1 && ",:[]".contains(v)) throw error("expected a value for " + key + ", got '" + v + "'");
            return v;
        }

        private boolean peek(String token) { return pos < tokens.size() && tokens.get(pos).equals(token); }

        private String next(String what) {
            if (pos >= tokens.size()) throw error("expected " + what + " at the end");
            return tokens.get(pos++);
        }

        private void expect(String token, String key) {
            String got = next("'" + token + "' after " + key);
            if (!got.equals(token)) throw error("expected '" + token + "' after " + key + ", got '" + got + "'");
        }

        private IllegalArgumentException error(String problem) {
            return new IllegalArgumentException(ENV_VAR + " \"" + conf + "\": " + problem);
        }
    }
}
