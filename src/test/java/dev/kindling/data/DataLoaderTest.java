package dev.kindling.data;

import dev.kindling.DType;
import dev.kindling.Generator;
import dev.kindling.KindlingException;
import dev.kindling.Tensor;
import dev.kindling.Torch;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DataLoaderTest {

    static TensorDataset numbers(int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return new TensorDataset(Tensor.from(v), Tensor.from(v.clone()).mul(10L));
    }

    static List<Long> firstField(DataLoader<Tensor[]> loader) {
        List<Long> seen = new ArrayList<>();
        for (Tensor[] b : loader) for (long x : b[0].toLongArray()) seen.add(x);
        return seen;
    }

    @Test
    void sequentialBatchesAndDropLast() {
        DataLoader<Tensor[]> l = DataLoader.of(numbers(10)).batchSize(4).build();
        assertEquals(3, l.numBatches());
        List<long[]> batches = new ArrayList<>();
        for (Tensor[] b : l) {
            batches.add(b[0].toLongArray());
            assertArrayEquals(Arrays.stream(b[0].toLongArray()).map(x -> 10 * x).toArray(), b[1].toLongArray(), "fields stay aligned");
        }
        assertArrayEquals(new long[] {0, 1, 2, 3}, batches.get(0));
        assertArrayEquals(new long[] {8, 9}, batches.get(2));
        DataLoader<Tensor[]> dl = DataLoader.of(numbers(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, dl.numBatches());
        assertEquals(8, firstField(dl).size());
    }

    @Test
    void shuffleWithSeedFollowsPytorchRandomSampler() {
        int n = 25;
        DataLoader<Tensor[]> l = DataLoader.of(numbers(n)).batchSize(7).shuffle(true).seed(1234).build();
        List<Long> epoch1 = firstField(l), epoch2 = firstField(l);
        // PyTorch: generator = torch.Generator().manual_seed(1234); each epoch is randperm(n, generator)
        org.bytedeco.pytorch.Generator g = torch.make_generator_cpu();
        g.set_current_seed(1234);
        for (List<Long> epoch : List.of(epoch1, epoch2)) {
            org.bytedeco.pytorch.Tensor p = torch.randperm(n, new org.bytedeco.pytorch.GeneratorOptional(g),
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
            long[] expected = new long[n];
            p.data_ptr_long().get(expected);
            assertEquals(Arrays.stream(expected).boxed().toList(), epoch);
        }
        assertTrue(!epoch1.equals(epoch2), "each epoch reshuffles");
        List<Long> again = firstField(DataLoader.of(numbers(n)).batchSize(7).shuffle(true).seed(1234).build());
        assertEquals(epoch1, again, "the same seed gives the same order");
    }

    @Test
    void workersGiveTheSameBatchesInOrder() {
        var ds = numbers(103);
        List<Long> serial = firstField(DataLoader.of(ds).batchSize(8).shuffle(true).seed(5).numWorkers(0).build());
        List<Long> threaded = firstField(DataLoader.of(ds).batchSize(8).shuffle(true).seed(5).numWorkers(3).prefetchFactor(2).build());
        assertEquals(serial, threaded);
    }

    @Test
    void customCollateAndWorkerErrors() {
        Dataset<Integer> ints = new Dataset<>() {
            public int size() { return 5; }
            public Integer get(int i) {
                if (i == 4) throw new IllegalStateException("bad sample 4");
                return i * i;
            }
        };
        DataLoader<Integer> sums = DataLoader.of(ints, (List<Integer> b) -> b.stream().mapToInt(Integer::intValue).sum()).batchSize(2).build();
        var it = sums.iterator();
        assertEquals(1, it.next());
        assertEquals(13, it.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
        assertEquals("bad sample 4", e.getMessage());
    }

    @Test
    void defaultCollateStacksSamples() {
        Dataset<Tensor[]> ds = new Dataset<>() {
            public int size() { return 3; }
            public Tensor[] get(int i) { return new Tensor[] {Torch.full((double) i, 2, 2), Torch.tensor((long) i)}; }
        };
        Tensor[] b = DataLoader.of(ds).batchSize(3).build().iterator().next();
        assertArrayEquals(new int[] {3, 2, 2}, b[0].shape());
        assertArrayEquals(new long[] {0, 1, 2}, b[1].toLongArray());
    }

    @Test
    void randomSplitMatchesPytorch() {
        var ds = numbers(10);
        var parts = Datasets.randomSplit(ds, new int[] {3, 7}, new Generator().manualSeed(42));
        org.bytedeco.pytorch.Generator g = torch.make_generator_cpu();
        g.set_current_seed(42);
        long[] perm = new long[10];
        torch.randperm(10, new org.bytedeco.pytorch.GeneratorOptional(g), new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long))
                .data_ptr_long().get(perm);
        assertArrayEquals(Arrays.stream(perm, 0, 3).mapToInt(x -> (int) x).toArray(), parts.get(0).indices());
        assertEquals(7, parts.get(1).size());
        assertEquals("Sum of input lengths does not equal the length of the input dataset!",
                assertThrows(KindlingException.class, () -> Datasets.randomSplit(ds, new int[] {3, 3}, null)).getMessage());
        var frac = Datasets.randomSplit(ds, new double[] {0.33, 0.67}, new Generator().manualSeed(1));
        assertEquals(4, frac.get(0).size(), "the remainder goes round-robin from the first subset");
        assertEquals(6, frac.get(1).size());
    }

    @Test
    void fashionMnistFromTheBundledSubsetAndMissingDirectory() {
        Path subset = Path.of("src/examples/resources/fashion-mnist-subset");
        var test = new FashionMNIST(subset, false);
        assertEquals(1000, test.size());
        Tensor[] s = test.get(0);
        assertArrayEquals(new int[] {1, 28, 28}, s[0].shape());
        assertEquals(DType.FLOAT32, s[0].dtype());
        assertTrue(s[0].max().item() <= 1.0 && s[0].min().item() >= 0.0);
        assertEquals(DType.INT64, s[1].dtype());
        assertArrayEquals(new int[] {1000, 1, 28, 28}, test.images().shape());
        KindlingException e = assertThrows(KindlingException.class, () -> new FashionMNIST(Path.of("/nonexistent/dir"), true));
        assertTrue(e.getMessage().contains("/nonexistent/dir") && e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void fullFashionMnistWhenInstalled() {
        assumeTrue(Files.isDirectory(FashionMNIST.DEFAULT_DIRECTORY), "dataset-fashion-mnist is not installed");
        var train = new FashionMNIST(FashionMNIST.DEFAULT_DIRECTORY, true);
        assertEquals(60000, train.size());
        long[] counts = new long[10];
        for (long l : train.labels().toLongArray()) counts[(int) l]++;
        for (long c : counts) assertEquals(6000, c);
    }
}
