package dev.kindling.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX modules shipped as resources of this package ({@code src/main/cuda/compile-ptx.sh} writes
 * them), and the parameter lists of their kernels as the PTX declares them: the size and alignment
 * of each {@code .param}. The driver loads the text with {@code cuModuleLoadData}; tests compare the
 * declared parameters with what {@link KernelArgs} packs.
 */
final class Ptx {
    private Ptx() {}

    /** One kernel parameter: its size in bytes and its alignment. */
    record Param(int bytes, int align) {}

    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile(
            "\\.param\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)])?");

    /** The text of a module's PTX resource. */
    static String text(Kernel.Module module) {
        try (InputStream in = Ptx.class.getResourceAsStream(module.resource())) {
            if (in == null) {
                throw new IllegalStateException("the CUDA kernels " + module.resource() + " are missing from the class path "
                        + "(dev/kindling/backend/cuda/); the jar was built without src/main/resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the CUDA kernels " + module.resource(), e);
        }
    }

    /** The kernels declared in PTX text, by name, with their parameters in order. */
    static Map<String, List<Param>> entries(String ptx) {
        Map<String, List<Param>> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            String list = m.group(2).trim();
            if (!list.isEmpty()) {
                for (String decl : list.split(",")) {
                    Matcher p = PARAM.matcher(decl.trim());
                    if (!p.find()) throw new IllegalStateException("unreadable PTX parameter of " + m.group(1) + ": " + decl.trim());
                    params.add(param(p.group(1), p.group(2), p.group(3)));
                }
            }
            out.put(m.group(1), List.copyOf(params));
        }
        return out;
    }

    private static Param param(String align, String type, String count) {
        int width = switch (type) {
            case "b8", "u8", "s8" -> 1;
            case "b16", "u16", "s16", "f16" -> 2;
            case "b32", "u32", "s32", "f32" -> 4;
            case "b64", "u64", "s64", "f64" -> 8;
            default -> throw new IllegalStateException("unknown PTX parameter type ." + type);
        };
        int n = count == null ? 1 : Integer.parseInt(count);
        int a = align == null ? width : Integer.parseInt(align);
        return new Param(width * n, a);
    }

    /**
     * Checks packed arguments against a kernel's declared parameters; returns null when they match,
     * else what differs.
     */
    static String mismatch(String kernel, List<Param> declared, byte[][] args) {
        if (declared == null) return "kernel " + kernel + " is not in its PTX module";
        if (declared.size() != args.length) {
            return kernel + " declares " + declared.size() + " parameters, the launch passes " + args.length;
        }
        for (int i = 0; i < args.length; i++) {
            if (declared.get(i).bytes() != args[i].length) {
                return kernel + " parameter " + i + " is " + declared.get(i).bytes() + " bytes, the launch passes " + args[i].length;
            }
        }
        return null;
    }
}
