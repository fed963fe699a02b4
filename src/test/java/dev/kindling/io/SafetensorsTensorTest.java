package dev.kindling.io;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTensorTest {

    @Test
    void roundTripOfEveryDtypeThroughTorchSaveAndLoad(@TempDir Path dir) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        Torch.manualSeed(3);
        Tensor base = Torch.randn(3, 4).mul(100);
        for (DType t : DType.values()) sd.put("t_" + t.shortName(), base.to(t));
        sd.put("scalar", Torch.tensor(2.5));
        sd.put("empty", Torch.zeros(0, 3));
        sd.put("strided", Torch.arange(12).view(3, 4).t());
        Path p = dir.resolve("m.safetensors");
        Torch.save(sd, p);
        Map<String, Tensor> back = Torch.load(p);
        assertEquals(List.copyOf(sd.keySet()), List.copyOf(back.keySet()), "insertion order is kept");
        for (var e : sd.entrySet()) {
            Tensor a = e.getValue(), b = back.get(e.getKey());
            assertEquals(a.dtype(), b.dtype(), e.getKey());
            assertArrayEquals(a.shape(), b.shape(), e.getKey());
            assertTrue(a.equal(b), e.getKey());
        }
        Safetensors.save(Map.of("w", Torch.ones(2)), p, Map.of("format", "pt"));
        assertEquals(Map.of("format", "pt"), Safetensors.metadata(p));
    }
}
