package dev.kindling;

import dev.kindling.autograd.Derivative;
import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Graph;
import dev.kindling.autograd.GradMode;
import dev.kindling.backend.Backend;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Strided;
import dev.kindling.backend.TernaryOp;
import dev.kindling.backend.UnaryOp;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The element-wise half of dispatch: for each op, check devices, pick the result dtype (type
 * promotion), broadcast, allocate the output, run the backend kernel, and record the op for
 * autograd. Also the in-place protocol shared by every {@code op_} method (see
 * {@link #commit}).
 *
 * <p><b>In-place ops and autograd.</b> When nothing requires grad (or grad mode is off) an
 * in-place op runs its kernel straight into the tensor's memory. When it must be recorded, it is
 * computed out of place and recorded as usual, then committed: a saved input that is the tensor
 * itself is replaced by a snapshot of its old value, the result is copied in, the version counter
 * is bumped, and the tensor takes over the result's {@code gradFn}. A view additionally rebases
 * its base's history on a {@code CopySlices} node (see {@link Views#rebaseHistory}). This is
 * PyTorch's behaviour for the common cases ({@code x.clone().narrow(...).mul_(2)},
 * {@code y.maskedFill_(mask, 0)}), at the cost of one temporary when recording.
 */
final class Ops {
    private Ops() {}

    static Backend backend(Tensor t) {
        return t.storage.backend();
    }

    /** A new uninitialised (zero on the CPU) tensor. */
    static Tensor empty(int[] shape, DType dtype, Device device) {
        return Torch.empty(shape, dtype, device);
    }

    /**
     * Checks that tensors share a device, allowing 0-dim CPU tensors beside CUDA ones (as
     * PyTorch treats them as scalars). Returns the device of the result.
     */
    /** The two-tensor case of {@link #device(Object, Tensor...)}, without an array. */
    static Device device(Object op, Tensor a, Tensor b) {
        Device da = a.device(), db = b.device();
        if (da.equals(db)) return da;
        return device(op, new Tensor[] {a, b});
    }

    /** {@code op} names the op in the error (an enum or a string; converted only on failure). */
    static Device device(Object op, Tensor... ts) {
        Device dev = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (dev == null) dev = t.device();
            else if (!dev.equals(t.device())) {
                if (t.dim() == 0 && t.device().isCpu()) continue;
                if (dev.isCpu()) {
                    boolean firstScalar = true;
                    for (Tensor u : ts) if (u != null && u.device().isCpu() && u.dim() != 0) firstScalar = false;
                    if (firstScalar) {
                        dev = t.device();
                        continue;
                    }
                }
                throw new KindlingException("Expected all tensors to be on the same device, but found at least two devices, "
                        + dev + " and " + t.device() + "! (when checking arguments for " + opName(op) + ")");
            }
        }
        return dev;
    }

    /** A tensor operand on the result's device (0-dim CPU tensors are moved beside CUDA ones). */
    private static Strided operand(Tensor t, Device dev) {
        if (!t.device().equals(dev)) return t.to(dev).strided();
        return t.strided();
    }

    // ---------------------------------------------------------------------------------------
    // unary
    // ---------------------------------------------------------------------------------------

    static DType unaryResult(UnaryOp op, DType in) {
        if (op.isPredicate()) return DType.BOOL;
        if (op.promotesIntToFloat() && !in.isFloatingPoint()) return Promotion.DEFAULT_FLOAT;
        return in;
    }

    private static void checkUnary(UnaryOp op, DType in) {
        if (op == UnaryOp.BITWISE_NOT && in.isFloatingPoint()) {
            throw new KindlingException("\"bitwise_not_cpu\" not implemented for '" + in.scalarName() + "'");
        }
        if (op == UnaryOp.NEG && in == DType.BOOL) {
            throw new KindlingException("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                    + "to invert a mask, use the `~` or `logicalNot()` operator instead.");
        }
    }

    static Tensor unary(UnaryOp op, Tensor x, Derivative d) {
        return unary(op, x, 0, 0, d);
    }

    static Tensor unary(UnaryOp op, Tensor x, double p1, double p2, Derivative d) {
        checkUnary(op, x.dtype());
        Tensor out = empty(x.shape, unaryResult(op, x.dtype()), x.device());
        backend(x).unary(op, x.strided(), out.strided(), p1, p2);
        if (d != null && Graph.isRecording(x)) Graph.record(d, out, x, p1, p2);
        return out;
    }

    static Tensor unaryInplace(UnaryOp op, Tensor self, double p1, double p2, Derivative d) {
        checkUnary(op, self.dtype());
        DType result = unaryResult(op, self.dtype());
        checkCast(result, self.dtype());
        if (d != null && Graph.isRecording(self)) return commit(self, unary(op, self, p1, p2, d));
        checkInplaceAllowed(self);
        backend(self).unary(op, self.strided(), self.strided(), p1, p2);
        self.version.bump();
        return self;
    }

    // ---------------------------------------------------------------------------------------
    // binary
    // ---------------------------------------------------------------------------------------

    private static String opName(Object op) {
        return op instanceof Enum<?> e ? e.name().toLowerCase(java.util.Locale.ROOT) : String.valueOf(op);
    }

    /** The result dtype of {@code op} given the operands' common dtype, with PyTorch's refusals. */
    static DType binaryResult(BinaryOp op, DType common, DType a, DType b) {
        if (op.isComparison()) return DType.BOOL;
        switch (op) {
            case SUB -> {
                if (a == DType.BOOL && b == DType.BOOL) {
                    throw new KindlingException("Subtraction, the `-` operator, with two bool tensors is not supported. "
                            + "Use the `^` or `logicalXor()` operator instead.");
                }
                if (a == DType.BOOL || b == DType.BOOL) {
                    throw new KindlingException("Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                            + "are trying to invert a mask, use the `~` or `logicalNot()` operator instead.");
                }
            }
            case DIV, ATAN2, HYPOT, XLOGY -> {
                return common.isFloatingPoint() ? common : Promotion.DEFAULT_FLOAT;
            }
            case BITWISE_AND, BITWISE_OR, BITWISE_XOR, LSHIFT, RSHIFT -> {
                if (common.isFloatingPoint()) {
                    throw new KindlingException("\"" + opName(op) + "_cpu\" not implemented for '" + common.scalarName() + "'");
                }
            }
            case COPYSIGN -> {
                return common.isFloatingPoint() ? common : Promotion.DEFAULT_FLOAT;
            }
            default -> { }
        }
        return common;
    }

    private static void checkAlpha(double alpha, DType common) {
        if (alpha != 1 && !common.isFloatingPoint() && alpha != Math.rint(alpha)) {
            throw new KindlingException("For integral input tensors, argument alpha must not be a floating point number.");
        }
    }

    private static void checkIntegerDivisor(BinaryOp op, DType common, Tensor b, Scalar s) {
        if (common.isFloatingPoint()) return;
        if (op != BinaryOp.DIV_TRUNC && op != BinaryOp.DIV_FLOOR && op != BinaryOp.REMAINDER && op != BinaryOp.FMOD) return;
        boolean zero = b == null ? s.valueAs(common) == 0 : b.eq(0L).any().item() != 0;
        if (zero) throw new KindlingException("ZeroDivisionError");
    }

    private static void checkIntegerPow(DType common, Tensor b, Scalar s) {
        if (common.isFloatingPoint()) return;
        boolean negative = b == null ? s.valueAs(common) < 0 : b.lt(0.0).any().item() != 0;
        if (negative) throw new KindlingException("Integers to negative integer powers are not allowed.");
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b, double alpha, Derivative d) {
        Device dev = device(op, a, b);
        DType common = Promotion.resultType(a, b);
        DType result = binaryResult(op, common, a.dtype(), b.dtype());
        checkAlpha(alpha, common);
        checkIntegerDivisor(op, common, b, null);
        if (op == BinaryOp.POW) checkIntegerPow(common, b, null);
        int[] shape = Shapes.broadcast(a.shape, b.shape);
        Tensor out = empty(shape, result, dev);
        Strided sa = operand(a, dev), sb = operand(b, dev);
        if (op.isComparison() && common.isFloatingPoint()) {
            // compare in the common dtype, as PyTorch does (an int64 beside a float32 is rounded first)
            if (!a.dtype().isFloatingPoint()) sa = a.to(common).to(dev).strided();
            if (!b.dtype().isFloatingPoint()) sb = b.to(common).to(dev).strided();
        }
        out.storage.backend().binary(op, sa, sb, out.strided(), alpha);
        if (d != null && Graph.isRecording(a, b)) Graph.record2(d, out, a, b, alpha);
        return out;
    }

    /** A Java number as a 0-dim CPU tensor of {@code dtype} (a constant operand of the graph). */
    static Tensor scalarTensor(Scalar s, DType dtype) {
        Tensor t = empty(Shapes.SCALAR, dtype, Device.CPU);
        t.storage.backend().copy(scalarOperand(s, dtype), t.strided());
        return t;
    }

    static Strided scalarOperand(Scalar s, DType dtype) {
        return dtype.isFloatingPoint() ? Strided.scalar(dtype, s.valueAs(dtype))
                : Strided.scalar(dtype, s.isIntegral() ? s.longValue() : (long) s.value());
    }

    /** A 0-dim tensor with {@code value}, of t's dtype when it can hold it (for where(cond, x, 0.)). */
    static Tensor scalarLike(double value, Tensor t) {
        DType dt = Promotion.resultType(t, Promotion.Kind.FLOAT);
        return scalarTensor(Scalar.of(value), dt);
    }

    static Tensor binary(BinaryOp op, Tensor a, Scalar s, double alpha, Derivative d) {
        DType common = Promotion.resultType(a, s.kind());
        DType result = binaryResult(op, common, a.dtype(), Promotion.ofKind(s.kind()));
        checkAlpha(alpha, common);
        checkIntegerDivisor(op, common, null, s);
        Tensor out = empty(a.shape, result, a.device());
        Strided sa = op.isComparison() && common.isFloatingPoint() && !a.dtype().isFloatingPoint() ? a.to(common).strided() : a.strided();
        out.storage.backend().binary(op, sa, scalarOperand(s, common), out.strided(), alpha);
        if (d != null && Graph.isRecording(a)) Graph.record2(d, out, a, scalarTensor(s, common), alpha);
        return out;
    }

    static Tensor binaryInplace(BinaryOp op, Tensor self, Tensor other, double alpha, Derivative d) {
        device(op, self, other);
        DType common = Promotion.resultType(self, other);
        DType result = binaryResult(op, common, self.dtype(), other.dtype());
        checkCast(result, self.dtype());
        int[] shape = Shapes.broadcast(self.shape, other.shape);
        if (!Arrays.equals(shape, self.shape)) {
            throw new KindlingException("output with shape " + Shapes.str(self.shape) + " doesn't match the broadcast shape "
                    + Shapes.str(shape));
        }
        checkAlpha(alpha, common);
        checkIntegerDivisor(op, common, other, null);
        if (d != null && Graph.isRecording(self, other)) {
            checkInplaceAllowed(self);
            return commit(self, binary(op, self, other, alpha, d));
        }
        checkInplaceAllowed(self);
        Strided so = other.device().equals(self.device()) ? other.strided() : other.to(self.device()).strided();
        backend(self).binary(op, self.strided(), so, self.strided(), alpha);
        self.version.bump();
        return self;
    }

    static Tensor binaryInplace(BinaryOp op, Tensor self, Scalar s, double alpha, Derivative d) {
        DType common = Promotion.resultType(self, s.kind());
        DType result = binaryResult(op, common, self.dtype(), Promotion.ofKind(s.kind()));
        checkCast(result, self.dtype());
        checkAlpha(alpha, common);
        checkIntegerDivisor(op, common, null, s);
        if (d != null && Graph.isRecording(self)) {
            checkInplaceAllowed(self);
            return commit(self, binary(op, self, s, alpha, d));
        }
        checkInplaceAllowed(self);
        backend(self).binary(op, self.strided(), scalarOperand(s, common), self.strided(), alpha);
        self.version.bump();
        return self;
    }

    static Tensor divMode(Tensor a, Tensor b, Scalar s, String mode) {
        if (mode == null) return b != null ? a.div(b) : a.div(s.value());
        BinaryOp op = switch (mode) {
            case "trunc" -> BinaryOp.DIV_TRUNC;
            case "floor" -> BinaryOp.DIV_FLOOR;
            default -> throw new KindlingException("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '"
                    + mode + "'");
        };
        Derivative d = op == BinaryOp.DIV_TRUNC ? Derivatives.DIV_TRUNC : Derivatives.DIV_FLOOR;
        return b != null ? binary(op, a, b, 1, d) : binary(op, a, s, 1, d);
    }

    static Tensor powScalar(Tensor a, Scalar e) {
        DType common = Promotion.resultType(a, e.kind());
        if (!common.isFloatingPoint() && e.valueAs(common) < 0) {
            throw new KindlingException("Integers to negative integer powers are not allowed.");
        }
        Tensor x = a.dtype() == common ? a : a.to(common);
        Tensor out = empty(a.shape, common, a.device());
        backend(a).unary(UnaryOp.POW_SCALAR, x.strided(), out.strided(), e.valueAs(common), 0);
        if (Graph.isRecording(a)) Graph.record(Derivatives.POW_SCALAR, out, a, e.value());
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // ternary and composites
    // ---------------------------------------------------------------------------------------

    static Tensor ternary(TernaryOp op, Tensor a, Tensor b, Tensor c, DType result, double p) {
        Device dev = device(op, a, b, c);
        int[] shape = Shapes.broadcast(a.shape, b.shape, c.shape);
        Tensor out = empty(shape, result, dev);
        out.storage.backend().ternary(op, operand(a, dev), operand(b, dev), operand(c, dev), out.strided(), p);
        return out;
    }

    static Tensor where(Tensor cond, Tensor x, Tensor y) {
        if (cond.dtype() != DType.BOOL && cond.dtype() != DType.UINT8) {
            throw new KindlingException("where expected condition to be a boolean tensor, but got a tensor with dtype "
                    + cond.dtype().scalarName());
        }
        DType result = Promotion.resultType(x, y);
        Tensor out = ternary(TernaryOp.WHERE, cond, x, y, result, 0);
        if (Graph.isRecording(x, y)) Graph.recordN(Derivatives.WHERE, out, new Tensor[] {null, x, y}, cond);
        return out;
    }

    static Tensor maskedFill(Tensor self, Tensor mask, Scalar value) {
        checkMask("masked_fill", mask);
        Shapes.broadcast(self.shape, mask.shape);
        DType dt = self.dtype(); // the value is cast to the tensor's dtype, as PyTorch does
        Tensor out = ternary(TernaryOp.WHERE, mask, scalarTensor(value, dt), self, dt, 0);
        if (!Arrays.equals(out.shape, self.shape)) {
            throw new KindlingException("masked_fill: the mask of shape " + Shapes.str(mask.shape)
                    + " cannot be broadcast to the tensor's shape " + Shapes.str(self.shape));
        }
        if (Graph.isRecording(self)) Graph.record(Derivatives.MASKED_FILL, out, self, mask);
        return out;
    }

    static Tensor maskedFill(Tensor self, Tensor mask, Tensor value) {
        checkMask("masked_fill", mask);
        if (value.dim() != 0) {
            throw new KindlingException("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                    + value.dim() + " dimension(s).");
        }
        Tensor out = ternary(TernaryOp.WHERE, mask, value.to(self.dtype()), self, self.dtype(), 0);
        if (Graph.isRecording(self, value)) Graph.record2(Derivatives.MASKED_FILL_TENSOR, out, self, value, mask);
        return out;
    }

    static void checkMask(String op, Tensor mask) {
        if (mask.dtype() != DType.BOOL) {
            throw new KindlingException(op + " only supports boolean masks, but got mask with dtype " + mask.dtype().scalarName());
        }
    }

    static Tensor clamp(Tensor x, double min, double max) {
        if (Double.isNaN(min) && Double.isNaN(max)) {
            throw new KindlingException("torch.clamp: At least one of 'min' or 'max' must not be None");
        }
        DType result = x.dtype();
        if (!x.dtype().isFloatingPoint() && ((!Double.isNaN(min) && min != Math.rint(min)) || (!Double.isNaN(max) && max != Math.rint(max)))) {
            result = Promotion.DEFAULT_FLOAT;
        }
        Tensor in = x.dtype() == result ? x : x.to(result);
        Tensor out = empty(x.shape, result, x.device());
        backend(x).unary(UnaryOp.CLAMP, in.strided(), out.strided(), min, max);
        if (Graph.isRecording(x)) Graph.record(Derivatives.CLAMP, out, x, min, max);
        return out;
    }

    static Tensor clampTensor(Tensor x, Tensor min, Tensor max) {
        if (min == null && max == null) {
            throw new KindlingException("torch.clamp: At least one of 'min' or 'max' must not be None");
        }
        DType result = Promotion.resultType(x, min, max);
        Tensor lo = min != null ? min : scalarTensor(Scalar.of(Double.NaN), result.isFloatingPoint() ? result : DType.FLOAT64);
        Tensor hi = max != null ? max : scalarTensor(Scalar.of(Double.NaN), result.isFloatingPoint() ? result : DType.FLOAT64);
        if (!result.isFloatingPoint()) {
            lo = min != null ? min : scalarTensor(Scalar.of(Long.MIN_VALUE), DType.INT64);
            hi = max != null ? max : scalarTensor(Scalar.of(Long.MAX_VALUE), DType.INT64);
        }
        Tensor out = ternary(TernaryOp.CLAMP, x, lo, hi, result, 0);
        if (Graph.isRecording(x, min, max)) Graph.recordN(Derivatives.CLAMP_TENSOR, out, new Tensor[] {x, min, max});
        return out;
    }

    static Tensor nanToNum(Tensor x, double nan, double posinf, double neginf) {
        if (!x.dtype().isFloatingPoint()) return x.clone();
        double big = x.dtype() == DType.FLOAT64 ? Double.MAX_VALUE : x.dtype() == DType.FLOAT16 ? 65504.0
                : x.dtype() == DType.BFLOAT16 ? 3.3895313892515355e38 : Float.MAX_VALUE;
        double pi = Double.isNaN(posinf) ? big : posinf;
        double ni = Double.isNaN(neginf) ? -big : neginf;
        Tensor out = x.where(x.isnan().logicalNot(), nan);
        try (var g = GradMode.scope(false)) {
            out = out.where(out.isposinf().logicalNot(), pi).where(out.isneginf().logicalNot(), ni);
        }
        Tensor res = empty(x.shape, x.dtype(), x.device());
        res.backendCopyFrom(out);
        if (Graph.isRecording(x)) Graph.record(Derivatives.NAN_TO_NUM, res, x);
        return res;
    }

    static Tensor lerp(Tensor start, Tensor end, Tensor weight, double w) {
        DType result = Promotion.resultType(start, end);
        if (!result.isFloatingPoint()) throw new KindlingException("\"lerp_kernel_scalar\" not implemented for '" + result.scalarName() + "'");
        Tensor wt = weight != null ? weight : scalarTensor(Scalar.of(w), result);
        Tensor out = ternary(TernaryOp.LERP, start, end, wt, result, 0);
        if (weight == null) {
            if (Graph.isRecording(start, end)) Graph.record2(Derivatives.LERP, out, start, end, w);
        } else if (Graph.isRecording(start, end, weight)) {
            Graph.recordN(Derivatives.LERP_TENSOR, out, new Tensor[] {start, end, weight});
        }
        return out;
    }

    static Tensor addcmul(Tensor self, Tensor t1, Tensor t2, double value) {
        DType result = Promotion.resultType(self, t1, t2);
        Tensor out = ternary(TernaryOp.ADDCMUL, self, t1, t2, result, value);
        if (Graph.isRecording(self, t1, t2)) Graph.recordN(Derivatives.ADDCMUL, out, new Tensor[] {self, t1, t2}, value);
        return out;
    }

    static Tensor addcdiv(Tensor self, Tensor t1, Tensor t2, double value) {
        DType result = Promotion.resultType(self, t1, t2);
        if (!result.isFloatingPoint()) {
            throw new KindlingException("Integer division with addcdiv is no longer supported, and in a future release "
                    + "addcdiv will perform a true division of tensor1 and tensor2.");
        }
        Tensor out = ternary(TernaryOp.ADDCDIV, self, t1, t2, result, value);
        if (Graph.isRecording(self, t1, t2)) Graph.recordN(Derivatives.ADDCDIV, out, new Tensor[] {self, t1, t2}, value);
        return out;
    }

    static Tensor isclose(Tensor a, Tensor b, double rtol, double atol, boolean equalNan) {
        if (a.dtype() != b.dtype()) {
            throw new KindlingException(a.dtype() + " did not match " + b.dtype());
        }
        try (var g = GradMode.scope(false)) {
            Tensor close = a.eq(b);
            if (equalNan) close = close.logicalOr(a.isnan().logicalAnd(b.isnan()));
            if (!a.dtype().isFloatingPoint()) return close;
            Tensor diff = a.sub(b).abs();
            Tensor tol = b.abs().mul(rtol).add(atol);
            return close.logicalOr(diff.le(tol).logicalAnd(a.isfinite()).logicalAnd(b.isfinite()));
        }
    }

    // ---------------------------------------------------------------------------------------
    // copies and fills
    // ---------------------------------------------------------------------------------------

    static Tensor cloneOp(Tensor x) {
        Tensor out = empty(x.shape, x.dtype(), x.device());
        out.backendCopyFrom(x);
        if (Graph.isRecording(x)) Graph.record(Derivatives.CLONE, out, x);
        return out;
    }

    static Tensor toCopy(Tensor x, DType dtype, Device device) {
        Tensor out = empty(x.shape, dtype, device);
        if (device.isCuda() || x.device().isCuda()) {
            (device.isCuda() ? out : x).storage.backend().copy(x.strided(), out.strided());
        } else {
            out.backendCopyFrom(x);
        }
        if (Graph.isRecording(x) && dtype.isFloatingPoint()) Graph.record(Derivatives.TO_COPY, out, x, x.device());
        return out;
    }

    static Tensor copyInplace(Tensor self, Tensor src) {
        int[] shape = Shapes.broadcast(self.shape, src.shape);
        if (!Arrays.equals(shape, self.shape)) {
            throw new KindlingException("output with shape " + Shapes.str(self.shape) + " doesn't match the broadcast shape "
                    + Shapes.str(shape));
        }
        if (Graph.isRecording(self, src)) {
            checkInplaceAllowed(self);
            Tensor r = empty(self.shape, self.dtype(), self.device());
            copyAcross(src, r);
            Graph.record2(Derivatives.COPY, r, self, src, src.device());
            return commit(self, r);
        }
        checkInplaceAllowed(self);
        copyAcross(src, self);
        self.version.bump();
        return self;
    }

    /** Copies between any devices and dtypes (the device side runs transfers). */
    static void copyAcross(Tensor src, Tensor dst) {
        if (src.device().isCuda() || dst.device().isCuda()) {
            (dst.device().isCuda() ? dst : src).storage.backend().copy(src.strided(), dst.strided());
        } else {
            dst.storage.backend().copy(src.strided(), dst.strided());
        }
    }

    static Tensor fill(Tensor self, Scalar value) {
        if (Graph.isRecording(self)) {
            checkInplaceAllowed(self);
            Tensor r = empty(self.shape, self.dtype(), self.device());
            r.storage.backend().copy(scalarOperand(value, self.dtype()), r.strided());
            Graph.record(Derivatives.FILL, r, self);
            return commit(self, r);
        }
        checkInplaceAllowed(self);
        backend(self).copy(scalarOperand(value, self.dtype()), self.strided());
        self.version.bump();
        return self;
    }

    // ---------------------------------------------------------------------------------------
    // the in-place protocol
    // ---------------------------------------------------------------------------------------

    static void checkCast(DType result, DType out) {
        if (!DType.canCast(result, out)) {
            throw new KindlingException("result type " + result.scalarName() + " can't be cast to the desired output type "
                    + out.scalarName());
        }
    }

    /** PyTorch's refusal to modify a leaf that requires grad (or a view of one) in grad mode. */
    static void checkInplaceAllowed(Tensor self) {
        if (!GradMode.isEnabled()) return;
        if (self.isLeaf() && self.requiresGrad() && self.base == null) {
            throw new KindlingException("a leaf Variable that requires grad is being used in an in-place operation.");
        }
        if (self.base != null && self.base.isLeaf() && self.base.requiresGrad()) {
            throw new KindlingException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
        }
    }

    /**
     * An in-place ternary op {@code self = op(a, b, c)} (self is one of the operands). Runs the
     * kernel straight into self unless it must be recorded, in which case {@code recorded} computes
     * the same op out of place and the in-place protocol commits it.
     */
    static Tensor ternaryInplace(TernaryOp op, Tensor self, Tensor a, Tensor b, Tensor c, double p,
                                 UnaryOperator<Tensor> recorded) {
        if (GradMode.isEnabled() && (a.requiresGrad() || b.requiresGrad() || c.requiresGrad())) return inplace(self, recorded);
        device(op, a, b, c);
        int[] shape = Shapes.broadcast(a.shape, b.shape, c.shape);
        if (!Arrays.equals(shape, self.shape)) {
            throw new KindlingException("output with shape " + Shapes.str(self.shape) + " doesn't match the broadcast shape "
                    + Shapes.str(shape));
        }
        DType result = op == TernaryOp.WHERE ? Promotion.resultType(b, c) : Promotion.resultType(a, b, c);
        checkCast(result, self.dtype());
        checkInplaceAllowed(self);
        backend(self).ternary(op, a.strided(), b.strided(), c.strided(), self.strided(), p);
        self.version.bump();
        return self;
    }

    /**
     * A general in-place op: {@code self = fn(self)} where fn is an out-of-place op with the same
     * result shape. Used by the {@code op_} methods that have no kernel of their own.
     */
    static Tensor inplace(Tensor self, UnaryOperator<Tensor> fn) {
        Tensor r;
        if (GradMode.isEnabled()) checkInplaceAllowed(self);
        r = fn.apply(self);
        if (!Arrays.equals(r.shape, self.shape)) {
            throw new KindlingException("output with shape " + Shapes.str(self.shape) + " doesn't match the broadcast shape "
                    + Shapes.str(r.shape));
        }
        checkCast(r.dtype(), self.dtype());
        if (r.requiresGrad()) return commit(self, r);
        checkInplaceAllowed(self);
        self.backendCopyFrom(r);
        self.version.bump();
        return self;
    }

    /**
     * Writes the recorded out-of-place result {@code r} into {@code self} and moves self onto r's
     * place in the graph (the in-place protocol described on this class).
     */
    static Tensor commit(Tensor self, Tensor r) {
        Graph.protectSaved(r, self, () -> Views.snapshot(self));
        try (var g = GradMode.scope(false)) {
            self.backendCopyFrom(r);
        }
        self.version.bump();
        if (self.base != null && self.base.requiresGrad() || self.base != null && r.requiresGrad()) {
            Views.rebaseHistory(self, r);
        } else {
            Views.adoptHistory(self, r);
        }
        return self;
    }
}
