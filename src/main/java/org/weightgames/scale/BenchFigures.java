package org.weightgames.scale;

import static org.weightgames.scale.Bench.max;
import static org.weightgames.core.Numerics.median;
import static org.weightgames.scale.Bench.min;
import static org.weightgames.scale.Bench.secs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import org.weightgames.core.Coins;
import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.schemes.taylormlp.TaylorNames;

/**
 * The bench's figures on one block: the attack against the summing pass (with the recovery's
 * errors and the peak memory), and one token through the released, the collapsed and the original
 * block.
 */
final class BenchFigures {
    /** The released block's tensors: the bench releases a lone block, without prefix. */
    private static final TaylorNames BLOCK = new TaylorNames("");

    private final Bench bench;
    private final Bench.Options o;

    BenchFigures(Bench bench, Bench.Options options) {
        this.bench = bench;
        this.o = options;
    }

    /**
     * Times the attack (reading the orders it needs) against the summing pass over every
     * coefficient and over the orders it reads, and the least-squares fit over every order against
     * the summing pass; measures the recovery and memory; returns the recovery.
     */
    StreamingInversion.Recovered attackVersusRead(Safetensors art, Safetensors orig, SwiGluNames names,
            ProcessMemory.MemorySampler sampler) {
        StreamingInversion.readPass(art, o.threads()); // warm the page cache: every pass then reads from memory
        Activation act = StreamingInversion.declared(art);
        StreamingInversion.Recovered[] rec = {StreamingInversion.recover(art, "", act, Fit.NEEDED, o.threads(), null), null};
        int[] read = rec[0].read();
        double[][] t = Bench.rotated(o.repeats(),
                () -> StreamingInversion.readPass(art, o.threads()),
                () -> rec[0] = StreamingInversion.recover(art, "", act, Fit.NEEDED, o.threads(), rec[0]),
                () -> StreamingInversion.readPass(art, "", read, o.threads()),
                () -> rec[1] = StreamingInversion.recover(art, "", act, Fit.ALL, o.threads(), rec[1]));
        double[] ratio = Bench.ratio(t[1], t[0]);
        double[] own = Bench.ratio(t[1], t[2]);
        double[] all = Bench.ratio(t[3], t[0]);
        long peak = ProcessMemory.peakRssBytes();
        long[] parts = sampler.stop();
        StreamingInversion.Comparison c = StreamingInversion.compare(rec[0], orig, names, art, o.threads());
        StreamingInversion.Comparison ca = StreamingInversion.compare(rec[1], orig, names, art, o.threads());
        long coefficients = (long) (o.order() + 1) * art.tensor(BLOCK.p()).elements()
                * art.tensor(BLOCK.theta(0)).rows();
        double gb = coefficients * (double) art.tensor(BLOCK.theta(0)).dtype().size / 1e9;
        String orders = CheckpointTools.ordersRead(read, o.order());
        bench.say("  summing pass over %d coefficients (%.2f GB): median %.3f s (%.1f GB/s)%n", coefficients, gb,
                median(t[0]), gb / median(t[0]));
        bench.say("  taylor-inversion attack (%s): median %.3f s%n", orders, median(t[1]));
        bench.say("  attack / read = %.2f  (spread %.2f .. %.2f over %d repeats); against a summing pass over the orders it"
                + " reads (median %.3f s): %.2f (%.2f .. %.2f)%n", median(ratio), min(ratio), max(ratio), ratio.length,
                median(t[2]), median(own), min(own), max(own));
        bench.say("  least-squares fit over every order: median %.3f s, / read = %.2f (%.2f .. %.2f)%n", median(t[3]),
                median(all), min(all), max(all));
        bench.say("  recovered W_down: median column relative error %.2e, max %.2e, Frobenius %.2e (every order: median %.2e);"
                + " V_gate rows with a wrong sign: %d%n", c.medianColumnError(), c.maxColumnError(), c.relativeError(),
                ca.medianColumnError(), c.signErrors());
        bench.say("  peak resident memory during release and attack: %.0f MiB (sampled peaks: %.0f MiB heap and native,"
                + " %.0f MiB of mapped checkpoint pages)%n", peak / 1048576.0, parts[0] / 1048576.0, parts[1] / 1048576.0);
        bench.put("attack_over_read", median(ratio));
        bench.put("attack_over_read_spread", List.of(min(ratio), max(ratio)));
        bench.put("attack_orders_read", read);
        bench.put("attack_over_read_of_its_orders", median(own));
        bench.put("attack_over_read_of_its_orders_spread", List.of(min(own), max(own)));
        bench.put("all_orders_over_read", median(all));
        bench.put("all_orders_over_read_spread", List.of(min(all), max(all)));
        bench.put("read_seconds", median(t[0]));
        bench.put("attack_seconds", median(t[1]));
        bench.put("all_orders_seconds", median(t[3]));
        bench.put("coefficients", coefficients);
        bench.put("recovered", Bench.ordered("median_column_relative_error", c.medianColumnError(), "max_column_relative_error",
                c.maxColumnError(), "relative_error", c.relativeError(), "gate_sign_errors", c.signErrors(),
                "all_orders_median_column_relative_error", ca.medianColumnError()));
        bench.put("peak_rss_mib_release_attack", peak < 0 ? null : peak / 1048576.0);
        bench.put("peak_anonymous_mib_release_attack", parts[0] / 1048576.0);
        bench.put("peak_mapped_file_mib_release_attack", parts[1] / 1048576.0);
        return rec[0];
    }

