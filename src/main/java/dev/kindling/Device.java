package dev.kindling;

import java.util.Objects;

/**
 * Where a tensor's storage lives: the CPU (Java heap) or a CUDA device.
 *
 * <pre>{@code
 * Device.CPU;            // cpu
 * Device.cuda(0);        // cuda:0
 * Device.of("cuda:1");   // cuda:1
 * }</pre>
 */
public final class Device {
    public enum Type { CPU, CUDA }

    public static final Device CPU = new Device(Type.CPU, -1);
    private static final Device[] CUDA = new Device[16];

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        this.type = type;
        this.index = index;
    }

    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("Device index must not be negative, got " + index);
        if (index < CUDA.length) {
            synchronized (CUDA) {
                if (CUDA[index] == null) CUDA[index] = new Device(Type.CUDA, index);
                return CUDA[index];
            }
        }
        return new Device(Type.CUDA, index);
    }

    /** The current CUDA device, {@code cuda:0}. */
    public static Device cuda() { return cuda(0); }

    /** Parses "cpu", "cuda" or "cuda:N" as {@code torch.device} does. */
    public static Device of(String spec) {
        String s = spec.trim();
        if (s.equals("cpu")) return CPU;
        if (s.equals("cuda")) return cuda(0);
        if (s.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("Expected one of cpu, cuda device type at start of device string: " + spec);
    }

    public Type type() { return type; }

    /** The device index, or -1 for the CPU. */
    public int index() { return index; }

    public boolean isCuda() { return type == Type.CUDA; }

    public boolean isCpu() { return type == Type.CPU; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.type == type && d.index == index;
    }

    @Override
    public int hashCode() { return Objects.hash(type, index); }

    @Override
    public String toString() { return type == Type.CPU ? "cpu" : "cuda:" + index; }
}
