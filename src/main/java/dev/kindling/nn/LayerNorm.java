package dev.kindling.nn;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;

/**
 * Layer normalisation over the trailing dims {@code normalizedShape}, as
 * {@code torch.nn.LayerNorm}: weight ones and bias zeros of that shape when
 * {@code elementwiseAffine} (bias optional), eps 1e-5 by default.
 */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final boolean elementwiseAffine;

    public LayerNorm(int... normalizedShape) { this(normalizedShape, 1e-5, true, true); }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) { this(normalizedShape, eps, elementwiseAffine, true); }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: normalized_shape must not be empty");
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        registerParameter("weight", elementwiseAffine ? Torch.ones(normalizedShape) : null);
        registerParameter("bias", elementwiseAffine && bias ? Torch.zeros(normalizedShape) : null);
    }

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return param("bias"); }

    @Override
    public Tensor forward(Tensor input) { return F.layerNorm(input, normalizedShape, weight(), bias(), eps); }

    @Override
    protected String extraRepr() {
        return Repr.tuple(normalizedShape) + ", eps=" + Repr.pyFloat(eps) + ", elementwise_affine=" + Repr.pyBool(elementwiseAffine);
    }
}
