package dev.kindling;

import dev.kindling.autograd.AccumulateGrad;
import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Edge;
import dev.kindling.autograd.Engine;
import dev.kindling.autograd.GradMode;
import dev.kindling.autograd.Internal;
import dev.kindling.autograd.Node;
import dev.kindling.autograd.RemovableHandle;
import dev.kindling.backend.BinaryOp;
import dev.kindling.backend.Storage;
import dev.kindling.backend.Strided;
import dev.kindling.backend.UnaryOp;
import dev.kindling.backend.cpu.CpuStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A multi-dimensional array with PyTorch's semantics and autograd: the public face of Kindling.
 *
 * <p>A tensor is a view of a {@link Storage} (an offset, sizes and strides over it, in elements),
 * with a dtype, a device, a version counter shared with every view of the same storage, and
 * autograd state: whether it requires grad, the {@link Node} that produced it ({@link #gradFn()}),
 * and, for a leaf, its accumulated {@link #grad()}. Tensors are created by {@link Torch}'s
 * factories, by wrapping Java arrays ({@link #from(float[], int...)}, zero-copy), or as the result
 * of an op. Ops never change their inputs, except the in-place ops whose names end in {@code _}.
 *
 * <p>Every op method checks its arguments first and throws {@link KindlingException} (or
 * {@link IllegalArgumentException}) naming the op, shapes, dtypes and devices, before touching
 * any state. Methods are grouped as PyTorch documents them: creation and interop, attributes,
 * autograd, element-wise math, comparison, reductions, shape and view ops, indexing, linear
 * algebra.
 *
 * <pre>{@code
 * Tensor x = Torch.ones(2, 2).requiresGrad_(true);
 * Tensor y = x.mul(3).add(1).sum();
 * y.backward();
 * x.grad();   // tensor([[3., 3.], [3., 3.]])
 * }</pre>
 */
public final class Tensor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tensor.class);
    private static volatile boolean warnedNonLeafGrad;

    // ---- data: package-private, read by the dispatch layer; changed only by setData_ ----
    Storage storage;
    int offset;
    int[] shape;
    int[] strides;
    Version version;

    // ---- autograd ----
    private boolean requiresGrad; // the leaf flag; non-leaves require grad through gradFn
    private Node gradFn;
    private int outputNr;
    private Tensor grad;
    private AccumulateGrad accumulator;
    private boolean retainsGrad;
    /** For a view: the tensor whose storage it views (never itself a view). */
    Tensor base;
    /** For a differentiable view: the version at which its gradFn was last derived. */
    private int viewVersion = -1;
    private boolean closed;
    /** For a tensor over device memory: drops its storage reference once (managed by {@link Scopes}). */
    Runnable memoryHandle;

    static {
        Internal.install(new Internal.TensorAccess() {
            @Override
            public void setHistory(Tensor t, Node fn, int nr) {
                t.setHistory(fn, nr);
            }

            @Override
            public AccumulateGrad gradAccumulator(Tensor leaf) {
                synchronized (leaf) {
                    if (leaf.accumulator == null) leaf.accumulator = AccumulateGrad.create(leaf);
                    return leaf.accumulator;
                }
            }

            @Override
            public Tensor rawGrad(Tensor t) { return t.grad; }

            @Override
            public void setRawGrad(Tensor t, Tensor g) { t.grad = g; }

            @Override
            public Edge gradientEdge(Tensor t) {
                Node fn = t.gradFn();
                if (fn != null) return new Edge(fn, t.outputNr);
                if (t.requiresGrad) return new Edge(gradAccumulator(t), 0);
                return null;
            }
        });
    }

    Tensor(Storage storage, int offset, int[] shape, int[] strides, Version version) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.version = version;
        Scopes.created(this);
    }

    /** A fresh contiguous tensor over {@code storage}. */
    Tensor(Storage storage, int[] shape) {
        this(storage, 0, shape, Shapes.contiguousStrides(shape), new Version());
    }

    /** Makes this tensor output {@code nr} of {@code fn} (null: a leaf again). */
    void setHistory(Node fn, int nr) {
        gradFn = fn;
        outputNr = nr;
        if (base != null) viewVersion = version.get();
    }

    /** The gradFn field as it is, without regenerating a stale view's history. */
    Node rawGradFn() { return gradFn; }

    /** This tensor's data as a kernel operand. */
    Strided strided() {
        checkOpen();
        return new Strided(storage, offset, shape, strides);
    }

    private void checkOpen() {
        if (closed || storage.isReleased()) {
            throw new KindlingException("this tensor was closed; its memory went back to the allocator");
        }
    }

    // =====================================================================================
    // Creation from Java arrays, and back
    // =====================================================================================

    private static Tensor wrap(DType dtype, Object array, int length, int[] shape) {
        int[] s = shape.length == 0 ? new int[] {length} : shape;
        long n = Shapes.numel(s);
        for (int d : s) if (d < 0) throw new IllegalArgumentException("Tensor.from: negative dimension in shape " + Shapes.str(s));
        if (n != length) {
            throw new IllegalArgumentException("Tensor.from: shape " + Shapes.str(s) + " has " + n
                    + " elements but the array has " + length);
        }
        return new Tensor(CpuStorage.wrap(dtype, array), s);
    }

    /**
     * Wraps {@code data} without copying, as {@code torch.from_numpy}: writes through the tensor show
     * in the array and the other way round. With no shape, the tensor is 1-D.
     *
     * <pre>{@code
     * float[] a = {1, 2, 3, 4, 5, 6};
     * Tensor m = Tensor.from(a, 2, 3);   // shares a
     * }</pre>
     */
    public static Tensor from(float[] data, int... shape) { return wrap(DType.FLOAT32, data, data.length, shape); }

    /** Wraps a {@code double[]} as a FLOAT64 tensor, without copying. */
    public static Tensor from(double[] data, int... shape) { return wrap(DType.FLOAT64, data, data.length, shape); }

    /** Wraps a {@code long[]} as an INT64 tensor, without copying. */
    public static Tensor from(long[] data, int... shape) { return wrap(DType.INT64, data, data.length, shape); }

    /** Wraps an {@code int[]} as an INT32 tensor, without copying. */
    public static Tensor from(int[] data, int... shape) { return wrap(DType.INT32, data, data.length, shape); }

    /** Wraps a {@code short[]} as an INT16 tensor, without copying. */
    public static Tensor from(short[] data, int... shape) { return wrap(DType.INT16, data, data.length, shape); }

    /** Wraps a {@code byte[]} as an INT8 tensor, without copying (use {@link #fromUnsigned} for UINT8). */
    public static Tensor from(byte[] data, int... shape) { return wrap(DType.INT8, data, data.length, shape); }

    /** Wraps a {@code byte[]} as a UINT8 tensor (values 0..255), without copying. */
    public static Tensor fromUnsigned(byte[] data, int... shape) { return wrap(DType.UINT8, data, data.length, shape); }

    /** Wraps a {@code boolean[]} as a BOOL tensor, without copying. */
    public static Tensor from(boolean[] data, int... shape) { return wrap(DType.BOOL, data, data.length, shape); }

    /**
     * Wraps raw bits as a FLOAT16 or BFLOAT16 tensor (or INT16), without copying.
     */
    public static Tensor fromBits(short[] bits, DType dtype, int... shape) {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16 && dtype != DType.INT16) {
            throw new IllegalArgumentException("Tensor.fromBits: expected FLOAT16, BFLOAT16 or INT16, got " + dtype);
        }
        return wrap(dtype, bits, bits.length, shape);
    }

    private Object shareableArray(DType expected, String method) {
        if (requiresGrad()) {
            throw new KindlingException("Can't call " + method + "() on Tensor that requires grad. Use tensor.detach()."
                    + method + "() instead.");
        }
        if (!device().isCpu()) {
            throw new KindlingException("can't convert " + device() + " device type tensor to a Java array. Use "
                    + "Tensor.cpu() to copy the tensor to host memory first.");
        }
        if (dtype() != expected) {
            throw new KindlingException(method + "(): the tensor's dtype is " + dtype() + ", not " + expected
                    + "; use to(" + "DType." + expected.name() + ") to convert (a copy)");
        }
        if (!isContiguous()) {
            throw new KindlingException(method + "(): the tensor is not contiguous (strides " + Shapes.str(strides)
                    + " for shape " + Shapes.str(shape) + "), so no array holds exactly its elements; use contiguous() first");
        }
        if (offset != 0 || storage.size() != numel()) {
            throw new KindlingException(method + "(): the tensor views elements " + offset + ".." + (offset + numel())
                    + " of a storage of " + storage.size() + " elements, so it is not a whole array; use clone() first");
        }
        return ((CpuStorage) storage).array;
    }

    /** The backing {@code float[]} itself (shared, not copied); throws with the reason when it cannot share. */
    public float[] asFloatArray() { return (float[]) shareableArray(DType.FLOAT32, "asFloatArray"); }

    /** The backing {@code double[]} itself; see {@link #asFloatArray()}. */
    public double[] asDoubleArray() { return (double[]) shareableArray(DType.FLOAT64, "asDoubleArray"); }

    /** The backing {@code long[]} itself; see {@link #asFloatArray()}. */
    public long[] asLongArray() { return (long[]) shareableArray(DType.INT64, "asLongArray"); }

    /** The backing {@code int[]} itself; see {@link #asFloatArray()}. */
    public int[] asIntArray() { return (int[]) shareableArray(DType.INT32, "asIntArray"); }

    /** The backing {@code boolean[]} itself; see {@link #asFloatArray()}. */
    public boolean[] asBooleanArray() { return (boolean[]) shareableArray(DType.BOOL, "asBooleanArray"); }

    private Tensor denseCpu(DType dtype) {
        Tensor t = this;
        if (!device().isCpu()) t = t.cpu();
        if (t.dtype() != dtype || !t.isContiguous() || t.offset != 0 || t.storage.size() != t.numel() || t == this) {
            try (var g = GradMode.scope(false)) {
                Tensor out = Torch.empty(shape, dtype, Device.CPU);
                out.backendCopyFrom(t);
                return out;
            }
        }
        return t;
    }

    /** The elements in row-major order as a new {@code float[]}, converted from any dtype. */
    public float[] toFloatArray() { return (float[]) ((CpuStorage) denseCpu(DType.FLOAT32).storage).array; }

    /** The elements as a new {@code double[]}. */
    public double[] toDoubleArray() { return (double[]) ((CpuStorage) denseCpu(DType.FLOAT64).storage).array; }

    /** The elements as a new {@code long[]} (floats truncate toward zero). */
    public long[] toLongArray() { return (long[]) ((CpuStorage) denseCpu(DType.INT64).storage).array; }

    /** The elements as a new {@code int[]}. */
    public int[] toIntArray() { return (int[]) ((CpuStorage) denseCpu(DType.INT32).storage).array; }

    /** The elements as a new {@code boolean[]}. */
    public boolean[] toBooleanArray() { return (boolean[]) ((CpuStorage) denseCpu(DType.BOOL).storage).array; }

    private ByteBuffer nioCheck(DType expected, String method) {
        shareableArrayRange(expected, method);
        return null;
    }

    private void shareableArrayRange(DType expected, String method) {
        if (!device().isCpu()) throw new KindlingException(method + "(): only CPU tensors can be viewed as a buffer");
        if (dtype() != expected) throw new KindlingException(method + "(): the tensor's dtype is " + dtype() + ", not " + expected);
        if (!isContiguous()) throw new KindlingException(method + "(): the tensor is not contiguous; use contiguous() first");
    }

    /** A {@link FloatBuffer} over the tensor's elements, sharing memory (contiguous float32 CPU tensors). */
    public FloatBuffer asFloatBuffer() {
        nioCheck(DType.FLOAT32, "asFloatBuffer");
        return FloatBuffer.wrap((float[]) ((CpuStorage) storage).array, offset, (int) numel()).slice();
    }

    /** A {@link DoubleBuffer} over the elements, sharing memory. */
    public DoubleBuffer asDoubleBuffer() {
        nioCheck(DType.FLOAT64, "asDoubleBuffer");
        return DoubleBuffer.wrap((double[]) ((CpuStorage) storage).array, offset, (int) numel()).slice();
    }

    /** A {@link LongBuffer} over the elements, sharing memory. */
    public LongBuffer asLongBuffer() {
        nioCheck(DType.INT64, "asLongBuffer");
        return LongBuffer.wrap((long[]) ((CpuStorage) storage).array, offset, (int) numel()).slice();
    }

    /** An {@link IntBuffer} over the elements, sharing memory. */
    public IntBuffer asIntBuffer() {
        nioCheck(DType.INT32, "asIntBuffer");
        return IntBuffer.wrap((int[]) ((CpuStorage) storage).array, offset, (int) numel()).slice();
    }

    /** A {@link ShortBuffer} over the elements (INT16, or FLOAT16/BFLOAT16 bits), sharing memory. */
    public ShortBuffer asShortBuffer() {
        if (dtype() != DType.FLOAT16 && dtype() != DType.BFLOAT16) nioCheck(DType.INT16, "asShortBuffer");
        else shareableArrayRange(dtype(), "asShortBuffer");
        return ShortBuffer.wrap((short[]) ((CpuStorage) storage).array, offset, (int) numel()).slice();
    }

    /** A {@link ByteBuffer} over the elements (INT8/UINT8), sharing memory. */
    public ByteBuffer asByteBuffer() {
        if (dtype() != DType.UINT8) nioCheck(DType.INT8, "asByteBuffer");
        else shareableArrayRange(DType.UINT8, "asByteBuffer");
        return ByteBuffer.wrap((byte[]) ((CpuStorage) storage).array, offset, (int) numel()).slice().order(ByteOrder.nativeOrder());
    }

    /**
     * The value of a one-element tensor as a plain double: no history is kept, so a running
     * total of losses should add {@code loss.item()}, not the loss tensor.
     */
    public double item() {
        checkItem();
        Tensor t = device().isCpu() ? this : cpu();
        return dev.kindling.backend.cpu.Convert.get(t.strided(), t.offset);
    }

    /** The value of a one-element integral tensor, exact beyond 2^53. */
    public long longItem() {
        checkItem();
        Tensor t = device().isCpu() ? this : cpu();
        return dev.kindling.backend.cpu.Convert.getLong(t.strided(), t.offset);
    }

    private void checkItem() {
        if (numel() != 1) {
            throw new KindlingException("a Tensor with " + numel() + " elements cannot be converted to Scalar");
        }
    }

    // =====================================================================================
    // Attributes
    // =====================================================================================

    /** The sizes, as a new array. */
    public int[] shape() { return shape.clone(); }

    /** The sizes, as {@code size()} in PyTorch. */
    public int[] size() { return shape.clone(); }

    /** The size of one dim (negative dims count from the end). */
    public int size(int dim) { return shape.length == 0 ? wrapScalarDim(dim) : shape[Shapes.wrap(dim, shape.length)]; }

    private int wrapScalarDim(int dim) {
        Shapes.wrap(dim, 0);
        throw new KindlingException("dimension specified as " + dim + " but tensor has no dimensions");
    }

    public int[] stride() { return strides.clone(); }

    public int stride(int dim) { return shape.length == 0 ? wrapScalarDim(dim) : strides[Shapes.wrap(dim, shape.length)]; }

    public int storageOffset() { return offset; }

    public int dim() { return shape.length; }

    /** The number of dims, as {@code ndim}. */
    public int ndim() { return shape.length; }

    public long numel() { return Shapes.numel(shape); }

    public DType dtype() { return storage.dtype(); }

    public Device device() { return storage.device(); }

    public boolean isCuda() { return storage.device().isCuda(); }

    public boolean isFloatingPoint() { return dtype().isFloatingPoint(); }

    /** Bytes per element. */
    public int elementSize() { return dtype().itemSize(); }

    public boolean isContiguous() { return Shapes.isContiguous(shape, strides); }

    /** The version counter: bumped by each in-place change of this storage ({@code _version}). */
    public int version() { return version.get(); }

    /** Whether this tensor views another's storage (PyTorch's {@code _is_view()}). */
    public boolean isView() { return base != null; }

    /** The tensor this one is a view of, or null ({@code _base}). */
    public Tensor viewBase() { return base; }

    /** The backing storage (for kernels and interop code). */
    public Storage storage() { return storage; }

    // =====================================================================================
    // Autograd
    // =====================================================================================

    /** Whether gradients flow to or through this tensor. */
    public boolean requiresGrad() { return requiresGrad || gradFn != null; }

    /**
     * Sets whether autograd records ops on this leaf, in place; returns this. Freezing a layer is
     * {@code p.requiresGrad_(false)} on its parameters.
     */
    public Tensor requiresGrad_(boolean flag) {
        if (gradFn != null) {
            if (!flag) {
                throw new KindlingException("you can only change requires_grad flags of leaf variables. If you want to use "
                        + "a computed variable in a subgraph that doesn't require differentiation use varNoGrad = var.detach().");
            }
            return this;
        }
        if (flag && !dtype().isFloatingPoint()) {
            throw new KindlingException("only Tensors of floating point and complex dtype can require gradients");
        }
        requiresGrad = flag;
        return this;
    }

    public Tensor requiresGrad_() { return requiresGrad_(true); }

    /** True for tensors not produced by a recorded op: user-created tensors and parameters. */
    public boolean isLeaf() { return gradFn() == null; }

    /**
     * The gradient accumulated by backward for a leaf (or a non-leaf that called
     * {@link #retainGrad()}), or null.
     */
    public Tensor grad() {
        if (!isLeaf() && !retainsGrad && !warnedNonLeafGrad) {
            warnedNonLeafGrad = true;
            LOG.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                    + "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                    + "for a non-leaf Tensor, use .retainGrad() on the non-leaf Tensor. If you access the non-leaf Tensor "
                    + "by mistake, make sure you access the leaf Tensor instead.");
        }
        return grad;
    }

    /** Replaces the gradient (null clears it), as assigning {@code x.grad} in PyTorch. */
    public void setGrad(Tensor g) {
        if (g != null) {
            if (!Arrays.equals(g.shape, shape)) {
                throw new KindlingException("assigned grad has data of a different size: " + Shapes.str(g.shape)
                        + " vs " + Shapes.str(shape));
            }
            if (g.dtype() != dtype()) {
                throw new KindlingException("assigned grad has data of a different type: " + g.dtype() + " vs " + dtype());
            }
            if (!g.device().equals(device())) {
                throw new KindlingException("assigned grad has data located on a different device: " + g.device() + " vs " + device());
            }
        }
        grad = g;
    }

    /** The node that produced this tensor, or null for a leaf ({@code grad_fn}). */
    public Node gradFn() {
        Tensor b = base;
        if (b != null && viewVersion >= 0 && viewVersion != version.get() && b.requiresGrad()) {
            Views.regenerateViewHistory(this);
        }
        return gradFn;
    }

    /** Which output of {@link #gradFn()} this tensor is. */
    public int outputNr() { return outputNr; }

    /** Makes backward store this non-leaf's gradient in {@link #grad()}. */
    public Tensor retainGrad() {
        if (!requiresGrad()) throw new KindlingException("can't retain_grad on Tensor that has requires_grad=False");
        if (isLeaf()) return this;
        if (!retainsGrad) {
            retainsGrad = true;
            dev.kindling.autograd.Hooks.retainGrad(gradFn(), outputNr, this);
        }
        return this;
    }

    public boolean retainsGrad() { return retainsGrad; }

    /** A tensor sharing this one's storage and version counter, outside the graph. */
    public Tensor detach() {
        Tensor t = new Tensor(storage, offset, shape, strides, version);
        return t;
    }

    /** Detaches this tensor from the graph in place; it becomes a leaf. */
    public Tensor detach_() {
        if (base != null && base.requiresGrad()) {
            throw new KindlingException("Can't detach views in-place. Use detach() instead.");
        }
        gradFn = null;
        outputNr = 0;
        requiresGrad = false;
        return this;
    }

    /**
     * The same data, untracked, with its own version counter (PyTorch's {@code .data}): changes made
     * through it are invisible to autograd, which is what a manual optimizer step wants.
     */
    public Tensor data() {
        return new Tensor(storage, offset, shape, strides, new Version());
    }

    /**
     * Replaces this tensor's data (storage, shape, dtype) with {@code other}'s, keeping its identity
     * and autograd flags, as {@code param.data = other} in PyTorch ({@code Module.to} uses it).
     */
    public void setData_(Tensor other) {
        Scopes.release(this);
        this.storage = other.storage;
        this.offset = other.offset;
        this.shape = other.shape;
        this.strides = other.strides;
        this.version = new Version();
        Scopes.retain(this);
        if (grad != null && (!grad.device().equals(other.device()) || grad.dtype() != other.dtype())) {
            grad = grad.to(other.device()).to(other.dtype());
        }
    }

    /** Computes the gradient of this scalar with respect to the graph's leaves. */
    public void backward() { backward(null, null, false); }

    /** Backward seeded with {@code gradient} (the vector of a vector-Jacobian product). */
    public void backward(Tensor gradient) { backward(gradient, null, false); }

    /**
     * Backward with explicit options; {@code retainGraph} null means "same as createGraph", as in
     * PyTorch.
     */
    public void backward(Tensor gradient, Boolean retainGraph, boolean createGraph) {
        Engine.backward(List.of(this), gradient == null ? null : java.util.Collections.singletonList(gradient),
                retainGraph == null ? createGraph : retainGraph, createGraph);
    }

    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        backward(gradient, Boolean.valueOf(retainGraph), createGraph);
    }

    /**
     * Registers a hook called with this tensor's gradient during backward; it may return a
     * replacement (or null to keep it).
     */
    public RemovableHandle registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad()) throw new KindlingException("cannot register a hook on a tensor that doesn't require gradient");
        return dev.kindling.autograd.Hooks.registerTensorHook(this, hook);
    }

    /** Registers a hook called after this leaf's grad was accumulated, with the leaf. */
    public RemovableHandle registerPostAccumulateGradHook(Consumer<Tensor> hook) {
        if (!requiresGrad()) throw new KindlingException("cannot register a hook on a tensor that doesn't require gradient");
        if (!isLeaf()) throw new KindlingException("post accumulate grad hooks cannot be registered on non-leaf tensors");
        return dev.kindling.autograd.Hooks.registerPostAccumulateHook(this, hook);
    }

    // =====================================================================================
    // Copies and conversions
    // =====================================================================================

    /** A new contiguous copy that stays in the graph (CloneBackward0). */
    public Tensor clone() { return Ops.cloneOp(this); }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() { return isContiguous() ? this : clone(); }

    /** Converts to {@code dtype} (a copy, recorded as ToCopyBackward0), or this if it already is. */
    public Tensor to(DType dtype) { return dtype == dtype() ? this : Ops.toCopy(this, dtype, device()); }

    /** Moves to {@code device} (a copy), or returns this if already there. */
    public Tensor to(Device device) { return device.equals(device()) ? this : Ops.toCopy(this, dtype(), device); }

    public Tensor to(Device device, DType dtype) {
        return device.equals(device()) && dtype == dtype() ? this : Ops.toCopy(this, dtype, device);
    }

    /** Converts to the dtype and device of {@code other}. */
    public Tensor typeAs(Tensor other) { return to(other.device(), other.dtype()); }

    public Tensor cuda() { return to(Device.cuda(0)); }

    public Tensor cpu() { return to(Device.CPU); }

    /** Copies {@code src} into this tensor in place (broadcasting, converting dtype and device). */
    public Tensor copy_(Tensor src) { return Ops.copyInplace(this, src); }

    /** Copies without autograd or checks beyond the kernel's (dispatch-internal). */
    void backendCopyFrom(Tensor src) {
        storage.backend().copy(src.strided(), strided());
    }

    // =====================================================================================
    // Element-wise math
    // =====================================================================================

    public Tensor add(Tensor other) { return Ops.binary(BinaryOp.ADD, this, other, 1, Derivatives.ADD); }

    /** {@code this + alpha * other}. */
    public Tensor add(Tensor other, double alpha) { return Ops.binary(BinaryOp.ADD, this, other, alpha, Derivatives.ADD); }

    public Tensor add(double other) { return Ops.binary(BinaryOp.ADD, this, Scalar.of(other), 1, Derivatives.ADD); }

    public Tensor add(long other) { return Ops.binary(BinaryOp.ADD, this, Scalar.of(other), 1, Derivatives.ADD); }

    public Tensor add_(Tensor other) { return Ops.binaryInplace(BinaryOp.ADD, this, other, 1, Derivatives.ADD); }

    public Tensor add_(Tensor other, double alpha) { return Ops.binaryInplace(BinaryOp.ADD, this, other, alpha, Derivatives.ADD); }

    public Tensor add_(double other) { return Ops.binaryInplace(BinaryOp.ADD, this, Scalar.of(other), 1, Derivatives.ADD); }

    public Tensor add_(long other) { return Ops.binaryInplace(BinaryOp.ADD, this, Scalar.of(other), 1, Derivatives.ADD); }

    public Tensor sub(Tensor other) { return Ops.binary(BinaryOp.SUB, this, other, 1, Derivatives.SUB); }

    /** {@code this - alpha * other}. */
    public Tensor sub(Tensor other, double alpha) { return Ops.binary(BinaryOp.SUB, this, other, alpha, Derivatives.SUB); }

    public Tensor sub(double other) { return Ops.binary(BinaryOp.SUB, this, Scalar.of(other), 1, Derivatives.SUB); }

    public Tensor sub(long other) { return Ops.binary(BinaryOp.SUB, this, Scalar.of(other), 1, Derivatives.SUB); }

    public Tensor sub_(Tensor other) { return Ops.binaryInplace(BinaryOp.SUB, this, other, 1, Derivatives.SUB); }

    public Tensor sub_(Tensor other, double alpha) { return Ops.binaryInplace(BinaryOp.SUB, this, other, alpha, Derivatives.SUB); }

    public Tensor sub_(double other) { return Ops.binaryInplace(BinaryOp.SUB, this, Scalar.of(other), 1, Derivatives.SUB); }

    public Tensor sub_(long other) { return Ops.binaryInplace(BinaryOp.SUB, this, Scalar.of(other), 1, Derivatives.SUB); }

    /** {@code other - this} (PyTorch's {@code rsub}). */
    public Tensor rsub(double other) { return neg().add(other); }

    public Tensor mul(Tensor other) { return Ops.binary(BinaryOp.MUL, this, other, 1, Derivatives.MUL); }

    public Tensor mul(double other) { return Ops.binary(BinaryOp.MUL, this, Scalar.of(other), 1, Derivatives.MUL); }

    public Tensor mul(long other) { return Ops.binary(BinaryOp.MUL, this, Scalar.of(other), 1, Derivatives.MUL); }

    public Tensor mul_(Tensor other) { return Ops.binaryInplace(BinaryOp.MUL, this, other, 1, Derivatives.MUL); }

    public Tensor mul_(double other) { return Ops.binaryInplace(BinaryOp.MUL, this, Scalar.of(other), 1, Derivatives.MUL); }

    public Tensor mul_(long other) { return Ops.binaryInplace(BinaryOp.MUL, this, Scalar.of(other), 1, Derivatives.MUL); }

    /** True division: integers divide to float, as {@code torch.div}. */
    public Tensor div(Tensor other) { return Ops.binary(BinaryOp.DIV, this, other, 1, Derivatives.DIV); }

    public Tensor div(double other) { return Ops.binary(BinaryOp.DIV, this, Scalar.of(other), 1, Derivatives.DIV); }

    public Tensor div(long other) { return Ops.binary(BinaryOp.DIV, this, Scalar.of(other), 1, Derivatives.DIV); }

    /**
     * Division with a rounding mode: null (true division), "trunc" or "floor", as
     * {@code torch.div(a, b, rounding_mode=...)}.
     */
    public Tensor div(Tensor other, String roundingMode) { return Ops.divMode(this, other, null, roundingMode); }

    public Tensor div(double other, String roundingMode) { return Ops.divMode(this, null, Scalar.of(other), roundingMode); }

    public Tensor div_(Tensor other) { return Ops.binaryInplace(BinaryOp.DIV, this, other, 1, Derivatives.DIV); }

    public Tensor div_(double other) { return Ops.binaryInplace(BinaryOp.DIV, this, Scalar.of(other), 1, Derivatives.DIV); }

    /** {@code floor(this / other)}, as {@code torch.floor_divide}. */
    public Tensor floorDivide(Tensor other) { return div(other, "floor"); }

    public Tensor floorDivide(double other) { return div(other, "floor"); }

    /** Python's modulo: the result has the sign of the divisor. */
    public Tensor remainder(Tensor other) { return Ops.binary(BinaryOp.REMAINDER, this, other, 1, Derivatives.REMAINDER); }

    public Tensor remainder(double other) { return Ops.binary(BinaryOp.REMAINDER, this, Scalar.of(other), 1, Derivatives.REMAINDER); }

    public Tensor remainder(long other) { return Ops.binary(BinaryOp.REMAINDER, this, Scalar.of(other), 1, Derivatives.REMAINDER); }

    /** C's fmod: the result has the sign of the dividend. */
    public Tensor fmod(Tensor other) { return Ops.binary(BinaryOp.FMOD, this, other, 1, Derivatives.FMOD); }

    public Tensor fmod(double other) { return Ops.binary(BinaryOp.FMOD, this, Scalar.of(other), 1, Derivatives.FMOD); }

    public Tensor pow(Tensor exponent) { return Ops.binary(BinaryOp.POW, this, exponent, 1, Derivatives.POW); }

    public Tensor pow(double exponent) { return Ops.powScalar(this, Scalar.of(exponent)); }

    public Tensor pow(long exponent) { return Ops.powScalar(this, Scalar.of(exponent)); }

    public Tensor pow_(double exponent) { return Ops.inplace(this, t -> t.pow(exponent)); }

    public Tensor atan2(Tensor other) { return Ops.binary(BinaryOp.ATAN2, this, other, 1, Derivatives.ATAN2); }

    public Tensor hypot(Tensor other) { return Ops.binary(BinaryOp.HYPOT, this, other, 1, Derivatives.HYPOT); }

    public Tensor copysign(Tensor other) { return Ops.binary(BinaryOp.COPYSIGN, this, other, 1, Derivatives.COPYSIGN); }

    /** {@code this * log(other)}, with 0 where this is 0. */
    public Tensor xlogy(Tensor other) { return Ops.binary(BinaryOp.XLOGY, this, other, 1, Derivatives.XLOGY); }

    /** Element-wise maximum (NaN propagates). */
    public Tensor maximum(Tensor other) { return Ops.binary(BinaryOp.MAXIMUM, this, other, 1, Derivatives.MAXIMUM); }

    /** Element-wise minimum (NaN propagates). */
    public Tensor minimum(Tensor other) { return Ops.binary(BinaryOp.MINIMUM, this, other, 1, Derivatives.MINIMUM); }

    /** Element-wise maximum ignoring NaN. */
    public Tensor fmax(Tensor other) { return Ops.binary(BinaryOp.FMAX, this, other, 1, Derivatives.MAXIMUM); }

    public Tensor fmin(Tensor other) { return Ops.binary(BinaryOp.FMIN, this, other, 1, Derivatives.MINIMUM); }

    public Tensor neg() { return Ops.unary(UnaryOp.NEG, this, Derivatives.NEG); }

    public Tensor neg_() { return Ops.unaryInplace(UnaryOp.NEG, this, 0, 0, Derivatives.NEG); }

    public Tensor abs() { return Ops.unary(UnaryOp.ABS, this, Derivatives.ABS); }

    public Tensor abs_() { return Ops.unaryInplace(UnaryOp.ABS, this, 0, 0, Derivatives.ABS); }

    public Tensor sign() { return Ops.unary(UnaryOp.SIGN, this, Derivatives.SIGN); }

    public Tensor sgn() { return sign(); }

    public Tensor signbit() { return Ops.unary(UnaryOp.SIGNBIT, this, null); }

    public Tensor reciprocal() { return Ops.unary(UnaryOp.RECIPROCAL, this, Derivatives.RECIPROCAL); }

    public Tensor reciprocal_() { return Ops.unaryInplace(UnaryOp.RECIPROCAL, this, 0, 0, Derivatives.RECIPROCAL); }

    public Tensor square() { return Ops.unary(UnaryOp.SQUARE, this, Derivatives.SQUARE); }

    public Tensor sqrt() { return Ops.unary(UnaryOp.SQRT, this, Derivatives.SQRT); }

    public Tensor sqrt_() { return Ops.unaryInplace(UnaryOp.SQRT, this, 0, 0, Derivatives.SQRT); }

    public Tensor rsqrt() { return Ops.unary(UnaryOp.RSQRT, this, Derivatives.RSQRT); }

    public Tensor exp() { return Ops.unary(UnaryOp.EXP, this, Derivatives.EXP); }

    public Tensor exp_() { return Ops.unaryInplace(UnaryOp.EXP, this, 0, 0, Derivatives.EXP); }

    public Tensor exp2() { return Ops.unary(UnaryOp.EXP2, this, Derivatives.EXP2); }

    public Tensor expm1() { return Ops.unary(UnaryOp.EXPM1, this, Derivatives.EXPM1); }

    public Tensor log() { return Ops.unary(UnaryOp.LOG, this, Derivatives.LOG); }

    public Tensor log_() { return Ops.unaryInplace(UnaryOp.LOG, this, 0, 0, Derivatives.LOG); }

    public Tensor log2() { return Ops.unary(UnaryOp.LOG2, this, Derivatives.LOG2); }

    public Tensor log10() { return Ops.unary(UnaryOp.LOG10, this, Derivatives.LOG10); }

    public Tensor log1p() { return Ops.unary(UnaryOp.LOG1P, this, Derivatives.LOG1P); }

    public Tensor sin() { return Ops.unary(UnaryOp.SIN, this, Derivatives.SIN); }

    public Tensor cos() { return Ops.unary(UnaryOp.COS, this, Derivatives.COS); }

    public Tensor tan() { return Ops.unary(UnaryOp.TAN, this, Derivatives.TAN); }

    public Tensor asin() { return Ops.unary(UnaryOp.ASIN, this, Derivatives.ASIN); }

    public Tensor acos() { return Ops.unary(UnaryOp.ACOS, this, Derivatives.ACOS); }

    public Tensor atan() { return Ops.unary(UnaryOp.ATAN, this, Derivatives.ATAN); }

    public Tensor sinh() { return Ops.unary(UnaryOp.SINH, this, Derivatives.SINH); }

    public Tensor cosh() { return Ops.unary(UnaryOp.COSH, this, Derivatives.COSH); }

    public Tensor tanh() { return Ops.unary(UnaryOp.TANH, this, Derivatives.TANH); }

    public Tensor tanh_() { return Ops.unaryInplace(UnaryOp.TANH, this, 0, 0, Derivatives.TANH); }

    public Tensor asinh() { return Ops.unary(UnaryOp.ASINH, this, Derivatives.ASINH); }

    public Tensor acosh() { return Ops.unary(UnaryOp.ACOSH, this, Derivatives.ACOSH); }

    public Tensor atanh() { return Ops.unary(UnaryOp.ATANH, this, Derivatives.ATANH); }

    public Tensor sigmoid() { return Ops.unary(UnaryOp.SIGMOID, this, Derivatives.SIGMOID); }

    public Tensor sigmoid_() { return Ops.unaryInplace(UnaryOp.SIGMOID, this, 0, 0, Derivatives.SIGMOID); }

    public Tensor logSigmoid() { return Ops.unary(UnaryOp.LOGSIGMOID, this, Derivatives.LOGSIGMOID); }

    public Tensor relu() { return Ops.unary(UnaryOp.RELU, this, Derivatives.RELU); }

    public Tensor relu_() { return Ops.unaryInplace(UnaryOp.RELU, this, 0, 0, Derivatives.RELU); }

    /** GELU; {@code approximate} is "none" (exact, with erf) or "tanh". */
    public Tensor gelu(String approximate) {
        return switch (approximate) {
            case "none" -> Ops.unary(UnaryOp.GELU, this, Derivatives.GELU);
            case "tanh" -> Ops.unary(UnaryOp.GELU_TANH, this, Derivatives.GELU_TANH);
            default -> throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        };
    }

    public Tensor gelu() { return gelu("none"); }

    public Tensor silu() { return Ops.unary(UnaryOp.SILU, this, Derivatives.SILU); }

    public Tensor mish() { return Ops.unary(UnaryOp.MISH, this, Derivatives.MISH); }

    /** {@code log(1 + exp(beta x)) / beta}, linear where {@code beta x > threshold}. */
    public Tensor softplus(double beta, double threshold) {
        return Ops.unary(UnaryOp.SOFTPLUS, this, beta, threshold, Derivatives.SOFTPLUS);
    }

    public Tensor softplus() { return softplus(1, 20); }

    public Tensor leakyRelu(double negativeSlope) { return Ops.unary(UnaryOp.LEAKY_RELU, this, negativeSlope, 0, Derivatives.LEAKY_RELU); }

    public Tensor leakyRelu_(double negativeSlope) { return Ops.unaryInplace(UnaryOp.LEAKY_RELU, this, negativeSlope, 0, Derivatives.LEAKY_RELU); }

    public Tensor elu(double alpha) { return Ops.unary(UnaryOp.ELU, this, alpha, 0, Derivatives.ELU); }

    public Tensor hardtanh(double minVal, double maxVal) { return Ops.unary(UnaryOp.HARDTANH, this, minVal, maxVal, Derivatives.HARDTANH); }

    public Tensor hardsigmoid() { return Ops.unary(UnaryOp.HARDSIGMOID, this, Derivatives.HARDSIGMOID); }

    public Tensor hardswish() { return Ops.unary(UnaryOp.HARDSWISH, this, Derivatives.HARDSWISH); }

    public Tensor erf() { return Ops.unary(UnaryOp.ERF, this, Derivatives.ERF); }

    public Tensor erfc() { return Ops.unary(UnaryOp.ERFC, this, Derivatives.ERFC); }

    public Tensor erfinv() { return Ops.unary(UnaryOp.ERFINV, this, Derivatives.ERFINV); }

    public Tensor floor() { return Ops.unary(UnaryOp.FLOOR, this, Derivatives.FLOOR); }

    public Tensor floor_() { return Ops.unaryInplace(UnaryOp.FLOOR, this, 0, 0, Derivatives.FLOOR); }

    public Tensor ceil() { return Ops.unary(UnaryOp.CEIL, this, Derivatives.CEIL); }

    /** Rounds half to even, as {@code torch.round}. */
    public Tensor round() { return Ops.unary(UnaryOp.ROUND, this, Derivatives.ROUND); }

    public Tensor round(int decimals) { return Ops.unary(UnaryOp.ROUND_DECIMALS, this, decimals, 0, Derivatives.ROUND_DECIMALS); }

    public Tensor trunc() { return Ops.unary(UnaryOp.TRUNC, this, Derivatives.TRUNC); }

    public Tensor frac() { return Ops.unary(UnaryOp.FRAC, this, Derivatives.FRAC); }

    /** Clamps to [min, max]; NaN means no bound on that side. */
    public Tensor clamp(double min, double max) { return Ops.clamp(this, min, max); }

    public Tensor clamp(Tensor min, Tensor max) { return Ops.clampTensor(this, min, max); }

    public Tensor clampMin(double min) { return clamp(min, Double.NaN); }

    public Tensor clampMax(double max) { return clamp(Double.NaN, max); }

    public Tensor clamp_(double min, double max) {
        if (Double.isNaN(min) && Double.isNaN(max)) return clamp(min, max); // the error
        return Ops.unaryInplace(UnaryOp.CLAMP, this, min, max, Derivatives.CLAMP);
    }

    public Tensor clip(double min, double max) { return clamp(min, max); }

    /** Replaces NaN with {@code nan} and ±inf with ±{@code posinf}. */
    public Tensor nanToNum(double nan, double posinf, double neginf) {
        return Ops.nanToNum(this, nan, posinf, neginf);
    }

    public Tensor nanToNum() { return nanToNum(0, Double.NaN, Double.NaN); }

    /** {@code this + weight * (end - this)}. */
    public Tensor lerp(Tensor end, double weight) { return Ops.lerp(this, end, null, weight); }

    public Tensor lerp(Tensor end, Tensor weight) { return Ops.lerp(this, end, weight, 0); }

    public Tensor lerp_(Tensor end, double weight) {
        return Ops.ternaryInplace(dev.kindling.backend.TernaryOp.LERP, this, this, end, Ops.scalarTensor(Scalar.of(weight), dtype()), 0,
                t -> t.lerp(end, weight));
    }

    public Tensor lerp_(Tensor end, Tensor weight) {
        return Ops.ternaryInplace(dev.kindling.backend.TernaryOp.LERP, this, this, end, weight, 0, t -> t.lerp(end, weight));
    }

    /** {@code this + value * t1 * t2}. */
    public Tensor addcmul(Tensor t1, Tensor t2, double value) { return Ops.addcmul(this, t1, t2, value); }

    public Tensor addcmul_(Tensor t1, Tensor t2, double value) {
        return Ops.ternaryInplace(dev.kindling.backend.TernaryOp.ADDCMUL, this, this, t1, t2, value, t -> t.addcmul(t1, t2, value));
    }

    /** {@code this + value * t1 / t2}. */
    public Tensor addcdiv(Tensor t1, Tensor t2, double value) { return Ops.addcdiv(this, t1, t2, value); }

    public Tensor addcdiv_(Tensor t1, Tensor t2, double value) {
        return Ops.ternaryInplace(dev.kindling.backend.TernaryOp.ADDCDIV, this, this, t1, t2, value, t -> t.addcdiv(t1, t2, value));
    }

    /** {@code torch.where(condition, this, other)}. */
    public Tensor where(Tensor condition, Tensor other) { return Ops.where(condition, this, other); }

    public Tensor where(Tensor condition, double other) { return Ops.where(condition, this, Ops.scalarLike(other, this)); }

    /** Sets the elements where {@code mask} is true to {@code value}. */
    public Tensor maskedFill(Tensor mask, double value) { return Ops.maskedFill(this, mask, Scalar.of(value)); }

    public Tensor maskedFill(Tensor mask, Tensor value) { return Ops.maskedFill(this, mask, value); }

    public Tensor maskedFill_(Tensor mask, double value) {
        Ops.checkMask("masked_fill_", mask);
        return Ops.ternaryInplace(dev.kindling.backend.TernaryOp.WHERE, this, mask, Ops.scalarTensor(Scalar.of(value), dtype()), this, 0,
                t -> t.maskedFill(mask, value));
    }

    public Tensor maskedFill_(Tensor mask, Tensor value) { return Ops.inplace(this, t -> t.maskedFill(mask, value)); }

    /** Fills with {@code value} in place. */
    public Tensor fill_(double value) { return Ops.fill(this, Scalar.of(value)); }

    public Tensor fill_(long value) { return Ops.fill(this, Scalar.of(value)); }

    public Tensor zero_() { return fill_(0L); }

    // =====================================================================================
    // Comparison and logic (results are BOOL)
    // =====================================================================================

    public Tensor eq(Tensor other) { return Ops.binary(BinaryOp.EQ, this, other, 1, null); }

    public Tensor eq(double other) { return Ops.binary(BinaryOp.EQ, this, Scalar.of(other), 1, null); }

    public Tensor eq(long other) { return Ops.binary(BinaryOp.EQ, this, Scalar.of(other), 1, null); }

    public Tensor ne(Tensor other) { return Ops.binary(BinaryOp.NE, this, other, 1, null); }

    public Tensor ne(double other) { return Ops.binary(BinaryOp.NE, this, Scalar.of(other), 1, null); }

    public Tensor ne(long other) { return Ops.binary(BinaryOp.NE, this, Scalar.of(other), 1, null); }

    public Tensor lt(Tensor other) { return Ops.binary(BinaryOp.LT, this, other, 1, null); }

    public Tensor lt(double other) { return Ops.binary(BinaryOp.LT, this, Scalar.of(other), 1, null); }

    public Tensor le(Tensor other) { return Ops.binary(BinaryOp.LE, this, other, 1, null); }

    public Tensor le(double other) { return Ops.binary(BinaryOp.LE, this, Scalar.of(other), 1, null); }

    public Tensor gt(Tensor other) { return Ops.binary(BinaryOp.GT, this, other, 1, null); }

    public Tensor gt(double other) { return Ops.binary(BinaryOp.GT, this, Scalar.of(other), 1, null); }

    public Tensor ge(Tensor other) { return Ops.binary(BinaryOp.GE, this, other, 1, null); }

    public Tensor ge(double other) { return Ops.binary(BinaryOp.GE, this, Scalar.of(other), 1, null); }

    public Tensor logicalAnd(Tensor other) { return Ops.binary(BinaryOp.LOGICAL_AND, this, other, 1, null); }

    public Tensor logicalOr(Tensor other) { return Ops.binary(BinaryOp.LOGICAL_OR, this, other, 1, null); }

    public Tensor logicalXor(Tensor other) { return Ops.binary(BinaryOp.LOGICAL_XOR, this, other, 1, null); }

    public Tensor logicalNot() { return Ops.unary(UnaryOp.LOGICAL_NOT, this, null); }

    public Tensor bitwiseAnd(Tensor other) { return Ops.binary(BinaryOp.BITWISE_AND, this, other, 1, null); }

    public Tensor bitwiseOr(Tensor other) { return Ops.binary(BinaryOp.BITWISE_OR, this, other, 1, null); }

    public Tensor bitwiseXor(Tensor other) { return Ops.binary(BinaryOp.BITWISE_XOR, this, other, 1, null); }

    public Tensor bitwiseNot() { return Ops.unary(UnaryOp.BITWISE_NOT, this, null); }

    public Tensor bitwiseLeftShift(Tensor other) { return Ops.binary(BinaryOp.LSHIFT, this, other, 1, null); }

    public Tensor bitwiseRightShift(Tensor other) { return Ops.binary(BinaryOp.RSHIFT, this, other, 1, null); }

    public Tensor isnan() { return Ops.unary(UnaryOp.ISNAN, this, null); }

    public Tensor isinf() { return Ops.unary(UnaryOp.ISINF, this, null); }

    public Tensor isfinite() { return Ops.unary(UnaryOp.ISFINITE, this, null); }

    public Tensor isposinf() { return Ops.unary(UnaryOp.ISPOSINF, this, null); }

    public Tensor isneginf() { return Ops.unary(UnaryOp.ISNEGINF, this, null); }

    /** {@code |this - other| <= atol + rtol * |other|} element-wise, NaN never close unless equalNan. */
    public Tensor isclose(Tensor other, double rtol, double atol, boolean equalNan) {
        return Ops.isclose(this, other, rtol, atol, equalNan);
    }

    /** Whether every element is close ({@code torch.allclose}, rtol 1e-5, atol 1e-8). */
    public boolean allclose(Tensor other) { return allclose(other, 1e-5, 1e-8, false); }

    public boolean allclose(Tensor other, double rtol, double atol, boolean equalNan) {
        return isclose(other, rtol, atol, equalNan).all().item() != 0;
    }

    /** True when both have the same shape and elements ({@code torch.equal}). */
    public boolean equal(Tensor other) {
        return Arrays.equals(shape, other.shape) && (numel() == 0 || eq(other).all().item() != 0);
    }

    // =====================================================================================
    // Reductions
    // =====================================================================================

    /** The sum of all elements (integral input sums to int64). */
    public Tensor sum() { return Reductions.sum(this, null, false, null); }

    public Tensor sum(int dim) { return Reductions.sum(this, new int[] {dim}, false, null); }

    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim, null); }

    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim, null); }

    public Tensor sum(DType dtype) { return Reductions.sum(this, null, false, dtype); }

    /** Sums broadcast dims away until the shape is {@code shape} ({@code sum_to_size}). */
    public Tensor sumToSize(int... shape) { return Reductions.sumToSize(this, shape); }

    public Tensor nansum() { return where(isnan().logicalNot(), 0.0).sum(); }

    public Tensor mean() { return Reductions.mean(this, null, false); }

    public Tensor mean(int dim) { return Reductions.mean(this, new int[] {dim}, false); }

    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }

    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }

    public Tensor prod() { return Reductions.prod(this, null, false); }

    public Tensor prod(int dim, boolean keepdim) { return Reductions.prod(this, dim, keepdim); }

    /** The largest element (NaN if any is NaN). */
    public Tensor max() { return Reductions.amax(this, null, false, "max"); }

    /** The largest element along dim and its index. */
    public ValuesIndices max(int dim) { return Reductions.maxMin(this, dim, false, true); }

    public ValuesIndices max(int dim, boolean keepdim) { return Reductions.maxMin(this, dim, keepdim, true); }

    /** Element-wise maximum with {@code other} ({@code torch.max(a, b)}). */
    public Tensor max(Tensor other) { return maximum(other); }

    public Tensor min() { return Reductions.amax(this, null, false, "min"); }

    public ValuesIndices min(int dim) { return Reductions.maxMin(this, dim, false, false); }

    public ValuesIndices min(int dim, boolean keepdim) { return Reductions.maxMin(this, dim, keepdim, false); }

    public Tensor min(Tensor other) { return minimum(other); }

    public Tensor amax(int... dims) { return Reductions.amax(this, dims, false, "amax"); }

    public Tensor amax(int[] dims, boolean keepdim) { return Reductions.amax(this, dims, keepdim, "amax"); }

    public Tensor amin(int... dims) { return Reductions.amax(this, dims, false, "amin"); }

    public Tensor amin(int[] dims, boolean keepdim) { return Reductions.amax(this, dims, keepdim, "amin"); }

    /** The index of the largest element of the flattened tensor. */
    public Tensor argmax() { return Reductions.argmax(this, null, false, true); }

    public Tensor argmax(int dim) { return Reductions.argmax(this, dim, false, true); }

    public Tensor argmax(int dim, boolean keepdim) { return Reductions.argmax(this, dim, keepdim, true); }

    public Tensor argmin() { return Reductions.argmax(this, null, false, false); }

    public Tensor argmin(int dim) { return Reductions.argmax(this, dim, false, false); }

    public Tensor argmin(int dim, boolean keepdim) { return Reductions.argmax(this, dim, keepdim, false); }

    /** Variance with Bessel's correction (correction 1), over all elements. */
    public Tensor var() { return Reductions.var(this, null, 1, false, false); }

    public Tensor var(int dim) { return Reductions.var(this, new int[] {dim}, 1, false, false); }

    /** Variance over {@code dims} with the given correction (0: population, 1: sample). */
    public Tensor var(int[] dims, double correction, boolean keepdim) { return Reductions.var(this, dims, correction, keepdim, false); }

    public Tensor std() { return Reductions.var(this, null, 1, false, true); }

    public Tensor std(int dim) { return Reductions.var(this, new int[] {dim}, 1, false, true); }

    public Tensor std(int[] dims, double correction, boolean keepdim) { return Reductions.var(this, dims, correction, keepdim, true); }

    /** The 2-norm of all elements. */
    public Tensor norm() { return Reductions.norm(this, 2, null, false); }

    /** The p-norm of all elements (p may be ±infinity or 0). */
    public Tensor norm(double p) { return Reductions.norm(this, p, null, false); }

    public Tensor norm(double p, int dim, boolean keepdim) { return Reductions.norm(this, p, new int[] {dim}, keepdim); }

    public Tensor norm(double p, int[] dims, boolean keepdim) { return Reductions.norm(this, p, dims, keepdim); }

    /** {@code log(sum(exp(x)))} along dim, computed stably. */
    public Tensor logsumexp(int dim, boolean keepdim) { return Reductions.logsumexp(this, new int[] {dim}, keepdim); }

    public Tensor logsumexp(int[] dims, boolean keepdim) { return Reductions.logsumexp(this, dims, keepdim); }

    /** Whether every element is non-zero (a BOOL 0-dim tensor). */
    public Tensor all() { return Reductions.logical(this, null, false, true); }

    public Tensor all(int dim) { return Reductions.logical(this, new int[] {dim}, false, true); }

    public Tensor all(int dim, boolean keepdim) { return Reductions.logical(this, new int[] {dim}, keepdim, true); }

    public Tensor any() { return Reductions.logical(this, null, false, false); }

    public Tensor any(int dim) { return Reductions.logical(this, new int[] {dim}, false, false); }

    public Tensor any(int dim, boolean keepdim) { return Reductions.logical(this, new int[] {dim}, keepdim, false); }

    public Tensor countNonzero() { return Reductions.countNonzero(this, null); }

    public Tensor countNonzero(int dim) { return Reductions.countNonzero(this, new int[] {dim}); }

    public Tensor cumsum(int dim) { return Reductions.cumsum(this, dim); }

    public Tensor cumprod(int dim) { return Reductions.cumprod(this, dim); }

    public ValuesIndices cummax(int dim) { return Reductions.cumExtreme(this, dim, true); }

    public ValuesIndices cummin(int dim) { return Reductions.cumExtreme(this, dim, false); }

    public Tensor logcumsumexp(int dim) { return Reductions.logcumsumexp(this, dim); }

    /** softmax along dim. */
    public Tensor softmax(int dim) { return Reductions.softmax(this, dim, false); }

    public Tensor softmax(int dim, DType dtype) { return to(dtype).softmax(dim); }

    /** log(softmax) along dim, computed stably. */
    public Tensor logSoftmax(int dim) { return Reductions.softmax(this, dim, true); }

    public Tensor logSoftmax(int dim, DType dtype) { return to(dtype).logSoftmax(dim); }

    // =====================================================================================
    // Shape and views (views share storage; none of these copies unless documented)
    // =====================================================================================

    /** A view with another shape (one dim may be -1); fails when the strides do not allow it. */
    public Tensor view(int... shape) { return Views.view(this, shape); }

    /** A view of the elements reinterpreted as another dtype of the same size is not supported; this views with other's shape. */
    public Tensor viewAs(Tensor other) { return view(other.shape); }

    /** {@link #view} when possible, else a contiguous copy with the new shape. */
    public Tensor reshape(int... shape) { return Views.reshape(this, shape); }

    public Tensor reshapeAs(Tensor other) { return reshape(other.shape); }

    public Tensor flatten() { return flatten(0, -1); }

    public Tensor flatten(int startDim, int endDim) { return Views.flatten(this, startDim, endDim); }

    public Tensor unflatten(int dim, int... sizes) { return Views.unflatten(this, dim, sizes); }

    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    public Tensor transpose(int dim0, int dim1) { return Views.transpose(this, dim0, dim1); }

    public Tensor swapaxes(int dim0, int dim1) { return transpose(dim0, dim1); }

    /** The transpose of a matrix (or the tensor itself below 2 dims). */
    public Tensor t() { return Views.t(this); }

    /** Reverses all dims (PyTorch's {@code mT}-style full transpose {@code T}). */
    public Tensor mT() { return transpose(-2, -1); }

    public Tensor movedim(int source, int destination) { return Views.movedim(this, source, destination); }

    /** Broadcasts to {@code shape} without copying (-1 keeps a size). */
    public Tensor expand(int... shape) { return Views.expand(this, shape); }

    public Tensor expandAs(Tensor other) { return expand(other.shape); }

    /** Positions {@code [start, start + length)} of dim. */
    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }

    /** Python's {@code t[..., start:end:step, ...]} on one dim (bounds are clamped like Python). */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

    public Tensor slice(int dim, int start, int end) { return slice(dim, start, end, 1); }

    /** Position {@code index} of dim, removing the dim. */
    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

    public Tensor squeeze() { return Views.squeeze(this, null); }

    public Tensor squeeze(int... dims) { return Views.squeeze(this, dims); }

    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

    public Tensor diagonal() { return diagonal(0, 0, 1); }

    public Tensor diagonal(int offset, int dim1, int dim2) { return Views.diagonal(this, offset, dim1, dim2); }

    /** Sliding windows of {@code size} with {@code step} along dim, as a new last dim. */
    public Tensor unfold(int dim, int size, int step) { return Views.unfold(this, dim, size, step); }

    /** A view with explicit sizes, strides and storage offset. */
    public Tensor asStrided(int[] size, int[] stride, int storageOffset) { return Views.asStrided(this, size, stride, storageOffset); }

    public List<Tensor> chunk(int chunks, int dim) { return Views.chunk(this, chunks, dim); }

    public List<Tensor> split(int splitSize, int dim) { return Views.split(this, splitSize, dim); }

    public List<Tensor> split(int[] sizes, int dim) { return Views.splitWithSizes(this, sizes, dim); }

    public List<Tensor> unbind(int dim) { return Views.unbind(this, dim); }

    public List<Tensor> unbind() { return unbind(0); }

    // ---- copies that reshape ----

    public Tensor flip(int... dims) { return Indexing.flip(this, dims); }

    public Tensor roll(int shifts, int dim) { return Indexing.roll(this, new int[] {shifts}, new int[] {dim}); }

    public Tensor roll(int[] shifts, int[] dims) { return Indexing.roll(this, shifts, dims); }

    /** Tiles the tensor: {@code repeat(2, 1)} doubles dim 0. */
    public Tensor repeat(int... sizes) { return Indexing.repeat(this, sizes); }

    public Tensor tile(int... reps) { return Indexing.tile(this, reps); }

    public Tensor repeatInterleave(int repeats, int dim) { return Indexing.repeatInterleave(this, repeats, dim); }

    /** The lower triangle (elements with col - row &lt;= diagonal), zero elsewhere. */
    public Tensor tril(int diagonal) { return Indexing.triangle(this, diagonal, true); }

    public Tensor tril() { return tril(0); }

    public Tensor triu(int diagonal) { return Indexing.triangle(this, diagonal, false); }

    public Tensor triu() { return triu(0); }

    /** A copy of this with the slice {@code [start:end:step]} of dim replaced by {@code src}. */
    public Tensor sliceScatter(Tensor src, int dim, int start, int end, int step) {
        return Views.sliceScatter(this, src, dim, start, end, step);
    }

    public Tensor selectScatter(Tensor src, int dim, int index) { return Views.selectScatter(this, src, dim, index); }

    public Tensor diagonalScatter(Tensor src, int offset, int dim1, int dim2) {
        return Views.diagonalScatter(this, src, offset, dim1, dim2);
    }

    /** A copy of this with the strided region replaced by {@code src} ({@code as_strided_scatter}). */
    public Tensor asStridedScatter(Tensor src, int[] size, int[] stride, int storageOffset) {
        return Views.asStridedScatter(this, src, size, stride, storageOffset);
    }

    // =====================================================================================
    // Indexing
    // =====================================================================================

    /** Rows (along dim) picked by a 1-D integer index. */
    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    /** {@code out[i][j] = this[index[i][j]][j]} for dim 0 (and likewise for other dims). */
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /** A copy of this with {@code src} values written at {@code index} along dim. */
    public Tensor scatter(int dim, Tensor index, Tensor src) { return Indexing.scatter(this, dim, index, src, null, false); }

    public Tensor scatter(int dim, Tensor index, double value) { return Indexing.scatter(this, dim, index, null, Scalar.of(value), false); }

    public Tensor scatter_(int dim, Tensor index, Tensor src) { return Ops.inplace(this, t -> t.scatter(dim, index, src)); }

    public Tensor scatter_(int dim, Tensor index, double value) { return Ops.inplace(this, t -> t.scatter(dim, index, value)); }

    /** A copy of this with {@code src} values added at {@code index} along dim. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatter(this, dim, index, src, null, true); }

    public Tensor scatterAdd_(int dim, Tensor index, Tensor src) { return Ops.inplace(this, t -> t.scatterAdd(dim, index, src)); }

    /** A copy of this with {@code alpha * source} rows added at the positions {@code index} of dim. */
    public Tensor indexAdd(int dim, Tensor index, Tensor source) { return Indexing.indexAdd(this, dim, index, source, 1); }

    public Tensor indexAdd(int dim, Tensor index, Tensor source, double alpha) { return Indexing.indexAdd(this, dim, index, source, alpha); }

    public Tensor indexAdd_(int dim, Tensor index, Tensor source) { return Ops.inplace(this, t -> t.indexAdd(dim, index, source)); }

    public Tensor indexFill(int dim, Tensor index, double value) { return Indexing.indexFill(this, dim, index, value); }

    /**
     * Advanced indexing {@code this[i0, i1, ...]} with integer (or one BOOL mask) index tensors for
     * the leading dims; null entries stand for a full slice {@code :}.
     */
    public Tensor index(Tensor... indices) { return Indexing.index(this, indices); }

    /** {@code this[indices] = values} (or {@code +=} with accumulate), out of place. */
    public Tensor indexPut(Tensor[] indices, Tensor values, boolean accumulate) { return Indexing.indexPut(this, indices, values, accumulate); }

    public Tensor indexPut_(Tensor[] indices, Tensor values, boolean accumulate) {
        return Ops.inplace(this, t -> t.indexPut(indices, values, accumulate));
    }

    /** The elements where {@code mask} is true, as a 1-D tensor. */
    public Tensor maskedSelect(Tensor mask) { return Indexing.maskedSelect(this, mask); }

    /** A copy of this with the masked elements replaced, in order, by elements of {@code source}. */
    public Tensor maskedScatter(Tensor mask, Tensor source) { return Indexing.maskedScatter(this, mask, source); }

    /** The indices of the non-zero elements, one row per element ([n, dim] int64). */
    public Tensor nonzero() { return Indexing.nonzero(this); }

    public List<Tensor> nonzeroTuple() { return nonzero().t().unbind(0); }

    /**
     * A copy of this with {@code source} written (or added, with accumulate) at the flat row-major
     * positions {@code index} ({@code torch.put}).
     */
    public Tensor put(Tensor index, Tensor source, boolean accumulate) { return Indexing.put(this, index, source, accumulate); }

    public Tensor put_(Tensor index, Tensor source, boolean accumulate) { return Ops.inplace(this, t -> t.put(index, source, accumulate)); }

    /** Elements at flat (row-major) positions of this tensor. */
    public Tensor take(Tensor index) { return Indexing.take(this, index); }

    /** The k largest elements along the last dim, sorted. */
    public ValuesIndices topk(int k) { return Indexing.topk(this, k, -1, true, true); }

    public ValuesIndices topk(int k, int dim, boolean largest, boolean sorted) { return Indexing.topk(this, k, dim, largest, sorted); }

    /** Sorts along the last dim, ascending, stable. */
    public ValuesIndices sort() { return Indexing.sort(this, -1, false); }

    public ValuesIndices sort(int dim, boolean descending) { return Indexing.sort(this, dim, descending); }

    public Tensor argsort() { return sort().indices(); }

    public Tensor argsort(int dim, boolean descending) { return sort(dim, descending).indices(); }

    // =====================================================================================
    // Linear algebra
    // =====================================================================================

    /** {@code torch.matmul}: dot, matrix-vector, matrix-matrix or batched with broadcast batch dims. */
    public Tensor matmul(Tensor other) { return LinAlg.matmul(this, other); }

    /** 2-D matrix product. */
    public Tensor mm(Tensor other) { return LinAlg.mm(this, other); }

    /** Batched 3-D matrix product. */
    public Tensor bmm(Tensor other) { return LinAlg.bmm(this, other); }

    /** Matrix-vector product. */
    public Tensor mv(Tensor vec) { return LinAlg.mv(this, vec); }

    /** Dot product of two 1-D tensors. */
    public Tensor dot(Tensor other) { return LinAlg.dot(this, other); }

    public Tensor inner(Tensor other) { return dim() <= 1 && other.dim() <= 1 ? dot(other) : matmul(other.mT()); }

    /** Outer product of two 1-D tensors. */
    public Tensor outer(Tensor other) { return LinAlg.outer(this, other); }

    /** {@code beta * this + alpha * (mat1 @ mat2)}. */
    public Tensor addmm(Tensor mat1, Tensor mat2, double beta, double alpha) { return LinAlg.addmm(this, mat1, mat2, beta, alpha); }

    public Tensor addmm(Tensor mat1, Tensor mat2) { return addmm(mat1, mat2, 1, 1); }

    /** {@code beta * this + alpha * (batch1 @ batch2)}. */
    public Tensor baddbmm(Tensor batch1, Tensor batch2, double beta, double alpha) { return LinAlg.baddbmm(this, batch1, batch2, beta, alpha); }

    /** {@code beta * this + alpha * (mat @ vec)}. */
    public Tensor addmv(Tensor mat, Tensor vec, double beta, double alpha) { return mul(beta).add(mat.mv(vec).mul(alpha)); }

    // =====================================================================================
    // Object methods
    // =====================================================================================

    /**
     * Releases device memory now (CUDA tensors; views keep their storage until all are closed or
     * unreachable). Using the tensor afterwards throws. CPU tensors are left to the GC.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Scopes.release(this);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() { return closed; }

    /** PyTorch's repr: {@code tensor([[1., 2.], [3., 4.]], requires_grad=True)}. */
    @Override
    public String toString() {
        if (closed) return "tensor(<closed>)";
        Tensor t = device().isCpu() ? this : cpu();
        Strided s = t.strided();
        int nd = shape.length;
        int[] st = s.strides;
        int[] sh = s.shape;
        TensorFormatter.ElementReader reader = new TensorFormatter.ElementReader() {
            private int offsetOf(long flat) {
                int off = s.offset;
                for (int d = nd - 1; d >= 0; d--) {
                    off += (int) (flat % sh[d]) * st[d];
                    flat /= sh[d];
                }
                return off;
            }

            @Override
            public double getDouble(long flatIndex) { return dev.kindling.backend.cpu.Convert.get(s, offsetOf(flatIndex)); }

            @Override
            public long getLong(long flatIndex) { return dev.kindling.backend.cpu.Convert.getLong(s, offsetOf(flatIndex)); }
        };
        Node fn = gradFn;
        return TensorFormatter.format(shape, dtype(), reader, device().toString(), requiresGrad() && fn == null,
                fn == null ? null : fn.name(), null);
    }
}
