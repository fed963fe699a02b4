package dev.kindling.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one-line reasons made from native loading failures, on the messages JCuda and the JVM really produce. */
class CudaRuntimeTest {

    /** JCuda 12.6's error when libcuda.so.1 is missing (as thrown on a machine without an NVIDIA driver). */
    static final String JCUDA_NO_DRIVER = """
            Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
            Operating system name: Linux
            Architecture         : amd64
            Architecture bit size: 64
            ---(start of nested stack traces)---
            Stack trace from the attempt to load the library as a file:
            java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/java/packages/lib:/usr/lib
            \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)
            Stack trace from the attempt to load the library as a resource:
            java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory
            \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
            ---(end of nested stack traces)---
            """;

    @Test
    void aMissingDriverIsNamed() {
        assertEquals("libcuda.so.1 not found: no NVIDIA driver", CudaRuntime.reasonForLinkError(new UnsatisfiedLinkError(JCUDA_NO_DRIVER)));
    }

    @Test
    void aMissingCublasIsNamedWithoutBlamingTheDriver() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JCublas2-12.6.0-linux-x86_64\"");
        e.initCause(new UnsatisfiedLinkError("/tmp/libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12: cannot open shared object file: "
                + "No such file or directory"));
        assertEquals("libcublas.so.12 not found", CudaRuntime.reasonForLinkError(e));
    }

    @Test
    void otherFailuresKeepTheirFirstLine() {
        assertEquals("JCuda's native library failed to load: wrong ELF class: ELFCLASS32",
                CudaRuntime.reasonForLinkError(new UnsatisfiedLinkError("wrong ELF class: ELFCLASS32\nmore detail")));
        assertEquals("JCuda's native library failed to load: java.lang.NoClassDefFoundError",
                CudaRuntime.reasonForLinkError(new NoClassDefFoundError()));
    }
}
