package org.weightgames.scale;

import static org.weightgames.core.Numerics.median;
import static org.weightgames.scale.Bench.max;
import static org.weightgames.scale.Bench.min;
import static org.weightgames.scale.Bench.secs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.weightgames.core.Coins;
import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.schemes.taylormlp.OfficialNames;

/**
 * The bench on the authors' layout: the block released as their module keeps it (the
 * {@link OfficialRelease#SHIPPED_SHARE} smallest-range neurons expanded, no indices), the attack
 * timed against a summing pass over the same coefficients ({@code fuse_weight} is interleaved by
 * order, so the access pattern is not WeightGames' own), the recovery and the release's own output
 * error measured against the original, the protected parameters counted, and the attack's time
 * projected to every block of the model (32 for Llama-3-8B).
 */
final class BenchOfficial {
    /** Blocks of Llama-3-8B: the projection's multiplier. */
    static final int LLAMA3_8B_BLOCKS = 32;

    private final Bench bench;
    private final Bench.Options o;

    BenchOfficial(Bench bench, Bench.Options options) {
        this.bench = bench;
        this.o = options;
    }

    void run(Safetensors orig, SwiGluNames names, float[] calib, Coins coins, Path work, DType stored, double ownAttackSeconds)
            throws IOException {
        Path artifact = work.resolve("official-N" + o.order() + ".safetensors");
        String prefix = names.gate().substring(0, names.gate().length() - SwiGluNames.GATE.length());
        long t0 = System.nanoTime();
        OfficialRelease.Released rel = OfficialRelease.release(orig, List.of(names), List.of(prefix), calib, o.order(), -1,
                Activation.SILU, coins.derive("official"), artifact, stored, false, o.threads(), false, false).get(0);
        bench.say("  authors' layout: %d of %d neurons expanded (N = %d, no indices) released in %.1f s: %.0f MiB%n",
                rel.shape().expanded(), rel.shape().intermediate(), o.order(), secs(t0), Files.size(artifact) / 1048576.0);
        try (Safetensors art = Safetensors.open(artifact)) {
            OfficialNames n = rel.names();
            OfficialInversion.readPass(art, n, o.threads()); // warm the page cache
            double[] read = new double[o.repeats()];
            double[] attack = new double[o.repeats()];
            double[] ratio = new double[o.repeats()];
            OfficialInversion.Recovered rec = null;
            for (int r = 0; r < o.repeats(); r++) {
                boolean readFirst = r % 2 == 0;
                if (readFirst) {
                    read[r] = timeRead(art, n);
                }
                long t = System.nanoTime();
                rec = OfficialInversion.recover(art, n, null, o.threads(), rec);
                attack[r] = secs(t);
                if (!readFirst) {
                    read[r] = timeRead(art, n);
                }
                ratio[r] = attack[r] / read[r];
            }
            OfficialMerge.Positions pos = OfficialMerge.positions(art, n, rel.shape());
            OfficialMerge.Comparison c = OfficialMerge.compare(rec, art, pos, orig, names, o.threads());
            int tokens = 4;
            float[] x = SyntheticBlock.tokens(tokens, rel.shape().in(), coins.derive("official-check"));
            double[][] y0 = BlockForward.original(orig, names, Activation.SILU, x, tokens);
            double releaseError = BlockForward.relativeError(BlockForward.released(art, n, Activation.SILU, x, tokens), y0);
            bench.say("  authors' layout: attack median %.3f s, summing pass %.3f s, attack / read = %.2f (spread %.2f .. %.2f);"
                    + " activation %s identified%n", median(attack), median(read), median(ratio), min(ratio), max(ratio),
                    rec.activation().id());
            bench.say("  authors' layout: median column error %.2e, max %.2e, %d gate signs wrong; protected %d parameters,"
                    + " %.2f%% recovered within 1%%; %d shipped in the clear; the release's own output error %.2e on %d tokens%n",
                    c.medianColumnError(), c.maxColumnError(), c.signErrors(), c.protectedParams(), 100 * c.recoveredShare(),
                    c.clearParams(), releaseError, tokens);
            bench.say("  projected for all %d blocks of Llama-3-8B at this block's size: own layout %.0f s, authors' layout %.0f s%n",
                    LLAMA3_8B_BLOCKS, LLAMA3_8B_BLOCKS * ownAttackSeconds, LLAMA3_8B_BLOCKS * median(attack));
            bench.put("official", Bench.ordered("expanded", rel.shape().expanded(), "attack_over_read", median(ratio),
                    "attack_over_read_spread", List.of(min(ratio), max(ratio)), "attack_seconds", median(attack), "read_seconds",
                    median(read), "activation_identified", rec.activation().id(), "median_column_relative_error",
                    c.medianColumnError(), "max_column_relative_error", c.maxColumnError(), "gate_sign_errors", c.signErrors(),
                    "protected_parameters", c.protectedParams(), "protected_recovered_share", c.recoveredShare(),
                    "clear_parameters", c.clearParams(), "release_output_error", releaseError,
                    "projected_attack_seconds_32_blocks", LLAMA3_8B_BLOCKS * median(attack)));
            bench.put("projected_attack_seconds_32_blocks_own_layout", LLAMA3_8B_BLOCKS * ownAttackSeconds);
        }
        Files.deleteIfExists(artifact);
    }

    private double timeRead(Safetensors art, OfficialNames n) {
        long t = System.nanoTime();
        OfficialInversion.readPass(art, n, o.threads());
        return secs(t);
    }
}
