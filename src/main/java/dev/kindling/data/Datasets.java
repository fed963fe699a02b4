package dev.kindling.data;

import dev.kindling.Generator;
import dev.kindling.KindlingException;

import java.util.ArrayList;
import java.util.List;

/** Dataset utilities, as {@code torch.utils.data}'s functions. */
public final class Datasets {
    private Datasets() {}

    /**
     * Splits a dataset into non-overlapping subsets of the given lengths, by a random permutation
     * drawn from {@code generator} ({@code torch.utils.data.random_split}: with the same seed, the
     * same split as PyTorch).
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, int[] lengths, Generator generator) {
        long total = 0;
        for (int l : lengths) {
            if (l < 0) throw new KindlingException("random_split: lengths must be non-negative, got " + l);
            total += l;
        }
        if (total != dataset.size()) {
            throw new KindlingException("Sum of input lengths does not equal the length of the input dataset!");
        }
        long[] perm = (generator != null ? generator : Generator.defaultGenerator()).randperm(dataset.size());
        List<Subset<T>> out = new ArrayList<>();
        int at = 0;
        for (int l : lengths) {
            int[] idx = new int[l];
            for (int i = 0; i < l; i++) idx[i] = (int) perm[at + i];
            at += l;
            out.add(new Subset<>(dataset, idx));
        }
        return out;
    }

    /**
     * Splits by fractions that sum to 1, giving the remainder one element at a time to the first
     * subsets (round-robin), as PyTorch does.
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] fractions, Generator generator) {
        double sum = 0;
        for (double f : fractions) sum += f;
        if (Math.abs(sum - 1) > 1e-9) throw new KindlingException("random_split: fractions must sum to 1, got " + sum);
        int n = dataset.size();
        int[] lengths = new int[fractions.length];
        int assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            lengths[i] = (int) Math.floor(n * fractions[i]);
            assigned += lengths[i];
        }
        for (int i = 0; assigned < n; i = (i + 1) % lengths.length, assigned++) lengths[i]++;
        return randomSplit(dataset, lengths, generator);
    }
}
