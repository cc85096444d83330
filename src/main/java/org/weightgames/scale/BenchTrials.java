package org.weightgames.scale;

import static org.weightgames.scale.Bench.secs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.definitions.WeightExtraction;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.Safetensors;

/**
 * The bench's ext-w trials: each releases a quarter-scale block, attacks it and is judged by
 * ext-w's own rule ({@link WeightExtraction#wins}: the relative error of the recovered W_down, the
 * parameters TaylorMLP protects, at most ext-w's epsilon), timed on one thread and on several.
 */
final class BenchTrials {
    private final Bench bench;
    private final Bench.Options o;

    BenchTrials(Bench bench, Bench.Options options) {
        this.bench = bench;
        this.o = options;
    }

    /**
     * Trials per second of the ext-w game at the quarter-scale block: each trial draws its
     * calibration tokens and signs from its own coins, releases, attacks and judges. Played with
     * one trial at a time, then with {@code threads} at once; the outcomes must be identical.
     */
    void run(Path work) throws IOException {
        long[] s = Bench.shape(false);
        Coins coins = Coins.root(o.seed()).derive("bench-trials");
        Path original = work.resolve("trials-original.safetensors");
        SwiGluNames names = SyntheticBlock.write(original, s[0], s[1], s[2], 0.5, o.dtype(), coins, o.threads());
        Map<String, Object> tps = new LinkedHashMap<>();
        List<Double> reference = null;
        try (Safetensors orig = Safetensors.open(original)) {
            playTrials(orig, names, coins.derive("warm-up"), work, 1, 1); // compile the hot loops before timing
            for (int threads : o.threads() == 1 ? new int[] {1} : new int[] {1, o.threads()}) {
                long t = System.nanoTime();
                List<Double> errs = playTrials(orig, names, coins, work, threads, o.trials());
                double sec = secs(t);
                tps.put(Integer.toString(threads), o.trials() / sec);
                bench.say("  ext-w trials (quarter block, N = %d): %.2f trials/s on %d thread%s%n", o.order(), o.trials() / sec,
                        threads, threads == 1 ? "" : "s");
                if (reference == null) {
                    reference = errs;
                } else if (!reference.equals(errs)) {
                    throw new WgException("bench: trial outcomes differ between 1 and " + threads + " threads: " + reference
                            + " vs " + errs + "; trials are not independent of the thread count");
                }
            }
        }
        long wins = reference.stream().filter(e -> WeightExtraction.wins(e, WeightExtraction.EPSILON)).count();
        bench.say("  ext-w outcomes: %d of %d trials won (relative error of W_down <= %s, ext-w's rule), identical on every"
                + " thread count%n", wins, o.trials(), WeightExtraction.EPSILON);
        bench.put("trials_per_second", tps);
        bench.put("trials", Bench.ordered("played", o.trials(), "won", wins));
        if (tps.size() == 2) {
            double scale = (double) tps.get(Integer.toString(o.threads())) / (double) tps.get("1");
            bench.put("trials_speedup", scale);
            bench.say("  trial throughput %d threads over 1: %.2fx%n", o.threads(), scale);
        }
        bench.discard(original);
    }

    private List<Double> playTrials(Safetensors orig, SwiGluNames names, Coins coins, Path work, int threads, int count) {
        ExecutorService pool = Rows.pool(threads);
        try {
            List<Future<Double>> fs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                fs.add(pool.submit(() -> {
                    Coins c = coins.derive("trial/" + index);
                    long in = orig.tensor(names.gate()).columns();
                    float[] calib = SyntheticBlock.tokens(128, in, c.derive("calibration"));
                    Path a = work.resolve("trial-" + threads + "-" + index + ".safetensors");
                    try {
                        StreamingTaylor.release(orig, names, calib, o.order(), c.derive("release"), a, o.dtype(), 1, false);
                        try (Safetensors art = Safetensors.open(a)) {
                            StreamingInversion.Recovered rec = StreamingInversion.recover(art, 1);
                            // ext-w's measure: the joint relative error of the protected W_down
                            return StreamingInversion.compare(rec, orig, names, art, 1).relativeError();
                        }
                    } finally {
                        Files.deleteIfExists(a);
                    }
                }));
            }
            List<Double> errs = new ArrayList<>();
            for (Future<Double> f : fs) {
                try {
                    errs.add(f.get());
                } catch (Exception e) {
                    throw new WgException("bench: a trial failed: " + e.getCause(), e);
                }
            }
            return errs;
        } finally {
            pool.shutdownNow();
        }
    }
}
