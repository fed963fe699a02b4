package dev.kindling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindling.Tensor;
import dev.kindling.Torch;
import dev.kindling.nn.functional.F;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** End-to-end uses: fine-tuning a frozen model with a new head, concurrent inference, dropout statistics, a short training run. */
class ScenarioTest {

    /** A backbone-and-head model whose forward reads its children through get(), as Module documents. */
    static final class Classifier extends Module {
        Classifier() {
            registerModule("features", new Sequential(new Linear(6, 16), new LayerNorm(16), new GELU(), new Linear(16, 8), new ReLU()));
            registerModule("fc", new Linear(8, 4));
        }

        @Override
        public Tensor forward(Tensor x) { return get("fc").call(get("features").call(x)); }
    }

    @Test
    void freezeEverythingThenReplaceTheHead() {
        Torch.manualSeed(3);
        Classifier model = new Classifier();
        model.requiresGrad_(false);
        Linear head = new Linear(8, 3);
        model.setSubmodule("fc", head);
        Tensor loss = F.crossEntropy(model.forward(Torch.randn(5, 6)), Tensor.from(new long[] {0, 2, 1, 1, 0}));
        loss.backward();
        for (var e : model.namedParameters().entrySet()) {
            if (e.getKey().startsWith("fc.")) {
                assertTrue(e.getValue().requiresGrad(), e.getKey());
                assertNotNull(e.getValue().grad(), e.getKey());
            } else {
                assertFalse(e.getValue().requiresGrad(), e.getKey());
                assertNull(e.getValue().grad(), e.getKey());
            }
        }
        assertEquals(List.of("fc.weight", "fc.bias"),
                model.namedParameters().entrySet().stream().filter(e -> e.getValue().requiresGrad()).map(e -> e.getKey()).toList());
        // one manual SGD step changes the head only
        List<Tensor> before = new ArrayList<>();
        for (Tensor p : model.parameters()) before.add(p.clone());
        try (var g = Torch.noGrad()) {
            for (Tensor p : model.parameters()) if (p.grad() != null) p.sub_(p.grad().mul(0.1));
        }
        List<String> names = new ArrayList<>(model.namedParameters().keySet());
        for (int i = 0; i < names.size(); i++) {
            boolean changed = !before.get(i).equal(model.parameters().get(i));
            assertEquals(names.get(i).startsWith("fc."), changed, names.get(i));
        }
    }

    @Test
    void freezeScenarioOnASequential() {
        Sequential net = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10));
        net.requiresGrad_(false);
        net.setSubmodule("2", new Linear(512, 100));
        net.forward(Torch.randn(2, 784)).sum().backward();
        assertNull(net.getParameter("0.weight").grad());
        assertArrayEquals(new int[] {100, 512}, net.getParameter("2.weight").grad().shape());
    }

    @Test
    void eightThreadsInEvalModeGiveTheSequentialResults() throws Exception {
        Torch.manualSeed(8);
        Sequential model = new Sequential(new Linear(32, 64), new BatchNorm1d(64), new GELU(), new Dropout(0.5),
                new LayerNorm(64), new Linear(64, 10), new LogSoftmax(1));
        model.train();
        for (int i = 0; i < 3; i++) model.forward(Torch.randn(16, 32)); // non-trivial running statistics
        model.eval();
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) inputs.add(Torch.randn(20, 32));
        List<float[]> sequential = new ArrayList<>();
        try (var g = Torch.noGrad()) {
            for (Tensor x : inputs) sequential.add(model.forward(x).toFloatArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                Callable<List<float[]>> job = () -> {
                    start.await();
                    List<float[]> out = new ArrayList<>();
                    try (var g = Torch.noGrad()) {
                        for (int r = 0; r < 20; r++) {
                            int i = (offset + r) % inputs.size();
                            out.add(model.call(inputs.get(i)).toFloatArray());
                        }
                    }
                    return out;
                };
                futures.add(pool.submit(job));
            }
            start.countDown();
            for (int t = 0; t < 8; t++) {
                List<float[]> out = futures.get(t).get();
                for (int r = 0; r < 20; r++) {
                    assertArrayEquals(sequential.get((t + r) % inputs.size()), out.get(r), "thread " + t + " call " + r);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(Torch.isGradEnabled(), "grad mode is per thread: this thread's was never changed");
    }

    @Test
    void dropoutTrainAndEval() {
        Torch.manualSeed(4);
        Dropout d = new Dropout(0.3);
        Tensor x = Torch.ones(100_000);
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.7f, v, 1e-6f);
        }
        assertEquals(0.3, zeros / 100_000.0, 0.01);
        d.eval();
        assertTrue(x.equal(d.forward(x)));
        assertTrue(x.equal(new Dropout(0.0).forward(x)));
        assertEquals(0.0, new Dropout(1.0).forward(x).sum().item());
        assertArrayEquals(new int[0], F.dropout(Torch.tensor(2.0), 0.5, true).shape(), "a 0-dim input stays 0-dim");
        // the gradient flows through the kept elements only, scaled like them
        d.train();
        Tensor leaf = Torch.ones(1000).requiresGrad_(true);
        Tensor out = d.forward(leaf);
        out.sum().backward();
        assertArrayEquals(out.detach().toFloatArray(), leaf.grad().toFloatArray());
    }

    @Test
    void aSmallMlpLearnsXor() {
        Torch.manualSeed(0);
        Sequential mlp = new Sequential(new Linear(2, 16), new Tanh(), new Linear(16, 2));
        Tensor x = Tensor.from(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
        Tensor t = Tensor.from(new long[] {0, 1, 1, 0});
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++) {
            mlp.zeroGrad();
            Tensor loss = lossFn.forward(mlp.forward(x), t);
            loss.backward();
            try (var g = Torch.noGrad()) {
                for (Tensor p : mlp.parameters()) p.sub_(p.grad().mul(0.5));
            }
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < 0.05 * first, "loss went from " + first + " to " + last);
        assertArrayEquals(new long[] {0, 1, 1, 0}, mlp.forward(x).argmax(1).toLongArray());
    }
}
