package org.weightgames.scale;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.weightgames.core.Coins;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Writer;

/**
 * A random SwiGLU block of a given shape written as a checkpoint with Llama's tensor names
 * (V_gate ~ N(0, scale^2 / in), V_up ~ N(0, 1 / in), W_down ~ N(0, 1 / hidden)), and Gaussian
 * calibration tokens. Each row's generator is seeded from the coins and the row index
 * ({@link #rowSeed}), so the file is the same whatever the thread count, and no two rows repeat.
 */
public final class SyntheticBlock {
    private SyntheticBlock() {
    }

    public static SwiGluNames write(Path target, long in, long hidden, long out, double gateScale, DType dtype, Coins coins,
            int threads) {
        String prefix = "model.layers.0.mlp.";
        SwiGluNames n = new SwiGluNames(prefix + SwiGluNames.GATE, prefix + SwiGluNames.UP, prefix + SwiGluNames.DOWN);
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put(n.gate(), new Spec(dtype, new long[] {hidden, in}));
        specs.put(n.up(), new Spec(dtype, new long[] {hidden, in}));
        specs.put(n.down(), new Spec(dtype, new long[] {out, hidden}));
        long seed = coins.derive("synthetic-block").nextLong();
        try (Writer w = Writer.create(target, Map.of("format", "pt", "source", "weightgames synthetic block"),
                specs, false)) {
            fill(w, n.gate(), hidden, in, gateScale / Math.sqrt(in), seed ^ 0x6a09e667L, threads);
            fill(w, n.up(), hidden, in, 1 / Math.sqrt(in), seed ^ 0xbb67ae85L, threads);
            fill(w, n.down(), out, hidden, 1 / Math.sqrt(hidden), seed ^ 0x3c6ef372L, threads);
            w.commit();
        }
        return n;
    }

    private static void fill(Writer w, String name, long rows, long cols, double std, long seed, int threads) {
        Rows.parallel(rows, threads, (worker, from, to) -> {
            double[] row = new double[(int) cols];
            for (long r = from; r < to; r++) {
                SplittableRandom rnd = new SplittableRandom(rowSeed(seed, r));
                for (int i = 0; i < row.length; i++) {
                    row[i] = std * gaussian(rnd);
                }
                w.write(name, r * cols, row, 0, row.length);
            }
        });
    }

    /**
     * Row r's generator seed: SplitMix64's finaliser of seed + (r + 1) gamma. Seeding rows with
     * seed + (r + 1) gamma directly, SplittableRandom's own increment, made row r + 1's stream row
     * r's shifted by one draw, so rows repeated (one up-projection row in six, once the polar
     * method's rejections realigned them).
     */
    static long rowSeed(long seed, long r) {
        long z = seed + 0x9e3779b97f4a7c15L * (r + 1);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Gaussian calibration tokens [m, in], row-major. */
    public static float[] tokens(int m, long in, Coins coins) {
        SplittableRandom rnd = new SplittableRandom(coins.derive("tokens").nextLong());
        float[] x = new float[(int) (m * in)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) gaussian(rnd);
        }
        return x;
    }

    /** Marsaglia's polar method without a cached second value (so each draw depends on the generator alone). */
    static double gaussian(SplittableRandom r) {
        while (true) {
            double u = 2 * r.nextDouble() - 1;
            double v = 2 * r.nextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1) {
                return u * Math.sqrt(-2 * Math.log(s) / s);
            }
        }
    }
}
