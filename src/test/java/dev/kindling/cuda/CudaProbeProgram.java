package dev.kindling.cuda;

/** Asks whether CUDA is available and prints one marker line; run in a child JVM by {@link CudaClassLoadingTest}. */
public final class CudaProbeProgram {
    private CudaProbeProgram() {}

    public static void main(String[] args) {
        boolean available = Cuda.isAvailable();
        String reason = Cuda.reason();
        long allocated = Cuda.memoryAllocated();
        System.out.println("probe-done available=" + available + " reason-lines=" + reason.lines().count() + " allocated=" + allocated);
    }
}
