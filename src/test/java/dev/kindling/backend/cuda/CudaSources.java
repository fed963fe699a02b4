package dev.kindling.backend.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the CUDA sources ({@code src/main/cuda}) the way a C compiler would lay them out, written
 * independently of {@link KernelArgs}: struct field offsets and sizes by C's alignment rules, enum
 * constants in order, and each extern "C" kernel's parameter types. Tests compare the Java side's
 * marshalling against these.
 */
final class CudaSources {
    private CudaSources() {}

    static final Path DIR = Path.of("src/main/cuda");

    static String read(String file) {
        try {
            return Files.readString(DIR.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One C type: size and alignment. */
    record CType(String name, int size, int align) {}

    /** One field of a struct: its C offset, and the element size and count. */
    record Field(String name, int offset, int elementSize, int count) {}

    record Struct(String name, List<Field> fields, int size, int align) {
        Field field(String n) {
            return fields.stream().filter(f -> f.name().equals(n)).findFirst().orElseThrow(() -> new AssertionError(name + " has no " + n));
        }
    }

    static CType primitive(String type) {
        return switch (type.replaceAll("\\s+", " ").trim()) {
            case "int", "unsigned int" -> new CType(type, 4, 4);
            case "float" -> new CType(type, 4, 4);
            case "long long", "unsigned long long", "double" -> new CType(type, 8, 8);
            default -> null;
        };
    }

    private static final Pattern DEFINE = Pattern.compile("#define\\s+(\\w+)\\s+(\\d+)");
    private static final Pattern STRUCT = Pattern.compile("struct\\s+(\\w+)\\s*\\{([^}]*)}\\s*;");
    private static final Pattern FIELD_DECL = Pattern.compile("((?:unsigned\\s+)?(?:long\\s+long|int|double|float))\\s+([^;]+);");

    static Map<String, Integer> defines(String text) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = DEFINE.matcher(text);
        while (m.find()) out.put(m.group(1), Integer.parseInt(m.group(2)));
        return out;
    }

    /** The structs of kindling.cuh with C layouts. */
    static Map<String, Struct> structs() {
        String text = read("kindling.cuh");
        Map<String, Integer> defs = defines(text);
        Map<String, Struct> out = new LinkedHashMap<>();
        Matcher m = STRUCT.matcher(text);
        while (m.find()) {
            List<Field> fields = new ArrayList<>();
            int offset = 0, maxAlign = 1;
            Matcher f = FIELD_DECL.matcher(m.group(2));
            while (f.find()) {
                CType t = primitive(f.group(1));
                for (String decl : f.group(2).split(",")) {
                    decl = decl.trim();
                    int count = 1;
                    String name = decl;
                    int br = decl.indexOf('[');
                    if (br >= 0) {
                        name = decl.substring(0, br).trim();
                        String n = decl.substring(br + 1, decl.indexOf(']')).trim();
                        count = defs.containsKey(n) ? defs.get(n) : Integer.parseInt(n);
                    }
                    offset = (offset + t.align() - 1) / t.align() * t.align();
                    fields.add(new Field(name, offset, t.size(), count));
                    offset += t.size() * count;
                    maxAlign = Math.max(maxAlign, t.align());
                }
            }
            int size = (offset + maxAlign - 1) / maxAlign * maxAlign;
            out.put(m.group(1), new Struct(m.group(1), List.copyOf(fields), size, maxAlign));
        }
        return out;
    }

    /** The constants of {@code enum name { ... }} in order, with explicit values where given (else -1). */
    static Map<String, Integer> enumConstants(String name) {
        String text = read("kindling.cuh");
        Matcher m = Pattern.compile("enum\\s+" + name + "\\s*\\{([^}]*)}").matcher(text);
        if (!m.find()) throw new AssertionError("no enum " + name + " in kindling.cuh");
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String c : m.group(1).split(",")) {
            c = c.trim();
            if (c.isEmpty()) continue;
            int eq = c.indexOf('=');
            if (eq < 0) out.put(c, -1);
            else out.put(c.substring(0, eq).trim(), Integer.parseInt(c.substring(eq + 1).trim()));
        }
        return out;
    }

    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\(\\d+\\)\\s+)?(\\w+)\\s*\\(([^)]*)\\)");

    /** The parameter types of every extern "C" kernel of a .cu file, by kernel name. */
    static Map<String, List<String>> kernels(String cuFile) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(read(cuFile));
        while (m.find()) {
            List<String> types = new ArrayList<>();
            for (String p : m.group(2).split(",")) {
                String decl = p.trim().replaceAll("\\s+", " ");
                types.add(decl.substring(0, decl.lastIndexOf(' ')).trim());
            }
            out.put(m.group(1), List.copyOf(types));
        }
        return out;
    }

    /** The parameter types of every kernel of every module, by kernel name. */
    static Map<String, List<String>> allKernels() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Kernel.Module mod : Kernel.Module.values()) out.putAll(kernels(mod.name().toLowerCase(java.util.Locale.ROOT) + ".cu"));
        return out;
    }

    /** The size of a kernel parameter type: a primitive or one of the header's structs. */
    static int sizeOf(String type, Map<String, Struct> structs) {
        CType p = primitive(type);
        if (p != null) return p.size();
        Struct s = structs.get(type);
        if (s == null) throw new AssertionError("unknown kernel parameter type " + type);
        return s.size();
    }
}
