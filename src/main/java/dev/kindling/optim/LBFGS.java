package dev.kindling.optim;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * L-BFGS ({@code torch.optim.LBFGS}), a quasi-Newton method that re-evaluates the loss several
 * times per step, so it is stepped with a closure:
 *
 * <pre>{@code
 * var opt = new LBFGS(params).lineSearchFn("strong_wolfe");
 * Tensor loss = opt.step(() -> {
 *     opt.zeroGrad();
 *     Tensor l = model.forward(x).sub(y).square().mean();
 *     l.backward();
 *     return l;
 * });
 * }</pre>
 *
 * <p>PyTorch's algorithm (itself after minFunc): up to {@code max_iter} iterations per step, each
 * taking the two-loop L-BFGS direction from the last {@code history_size} curvature pairs and a
 * step of {@code lr} (the first scaled by min(1, 1/|g|_1)), or a strong-Wolfe line search with
 * cubic interpolation when {@code line_search_fn} is "strong_wolfe"; it stops early on
 * {@code tolerance_grad} (max |g|), {@code tolerance_change} (step or loss change) or
 * {@code max_eval} evaluations. Parameters are handled as one flat vector, so they must all be
 * on one device with one dtype, and there is a single param group (PyTorch's restrictions).
 * Scalars PyTorch keeps in 0-dim tensors of the parameters' dtype are rounded to that dtype.
 *
 * <p>Defaults: lr 1, max_iter 20, max_eval max_iter * 5 / 4, tolerance_grad 1e-7,
 * tolerance_change 1e-9, history_size 100, line_search_fn none. State, kept for the first
 * parameter as PyTorch does: {@code func_evals}, {@code n_iter}, {@code d}, {@code t},
 * {@code old_dirs}, {@code old_stps}, {@code ro}, {@code H_diag}, {@code prev_flat_grad},
 * {@code prev_loss}, {@code al}. Memory: about (2 history_size + 3) copies of the parameters.
 */
public class LBFGS extends Optimizer {
    /** Curvature pairs with y·s at or below this are not stored (PyTorch's constant). */
    private static final double MIN_CURVATURE = 1e-10;
    /** Strong-Wolfe sufficient-decrease and curvature constants, and its evaluation budget. */
    private static final double WOLFE_C1 = 1e-4, WOLFE_C2 = 0.9;
    private static final int MAX_LINE_SEARCH_EVALS = 25;
    /** The line search's own bracket tolerance: PyTorch passes its default, not the group's tolerance_change. */
    private static final double LINE_SEARCH_TOLERANCE_CHANGE = 1e-9;
    private static final String STRONG_WOLFE = "strong_wolfe";

    private static final List<HyperParam> SPEC = List.of(
            HyperParam.lr(1),
            HyperParam.integer("max_iter", 20, 1),
            HyperParam.integer("max_eval", 25, 1),
            HyperParam.nonNegative("tolerance_grad", 1e-7),
            HyperParam.nonNegative("tolerance_change", 1e-9),
            HyperParam.integer("history_size", 100, 1),
            HyperParam.choice("line_search_fn", null, "only 'strong_wolfe' is supported", STRONG_WOLFE));

    private boolean maxEvalSet;

    public LBFGS(List<Tensor> params) { this(params, 1); }

    public LBFGS(List<Tensor> params, double lr) {
        super(params, SPEC, Map.of("lr", lr));
        DType dtype = params.get(0).dtype();
        for (Tensor p : params) {
            if (p.dtype() != dtype || !p.device().equals(params.get(0).device())) {
                throw new IllegalArgumentException("LBFGS: all parameters must share one dtype and device (the first is " + dtype + " on "
                        + params.get(0).device() + ", another " + p.dtype() + " on " + p.device() + ")");
            }
        }
    }

    public LBFGS lr(double lr) { setDefault("lr", lr); return this; }

    /** Iterations per {@code step}; also sets max_eval to 5/4 of it unless max_eval was set. */
    public LBFGS maxIter(int maxIter) {
        setDefault("max_iter", maxIter);
        if (!maxEvalSet) setDefault("max_eval", maxIter * 5 / 4);
        return this;
    }

    /** Loss evaluations per {@code step}. */
    public LBFGS maxEval(int maxEval) {
        setDefault("max_eval", maxEval);
        maxEvalSet = true;
        return this;
    }

    /** Stop when the largest gradient magnitude is at most this. */
    public LBFGS toleranceGrad(double tolerance) { setDefault("tolerance_grad", tolerance); return this; }

    /** Stop when the step or the change of the loss is below this. */
    public LBFGS toleranceChange(double tolerance) { setDefault("tolerance_change", tolerance); return this; }

    /** How many curvature pairs to keep. */
    public LBFGS historySize(int historySize) { setDefault("history_size", historySize); return this; }

    /** "strong_wolfe" for a line search, or null for fixed steps of lr. */
    public LBFGS lineSearchFn(String lineSearchFn) { setDefault("line_search_fn", lineSearchFn); return this; }

    /** Refuses a second group: "LBFGS doesn't support per-parameter options (parameter groups)". */
    @Override
    public ParamGroup addParamGroup(List<Tensor> params, Map<String, ?> options) {
        if (!paramGroups().isEmpty()) throw new IllegalArgumentException("LBFGS doesn't support per-parameter options (parameter groups)");
        return super.addParamGroup(params, options);
    }

    /** Refused: L-BFGS evaluates the loss several times per step; use {@link #step(Supplier)}. */
    @Override
    public void step() {
        throw new UnsupportedOperationException("LBFGS.step() needs a closure that re-evaluates the loss: use step(closure)");
    }

    @Override
    protected void update(Tensor param, Tensor grad, Map<String, Object> state, ParamGroup group) {
        throw new UnsupportedOperationException("LBFGS updates all parameters together in step(closure)");
    }

    @Override
    protected Set<String> scalarStateKeys() { return Set.of(); }

    /** L-BFGS's state holds flat vectors and lists: they are copied onto the parameters' device and dtype, not shape-checked. */
    @Override
    protected Object loadStateEntry(String where, Tensor param, String key, Object value) {
        if (value instanceof Tensor t) return copyLike(t, param);
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            for (Object o : list) copy.add(o instanceof Tensor t ? copyLike(t, param) : o);
            return copy;
        }
        if (value instanceof Number || value == null) return value;
        throw new IllegalArgumentException(where + " must be a number, a tensor or a list, got " + describe(value));
    }

    // ---------------------------------------------------------------------------------------
    // the step
    // ---------------------------------------------------------------------------------------

    /** One L-BFGS step: evaluates {@code closure} (with grad enabled) as often as needed; returns its first loss. */
    @Override
    public Tensor step(Supplier<Tensor> closure) {
        if (closure == null) throw new IllegalArgumentException("LBFGS.step needs a closure that re-evaluates the loss");
        ParamGroup group = paramGroups().get(0);
        List<Tensor> params = group.params();
        double lr = group.lr();
        int maxIter = (Integer) group.get("max_iter");
        int maxEval = (Integer) group.get("max_eval");
        double toleranceGrad = group.getDouble("tolerance_grad");
        double toleranceChange = group.getDouble("tolerance_change");
        int historySize = (Integer) group.get("history_size");
        boolean lineSearch = STRONG_WOLFE.equals(group.get("line_search_fn"));
        DType dtype = params.get(0).dtype();
        Map<String, Object> state = mutableState(params.get(0));
        state.putIfAbsent("func_evals", 0);
        state.putIfAbsent("n_iter", 0);

        Tensor origLoss = evaluate(closure);
        double loss = origLoss.item();
        int currentEvals = 1;
        add(state, "func_evals", 1);
        try (var g = Torch.noGrad()) {
            Tensor flatGrad = gatherFlatGrad(params);
            boolean optCond = flatGrad.abs().max().item() <= toleranceGrad;
            if (optCond) {
                countStep();
                return origLoss;
            }
            Tensor d = (Tensor) state.get("d");
            double t = state.get("t") instanceof Number n ? n.doubleValue() : 0;
            List<Tensor> oldDirs = tensors(state.get("old_dirs"));
            List<Tensor> oldStps = tensors(state.get("old_stps"));
            List<Double> ro = doubles(state.get("ro"));
            double hDiag = state.get("H_diag") instanceof Number n ? n.doubleValue() : 1;
            Tensor prevFlatGrad = (Tensor) state.get("prev_flat_grad");
            double prevLoss = state.get("prev_loss") instanceof Number n ? n.doubleValue() : Double.NaN;

            int nIter = 0;
            while (nIter < maxIter) {
                nIter++;
                int globalIter = add(state, "n_iter", 1);
                // the descent direction
                if (globalIter == 1) {
                    d = flatGrad.neg();
                    oldDirs = new ArrayList<>();
                    oldStps = new ArrayList<>();
                    ro = new ArrayList<>();
                    hDiag = 1;
                } else {
                    Tensor y = flatGrad.sub(prevFlatGrad);
                    Tensor s = d.mul(t);
                    double ys = y.dot(s).item();
                    if (ys > MIN_CURVATURE) {
                        if (oldDirs.size() == historySize) {
                            oldDirs.remove(0);
                            oldStps.remove(0);
                            ro.remove(0);
                        }
                        oldDirs.add(y);
                        oldStps.add(s);
                        ro.add(round(1.0 / ys, dtype));
                        hDiag = round(ys / y.dot(y).item(), dtype);
                    }
                    int numOld = oldDirs.size();
                    List<Double> al = alphas(state, historySize);
                    Tensor q = flatGrad.neg();
                    for (int i = numOld - 1; i >= 0; i--) {
                        al.set(i, round(oldStps.get(i).dot(q).item() * ro.get(i), dtype));
                        q.add_(oldDirs.get(i), -al.get(i));
                    }
                    d = q.mul(hDiag);
                    for (int i = 0; i < numOld; i++) {
                        double be = round(oldDirs.get(i).dot(d).item() * ro.get(i), dtype);
                        d.add_(oldStps.get(i), round(al.get(i) - be, dtype));
                    }
                }
                if (prevFlatGrad == null) prevFlatGrad = flatGrad.clone();
                else prevFlatGrad.copy_(flatGrad);
                prevLoss = loss;

                // the step length: min(1, 1 / |g|_1) * lr at first (a 0-dim tensor of the params' dtype in PyTorch)
                if (globalIter == 1) {
                    double inv = round(1.0 / flatGrad.abs().sum().item(), dtype);
                    t = inv < 1.0 ? round(inv * lr, dtype) : lr;
                } else {
                    t = lr;
                }
                double gtd = flatGrad.dot(d).item();
                if (gtd > -toleranceChange) break;

                int lsEvals = 0;
                if (lineSearch) {
                    List<Tensor> xInit = new ArrayList<>();
                    for (Tensor p : params) xInit.add(p.clone());
                    double[] ft = new double[] {loss, t};
                    Tensor[] gOut = new Tensor[1];
                    lsEvals = strongWolfe(closure, params, xInit, d, flatGrad, gtd, LINE_SEARCH_TOLERANCE_CHANGE, ft, gOut);
                    loss = ft[0];
                    t = ft[1];
                    flatGrad = gOut[0];
                    addGrad(params, t, d);
                    optCond = flatGrad.abs().max().item() <= toleranceGrad;
                } else {
                    addGrad(params, t, d);
                    if (nIter != maxIter) {
                        loss = evaluate(closure).item();
                        flatGrad = gatherFlatGrad(params);
                        optCond = flatGrad.abs().max().item() <= toleranceGrad;
                        lsEvals = 1;
                    }
                }
                currentEvals += lsEvals;
                add(state, "func_evals", lsEvals);

                if (nIter == maxIter) break;
                if (currentEvals >= maxEval) break;
                if (optCond) break;
                if (d.mul(t).abs().max().item() <= toleranceChange) break; // no progress in x
                if (Math.abs(loss - prevLoss) < toleranceChange) break;    // no progress in the loss
            }
            state.put("d", d);
            state.put("t", t);
            state.put("old_dirs", oldDirs);
            state.put("old_stps", oldStps);
            state.put("ro", ro);
            state.put("H_diag", hDiag);
            state.put("prev_flat_grad", prevFlatGrad);
            state.put("prev_loss", prevLoss);
        }
        countStep();
        return origLoss;
    }

    private static Tensor evaluate(Supplier<Tensor> closure) {
        try (var g = Torch.enableGrad()) {
            Tensor loss = closure.get();
            if (loss == null) throw new IllegalArgumentException("LBFGS: the closure returned null instead of the loss");
            return loss;
        }
    }

    /** The gradients of all parameters as one vector (zeros for a parameter without one). */
    private static Tensor gatherFlatGrad(List<Tensor> params) {
        List<Tensor> views = new ArrayList<>();
        for (Tensor p : params) {
            Tensor g = p.grad();
            views.add(g == null ? Torch.zeros(new int[] {(int) p.numel()}, p.dtype(), p.device()) : g.reshape(-1));
        }
        return Torch.cat(views, 0);
    }

    /** p += stepSize * (p's slice of update), for every parameter. */
    private static void addGrad(List<Tensor> params, double stepSize, Tensor update) {
        int offset = 0;
        for (Tensor p : params) {
            int n = (int) p.numel();
            p.add_(update.narrow(0, offset, n).view(p.shape()), stepSize);
            offset += n;
        }
    }

    /** The loss and flat gradient at x + t d; the parameters are restored to x afterwards. */
    private static Tensor directionalEvaluate(Supplier<Tensor> closure, List<Tensor> params, List<Tensor> x, double t, Tensor d,
                                              double[] lossOut) {
        addGrad(params, t, d);
        lossOut[0] = evaluate(closure).item();
        Tensor flatGrad = gatherFlatGrad(params);
        for (int i = 0; i < params.size(); i++) params.get(i).copy_(x.get(i));
        return flatGrad;
    }

    /**
     * PyTorch's {@code _strong_wolfe} (after minFunc's lswolfe): brackets a step satisfying the
     * strong Wolfe conditions, then zooms with cubic interpolation. {@code ft} holds the loss and
     * the initial step on entry and the accepted loss and step on return; {@code gOut[0]} receives
     * the flat gradient there. Returns the number of evaluations.
     */
    private static int strongWolfe(Supplier<Tensor> closure, List<Tensor> params, List<Tensor> x, Tensor d, Tensor g0, double gtd,
                                   double toleranceChange, double[] ft, Tensor[] gOut) {
        double f = ft[0], t = ft[1];
        double dNorm = d.abs().max().item();
        Tensor g = g0.clone();
        double[] fNew = new double[1];
        Tensor gNew = directionalEvaluate(closure, params, x, t, d, fNew);
        int evals = 1;
        double gtdNew = gNew.dot(d).item();

        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        Tensor gPrev = g;
        boolean done = false;
        int lsIter = 0;
        double[] bracket = null, bracketF = null, bracketGtd = null;
        Tensor[] bracketG = null;
        while (lsIter < MAX_LINE_SEARCH_EVALS) {
            if (fNew[0] > f + WOLFE_C1 * t * gtd || (lsIter > 1 && fNew[0] >= fPrev)) {
                bracket = new double[] {tPrev, t};
                bracketF = new double[] {fPrev, fNew[0]};
                bracketG = new Tensor[] {gPrev, gNew.clone()};
                bracketGtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            if (Math.abs(gtdNew) <= -WOLFE_C2 * gtd) {
                bracket = new double[] {t, t};
                bracketF = new double[] {fNew[0], fNew[0]};
                bracketG = new Tensor[] {gNew, gNew};
                done = true;
                break;
            }
            if (gtdNew >= 0) {
                bracket = new double[] {tPrev, t};
                bracketF = new double[] {fPrev, fNew[0]};
                bracketG = new Tensor[] {gPrev, gNew.clone()};
                bracketGtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            // extrapolate
            double minStep = t + 0.01 * (t - tPrev);
            double maxStep = t * 10;
            double tmp = t;
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew[0], gtdNew, minStep, maxStep);
            tPrev = tmp;
            fPrev = fNew[0];
            gPrev = gNew.clone();
            gtdPrev = gtdNew;
            gNew = directionalEvaluate(closure, params, x, t, d, fNew);
            evals++;
            gtdNew = gNew.dot(d).item();
            lsIter++;
        }
        if (lsIter == MAX_LINE_SEARCH_EVALS) {
            bracket = new double[] {0, t};
            bracketF = new double[] {f, fNew[0]};
            bracketG = new Tensor[] {g, gNew};
        }

        // zoom: refine the bracket until a point satisfies the conditions
        boolean insufficientProgress = false;
        int low = bracketF[0] <= bracketF[1] ? 0 : 1, high = 1 - low;
        while (!done && lsIter < MAX_LINE_SEARCH_EVALS) {
            if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1],
                    Double.NaN, Double.NaN);
            double hi = Math.max(bracket[0], bracket[1]), lo = Math.min(bracket[0], bracket[1]);
            double eps = 0.1 * (hi - lo);
            if (Math.min(hi - t, t - lo) < eps) {
                // close to a boundary: move away from it if progress was already insufficient or t is on it
                if (insufficientProgress || t >= hi || t <= lo) {
                    t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
                    insufficientProgress = false;
                } else {
                    insufficientProgress = true;
                }
            } else {
                insufficientProgress = false;
            }
            gNew = directionalEvaluate(closure, params, x, t, d, fNew);
            evals++;
            gtdNew = gNew.dot(d).item();
            lsIter++;
            if (fNew[0] > f + WOLFE_C1 * t * gtd || fNew[0] >= bracketF[low]) {
                // Armijo fails or no lower than the low end: shrink from the high side
                bracket[high] = t;
                bracketF[high] = fNew[0];
                bracketG[high] = gNew.clone();
                bracketGtd[high] = gtdNew;
                low = bracketF[0] <= bracketF[1] ? 0 : 1;
                high = 1 - low;
            } else {
                if (Math.abs(gtdNew) <= -WOLFE_C2 * gtd) {
                    done = true;
                } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
                    // the old low becomes the high end
                    bracket[high] = bracket[low];
                    bracketF[high] = bracketF[low];
                    bracketG[high] = bracketG[low];
                    bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t;
                bracketF[low] = fNew[0];
                bracketG[low] = gNew.clone();
                bracketGtd[low] = gtdNew;
            }
        }
        ft[0] = bracketF[low];
        ft[1] = bracket[low];
        gOut[0] = bracketG[low];
        return evals;
    }

    /**
     * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
     * [lo, hi] (the two points when NaN); the midpoint when the cubic has no real minimiser
     * (PyTorch's {@code _cubic_interpolate}, after minFunc's polyinterp).
     */
    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi) {
        double xmin, xmax;
        if (!Double.isNaN(lo)) {
            xmin = lo;
            xmax = hi;
        } else if (x1 <= x2) {
            xmin = x1;
            xmax = x2;
        } else {
            xmin = x2;
            xmax = x1;
        }
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0) {
            double d2 = Math.sqrt(d2Square);
            double minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return pyMin(pyMax(minPos, xmin), xmax);
        }
        return (xmin + xmax) / 2.0;
    }

    /** Python's max(a, b): a unless b &gt; a (so NaN in a stays). */
    private static double pyMax(double a, double b) { return b > a ? b : a; }

    /** Python's min(a, b): a unless b &lt; a. */
    private static double pyMin(double a, double b) { return b < a ? b : a; }

    /** A value PyTorch keeps in a 0-dim tensor of the parameters' dtype, rounded as that tensor rounds it. */
    private static double round(double v, DType dtype) { return dtype == DType.FLOAT32 ? (float) v : v; }

    private static int add(Map<String, Object> state, String key, int n) {
        int v = ((Number) state.get(key)).intValue() + n;
        state.put(key, v);
        return v;
    }

    @SuppressWarnings("unchecked")
    private static List<Double> alphas(Map<String, Object> state, int historySize) {
        Object al = state.get("al");
        if (!(al instanceof List<?> l) || l.size() < historySize) {
            List<Double> fresh = new ArrayList<>(Arrays.asList(new Double[historySize]));
            state.put("al", fresh);
            return fresh;
        }
        return (List<Double>) l;
    }

    private static List<Tensor> tensors(Object o) {
        List<Tensor> l = new ArrayList<>();
        if (o instanceof List<?> list) for (Object t : list) l.add((Tensor) t);
        return l;
    }

    private static List<Double> doubles(Object o) {
        List<Double> l = new ArrayList<>();
        if (o instanceof List<?> list) for (Object v : list) l.add(((Number) v).doubleValue());
        return l;
    }
}
