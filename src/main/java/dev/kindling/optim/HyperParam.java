package dev.kindling.optim;

import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;

/**
 * One hyper-parameter an optimizer understands: its key in param groups and state dicts
 * (PyTorch's snake_case name), its kind, its default, and the check PyTorch's constructor applies
 * to it, with PyTorch's message. Each optimizer declares a fixed list of these; {@link Optimizer}
 * uses it to normalise and validate defaults, fluent setters, {@code addParamGroup} options,
 * {@link ParamGroup#set} and loaded state dicts, so every entry point refuses the same values with
 * the same words.
 *
 * <p>Values are normalised to one Java type per kind: {@link Double} for numbers, {@link Boolean}
 * for flags, an immutable {@code List<Double>} of two for pairs such as {@code betas}.
 */
final class HyperParam {
    enum Kind { NUMBER, INTEGER, FLAG, PAIR, CHOICE }

    final String key;
    final Kind kind;
    final Object defaultValue;
    private final DoublePredicate valid;
    private final String[] messages;
    private List<String> allowed = List.of();

    private HyperParam(String key, Kind kind, Object defaultValue, DoublePredicate valid, String... messages) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.valid = valid;
        this.messages = messages;
    }

    /** A number; {@code valid} null accepts any value (PyTorch checks nothing, e.g. dampening). */
    static HyperParam number(String key, double defaultValue, DoublePredicate valid, String message) {
        return new HyperParam(key, Kind.NUMBER, defaultValue, valid, message);
    }

    /** A whole number of at least {@code min}, kept as {@link Integer} (LBFGS's max_iter, history_size). */
    static HyperParam integer(String key, int defaultValue, int min) {
        return new HyperParam(key, Kind.INTEGER, defaultValue, v -> v >= min, key + " must be an integer >= " + min + ", got ");
    }

    /** One of a few strings, or null for none (LBFGS's line_search_fn); {@code message} is the refusal. */
    static HyperParam choice(String key, String defaultValue, String message, String... allowed) {
        HyperParam h = new HyperParam(key, Kind.CHOICE, defaultValue, null, message);
        h.allowed = List.of(allowed);
        return h;
    }

    static HyperParam flag(String key, boolean defaultValue) {
        return new HyperParam(key, Kind.FLAG, defaultValue, null);
    }

    /** Adam-style {@code betas}: each in [0, 1), with PyTorch's per-index message. */
    static HyperParam betas(double beta1, double beta2) {
        return new HyperParam("betas", Kind.PAIR, List.of(beta1, beta2), b -> 0.0 <= b && b < 1.0,
                "Invalid beta parameter at index 0: ", "Invalid beta parameter at index 1: ");
    }

    // ---- the shared checks, with PyTorch's messages ----

    static HyperParam lr(double defaultValue) {
        return number("lr", defaultValue, v -> 0.0 <= v, "Invalid learning rate: ");
    }

    static HyperParam eps(double defaultValue) {
        return number("eps", defaultValue, v -> 0.0 <= v, "Invalid epsilon value: ");
    }

    static HyperParam weightDecay(double defaultValue) {
        return number("weight_decay", defaultValue, v -> 0.0 <= v, "Invalid weight_decay value: ");
    }

    static HyperParam nonNegative(String key, double defaultValue) {
        return number(key, defaultValue, v -> 0.0 <= v, "Invalid " + key + " value: ");
    }

    /**
     * The value in its normal form, or an {@link IllegalArgumentException} with PyTorch's message
     * when it is out of range, or naming the expected type when it has the wrong one.
     */
    Object normalize(String owner, Object value) {
        switch (kind) {
            case NUMBER -> {
                if (!(value instanceof Number n) || value instanceof Boolean) throw wrongType(owner, value, "a number");
                double v = n.doubleValue();
                if (valid != null && !valid.test(v)) throw new IllegalArgumentException(messages[0] + PyFloat.repr(v));
                return v;
            }
            case INTEGER -> {
                if (!(value instanceof Number n) || value instanceof Boolean || n.doubleValue() != n.intValue()) {
                    throw wrongType(owner, value, "an integer");
                }
                if (!valid.test(n.intValue())) throw new IllegalArgumentException(owner + ": " + messages[0] + n.intValue());
                return n.intValue();
            }
            case FLAG -> {
                if (!(value instanceof Boolean b)) throw wrongType(owner, value, "a boolean");
                return b;
            }
            case CHOICE -> {
                if (value == null) return null;
                if (!(value instanceof String str)) throw wrongType(owner, value, "a string or null");
                if (!allowed.contains(str)) throw new IllegalArgumentException(messages[0]);
                return str;
            }
            default -> {
                double[] pair = pair(value);
                if (pair == null) throw wrongType(owner, value, "a pair of numbers");
                for (int i = 0; i < 2; i++) {
                    if (!valid.test(pair[i])) throw new IllegalArgumentException(messages[i] + PyFloat.repr(pair[i]));
                }
                return List.of(pair[0], pair[1]);
            }
        }
    }

    private static double[] pair(Object value) {
        if (value instanceof double[] a && a.length == 2) return a.clone();
        if (value instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
            return new double[] {a.doubleValue(), b.doubleValue()};
        }
        return null;
    }

    private IllegalArgumentException wrongType(String owner, Object value, String expected) {
        String got = value == null ? "null" : value.getClass().getSimpleName() + " " + PyFloat.str(value);
        return new IllegalArgumentException(owner + ": hyper-parameter '" + key + "' must be " + expected + ", got " + got);
    }

    /** The camelCase spelling of the key ({@code weight_decay} → {@code weightDecay}). */
    String camelKey() {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : key.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() { return key + " (" + kind.name().toLowerCase(Locale.ROOT) + ")"; }
}
