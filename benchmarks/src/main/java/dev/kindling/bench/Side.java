package dev.kindling.bench;

import dev.kindling.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;

/**
 * One implementation of a workload (Kindling's or libtorch's), built by a {@link Workload} from
 * inputs both sides share, and driven by the {@link Harness}.
 *
 * <p>The harness calls {@link #check()} once, first, from the side's initial state (so in-place
 * and training workloads compare one step from identical starts), then {@link #run()} many
 * times. A side with {@link #hasPrepare()} gets an untimed {@link #prepare()} before every timed
 * {@link #run()} (the forward pass of a backward-only workload, for instance).
 *
 * <p>libtorch sides extend {@link Libtorch}, which frees every native object an iteration creates
 * with a JavaCPP {@link PointerScope}, as a Java user of libtorch must.
 */
interface Side {

    /** Values one side computed, compared part by part with the other side's. */
    record Part(String name, double[] values) {}

    /** Whether {@link #prepare()} must run, untimed, before each {@link #run()}. */
    default boolean hasPrepare() { return false; }

    /** Untimed set-up for the next {@link #run()}. */
    default void prepare() {}

    /** One timed iteration. */
    void run();

    /** Runs the workload once from the initial state and returns the values to compare. */
    List<Part> check();

    /** Keeps results reachable so that the JIT cannot discard the work that produced them. */
    final class Sink {
        private Sink() {}

        static volatile Object last;
    }

    /** A Kindling side that evaluates {@code op} and compares the tensor it returns. */
    static Side kindling(Supplier<Tensor> op) {
        return new Side() {
            @Override public void run() { Sink.last = op.get(); }

            @Override public List<Part> check() { return List.of(new Part("result", values(op.get()))); }
        };
    }

    /** A libtorch side that evaluates {@code op} and compares the tensor it returns. */
    static Side libtorch(Supplier<org.bytedeco.pytorch.Tensor> op) {
        return new Libtorch() {
            @Override protected void body() { op.get(); }

            @Override protected List<Part> checkBody() { return List.of(new Part("result", Lt.values(op.get()))); }
        };
    }

    /** A Kindling tensor's values as doubles (row-major); detaches first. */
    static double[] values(Tensor t) {
        float[] f = t.detach().contiguous().toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Parts built from alternating names and Kindling tensors. */
    static List<Part> parts(Object... nameTensor) {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < nameTensor.length; i += 2) {
            Object t = nameTensor[i + 1];
            double[] v = t instanceof Tensor k ? values(k) : Lt.values((org.bytedeco.pytorch.Tensor) t);
            parts.add(new Part((String) nameTensor[i], v));
        }
        return parts;
    }

    /**
     * A libtorch side: each iteration runs inside a {@link PointerScope} that frees the tensors it
     * returned when the iteration ends. With {@link #hasPrepare()}, the scope opens in
     * {@link #prepare()} and closes at the end of {@link #run()}, so what the preparation built
     * (a forward graph) lives exactly through the timed part.
     */
    abstract class Libtorch implements Side {
        private PointerScope open;

        /** The untimed part of an iteration (only called when {@link #hasPrepare()}). */
        protected void prepareBody() {}

        /** The timed part of an iteration. */
        protected abstract void body();

        /** Computes the values to compare; runs inside a scope that closes after it returns. */
        protected abstract List<Part> checkBody();

        @Override public final void prepare() {
            open = new PointerScope();
            prepareBody();
        }

        @Override public final void run() {
            PointerScope scope = open != null ? open : new PointerScope();
            open = null;
            try {
                body();
            } finally {
                scope.close();
            }
        }

        @SuppressWarnings("try") // the scope frees what the check created
        @Override public final List<Part> check() {
            try (PointerScope scope = new PointerScope()) {
                if (hasPrepare()) prepareBody();
                return checkBody();
            }
        }
    }
}
