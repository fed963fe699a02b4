package dev.kindling.models;

import dev.kindling.DType;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Linear;
import dev.kindling.nn.Module;
import dev.kindling.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model architectures against torchvision's published parameter names and counts. */
class ModelsTest {

    static long count(Module m) {
        return m.parameters().stream().mapToLong(Tensor::numel).sum();
    }

    @Test
    void resnetParameterCountsMatchTorchvision() {
        // torchvision: resnet18 11,689,512; resnet34 21,797,672; resnet50 25,557,032 in 161 tensors
        assertEquals(11_689_512L, count(ResNet.resnet18()));
        assertEquals(21_797_672L, count(ResNet.resnet34()));
        ResNet r50 = ResNet.resnet50();
        assertEquals(25_557_032L, count(r50));
        assertEquals(161, r50.parameters().size());
        assertEquals(320, r50.stateDict().size(), "161 parameters and 159 BatchNorm buffers");
        assertEquals(11_181_642L, count(ResNet.resnet18(10)));
    }

    @Test
    void resnetStateDictNamesAreTorchvisions() {
        Map<String, Tensor> sd = ResNet.resnet50().stateDict();
        List<String> keys = new ArrayList<>(sd.keySet());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "bn1.num_batches_tracked", "layer1.0.conv1.weight"), keys.subList(0, 7));
        assertTrue(sd.containsKey("layer1.0.downsample.0.weight"));
        assertTrue(sd.containsKey("layer1.0.downsample.1.running_var"));
        assertTrue(sd.containsKey("layer4.2.bn3.num_batches_tracked"));
        assertEquals(List.of("fc.weight", "fc.bias"), keys.subList(keys.size() - 2, keys.size()));
        assertArrayEquals(new int[] {1000, 2048}, sd.get("fc.weight").shape());
        assertArrayEquals(new int[] {64, 3, 7, 7}, sd.get("conv1.weight").shape());
        assertEquals(DType.INT64, sd.get("bn1.num_batches_tracked").dtype());
        Map<String, Tensor> sd18 = ResNet.resnet18().stateDict();
        assertTrue(sd18.containsKey("layer2.0.downsample.0.weight"));
        assertFalse(sd18.containsKey("layer1.0.downsample.0.weight"), "resnet18's first stage keeps its width");
        assertFalse(sd18.containsKey("layer1.0.conv3.weight"));
    }

    @Test
    void resnet18ForwardBackwardOnASmallInput() {
        Torch.manualSeed(0);
        ResNet net = ResNet.resnet18(7);
        Tensor x = Torch.randn(2, 3, 64, 64);
        Tensor y = net.call(x);
        assertArrayEquals(new int[] {2, 7}, y.shape());
        Tensor loss = new CrossEntropyLoss().forward(y, Tensor.from(new long[] {1, 4}));
        loss.backward();
        for (var e : net.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey());
        assertEquals(1L, net.getSubmodule("layer1.0.bn1").stateDict().get("num_batches_tracked").longItem());
        net.eval();
        Tensor a = net.call(x), b = net.call(x);
        assertTrue(a.equal(b), "eval mode is deterministic");
    }

    @Test
    void freezeEverythingReplaceTheHeadTrainOnlyThatHead(@TempDir Path dir) {
        Torch.manualSeed(1);
        Module resnet = ResNet.resnet50();
        resnet.requiresGrad_(false);
        resnet.setSubmodule("fc", new Linear(2048, 10));
        Map<String, Tensor> before = new java.util.LinkedHashMap<>();
        for (var e : resnet.stateDict().entrySet()) before.put(e.getKey(), e.getValue().clone());
        var opt = new SGD(resnet.getSubmodule("fc").parameters(), 0.01).momentum(0.9);
        resnet.eval(); // keep BatchNorm statistics fixed, as when fine-tuning a frozen backbone
        Tensor x = Torch.randn(2, 3, 32, 32);
        Tensor target = Tensor.from(new long[] {3, 7});
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            new CrossEntropyLoss().forward(resnet.call(x), target).backward();
            opt.step();
        }
        for (var e : resnet.stateDict().entrySet()) {
            boolean changed = !e.getValue().equal(before.get(e.getKey()));
            assertEquals(e.getKey().startsWith("fc."), changed, e.getKey());
        }
        assertNull(resnet.getSubmodule("layer1.0.conv1").parameters().get(0).grad(), "frozen parameters get no grad");
        Path p = dir.resolve("r50.safetensors");
        Torch.save(resnet.stateDict(), p);
        Module again = ResNet.resnet50(10);
        again.loadStateDict(Torch.load(p), true);
        again.eval();
        assertTrue(again.call(x).allclose(resnet.call(x)), "a strict round trip through safetensors restores the model");
    }

    @Test
    void lenetAndMlpShapes() {
        Tensor x = Torch.randn(3, 1, 28, 28);
        assertArrayEquals(new int[] {3, 10}, new LeNet5().call(x).shape());
        MLP mlp = new MLP(784, 512, 512, 10);
        assertArrayEquals(new int[] {3, 10}, mlp.call(x).shape());
        assertEquals(List.of("1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"), List.copyOf(mlp.stateDict().keySet()));
        assertEquals(784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10, count(mlp));
    }
}
