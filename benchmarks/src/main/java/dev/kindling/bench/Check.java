package dev.kindling.bench;

import java.util.List;
import java.util.Locale;

/**
 * The cross-check of a workload: Kindling's values against libtorch's, part by part.
 *
 * <p>A part's error is its largest absolute difference divided by the largest magnitude among
 * libtorch's values (1 when those are all zero), so that a float32 result is judged on the scale
 * of its own numbers; the workload passes when every part's error is within its tolerance and
 * no value is NaN on one side only.
 *
 * @param ok        whether every part agreed within the tolerance
 * @param error     the largest part error
 * @param tolerance the workload's tolerance
 * @param detail    the worst part's name, or what did not match
 */
record Check(boolean ok, double error, double tolerance, String detail) {

    static Check compare(List<Side.Part> kindling, List<Side.Part> libtorch, double tolerance) {
        if (kindling.size() != libtorch.size()) {
            return new Check(false, Double.NaN, tolerance, "Kindling returned " + kindling.size() + " parts, libtorch " + libtorch.size());
        }
        double worst = 0;
        String worstPart = kindling.isEmpty() ? "" : kindling.get(0).name();
        for (int p = 0; p < kindling.size(); p++) {
            double[] k = kindling.get(p).values(), l = libtorch.get(p).values();
            String name = kindling.get(p).name();
            if (k.length != l.length) {
                return new Check(false, Double.NaN, tolerance, name + ": Kindling has " + k.length + " values, libtorch " + l.length);
            }
            double scale = 0;
            for (double v : l) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
            if (scale == 0) scale = 1;
            double err = 0;
            for (int i = 0; i < k.length; i++) {
                if (Double.isNaN(k[i]) != Double.isNaN(l[i])) {
                    return new Check(false, Double.NaN, tolerance, name + "[" + i + "]: Kindling " + k[i] + ", libtorch " + l[i]);
                }
                if (!Double.isNaN(k[i]) && k[i] != l[i]) err = Math.max(err, Math.abs(k[i] - l[i]) / scale);
            }
            if (p == 0 || err > worst) {
                worst = err;
                worstPart = name;
            }
        }
        return new Check(worst <= tolerance, worst, tolerance, worstPart);
    }

    String summary() {
        return String.format(Locale.ROOT, "%s %.1e (tol %.0e, %s)", ok ? "ok" : "FAIL", error, tolerance, detail);
    }
}