    void inference(Safetensors orig, SwiGluNames names, float[] calib, Coins coins, Path work, ExecutorService pool)
            throws IOException {
        long in = orig.tensor(names.gate()).columns();
        float[] tokens = SyntheticBlock.tokens(o.tokens(), in, coins.derive("tokens"));
        TokenKernels.Block original = TokenKernels.original(orig, names, pool, o.threads());
        Map<String, Object> taylor = new LinkedHashMap<>();
        Map<String, Object> spread = new LinkedHashMap<>();
        Map<String, Object> errors = new LinkedHashMap<>();
        Map<String, Object> macs = new LinkedHashMap<>();
        bench.say("  one token at a time (" + o.tokens() + " tokens per timing), against the original block:%n");
        for (int n : new int[] {2, 4, 8, 16}) {
            Path a = work.resolve("taylor-infer-N" + n + ".safetensors");
            StreamingTaylor.release(orig, names, calib, n, coins.derive("release/N" + n), a,
                    orig.tensor(names.down()).dtype(), o.threads(), false);
            try (Safetensors art = Safetensors.open(a)) {
                TokenKernels.Block t = TokenKernels.taylor(art, pool, o.threads());
                double[] r = ratios(t, original, tokens, in);
                taylor.put(Integer.toString(n), median(r));
                spread.put(Integer.toString(n), List.of(min(r), max(r)));
                errors.put(Integer.toString(n), outputError(t, original, tokens, in));
                macs.put(Integer.toString(n), (2.0 + (n + 1)) / 3.0);
                bench.say("    TaylorMLP N = %2d: %.2fx (spread %.2f .. %.2f; matrix reads %.2fx), output error %.1e%n", n,
                        median(r), min(r), max(r), (2.0 + (n + 1)) / 3.0, (double) errors.get(Integer.toString(n)));
            }
            Files.deleteIfExists(a);
        }
        try (Safetensors col = Safetensors.open(work.resolve("collapsed.safetensors"))) {
            TokenKernels.Block c = TokenKernels.collapsed(col, pool, o.threads());
            double[] r = ratios(c, original, tokens, in);
            double err = outputError(c, original, tokens, in);
            bench.say("    taylor-collapse (N = %d): %.2fx (spread %.2f .. %.2f), output error %.1e%n", o.order(), median(r),
                    min(r), max(r), err);
            bench.put("collapse_over_original", median(r));
            bench.put("collapse_over_original_spread", List.of(min(r), max(r)));
            bench.put("collapse_output_error", err);
        }
        bench.discard(work.resolve("collapsed.safetensors"));
        bench.put("taylor_over_original", taylor);
        bench.put("taylor_over_original_spread", spread);
        bench.put("taylor_output_error", errors);
        bench.put("taylor_matrix_reads_over_original", macs);
    }

    /** Per repeat: time of {@code a} over time of {@code b} on the same tokens, alternating which goes first. */
    private double[] ratios(TokenKernels.Block a, TokenKernels.Block b, float[] tokens, long in) {
        run(a, tokens, in);
        run(b, tokens, in);
        double[] r = new double[o.repeats()];
        for (int i = 0; i < r.length; i++) {
            double ta;
            double tb;
            if (i % 2 == 0) {
                ta = run(a, tokens, in);
                tb = run(b, tokens, in);
            } else {
                tb = run(b, tokens, in);
                ta = run(a, tokens, in);
            }
            r[i] = ta / tb;
        }
        return r;
    }

    private static double run(TokenKernels.Block blk, float[] tokens, long in) {
        long t = System.nanoTime();
        for (int k = 0; k < tokens.length / in; k++) {
            blk.forward(Arrays.copyOfRange(tokens, (int) (k * in), (int) ((k + 1) * in)));
        }
        return secs(t);
    }

    private static double outputError(TokenKernels.Block a, TokenKernels.Block b, float[] tokens, long in) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < tokens.length / in; k++) {
            float[] x = Arrays.copyOfRange(tokens, (int) (k * in), (int) ((k + 1) * in));
            float[] ya = a.forward(x);
            float[] yb = b.forward(x);
            for (int i = 0; i < ya.length; i++) {
                num += (ya[i] - yb[i]) * (double) (ya[i] - yb[i]);
                den += yb[i] * (double) yb[i];
            }
        }
        return Math.sqrt(num / den);
    }
}
