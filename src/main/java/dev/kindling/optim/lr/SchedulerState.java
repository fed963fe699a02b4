package dev.kindling.optim.lr;

import dev.kindling.optim.PyFloat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The named fields of a scheduler's state dict: each scheduler registers its fields (PyTorch's
 * attribute names, such as {@code last_epoch}, {@code base_lrs}, {@code T_max}) with a getter, a
 * parser that checks and converts a loaded value, and a setter. {@link #save()} writes them in
 * registration order; {@link #prepareLoad} checks a whole loaded map and returns the action that
 * applies it, so a refused state dict changes nothing.
 */
final class SchedulerState {
    private record Field(Supplier<Object> getter, Function<Object, Object> parser, Consumer<Object> setter) {}

    private final String owner;
    private final LinkedHashMap<String, Field> fields = new LinkedHashMap<>();

    SchedulerState(String owner) { this.owner = owner; }

    /** A field whose saved form comes from {@code getter} and whose loaded form {@code parser} checks and converts. */
    @SuppressWarnings("unchecked")
    <T> void register(String key, Supplier<?> getter, Function<Object, T> parser, Consumer<T> setter) {
        fields.put(key, new Field((Supplier<Object>) getter, (Function<Object, Object>) parser, v -> setter.accept((T) v)));
    }

    void registerDouble(String key, Supplier<Double> getter, Consumer<Double> setter) {
        register(key, getter, v -> number(key, v), setter);
    }

    void registerInt(String key, Supplier<Integer> getter, Consumer<Integer> setter) {
        register(key, getter, v -> integer(key, v), setter);
    }

    void registerBoolean(String key, Supplier<Boolean> getter, Consumer<Boolean> setter) {
        register(key, getter, v -> {
            if (v instanceof Boolean b) return b;
            throw wrong(key, v, "a boolean");
        }, setter);
    }

    void registerString(String key, Supplier<String> getter, Consumer<String> setter) {
        register(key, getter, v -> {
            if (v instanceof String s) return s;
            throw wrong(key, v, "a string");
        }, setter);
    }

    /** A per-group list of numbers, stored as {@code List<Double>}; {@code size} null accepts any length. */
    void registerDoubles(String key, Supplier<double[]> getter, Supplier<Integer> size, Consumer<double[]> setter) {
        register(key, () -> toList(getter.get()), v -> doubles(key, v, size.get()), setter);
    }

    Map<String, Object> save() {
        LinkedHashMap<String, Object> sd = new LinkedHashMap<>();
        for (Map.Entry<String, Field> e : fields.entrySet()) sd.put(e.getKey(), e.getValue().getter.get());
        return sd;
    }

    /** Checks every entry of {@code sd}; returns what applies them. Unknown keys are refused. */
    Runnable prepareLoad(Map<String, ?> sd) {
        if (sd == null) throw new IllegalArgumentException(owner + ".loadStateDict: the state dict is null");
        List<Runnable> actions = new ArrayList<>();
        for (Map.Entry<String, ?> e : sd.entrySet()) {
            Field f = fields.get(e.getKey());
            if (f == null) {
                throw new IllegalArgumentException(owner + ".loadStateDict: unexpected key '" + e.getKey() + "' (a " + owner
                        + " state dict has " + fields.keySet() + ")");
            }
            Object parsed = f.parser.apply(e.getValue());
            actions.add(() -> f.setter.accept(parsed));
        }
        return () -> actions.forEach(Runnable::run);
    }

    // ---- parsers ----

    double number(String key, Object v) {
        if (v instanceof Number n && !(v instanceof Boolean)) return n.doubleValue();
        throw wrong(key, v, "a number");
    }

    int integer(String key, Object v) {
        if (v instanceof Number n && n.doubleValue() == n.intValue()) return n.intValue();
        throw wrong(key, v, "an integer");
    }

    double[] doubles(String key, Object v, Integer size) {
        if (!(v instanceof List<?> list)) throw wrong(key, v, "a list of numbers");
        if (size != null && list.size() != size) {
            throw new IllegalArgumentException(owner + ".loadStateDict: '" + key + "' has " + list.size() + " values for "
                    + size + " param groups");
        }
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) d[i] = number(key, list.get(i));
        return d;
    }

    IllegalArgumentException wrong(String key, Object v, String expected) {
        String got = v == null ? "null" : v.getClass().getSimpleName() + " " + PyFloat.str(v);
        return new IllegalArgumentException(owner + ".loadStateDict: '" + key + "' must be " + expected + ", got " + got);
    }

    static List<Double> toList(double[] d) {
        List<Double> l = new ArrayList<>(d.length);
        for (double x : d) l.add(x);
        return l;
    }
}
