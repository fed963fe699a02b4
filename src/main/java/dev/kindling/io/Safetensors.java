package dev.kindling.io;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.backend.cpu.CpuStorage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors to and from safetensors files, the format Hugging Face and PyTorch users exchange
 * weights in: {@code save} writes a state dict in insertion order, {@code load} reads one back
 * (memory-mapped: each tensor's bytes are decoded straight from the mapping into its array).
 *
 * <pre>{@code
 * Safetensors.save(model.stateDict(), Path.of("model.safetensors"));
 * model.loadStateDict(Safetensors.load(Path.of("model.safetensors")));
 * }</pre>
 * I/O failures are rethrown as {@link UncheckedIOException}; malformed files as
 * {@link KindlingException} naming the file and the problem.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Writes the tensors (moved to the CPU, made contiguous) in map order. */
    public static void save(Map<String, Tensor> tensors, Path path) {
        save(tensors, path, Map.of());
    }

    /** Writes the tensors with string metadata (the {@code __metadata__} entry). */
    public static void save(Map<String, Tensor> tensors, Path path, Map<String, String> metadata) {
        List<SafetensorsWriter.TensorData> data = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue().detach();
            if (!t.device().isCpu()) t = t.cpu();
            t = t.contiguous();
            if (t.storageOffset() != 0 || t.storage().size() != t.numel()) t = t.clone();
            int[] shape = t.shape();
            long[] lshape = new long[shape.length];
            for (int i = 0; i < shape.length; i++) lshape[i] = shape[i];
            Object array = ((CpuStorage) t.storage()).array;
            ByteBuffer bytes = TensorBytes.fromArray(t.dtype(), array, 0, (int) t.numel());
            data.add(new SafetensorsWriter.TensorData(e.getKey(), t.dtype(), lshape, bytes));
        }
        try {
            SafetensorsWriter.write(path, data, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads every tensor of a file, in file order, onto the CPU. */
    public static Map<String, Tensor> load(Path path) {
        return load(path, Device.CPU);
    }

    /** Reads every tensor of a file onto {@code device}. */
    public static Map<String, Tensor> load(Path path, Device device) {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (SafetensorsFile.Entry e : f.entries()) {
                long[] ls = e.shape();
                int[] shape = new int[ls.length];
                for (int i = 0; i < ls.length; i++) {
                    if (ls[i] > Integer.MAX_VALUE) throw new KindlingException(path + ": tensor \"" + e.name() + "\" dimension too large");
                    shape[i] = (int) ls[i];
                }
                Tensor t = wrap(e.dtype(), TensorBytes.toArray(e.dtype(), f.data(e.name())), shape);
                out.put(e.name(), device.isCpu() ? t : t.to(device));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The {@code __metadata__} of a file. */
    public static Map<String, String> metadata(Path path) {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            return f.metadata();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Wraps the decoded array (no further copy); a 0-dim tensor is a view of one element. */
    private static Tensor wrap(DType dtype, Object array, int[] shape) {
        int[] s = shape.length == 0 ? new int[] {1} : shape;
        Tensor t = switch (dtype) {
            case FLOAT32 -> Tensor.from((float[]) array, s);
            case FLOAT64 -> Tensor.from((double[]) array, s);
            case INT64 -> Tensor.from((long[]) array, s);
            case INT32 -> Tensor.from((int[]) array, s);
            case INT16 -> Tensor.from((short[]) array, s);
            case FLOAT16, BFLOAT16 -> Tensor.fromBits((short[]) array, dtype, s);
            case INT8 -> Tensor.from((byte[]) array, s);
            case UINT8 -> Tensor.fromUnsigned((byte[]) array, s);
            case BOOL -> Tensor.from((boolean[]) array, s);
        };
        return shape.length == 0 ? t.view() : t;
    }
}
