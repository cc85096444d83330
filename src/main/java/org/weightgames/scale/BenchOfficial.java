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
            OfficialInversion.Recovered[] recs = {OfficialInversion.recover(art, n, null, Fit.NEEDED, o.threads(), null), null};
            int[] orders = recs[0].read();
            double[][] t = Bench.rotated(o.repeats(),
                    () -> OfficialInversion.readPass(art, n, o.threads()),
                    () -> recs[0] = OfficialInversion.recover(art, n, null, Fit.NEEDED, o.threads(), recs[0]),
                    () -> OfficialInversion.readPass(art, n, orders, o.threads()),
                    () -> recs[1] = OfficialInversion.recover(art, n, null, Fit.ALL, o.threads(), recs[1]));
            double[] read = t[0];
            double[] attack = t[1];
            double[] ratio = Bench.ratio(t[1], t[0]);
            double[] own = Bench.ratio(t[1], t[2]);
            double[] all = Bench.ratio(t[3], t[0]);
            OfficialInversion.Recovered rec = recs[0];
            OfficialMerge.Positions pos = OfficialMerge.positions(art, n, rel.shape());
            OfficialMerge.Comparison c = OfficialMerge.compare(rec, art, pos, orig, names, o.threads());
            OfficialMerge.Comparison ca = OfficialMerge.compare(recs[1], art, pos, orig, names, o.threads());
            int tokens = 4;
            float[] x = SyntheticBlock.tokens(tokens, rel.shape().in(), coins.derive("official-check"));
            double[][] y0 = BlockForward.original(orig, names, Activation.SILU, x, tokens);
            double releaseError = BlockForward.relativeError(BlockForward.released(art, n, Activation.SILU, x, tokens), y0);
            bench.say("  authors' layout: attack (%s) median %.3f s, summing pass %.3f s, attack / read = %.2f (spread %.2f .. %.2f);"
                    + " against a summing pass over the orders it reads (median %.3f s): %.2f (%.2f .. %.2f); activation %s"
                    + " identified%n", CheckpointTools.ordersRead(orders, o.order()), median(attack), median(read), median(ratio),
                    min(ratio), max(ratio), median(t[2]), median(own), min(own), max(own), rec.activation().id());
            bench.say("  authors' layout: least-squares fit over every order median %.3f s, / read = %.2f (%.2f .. %.2f), median"
                    + " column error %.2e%n", median(t[3]), median(all), min(all), max(all), ca.medianColumnError());
            bench.say("  authors' layout: median column error %.2e, max %.2e, %d gate signs wrong; protected %d parameters,"
                    + " %.2f%% recovered within 1%%; %d shipped in the clear; the release's own output error %.2e on %d tokens%n",
                    c.medianColumnError(), c.maxColumnError(), c.signErrors(), c.protectedParams(), 100 * c.recoveredShare(),
                    c.clearParams(), releaseError, tokens);
            bench.say("  projected for all %d blocks of Llama-3-8B at this block's size: own layout %.0f s, authors' layout %.0f s%n",
                    LLAMA3_8B_BLOCKS, LLAMA3_8B_BLOCKS * ownAttackSeconds, LLAMA3_8B_BLOCKS * median(attack));
            bench.put("official", Bench.ordered("expanded", rel.shape().expanded(), "attack_over_read", median(ratio),
                    "attack_over_read_spread", List.of(min(ratio), max(ratio)), "attack_orders_read", orders,
                    "attack_over_read_of_its_orders", median(own), "attack_over_read_of_its_orders_spread", List.of(min(own), max(own)),
                    "all_orders_over_read", median(all), "all_orders_over_read_spread", List.of(min(all), max(all)),
                    "all_orders_seconds", median(t[3]), "all_orders_median_column_relative_error", ca.medianColumnError(),
                    "attack_seconds", median(attack), "read_seconds", median(read), "activation_identified", rec.activation().id(), "median_column_relative_error",
                    c.medianColumnError(), "max_column_relative_error", c.maxColumnError(), "gate_sign_errors", c.signErrors(),
                    "protected_parameters", c.protectedParams(), "protected_recovered_share", c.recoveredShare(),
                    "clear_parameters", c.clearParams(), "release_output_error", releaseError,
                    "projected_attack_seconds_32_blocks", LLAMA3_8B_BLOCKS * median(attack)));
            bench.put("projected_attack_seconds_32_blocks_own_layout", LLAMA3_8B_BLOCKS * ownAttackSeconds);
        }
        bench.discard(artifact);
    }

}
