package dev.kindling.contract;

import dev.kindling.*;
import dev.kindling.nn.*;
import dev.kindling.nn.Module;
import dev.kindling.optim.*;
import dev.kindling.cuda.Cuda;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API contract of DESIGN.md, written as user code with the same imports: it must
 * compile against these names, and each line is checked for what PyTorch would give.
 */
class DesignContractTest {

    @Test
    void tensorsAutogradAndInterop() {
        Tensor x = Torch.ones(1).requiresGrad_(true);
        Tensor y = x.mul(2);
        y.backward();
        assertEquals("tensor([2.])", x.grad().toString());
        assertEquals("MulBackward0", y.gradFn().name());
        assertTrue(x.requiresGrad() && x.isLeaf());

        float[] n1 = {1f, 2f};
        Tensor t1 = Tensor.from(n1);
        Tensor m = Tensor.from(new float[6], 2, 3);
        Tensor t3 = Tensor.from(new int[] {1, 2}).to(DType.FLOAT32);
        Tensor nested = Torch.tensor(new float[][] {{1, 2}, {3, 4}});
        float[] same = t1.asFloatArray();
        float[] copy = t1.toFloatArray();
        assertSame(n1, same);
        assertArrayEquals(n1, copy);
        assertEquals(DType.FLOAT32, t3.dtype());
        assertArrayEquals(new int[] {2, 3}, m.shape());
        double v = nested.sum().item();
        assertEquals(10.0, v);

        Torch.zeros(2, 3); Torch.ones(2, 3); Torch.full(7.0, 2, 3); Torch.arange(10);
        Torch.rand(2, 3); Torch.randn(2, 3); Torch.randint(0, 10, 2, 3); Torch.eye(3);
        Torch.manualSeed(42); Torch.setNumThreads(2);
        Tensor t = Torch.randn(2, 3), u = Torch.randn(2, 3);
        t.add(u); t.add(1.5); t.sub(u); t.mul(u); t.div(u); t.matmul(u.t()); t.pow(2);
        t.sum(); t.sum(1, true); t.mean(); t.mean(0, false); t.max(); t.argmax(1); t.softmax(1); t.logSoftmax(1);
        t.view(3, 2); t.reshape(-1); t.transpose(0, 1); t.permute(1, 0); t.t();
        t.unsqueeze(0); t.squeeze(); t.expand(4, 2, 3); t.narrow(0, 0, 1); t.select(0, 1);
        t.contiguous(); t.isContiguous(); t.clone(); t.detach(); t.data();
        t.shape(); t.size(0); t.dim(); t.numel(); t.dtype(); t.device();
        t.cpu(); t.to(DType.FLOAT64);
        assertEquals(Device.CPU, t.device());
        if (!Cuda.isAvailable()) assertThrows(KindlingException.class, () -> t.to(Device.cuda(0)));

        Tensor p = Torch.ones(3).requiresGrad_(true);
        p.mul(p).sum().backward();
        double lr = 0.1;
        try (var g = Torch.noGrad()) { p.sub_(p.grad().mul(lr)); }
        try (var g = Torch.enableGrad()) { assertTrue(Torch.isGradEnabled()); }
        assertArrayEquals(new float[] {0.8f, 0.8f, 0.8f}, p.toFloatArray());

        Tensor in = Torch.randn(3).requiresGrad_(true);
        Tensor out = in.pow(3).sum();
        Tensor d = Autograd.grad(List.of(out), List.of(in), /*createGraph*/ true).get(0);
        assertTrue(d.requiresGrad());
    }

    @Test
    void modulesLossesOptimizers() {
        Module net = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10));
        List<Tensor> params = net.parameters();
        assertEquals(4, params.size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(net.namedParameters().keySet()));
        Map<String, Tensor> sd = net.stateDict();
        net.loadStateDict(sd);
        net.train(); net.eval(); net.zeroGrad();
        Tensor x = Torch.randn(4, 784);
        Tensor logits = net.forward(x);
        assertArrayEquals(new int[] {4, 10}, logits.shape());
        assertEquals("Linear(in_features=512, out_features=10, bias=True)", net.getSubmodule("2").toString());
        net.setSubmodule("2", new Linear(512, 100));
        assertArrayEquals(new int[] {4, 100}, net.forward(x).shape());
        Tensor targets = Tensor.from(new long[] {1, 2, 3, 4});
        var loss = new CrossEntropyLoss().forward(net.forward(x), targets);
        Tensor anchor = Torch.randn(2, 5), positive = Torch.randn(2, 5), negative = Torch.randn(2, 5);
        assertEquals(0, new TripletMarginLoss(1.0).forward(anchor, positive, negative).dim());
        var opt = new SGD(net.parameters(), 0.01).momentum(0.9).weightDecay(1e-4);
        opt.zeroGrad(); loss.backward(); opt.step();

        Module resnet = dev.kindling.models.ResNet.resnet50();
        resnet.setSubmodule("fc", new Linear(2048, 10));
        assertEquals("Linear(in_features=2048, out_features=10, bias=True)", resnet.getSubmodule("fc").toString());

        if (!Cuda.isAvailable()) assertFalse(Cuda.reason().isEmpty(), "an unavailable CUDA says why");
        assertEquals(0, Cuda.memoryAllocated(), "no CUDA tensor was made");
        Cuda.memoryAllocated(); Cuda.memoryReserved(); Cuda.maxMemoryAllocated(); Cuda.emptyCache();
        Cuda.memorySummary(); Cuda.resetPeakMemoryStats();
    }
}
