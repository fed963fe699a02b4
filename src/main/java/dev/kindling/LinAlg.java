package dev.kindling;

import dev.kindling.autograd.Derivatives;
import dev.kindling.autograd.Graph;
import dev.kindling.backend.BinaryOp;

/**
 * Matrix products: mm, bmm, mv, dot and addmm/baddbmm run the backend's batched matmul kernel and
 * record their own derivative; {@code matmul} follows {@code torch.matmul}'s rules for 1-D, 2-D,
 * batched and broadcast operands by reshaping onto those ops, so its gradient comes from them.
 */
final class LinAlg {
    private LinAlg() {}

    private static String dims(Tensor t) {
        return t.dim() + "D";
    }

    private static void sameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new KindlingException(op + ": expected m1 and m2 to have the same dtype, but got: " + a.dtype().scalarName()
                    + " != " + b.dtype().scalarName());
        }
        if (a.dtype() == DType.BOOL) throw new KindlingException("\"addmm_impl_cpu_\" not implemented for 'Bool'");
    }

    /** Runs the kernel: a [B, M, K] × b [B, K, N] → fresh [B, M, N]. */
    private static Tensor kernel(Tensor a3, Tensor b3) {
        int batch = Math.max(a3.shape[0], b3.shape[0]);
        Tensor out = Torch.empty(new int[] {batch, a3.shape[1], b3.shape[2]}, a3.dtype(), a3.device());
        if (out.numel() == 0) return out;
        if (a3.shape[1] > 0 && a3.shape[2] == 0) return out.zero_();
        out.storage.backend().matmul(a3.strided(), b3.strided(), out.strided());
        return out;
    }

    /** A 2-D tensor as a [1, rows, cols] operand without copying. */
    private static Tensor as3d(Tensor m) {
        return new Tensor(m.storage, m.offset, new int[] {1, m.shape[0], m.shape[1]}, new int[] {0, m.strides[0], m.strides[1]}, m.version);
    }

    private static Tensor as2d(Tensor t3) {
        return new Tensor(t3.storage, t3.offset, new int[] {t3.shape[1], t3.shape[2]}, new int[] {t3.strides[1], t3.strides[2]}, t3.version);
    }

    static Tensor mm(Tensor a, Tensor b) {
        if (a.dim() != 2) throw new KindlingException("self must be a matrix");
        if (b.dim() != 2) throw new KindlingException("mat2 must be a matrix");
        Ops.device("mm", a, b);
        sameDtype("mm", a, b);
        if (a.shape[1] != b.shape[0]) {
            throw new KindlingException("mat1 and mat2 shapes cannot be multiplied (" + a.shape[0] + "x" + a.shape[1] + " and "
                    + b.shape[0] + "x" + b.shape[1] + ")");
        }
        Tensor out = as2d(kernel(as3d(a), as3d(b)));
        out = new Tensor(out.storage, 0, out.shape, out.strides, new Version());
        if (Graph.isRecording(a, b)) Graph.record2(Derivatives.MM, out, a, b);
        return out;
    }

    static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3) throw new KindlingException("batch1 must be a 3D tensor");
        if (b.dim() != 3) throw new KindlingException("batch2 must be a 3D tensor");
        Ops.device("bmm", a, b);
        sameDtype("bmm", a, b);
        if (a.shape[0] != b.shape[0]) {
            throw new KindlingException("batch1 and batch2 must have same number of batches, got " + a.shape[0] + " and " + b.shape[0]);
        }
        if (a.shape[2] != b.shape[1]) {
            throw new KindlingException("Expected size for first two dimensions of batch2 tensor to be: [" + a.shape[0] + ", "
                    + a.shape[2] + "] but got: [" + b.shape[0] + ", " + b.shape[1] + "].");
        }
        Tensor out = kernel(a, b);
        if (Graph.isRecording(a, b)) Graph.record2(Derivatives.BMM, out, a, b);
        return out;
    }

    static Tensor mv(Tensor m, Tensor v) {
        if (m.dim() != 2 || v.dim() != 1) {
            throw new KindlingException("vector + matrix @ vector expected, got " + m.dim() + ", " + m.dim() + ", " + v.dim());
        }
        Ops.device("mv", m, v);
        sameDtype("mv", m, v);
        if (m.shape[1] != v.shape[0]) {
            throw new KindlingException("size mismatch, got input (" + m.shape[0] + "), mat (" + m.shape[0] + "x" + m.shape[1]
                    + "), vec (" + v.shape[0] + ")");
        }
        Tensor col = new Tensor(v.storage, v.offset, new int[] {1, v.shape[0], 1}, new int[] {0, v.strides[0], 1}, v.version);
        Tensor r = kernel(as3d(m), col);
        Tensor out = new Tensor(r.storage, 0, new int[] {m.shape[0]}, new int[] {1}, new Version());
        if (Graph.isRecording(m, v)) Graph.record2(Derivatives.MV, out, m, v);
        return out;
    }

    static Tensor dot(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new KindlingException("1D tensors expected, but got " + dims(a) + " and " + dims(b) + " tensors");
        }
        Ops.device("dot", a, b);
        if (a.dtype() != b.dtype()) {
            throw new KindlingException("dot : expected both vectors to have same dtype, but found " + a.dtype().scalarName()
                    + " and " + b.dtype().scalarName());
        }
        if (a.shape[0] != b.shape[0]) {
            throw new KindlingException("inconsistent tensor size, expected tensor [" + a.shape[0] + "] and src [" + b.shape[0]
                    + "] to have the same number of elements, but got " + a.shape[0] + " and " + b.shape[0] + " elements respectively");
        }
        Tensor row = new Tensor(a.storage, a.offset, new int[] {1, 1, a.shape[0]}, new int[] {0, 0, a.strides[0]}, a.version);
        Tensor col = new Tensor(b.storage, b.offset, new int[] {1, b.shape[0], 1}, new int[] {0, b.strides[0], 1}, b.version);
        Tensor r = kernel(row, col);
        Tensor out = new Tensor(r.storage, 0, new int[0], new int[0], new Version());
        if (Graph.isRecording(a, b)) Graph.record2(Derivatives.DOT, out, a, b);
        return out;
    }

    static Tensor outer(Tensor a, Tensor b) {
        if (a.dim() != 1 || b.dim() != 1) {
            throw new KindlingException("outer: expected 1-D tensors, got " + dims(a) + " and " + dims(b));
        }
        return a.unsqueeze(1).mul(b.unsqueeze(0));
    }

    static Tensor addmm(Tensor self, Tensor m1, Tensor m2, double beta, double alpha) {
        if (m1.dim() != 2) throw new KindlingException("mat1 must be a matrix, got " + m1.dim() + "-D tensor");
        if (m2.dim() != 2) throw new KindlingException("mat2 must be a matrix, got " + m2.dim() + "-D tensor");
        Ops.device("addmm", self, m1, m2);
        sameDtype("addmm", m1, m2);
        if (m1.shape[1] != m2.shape[0]) {
            throw new KindlingException("mat1 and mat2 shapes cannot be multiplied (" + m1.shape[0] + "x" + m1.shape[1] + " and "
                    + m2.shape[0] + "x" + m2.shape[1] + ")");
        }
        int[] target = {m1.shape[0], m2.shape[1]};
        Shapes.broadcast(target, self.shape);
        if (!java.util.Arrays.equals(Shapes.broadcast(target, self.shape), target)) {
            throw new KindlingException("The expanded size of the tensor (" + target[1] + ") must match the existing size ("
                    + self.shape[self.dim() - 1] + ")");
        }
        Tensor prod = as2d(kernel(as3d(m1), as3d(m2)));
        Tensor out = new Tensor(prod.storage, 0, prod.shape, prod.strides, new Version());
        combine(out, self, beta, alpha);
        if (Graph.isRecording(self, m1, m2)) Graph.recordN(Derivatives.ADDMM, out, new Tensor[] {self, m1, m2}, beta, alpha);
        return out;
    }

    /** out = alpha * out + beta * self, in place on the fresh product (beta 0 ignores self's NaNs). */
    private static void combine(Tensor out, Tensor self, double beta, double alpha) {
        var be = out.storage.backend();
        if (alpha != 1) be.binary(BinaryOp.MUL, out.strided(), Ops.scalarOperand(Scalar.of(alpha), out.dtype()), out.strided(), 1);
        if (beta != 0) {
            Tensor s = self.dtype() == out.dtype() ? self : self.to(out.dtype());
            be.binary(BinaryOp.ADD, out.strided(), s.strided(), out.strided(), beta);
        }
    }

    static Tensor baddbmm(Tensor self, Tensor b1, Tensor b2, double beta, double alpha) {
        Tensor prod = bmmRaw(b1, b2);
        Shapes.broadcast(prod.shape, self.shape);
        combine(prod, self, beta, alpha);
        if (Graph.isRecording(self, b1, b2)) Graph.recordN(Derivatives.BADDBMM, prod, new Tensor[] {self, b1, b2}, beta, alpha);
        return prod;
    }

    private static Tensor bmmRaw(Tensor a, Tensor b) {
        try (var g = dev.kindling.autograd.GradMode.scope(false)) {
            return bmm(a, b);
        }
    }

    static Tensor matmul(Tensor a, Tensor b) {
        int da = a.dim(), db = b.dim();
        if (da == 0 || db == 0) {
            throw new KindlingException("both arguments to matmul need to be at least 1D, but they are " + da + "D and " + db + "D");
        }
        if (da == 1 && db == 1) return dot(a, b);
        if (da == 2 && db == 1) return mv(a, b);
        if (da == 1 && db == 2) return mm(a.unsqueeze(0), b).squeeze(0);
        if (da == 2 && db == 2) return mm(a, b);
        if (da >= 3 && db <= 2) {
            // fold the batch into the rows: [..., M, K] @ [K, N]
            Tensor bb = db == 1 ? b.unsqueeze(1) : b;
            int k = a.shape[da - 1];
            if (k != bb.shape[0]) {
                throw new KindlingException("mat1 and mat2 shapes cannot be multiplied (" + (a.numel() / Math.max(k, 1)) + "x" + k
                        + " and " + bb.shape[0] + "x" + bb.shape[1] + ")");
            }
            Tensor r = mm(a.reshape(-1, k), bb);
            int[] shape = a.shape();
            shape[da - 1] = bb.shape[1];
            Tensor out = r.view(shape);
            return db == 1 ? out.squeeze(-1) : out;
        }
        // general batched case with broadcasting
        Tensor aa = da == 1 ? a.unsqueeze(0) : a;
        Tensor bb = db == 1 ? b.unsqueeze(1) : b;
        int m = aa.shape[aa.dim() - 2], k = aa.shape[aa.dim() - 1];
        int k2 = bb.shape[bb.dim() - 2], n = bb.shape[bb.dim() - 1];
        if (k != k2) {
            throw new KindlingException("Expected size for first two dimensions of batch2 tensor to be: [" + batchNumel(aa) + ", " + k
                    + "] but got: [" + batchNumel(bb) + ", " + k2 + "].");
        }
        int[] batchA = java.util.Arrays.copyOf(aa.shape, aa.dim() - 2);
        int[] batchB = java.util.Arrays.copyOf(bb.shape, bb.dim() - 2);
        int[] batch = Shapes.broadcast(batchA, batchB);
        int bsz = (int) Shapes.numel(batch);
        Tensor a3 = aa.expand(concat(batch, m, k)).reshape(bsz, m, k);
        Tensor b3 = bb.expand(concat(batch, k, n)).reshape(bsz, k, n);
        Tensor out = bmm(a3, b3).view(concat(batch, m, n));
        if (da == 1) out = out.squeeze(-2);
        if (db == 1) out = out.squeeze(-1);
        return out;
    }

    private static long batchNumel(Tensor t) {
        return t.numel() / ((long) t.shape[t.dim() - 2] * t.shape[t.dim() - 1]);
    }

    private static int[] concat(int[] batch, int x, int y) {
        int[] r = java.util.Arrays.copyOf(batch, batch.length + 2);
        r[batch.length] = x;
        r[batch.length + 1] = y;
        return r;
    }
}
