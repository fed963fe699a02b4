package dev.kindling.cuda;

import dev.kindling.DType;
import dev.kindling.Device;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CUDA on a machine where it cannot be used (this test skips where a GPU works): a one-line reason,
 * the same reason in every attempt to use a device, and memory statistics that report zeros
 * without starting anything, as {@code torch.cuda} does.
 */
class CudaUnavailableTest {

    @BeforeAll
    static void onlyWithoutCuda() {
        assumeFalse(Cuda.isAvailable(), "CUDA works here; the GPU suite covers it");
    }

    /** Whether the dynamic loader knows libcuda.so.1 (the NVIDIA driver's user-space library). */
    static Boolean driverLibraryInstalled() {
        try {
            Process p = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out.contains("libcuda.so.1 ");
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    @Test
    void theReasonIsOneLineAndNamesTheMissingDriver() {
        String reason = Cuda.reason();
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), reason);
        assertTrue(reason.length() < 200, reason);
        Boolean installed = driverLibraryInstalled();
        assumeTrue(installed != null && !installed, "the loader's cache cannot tell whether libcuda.so.1 is installed");
        assertEquals("libcuda.so.1 not found: no NVIDIA driver", reason);
    }

    @Test
    void everyUseOfADeviceThrowsTheReason() {
        String expect = "CUDA is not available: " + Cuda.reason();
        Tensor x = Torch.ones(2, 3);
        assertEquals(expect, assertThrows(KindlingException.class, x::cuda).getMessage());
        assertEquals(expect, assertThrows(KindlingException.class, () -> x.to(Device.cuda(1))).getMessage());
        assertEquals(expect, assertThrows(KindlingException.class,
                () -> Torch.zeros(new int[] {2}, DType.FLOAT32, Device.of("cuda"))).getMessage());
        assertEquals(expect, assertThrows(KindlingException.class, Cuda::synchronize).getMessage());
        assertEquals(expect, assertThrows(KindlingException.class, () -> Cuda.deviceName(0)).getMessage());
        assertEquals(0, Cuda.deviceCount());
        assertEquals(6, x.sum().item(), "the CPU tensor is untouched and usable");
    }

    @Test
    void memoryStatisticsReportZerosForADeviceNeverUsed() {
        assertEquals(0, Cuda.memoryAllocated());
        assertEquals(0, Cuda.memoryReserved(0));
        assertEquals(0, Cuda.maxMemoryAllocated());
        assertEquals(0, Cuda.maxMemoryReserved(3));
        assertTrue(Cuda.memoryStats().isEmpty());
        Cuda.emptyCache();
        Cuda.resetPeakMemoryStats();
        String summary = Cuda.memorySummary();
        assertTrue(summary.contains("Kindling CUDA memory summary, device ID 0"), summary);
        assertTrue(summary.contains("Allocated memory"), summary);
        assertThrows(IllegalArgumentException.class, () -> Cuda.memoryAllocated(-1));
    }
}
