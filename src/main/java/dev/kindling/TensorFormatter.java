package dev.kindling;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders a tensor as PyTorch's {@code repr(tensor)} does, character for character, so that JShell
 * shows a tensor the way a Python REPL does.
 *
 * <p>{@code Tensor.toString()} calls {@link #format} with the tensor's shape, dtype, an
 * {@link ElementReader} over its elements in row-major logical order, its device and autograd
 * state, and the current {@link PrintOptions}. The formatter reads only the elements it prints
 * (at most {@code 2 * edgeitems} per dimension once the tensor has more than {@code threshold}
 * elements), keeps no state between calls and is safe to call from any thread.
 *
 * <p>It follows {@code torch/_tensor_str.py} step by step:
 * <ul>
 *   <li><b>One style for all printed elements</b> ({@code _Formatter}), chosen over the elements
 *       that are printed: integers and bools print as Python's {@code str}; floating values whose
 *       nonzero finite values are all integers print as {@code 1.} ("int mode"); floating values
 *       print in scientific notation ({@code 1.0000e+10}) when, over their nonzero finite
 *       magnitudes, max / min &gt; 1000, max &gt; 1e8 or min &lt; 1e-4, unless
 *       {@link PrintOptions#sciMode()} forces it; otherwise with {@code precision} decimals.
 *       Every element is right-aligned to the widest nonzero finite (or, for integers, any)
 *       element. Decimal rounding is Python's: round-half-even on the exact binary value.</li>
 *   <li><b>Summarisation</b>: above {@code threshold} elements, each dimension longer than
 *       {@code 2 * edgeitems} shows its first and last {@code edgeitems} entries around
 *       {@code ...}.</li>
 *   <li><b>Layout</b>: the last dimension wraps at {@code linewidth}, with
 *       {@code (linewidth - indent) / (width + 2)} elements per line; a dimension {@code k} from
 *       the end separates its sub-blocks with {@code k - 1} newlines; nested lines are indented
 *       under the opening brackets of {@code "tensor("}.</li>
 *   <li><b>Suffixes</b> in PyTorch's order ({@code device}, {@code size}, {@code dtype},
 *       {@code grad_fn} or {@code requires_grad}), each moved to a new line when it would pass
 *       {@code linewidth}. The dtype is named unless it is float32, int64 or bool, and for an
 *       empty tensor unless it is float32.</li>
 * </ul>
 */
final class TensorFormatter {
    /**
     * The elements of the tensor being printed, by index in row-major logical order (the order of
     * {@code tensor.reshape(-1)}), whatever the tensor's strides.
     */
    interface ElementReader {
        /**
         * The element as a double: exact for the floating dtypes (float32, float16 and bfloat16
         * values are widened without rounding).
         */
        double getDouble(long flatIndex);

        /** The element's exact value for the integer dtypes (uint8 as 0..255). */
        default long getLong(long flatIndex) { return (long) getDouble(flatIndex); }

        /** The element of a bool tensor. */
        default boolean getBool(long flatIndex) { return getDouble(flatIndex) != 0; }
    }

    /** What a plain tensor's repr starts with; its length is the indent of continuation lines. */
    private static final String PREFIX = "tensor(";
    private static final int INDENT = PREFIX.length();

    /** Above this ratio of largest to smallest nonzero finite magnitude, floats print as 1.0000e+03. */
    private static final double SCI_MAX_RATIO = 1000.0;
    /** Above this largest nonzero finite magnitude, floats print in scientific notation. */
    private static final double SCI_MAX_MAGNITUDE = 1.0e8;
    /** Below this smallest nonzero finite magnitude, floats print in scientific notation. */
    private static final double SCI_MIN_MAGNITUDE = 1.0e-4;

    /** Characters an element takes beyond its width in a row: the comma and the space after it. */
    private static final int ELEMENT_SEPARATOR_WIDTH = 2;
    /** The most elements one string can be built from (Java's array limit, with headroom). */
    private static final long MAX_PRINTED_ELEMENTS = Integer.MAX_VALUE - 8;

    private TensorFormatter() {}

    /**
     * The repr of a tensor, exactly as PyTorch's {@code repr} prints it.
     *
     * @param shape        the sizes of the dimensions ({@code {}} for a 0-dim tensor)
     * @param dtype        the element type; selects which {@link ElementReader} method is used
     * @param elements     the elements; not read when the tensor is empty (may then be null)
     * @param device       the device as {@code str(tensor.device)}, such as "cpu" or "cuda:0";
     *                     any device but "cpu" is printed
     * @param requiresGrad whether the tensor requires grad (printed only without a grad_fn)
     * @param gradFnName   the name of the node that created the tensor, such as "MulBackward0",
     *                     or null for none
     * @param options      print options; null means {@link PrintOptions#get()}
     * @throws IllegalArgumentException for a null or negative shape, a null dtype or device, or a
     *     null reader for a non-empty tensor
     * @throws KindlingException when more elements would be printed than one string can hold
     */
    static String format(int[] shape, DType dtype, ElementReader elements, String device,
                         boolean requiresGrad, String gradFnName, PrintOptions options) {
        long numel = checkedNumel(shape);
        if (dtype == null) throw new IllegalArgumentException("tensor repr: dtype must not be null");
        if (device == null) throw new IllegalArgumentException("tensor repr: device must not be null");
        if (elements == null && numel > 0) {
            throw new IllegalArgumentException("tensor repr: no element reader for a tensor of "
                    + numel + " elements, shape " + sizeTuple(shape));
        }
        PrintOptions opts = options != null ? options : PrintOptions.get();

        List<String> suffixes = new ArrayList<>();
        if (!"cpu".equals(device)) suffixes.add("device='" + device + "'");
        String body;
        if (numel == 0) {
            // NumPy prints the shape of an empty array unless it is (0,); with no elements to show
            // the dtype, anything but the default float32 is named.
            if (shape.length != 1) suffixes.add("size=" + sizeTuple(shape));
            if (dtype != DType.FLOAT32) suffixes.add("dtype=" + dtype);
            body = "[]";
        } else {
            if (opts.edgeitems() == 0) suffixes.add("size=" + sizeTuple(shape));
            if (!hasDefaultDtype(dtype)) suffixes.add("dtype=" + dtype);
            body = new Body(shape, dtype, elements, opts, numel).render();
        }
        if (gradFnName != null) {
            suffixes.add("grad_fn=<" + gradFnName + ">");
        } else if (requiresGrad) {
            suffixes.add("requires_grad=True");
        }
        return addSuffixes(PREFIX + body, suffixes, INDENT, opts.linewidth());
    }

    /** {@link #format} with the current {@link PrintOptions}. */
    static String format(int[] shape, DType dtype, ElementReader elements, String device,
                         boolean requiresGrad, String gradFnName) {
        return format(shape, dtype, elements, device, requiresGrad, gradFnName, null);
    }

    /** The dtypes whose values show their type: float32 (the default dtype), int64 and bool. */
    private static boolean hasDefaultDtype(DType dtype) {
        return dtype == DType.FLOAT32 || dtype == DType.INT64 || dtype == DType.BOOL;
    }

    private static long checkedNumel(int[] shape) {
        if (shape == null) throw new IllegalArgumentException("tensor repr: shape must not be null");
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("tensor repr: negative dimension " + s + " in shape "
                        + Arrays.toString(shape));
            }
            if (s != 0 && n > Long.MAX_VALUE / s) {
                throw new IllegalArgumentException("tensor repr: shape " + Arrays.toString(shape)
                        + " has more than " + Long.MAX_VALUE + " elements");
            }
            n *= s;
        }
        return n;
    }

    /** Python's {@code str(tuple(shape))}: {@code (2, 3)}, {@code (5,)}, {@code ()}. */
    static String sizeTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    /**
     * PyTorch's {@code _add_suffixes}: appends ", suffix" for each suffix, or starts a new line
     * indented by {@code indent} when the suffix would pass the line width, then closes the paren.
     * The running length starts at the last line's length plus two, as PyTorch's does.
     */
    private static String addSuffixes(String tensorStr, List<String> suffixes, int indent, int linewidth) {
        StringBuilder sb = new StringBuilder(tensorStr);
        long lastLineLen = tensorStr.length() - tensorStr.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLen + suffix.length() + 2 > linewidth) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLen = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLen += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    /**
     * The bracketed elements of one non-empty tensor: reads the printed elements, formats them in
     * one style ({@code _Formatter}) and lays them out ({@code _tensor_str_with_formatter}).
     */
    private static final class Body {
        private final int[] shape;
        private final boolean summarize;
        private final int edge;
        private final int linewidth;
        /** The printed elements, formatted and padded, in the order they are printed. */
        private final String[] cells;
        private final int width;
        private int cursor;

        Body(int[] shape, DType dtype, ElementReader elements, PrintOptions opts, long numel) {
            this.shape = shape;
            this.summarize = numel > opts.threshold();
            this.edge = opts.edgeitems();
            this.linewidth = opts.linewidth();
            int[][] kept = keptIndices();
            long count = 1;
            for (int[] k : kept) count *= k.length;
            if (count > MAX_PRINTED_ELEMENTS) {
                throw new KindlingException("tensor repr: cannot print " + count + " elements of a tensor of shape "
                        + sizeTuple(shape) + " in one string; set a PrintOptions threshold to summarise it");
            }
            this.cells = new String[(int) count];
            this.width = formatCells(dtype, elements, new KeptWalker(shape, kept), opts);
        }

        /**
         * The indices each dimension prints, which are also the elements that choose the style
         * ({@code get_summarized_data}): all of them, or the first and last {@code edgeitems} of a
         * summarised dimension longer than {@code 2 * edgeitems}.
         */
        private int[][] keptIndices() {
            int[][] kept = new int[shape.length][];
            for (int d = 0; d < shape.length; d++) {
                int n = shape[d];
                boolean cut = summarize && n > 2L * edge;
                int[] idx = new int[cut ? 2 * edge : n];
                if (cut) {
                    for (int i = 0; i < edge; i++) {
                        idx[i] = i;
                        idx[edge + i] = n - edge + i;
                    }
                } else {
                    for (int i = 0; i < n; i++) idx[i] = i;
                }
                kept[d] = idx;
            }
            return kept;
        }

        /** Fills {@link #cells} and returns the common width, padding every cell to it. */
        private int formatCells(DType dtype, ElementReader elements, KeptWalker walker, PrintOptions opts) {
            int n = cells.length;
            int w = 1;
            if (dtype.isBool()) {
                for (int k = 0; k < n; k++) {
                    cells[k] = elements.getBool(walker.next()) ? "True" : "False";
                    w = Math.max(w, cells[k].length());
                }
            } else if (!dtype.isFloatingPoint()) {
                for (int k = 0; k < n; k++) {
                    cells[k] = Long.toString(elements.getLong(walker.next()));
                    w = Math.max(w, cells[k].length());
                }
            } else {
                double[] values = new double[n];
                for (int k = 0; k < n; k++) values[k] = elements.getDouble(walker.next());
                FloatStyle style = FloatStyle.choose(values, opts);
                for (int k = 0; k < n; k++) {
                    double v = values[k];
                    cells[k] = style.format(v);
                    // Only nonzero finite values set the width: nan, inf and 0 may stick out.
                    if (v != 0 && Double.isFinite(v)) w = Math.max(w, cells[k].length());
                }
            }
            for (int k = 0; k < n; k++) {
                int pad = w - cells[k].length();
                if (pad > 0) cells[k] = " ".repeat(pad) + cells[k];
            }
            return w;
        }

        String render() {
            String s = render(0, INDENT);
            if (cursor != cells.length) {
                throw new IllegalStateException("tensor repr: laid out " + cursor + " of " + cells.length
                        + " formatted elements for shape " + sizeTuple(shape));
            }
            return s;
        }

        /** {@code _tensor_str_with_formatter} for the sub-tensor starting at dimension {@code d}. */
        private String render(int d, int indent) {
            int sub = shape.length - d;
            if (sub == 0) return cells[cursor++];
            if (sub == 1) return vector(shape[d], indent);
            int n = shape[d];
            List<String> slices = new ArrayList<>();
            if (summarize && n > 2L * edge) {
                for (int i = 0; i < edge; i++) slices.add(render(d + 1, indent + 1));
                slices.add("...");
                for (int i = 0; i < edge; i++) slices.add(render(d + 1, indent + 1));
            } else {
                for (int i = 0; i < n; i++) slices.add(render(d + 1, indent + 1));
            }
            String sep = "," + "\n".repeat(sub - 1) + " ".repeat(indent + 1);
            return "[" + String.join(sep, slices) + "]";
        }

        /** {@code _vector_str}: one row of elements, wrapped at the line width. */
        private String vector(int n, int indent) {
            List<String> data = new ArrayList<>();
            if (summarize && edge == 0) {
                data.add("...");
            } else if (summarize && n > 2L * edge) {
                for (int i = 0; i < edge; i++) data.add(cells[cursor++]);
                data.add(" ...");
                for (int i = 0; i < edge; i++) data.add(cells[cursor++]);
            } else {
                for (int i = 0; i < n; i++) data.add(cells[cursor++]);
            }
            long perLine = Math.max(1,
                    Math.floorDiv((long) linewidth - indent, (long) width + ELEMENT_SEPARATOR_WIDTH));
            StringBuilder sb = new StringBuilder("[");
            String lineBreak = ",\n" + " ".repeat(indent + 1);
            for (int i = 0; i < data.size(); i++) {
                if (i > 0) sb.append(i % perLine == 0 ? lineBreak : ", ");
                sb.append(data.get(i));
            }
            return sb.append(']').toString();
        }
    }

    /** Visits the flat indices of the kept elements in row-major order (an odometer). */
    private static final class KeptWalker {
        private final int[][] kept;
        private final long[] strides;
        private final int[] pos;

        KeptWalker(int[] shape, int[][] kept) {
            this.kept = kept;
            this.strides = new long[shape.length];
            long s = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = s;
                s *= shape[d];
            }
            this.pos = new int[shape.length];
        }

        long next() {
            long flat = 0;
            for (int d = 0; d < pos.length; d++) flat += kept[d][pos[d]] * strides[d];
            for (int d = pos.length - 1; d >= 0; d--) {
                if (++pos[d] < kept[d].length) break;
                pos[d] = 0;
            }
            return flat;
        }
    }

    /** The number style of one floating tensor ({@code _Formatter} for floating dtypes). */
    private record FloatStyle(boolean intMode, boolean sciMode, int precision) {
        static FloatStyle choose(double[] values, PrintOptions opts) {
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            boolean any = false;
            boolean intMode = true;
            for (double v : values) {
                if (v == 0 || !Double.isFinite(v)) continue;
                any = true;
                double a = Math.abs(v);
                min = Math.min(min, a);
                max = Math.max(max, a);
                if (v != Math.ceil(v)) intMode = false;
            }
            if (!any) return new FloatStyle(true, false, opts.precision()); // no value to judge by
            boolean sci = opts.sciMode() != null ? opts.sciMode()
                    : max / min > SCI_MAX_RATIO || max > SCI_MAX_MAGNITUDE || min < SCI_MIN_MAGNITUDE;
            return new FloatStyle(intMode, sci, opts.precision());
        }

        /** One value, unpadded: {@code 1.5000}, {@code 2.}, {@code 1.0000e-05}, {@code nan}, {@code -inf}. */
        String format(double v) {
            if (Double.isNaN(v)) return "nan";
            if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
            if (sciMode) return formatScientific(v, precision);
            if (intMode) return formatFixed(v, 0) + ".";
            return formatFixed(v, precision);
        }
    }

    /**
     * Python's {@code format(v, '.{precision}f')} for a finite v: the exact binary value rounded
     * half-even to {@code precision} decimals, keeping the sign of negative values (and of -0.0)
     * that round to zero.
     */
    static String formatFixed(double v, int precision) {
        String digits = new BigDecimal(Math.abs(v)).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return isNegative(v) ? "-" + digits : digits;
    }

    /**
     * Python's {@code format(v, '.{precision}e')} for a finite v: {@code precision + 1} significant
     * digits rounded half-even from the exact binary value, and an exponent of at least two digits
     * ({@code 1.0000e+10}, {@code 9.8813e-324}, {@code 0.0000e+00}).
     */
    static String formatScientific(double v, int precision) {
        int significant = precision + 1;
        String digits;
        int exponent;
        double a = Math.abs(v);
        if (a == 0) {
            digits = "0".repeat(significant);
            exponent = 0;
        } else {
            BigDecimal rounded = new BigDecimal(a).round(new MathContext(significant, RoundingMode.HALF_EVEN));
            String unscaled = rounded.unscaledValue().toString();
            exponent = unscaled.length() - 1 - rounded.scale();
            digits = unscaled.length() >= significant ? unscaled.substring(0, significant)
                    : unscaled + "0".repeat(significant - unscaled.length());
        }
        StringBuilder sb = new StringBuilder(significant + 8);
        if (isNegative(v)) sb.append('-');
        sb.append(digits.charAt(0));
        if (precision > 0) sb.append('.').append(digits, 1, significant);
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int e = Math.abs(exponent);
        if (e < 10) sb.append('0');
        return sb.append(e).toString();
    }

    /** True for negative values and -0.0 (the sign bit), which Python prints with a minus. */
    private static boolean isNegative(double v) {
        return Double.doubleToRawLongBits(v) < 0;
    }
}
