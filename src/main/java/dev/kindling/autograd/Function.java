package dev.kindling.autograd;

import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;

/**
 * A custom differentiable op, as {@code torch.autograd.Function}: subclass it with a
 * {@code forward} (run without recording) and a {@code backward} (given the outputs' gradients,
 * return one gradient per input, or null), then call {@link #apply}.
 *
 * <pre>{@code
 * class Exp extends Function {
 *     protected Tensor[] forward(FunctionCtx ctx, Tensor... in) {
 *         Tensor r = in[0].exp();
 *         ctx.saveForBackward(r);
 *         return new Tensor[] {r};
 *     }
 *     protected Tensor[] backward(FunctionCtx ctx, Tensor... g) {
 *         return new Tensor[] {g[0].mul(ctx.savedTensors().get(0))};
 *     }
 * }
 * Tensor y = new Exp().apply(x);   // y.gradFn().name() is "ExpBackward"
 * }</pre>
 */
public abstract class Function {
    protected abstract Tensor[] forward(FunctionCtx ctx, Tensor... inputs);

    protected abstract Tensor[] backward(FunctionCtx ctx, Tensor... gradOutputs);

    /** The backward node's name: the class name followed by "Backward". */
    protected String backwardName() {
        return getClass().getSimpleName() + "Backward";
    }

    /** Runs the function and returns its first output. */
    public final Tensor apply(Tensor... inputs) {
        return applyAll(inputs)[0];
    }

    /** Runs the function and returns all its outputs. */
    public final Tensor[] applyAll(Tensor... inputs) {
        FunctionCtx ctx = new FunctionCtx();
        boolean record = Graph.isRecording(inputs);
        ctx.needsInputGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) ctx.needsInputGrad[i] = record && inputs[i] != null && inputs[i].requiresGrad();
        Tensor[] outputs;
        try (var g = GradMode.scope(false)) {
            outputs = forward(ctx, inputs);
        }
        if (outputs == null || outputs.length == 0) throw new KindlingException(backwardName() + ": forward returned no outputs");
        if (!record) return outputs;
        Internal.TensorAccess access = Internal.access();
        Edge[] edges = new Edge[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            edges[i] = ctx.needsInputGrad[i] ? access.gradientEdge(inputs[i]) : null;
        }
        Node.InputMeta[] meta = Node.metaOf(inputs);
        Node.InputMeta[] outMeta = Node.metaOf(outputs);
        FunctionNode node = new FunctionNode(this, ctx, edges, meta, outMeta);
        for (int i = 0; i < outputs.length; i++) {
            Tensor o = outputs[i];
            if (o == null || ctx.nonDifferentiable.contains(o) || !o.dtype().isFloatingPoint()) continue;
            boolean isInput = false;
            for (Tensor in : inputs) if (in == o) isInput = true;
            if (isInput && !ctx.dirty.contains(o)) {
                o = o.detach(); // an input returned as is becomes a new tensor with this node's history
                outputs[i] = o;
            }
            access.setHistory(o, node, i);
        }
        return outputs;
    }

    /** The backward node of one call. */
    private static final class FunctionNode extends Node {
        private final Function fn;
        private final FunctionCtx ctx;
        private final InputMeta[] outMeta;

        FunctionNode(Function fn, FunctionCtx ctx, Edge[] edges, InputMeta[] meta, InputMeta[] outMeta) {
            super(edges, meta, outMeta.length);
            this.fn = fn;
            this.ctx = ctx;
            this.outMeta = outMeta;
        }

        @Override
        public String name() { return fn.backwardName(); }

        @Override
        protected Tensor[] apply(Tensor[] gradOutputs, boolean[] needsInputGrad) {
            Tensor[] g = gradOutputs.clone();
            boolean any = false;
            for (int i = 0; i < g.length; i++) {
                if (g[i] == null && ctx.materializeGrads && outMeta[i] != null) {
                    g[i] = Torch.zeros(outMeta[i].shape(), outMeta[i].dtype(), outMeta[i].device());
                }
                any |= gradOutputs[i] != null;
            }
            if (!any) return new Tensor[nextEdges.length];
            boolean[] saved = ctx.needsInputGrad;
            ctx.needsInputGrad = needsInputGrad;
            try {
                Tensor[] r = fn.backward(ctx, g);
                if (r == null || r.length != nextEdges.length) {
                    throw new KindlingException("function " + name() + " returned an incorrect number of gradients (expected "
                            + nextEdges.length + ", got " + (r == null ? 0 : r.length) + ")");
                }
                return r;
            } finally {
                ctx.needsInputGrad = saved;
            }
        }

        @Override
        protected void releaseVariables() { ctx.release(); }
    }
}
