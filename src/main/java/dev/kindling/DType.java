package dev.kindling;

import java.util.Locale;

/**
 * The element types of a {@link Tensor}, with PyTorch's names and type-promotion rules.
 *
 * <p>Each dtype is stored in one kind of Java array: {@code float[]} (FLOAT32), {@code double[]}
 * (FLOAT64), {@code long[]} (INT64), {@code int[]} (INT32), {@code short[]} (INT16, and FLOAT16 /
 * BFLOAT16 as raw bits), {@code byte[]} (INT8, and UINT8 read as unsigned) and {@code boolean[]}
 * (BOOL). FLOAT16 and BFLOAT16 are computed in float and rounded when stored, as PyTorch does on
 * the CPU.
 *
 * <pre>{@code
 * DType.promoteTypes(DType.INT64, DType.FLOAT32);   // FLOAT32
 * DType.promoteTypes(DType.UINT8, DType.INT8);      // INT16
 * DType.FLOAT64.toString();                          // "torch.float64"
 * }</pre>
 */
public enum DType {
    FLOAT32("float32", "Float", 4, Kind.FLOAT),
    FLOAT64("float64", "Double", 8, Kind.FLOAT),
    FLOAT16("float16", "Half", 2, Kind.FLOAT),
    BFLOAT16("bfloat16", "BFloat16", 2, Kind.FLOAT),
    INT64("int64", "Long", 8, Kind.INT),
    INT32("int32", "Int", 4, Kind.INT),
    INT16("int16", "Short", 2, Kind.INT),
    INT8("int8", "Char", 1, Kind.INT),
    UINT8("uint8", "Byte", 1, Kind.INT),
    BOOL("bool", "Bool", 1, Kind.BOOL);

    private enum Kind { BOOL, INT, FLOAT }

    private final String pyName;
    private final String scalarName;
    private final int itemSize;
    private final Kind kind;

    DType(String pyName, String scalarName, int itemSize, Kind kind) {
        this.pyName = pyName;
        this.scalarName = scalarName;
        this.itemSize = itemSize;
        this.kind = kind;
    }

    /** Bytes per element, as {@code torch.dtype.itemsize}. */
    public int itemSize() { return itemSize; }

    public boolean isFloatingPoint() { return kind == Kind.FLOAT; }

    /** True for the integer dtypes (not BOOL). */
    public boolean isIntegral() { return kind == Kind.INT; }

    public boolean isBool() { return kind == Kind.BOOL; }

    /** True for dtypes that can hold negative values. */
    public boolean isSigned() { return this != UINT8 && this != BOOL; }

    /** The name used in PyTorch's error messages, such as "Float" or "Long". */
    public String scalarName() { return scalarName; }

    /** The short name, such as "float32". */
    public String shortName() { return pyName; }

    /** The legacy tensor type name used in autograd messages, such as "torch.FloatTensor". */
    public String tensorTypeName(Device device) {
        String base = switch (this) {
            case FLOAT16 -> "Half";
            default -> scalarName;
        };
        return (device.isCuda() ? "torch.cuda." : "torch.") + base + "Tensor";
    }

    /** {@code torch.float32} etc., as PyTorch prints a dtype. */
    @Override
    public String toString() { return "torch." + pyName; }

    /** Looks a dtype up by its PyTorch name ("float32", "torch.float", "long", "half", ...). */
    public static DType of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("torch.")) n = n.substring(6);
        return switch (n) {
            case "float32", "float" -> FLOAT32;
            case "float64", "double" -> FLOAT64;
            case "float16", "half" -> FLOAT16;
            case "bfloat16" -> BFLOAT16;
            case "int64", "long" -> INT64;
            case "int32", "int" -> INT32;
            case "int16", "short" -> INT16;
            case "int8" -> INT8;
            case "uint8" -> UINT8;
            case "bool" -> BOOL;
            default -> throw new IllegalArgumentException("unknown dtype '" + name + "'");
        };
    }

    /**
     * PyTorch's {@code torch.promote_types}: the smallest dtype to which both can be converted
     * without leaving their category (bool &lt; integer &lt; floating point).
     */
    public static DType promoteTypes(DType a, DType b) {
        if (a == b) return a;
        if (a == BOOL) return b;
        if (b == BOOL) return a;
        if (a.isFloatingPoint() || b.isFloatingPoint()) {
            if (!a.isFloatingPoint()) return b;
            if (!b.isFloatingPoint()) return a;
            if (a == FLOAT64 || b == FLOAT64) return FLOAT64;
            return FLOAT32; // FLOAT32 with anything, or FLOAT16 with BFLOAT16
        }
        // both integral
        if (a == UINT8 || b == UINT8) {
            DType other = a == UINT8 ? b : a;
            return other == INT8 ? INT16 : other;
        }
        return a.itemSize >= b.itemSize ? a : b;
    }

    /** PyTorch's {@code can_cast}: whether a result of type {@code from} may be written into {@code to}. */
    public static boolean canCast(DType from, DType to) {
        if (from.isFloatingPoint() && !to.isFloatingPoint()) return false;
        return !(from != BOOL && to == BOOL);
    }
}
