package dev.kindling.autograd;

import dev.kindling.DType;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.backend.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the backward pass (PyTorch's {@code engine.cpp}), iteratively: no recursion, so a graph
 * of any depth works.
 *
 * <ol>
 *   <li>Walk the graph from the roots and count, for each node, the edges that lead into it.</li>
 *   <li>For {@link Autograd#grad}, mark the nodes that lie on a path to a requested input; only
 *       those run, and the inputs' gradients are captured instead of accumulated.</li>
 *   <li>Run ready nodes (all incoming gradients summed) in decreasing creation order, leaves'
 *       accumulators first: tensor hooks, then the node, then validation of what it returned
 *       (summed to each input's shape, cast to its dtype, device checked).</li>
 *   <li>Only when the whole pass succeeded: accumulate into leaves' {@code grad}, set retained
 *       grads, run post-accumulate hooks, and free saved tensors unless {@code retainGraph}.
 *       A pass that fails leaves every {@code grad} and the graph as they were.</li>
 * </ol>
 * Formulas run with grad mode equal to {@code createGraph}, so higher-order gradients record.
 *
 * <p><b>Stealing gradients.</b> A leaf without a {@code grad} takes the gradient tensor that
 * reaches it as its {@code grad} without copying, when nothing else can see that memory (PyTorch
 * checks the tensor's reference count; see {@link Ownership} for how the engine knows).
 */
public final class Engine {
    private Engine() {}

    private static final class GraphRoot extends Node {
        private final Tensor[] grads;

        GraphRoot(Edge[] roots, Tensor[] grads) {
            super(Long.MAX_VALUE, roots, new InputMeta[roots.length], 0);
            this.grads = grads;
        }

        @Override
        public String name() { return "GraphRoot"; }

        @Override
        protected Tensor[] apply(Tensor[] gradOutputs, boolean[] needsInputGrad) { return grads; }
    }

    /**
     * Runs backward from {@code roots} seeded with {@code rootGrads}. With {@code captures} non-null,
     * returns the gradient reaching each capture edge and accumulates into no leaf.
     */
    static Tensor[] execute(Edge[] roots, Tensor[] rootGrads, boolean keepGraph, boolean createGraph, Edge[] captures) {
        return execute(roots, rootGrads, keepGraph, createGraph, captures, true);
    }

    static Tensor[] execute(Edge[] roots, Tensor[] rootGrads, boolean keepGraph, boolean createGraph, Edge[] captures,
                            boolean allowUnused) {
        GraphRoot root = new GraphRoot(roots, rootGrads);
        Map<Node, int[]> deps = new IdentityHashMap<>();
        List<Node> all = discover(root, deps);

        Map<Node, boolean[]> capturePoints = null; // node -> captured slots
        Set<Node> reaches = null;
        if (captures != null) {
            capturePoints = new IdentityHashMap<>();
            for (Edge c : captures) {
                if (c == null) continue;
                capturePoints.computeIfAbsent(c.node(), n -> new boolean[Math.max(1, n.numOutputs())])[c.inputNr()] = true;
            }
            reaches = reachingCaptures(all, capturePoints.keySet());
        }

        Map<Node, Tensor[]> buffers = new IdentityHashMap<>();
        Ownership owned = new Ownership();
        for (Tensor g : rootGrads) owned.foreign(g);
        PriorityQueue<Node> ready = new PriorityQueue<>((a, b) -> Long.compare(b.sequenceNr, a.sequenceNr));
        Tensor[] captured = captures == null ? null : new Tensor[captures.length];
        List<Runnable> commits = new ArrayList<>();
        List<Node> executed = new ArrayList<>();
        List<AccumulateGrad> accumulated = new ArrayList<>();

        try (var mode = GradMode.scope(createGraph)) {
            ready.add(root);
            while (!ready.isEmpty()) {
                Node node = ready.poll();
                Tensor[] grads = node == root ? new Tensor[0] : buffers.remove(node);
                if (grads == null) grads = new Tensor[node.numOutputs()];
                Tensor[] hooked = node.runTensorHooks(grads);
                if (hooked != grads || node.hasTensorHooks()) {
                    for (Tensor g : grads) owned.foreign(g);
                    for (Tensor g : hooked) owned.foreign(g);
                }
                grads = hooked;
                queueRetainGrad(node, grads, createGraph, commits);

                if (captures != null) {
                    boolean[] slots = capturePoints.get(node);
                    if (slots != null) {
                        for (int i = 0; i < captures.length; i++) {
                            Edge c = captures[i];
                            if (c != null && c.node() == node) {
                                captured[i] = grads[c.inputNr()];
                                owned.foreign(captured[i]);
                            }
                        }
                    }
                }
                boolean run = node == root || (captures == null ? true : shouldRun(node, reaches, capturePoints));
                if (!run) continue;

                if (node instanceof AccumulateGrad acc) {
                    if (grads[0] != null) {
                        Tensor g = grads[0];
                        commits.add(() -> acc.accumulate(g, createGraph, !createGraph && owned.soleOwner(g)));
                        accumulated.add(acc);
                    }
                    continue;
                }
                boolean trusted = node instanceof OpNode || node == root;
                for (Tensor g : grads) {
                    owned.release(g);
                    if (!trusted) owned.foreign(g);
                }

                boolean[] needs = new boolean[node.nextEdges.length];
                for (int i = 0; i < needs.length; i++) {
                    Edge e = node.nextEdges[i];
                    needs[i] = e != null && (captures == null || reaches.contains(e.node()) || capturePoints.containsKey(e.node()));
                }
                Tensor[] out = callNode(node, grads, needs);
                executed.add(node);
                validate(node, out);
                if (!trusted) for (Tensor g : out) owned.foreign(g);

                for (int i = 0; i < node.nextEdges.length; i++) {
                    Edge e = node.nextEdges[i];
                    if (e == null) continue;
                    Tensor g = i < out.length && needs[i] ? out[i] : null;
                    if (g != null) {
                        Tensor[] buf = buffers.computeIfAbsent(e.node(), n -> new Tensor[Math.max(1, n.numOutputs())]);
                        Tensor prev = buf[e.inputNr()];
                        Tensor sum = prev == null ? g : prev.add(g);
                        if (prev != null) owned.release(prev);
                        owned.hold(sum);
                        buf[e.inputNr()] = sum;
                    }
                    int[] d = deps.get(e.node());
                    if (--d[0] == 0) {
                        buffers.computeIfAbsent(e.node(), n -> new Tensor[Math.max(1, n.numOutputs())]);
                        ready.add(e.node());
                    }
                }
            }
        }

        if (captures != null && !allowUnused) {
            for (Tensor c : captured) if (c == null) throw new KindlingException(Messages.UNUSED);
        }
        // the pass succeeded: now change state
        try (var mode = GradMode.scope(createGraph)) {
            for (Runnable r : commits) r.run();
        }
        for (AccumulateGrad acc : accumulated) {
            for (Consumer<Tensor> h : acc.postHooks()) h.accept(acc.variable());
        }
        if (!keepGraph) {
            for (Node n : executed) n.releaseVariables();
        }
        return captured;
    }

    /**
     * Which gradient memory one backward pass may hand to a leaf without a copy. Counts, per
     * storage, the gradients that sit in input buffers or wait to be accumulated ({@link #hold}
     * when one is buffered, {@link #release} when a node consumes it), and marks as foreign the
     * storages that code outside the derivatives table has seen: gradients passed in by the caller,
     * passed to or returned by a custom function, or passed through a tensor hook (any of which
     * may keep a reference). When the pass is over, a gradient whose storage is not foreign and is
     * held exactly once belongs to its leaf alone: the formulas of the derivatives table run
     * without grad mode and keep no reference to what they consume or return.
     */
    private static final class Ownership {
        private final Map<Storage, int[]> held = new IdentityHashMap<>();
        private final Set<Storage> foreign = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

        void hold(Tensor g) {
            held.computeIfAbsent(g.storage(), k -> new int[1])[0]++;
        }

        void release(Tensor g) {
            if (g == null) return;
            int[] n = held.get(g.storage());
            if (n != null) n[0]--;
        }

        void foreign(Tensor g) {
            if (g != null) foreign.add(g.storage());
        }

        /** Whether g is a whole, dense storage that nothing but its one pending use can reach. */
        boolean soleOwner(Tensor g) {
            Storage s = g.storage();
            int[] n = held.get(s);
            return n != null && n[0] == 1 && !foreign.contains(s) && !g.requiresGrad() && g.storageOffset() == 0
                    && g.isContiguous() && s.size() == g.numel();
        }
    }

    private static Tensor[] callNode(Node node, Tensor[] grads, boolean[] needs) {
        try {
            Tensor[] out = node.apply(grads, needs);
            return out == null ? new Tensor[0] : out;
        } catch (RuntimeException e) {
            if (node.creationTrace != null) {
                org.slf4j.LoggerFactory.getLogger(Engine.class).error(
                        "Error detected in {}. Traceback of forward call that caused the error:", node.name(), node.creationTrace);
                e.addSuppressed(node.creationTrace);
            }
            throw e;
        }
    }

    /** Checks and conforms each returned gradient to its input's shape, dtype and device. */
    private static void validate(Node node, Tensor[] out) {
        if (out.length != node.nextEdges.length && !(node instanceof GraphRoot)) {
            throw new KindlingException("function " + node.name() + " returned an incorrect number of gradients (expected "
                    + node.nextEdges.length + ", got " + out.length + ")");
        }
        for (int i = 0; i < out.length; i++) {
            Tensor g = out[i];
            if (g == null || node.nextEdges[i] == null) continue;
            Node.InputMeta m = node.inputMeta[i];
            if (m == null) continue;
            if (!Arrays.equals(g.shape(), m.shape())) {
                if (!expandable(m.shape(), g.shape())) {
                    throw new KindlingException("Function " + node.name() + " returned an invalid gradient at index " + i
                            + " - got " + SavedTensor.shapeString(g.shape()) + " but expected shape compatible with "
                            + SavedTensor.shapeString(m.shape()));
                }
                g = g.sumToSize(m.shape());
            }
            if (!g.device().equals(m.device())) {
                throw new KindlingException("Function " + node.name() + " returned an invalid gradient at index " + i
                        + " - expected device " + m.device() + " but got " + g.device());
            }
            if (g.dtype() != m.dtype()) {
                if (!m.dtype().isFloatingPoint()) {
                    throw new KindlingException("Function " + node.name() + " returned an invalid gradient at index " + i
                            + " - expected a floating point gradient for input of type " + m.dtype());
                }
                g = g.to(m.dtype());
            }
            if (Anomaly.isEnabled() && g.dtype().isFloatingPoint() && g.isnan().any().item() != 0) {
                throw new KindlingException("Function '" + node.name() + "' returned nan values in its " + i + "th output.");
            }
            out[i] = g;
        }
    }

    /** Whether a tensor of shape {@code target} can be broadcast to {@code shape}. */
    static boolean expandable(int[] target, int[] shape) {
        if (target.length > shape.length) return false;
        for (int i = 1; i <= target.length; i++) {
            int t = target[target.length - i], s = shape[shape.length - i];
            if (t != s && t != 1) return false;
        }
        return true;
    }

    private static void queueRetainGrad(Node node, Tensor[] grads, boolean createGraph, List<Runnable> commits) {
        Tensor[] targets = node.retainGradTargets();
        if (targets == null) return;
        Internal.TensorAccess a = Internal.access();
        for (int s = 0; s < targets.length; s++) {
            Tensor t = targets[s];
            Tensor g = s < grads.length ? grads[s] : null;
            if (t == null || g == null) continue;
            Tensor copy = createGraph ? g.clone() : g.detach().clone();
            commits.add(() -> {
                Tensor old = a.rawGrad(t);
                a.setRawGrad(t, old == null ? copy : old.add(copy));
            });
        }
    }

    /** Iterative DFS: every node reachable from root, with its count of incoming edges. */
    private static List<Node> discover(Node root, Map<Node, int[]> deps) {
        List<Node> all = new ArrayList<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        deps.put(root, new int[1]);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            all.add(n);
            for (Edge e : n.nextEdges) {
                if (e == null) continue;
                int[] d = deps.get(e.node());
                if (d == null) {
                    deps.put(e.node(), new int[] {1});
                    stack.push(e.node());
                } else {
                    d[0]++;
                }
            }
        }
        return all;
    }

    /** The nodes from which some capture point is reachable (capture points included). */
    private static Set<Node> reachingCaptures(List<Node> all, Set<Node> targets) {
        // reverse topological order of discovery is not guaranteed; iterate to a fixed point with a
        // parent map instead: walk backwards from the targets over reversed edges
        Map<Node, List<Node>> parents = new IdentityHashMap<>();
        for (Node n : all) {
            for (Edge e : n.nextEdges) {
                if (e != null) parents.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(n);
            }
        }
        Set<Node> reach = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> stack = new ArrayDeque<>();
        for (Node t : targets) {
            if (parents.containsKey(t) && reach.add(t)) stack.push(t);
        }
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            for (Node p : parents.getOrDefault(n, List.of())) if (reach.add(p)) stack.push(p);
        }
        return reach;
    }

    private static boolean shouldRun(Node node, Set<Node> reaches, Map<Node, boolean[]> capturePoints) {
        if (node instanceof AccumulateGrad) return false;
        for (Edge e : node.nextEdges) {
            if (e != null && (reaches.contains(e.node()) || capturePoints.containsKey(e.node()))) return true;
        }
        return false;
    }

    /** Whether {@code node} was reached from the roots (for the unused-input check). */
    static boolean reachable(Edge[] roots, Node target) {
        ArrayDeque<Node> stack = new ArrayDeque<>();
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Edge r : roots) if (r != null && seen.add(r.node())) stack.push(r.node());
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (n == target) return true;
            for (Edge e : n.nextEdges) if (e != null && seen.add(e.node())) stack.push(e.node());
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------
    // public entry points
    // ---------------------------------------------------------------------------------------

    private static Tensor[] rootGrads(List<Tensor> outputs, List<Tensor> grads) {
        Tensor[] g = new Tensor[outputs.size()];
        for (int i = 0; i < g.length; i++) {
            Tensor out = outputs.get(i);
            Tensor given = grads == null ? null : grads.get(i);
            if (given == null) {
                if (out.numel() != 1) throw new KindlingException(Messages.IMPLICIT_SCALAR);
                try (var s = GradMode.scope(false)) {
                    g[i] = dev.kindling.Torch.onesLike(out);
                }
            } else {
                if (!Arrays.equals(given.shape(), out.shape())) {
                    throw new KindlingException("Mismatch in shape: grad_output[" + i + "] has a shape of "
                            + SavedTensor.shapeString(given.shape()) + " and output[" + i + "] has a shape of "
                            + SavedTensor.shapeString(out.shape()) + ".");
                }
                if (!given.device().equals(out.device())) {
                    throw new KindlingException("invalid gradient at index " + i + " - expected device " + out.device()
                            + " but got " + given.device());
                }
                g[i] = given;
            }
        }
        return g;
    }

    private static Edge[] rootEdges(List<Tensor> outputs) {
        Edge[] roots = new Edge[outputs.size()];
        for (int i = 0; i < roots.length; i++) {
            Tensor t = outputs.get(i);
            if (!t.requiresGrad()) throw new KindlingException(Messages.noGradFn(i));
            roots[i] = Graph.gradientEdge(t);
        }
        return roots;
    }

    /**
     * {@code torch.autograd.backward}: accumulates the gradients of {@code outputs} (seeded with
     * {@code grads}, or ones for scalars) into the leaves' {@code grad}.
     */
    public static void backward(List<Tensor> outputs, List<Tensor> grads, boolean retainGraph, boolean createGraph) {
        Edge[] roots = rootEdges(outputs);
        Tensor[] g = rootGrads(outputs, grads);
        execute(roots, g, retainGraph, createGraph, null);
    }

    /**
     * {@code torch.autograd.grad}: the gradients of {@code outputs} with respect to {@code inputs},
     * returned rather than accumulated. An input the outputs do not depend on gives null with
     * {@code allowUnused}, an error otherwise.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean retainGraph, boolean createGraph, boolean allowUnused) {
        Edge[] roots = rootEdges(outputs);
        Tensor[] g = rootGrads(outputs, gradOutputs);
        Edge[] captures = new Edge[inputs.size()];
        for (int i = 0; i < captures.length; i++) {
            Tensor t = inputs.get(i);
            if (!t.requiresGrad()) throw new KindlingException(Messages.NOT_REQUIRING_GRAD_INPUT);
            captures[i] = Graph.gradientEdge(t);
            if (!allowUnused && !reachable(roots, captures[i].node())) throw new KindlingException(Messages.UNUSED);
        }
        Tensor[] result = executeChecked(roots, g, retainGraph, createGraph, captures, allowUnused);
        return java.util.Collections.unmodifiableList(Arrays.asList(result));
    }

    private static Tensor[] executeChecked(Edge[] roots, Tensor[] g, boolean keep, boolean create, Edge[] captures,
                                           boolean allowUnused) {
        return execute(roots, g, keep, create, captures, allowUnused);
    }
}
