package org.weightgames.stats;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.weightgames.core.Coins;
import org.weightgames.core.Numerics;
import org.weightgames.game.TrialRecord;

/**
 * Trials grouped by the release they judged (their artifact hashes): what a result's trials are
 * samples of. With one release the trials vary the adversaries' coins and data; with a release
 * per trial they are independent draws; in between (a pool of K networks) the trials share
 * networks, and the win rate's interval also resamples releases whole ({@link #widen}).
 */
record Releases(List<int[]> perRelease, int trials) {

    /** Wins (per {@code won}) and trials per distinct release, in order of first appearance. */
    static Releases of(List<TrialRecord> records, Predicate<TrialRecord> won) {
        Map<List<String>, int[]> by = new LinkedHashMap<>();
        for (TrialRecord r : records) {
            int[] c = by.computeIfAbsent(r.artifactHashes(), k -> new int[2]);
            c[0] += won.test(r) ? 1 : 0;
            c[1]++;
        }
        return new Releases(List.copyOf(by.values()), records.size());
    }

    /** How many distinct releases the trials judged. */
    int count() {
        return perRelease.size();
    }

    /** Wins over every release. */
    int wins() {
        return perRelease.stream().mapToInt(c -> c[0]).sum();
    }

    /** Whether trials share releases without all sharing one (1 < releases < trials). */
    boolean shared() {
        return count() > 1 && count() < trials;
    }

    /** The pooled win rate with releases resampled whole: the percentile interval of {@link Summary#RESAMPLES} resamples. */
    Interval bootstrap(double level, Coins coins) {
        double[] reps = new double[Summary.RESAMPLES];
        int k = count();
        for (int r = 0; r < reps.length; r++) {
            long w = 0;
            long n = 0;
            for (int i = 0; i < k; i++) {
                int[] c = perRelease.get(coins.nextInt(k));
                w += c[0];
                n += c[1];
            }
            reps[r] = (double) w / n;
        }
        Arrays.sort(reps);
        double alpha = 1 - level;
        return new Interval(level, "cluster-bootstrap(" + Summary.RESAMPLES + ", " + k + " releases)",
                Numerics.quantileOfSorted(reps, alpha / 2), Numerics.quantileOfSorted(reps, 1 - alpha / 2));
    }

    /** The hull of {@code exact} (Clopper-Pearson's) and {@code clusters} (the bootstrap over releases). */
    Interval widen(Interval exact, Interval clusters) {
        return new Interval(exact.level(), "clopper-pearson and cluster bootstrap over " + count() + " releases (hull)",
                Math.min(exact.low(), clusters.low()), Math.max(exact.high(), clusters.high()));
    }
}
