package org.weightgames.scale;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Spec;
import org.weightgames.model.SwiGluNames;
import org.weightgames.model.Activation;
import org.weightgames.schemes.taylormlp.OfficialNames;
import org.weightgames.schemes.taylormlp.TaylorNames;
import org.weightgames.safetensors.Tensor;
import org.weightgames.safetensors.Writer;

/**
 * {@code wg release} and {@code wg attack} on whole checkpoints: TaylorMLP applied to every SwiGLU
 * block of a model (the other tensors copied as they are), and the taylor-inversion attack that
 * turns such an artifact back into a checkpoint of the original's layout. Both stream, one block
 * at a time.
 */
public final class CheckpointTools {
    private CheckpointTools() {
    }

    /** Releases the named blocks (every SwiGLU block when none is named) of {@code in} into {@code out}, in WeightGames' layout. */
    public static List<StreamingTaylor.Released> release(Path in, Path out, List<String> prefixes, int order, long seed,
            int tokens, int threads, PrintWriter log) {
        return release(in, out, prefixes, order, seed, tokens, threads, log, ReleaseOptions.OWN);
    }

    /**
     * How {@code wg release} writes: {@code official} the authors' layout (with {@code select} expanded
     * neurons per block, {@code indices} kept or not, in {@code dtype} or the block's own), otherwise
     * WeightGames' own; the gate activation {@code activation}.
     */
    public record ReleaseOptions(boolean official, int select, boolean indices, Activation activation,
            org.weightgames.safetensors.DType dtype) {
        public static final ReleaseOptions OWN = new ReleaseOptions(false, Integer.MAX_VALUE, false, Activation.SILU, null);
    }

    /** As above with the layout and activation of {@code opt}; returns the own layout's released blocks (empty for the authors'). */
    public static List<StreamingTaylor.Released> release(Path in, Path out, List<String> prefixes, int order, long seed,
            int tokens, int threads, PrintWriter log, ReleaseOptions opt) {
        if (tokens < 1) {
            throw new WgException("release: --tokens must be at least 1, got " + tokens);
        }
        try (Safetensors src = Safetensors.open(in)) {
            List<String> found = SwiGluNames.prefixes(src);
            List<String> chosen = prefixes.isEmpty() ? found : prefixes;
            if (chosen.isEmpty()) {
                throw new WgException(in + ": no SwiGLU block found (*gate_proj.weight, *up_proj.weight, *down_proj.weight)");
            }
            List<SwiGluNames> blocks = new ArrayList<>();
            for (String p : chosen) {
                blocks.add(SwiGluNames.find(src, p));
            }
            long width = src.tensor(blocks.get(0).gate()).columns();
            Coins coins = Coins.root(seed).derive("release");
            float[] calib = SyntheticBlock.tokens(tokens, width, coins.derive("calibration"));
            long t0 = System.nanoTime();
            if (opt.official()) {
                List<OfficialRelease.Released> o = OfficialRelease.release(src, blocks, chosen, calib, order, opt.select(),
                        opt.activation(), coins, out, opt.dtype(), opt.indices(), threads, true, true);
                long exp = o.stream().mapToLong(b -> b.sampled().length).sum();
                long all = o.stream().mapToLong(b -> b.shape().intermediate()).sum();
                log.printf("released %d block%s in the authors' layout (%d of %d neurons expanded, the smallest calibrated ranges;"
                        + " N = %d, %s, %s) of %s into %s in %.1f s%n", o.size(), o.size() == 1 ? "" : "s", exp, all, order,
                        opt.activation().id(), opt.indices() ? "with sampled_dim/ffn_dim" : "no indices, as the authors' module",
                        in, out, (System.nanoTime() - t0) / 1e9);
                log.printf("calibration: %d Gaussian tokens of width %d (seed %d), a stand-in for the model's hidden states%n", tokens,
                        width, seed);
                log.flush();
                return List.of();
            }
            List<StreamingTaylor.Released> r = StreamingTaylor.releaseAll(src, blocks, chosen, calib, order, opt.activation(), coins,
                    out, opt.dtype(), threads, true, true);
            long neurons = r.stream().mapToLong(StreamingTaylor.Released::hidden).sum();
            log.printf("released %d SwiGLU block%s (%d neurons, N = %d) of %s into %s in %.1f s%n", r.size(), r.size() == 1 ? "" : "s",
                    neurons, order, in, out, (System.nanoTime() - t0) / 1e9);
            log.printf("calibration: %d Gaussian tokens of width %d (seed %d), a stand-in for the model's hidden states%n", tokens,
                    width, seed);
            log.flush();
            return r;
        }
    }

    /** On fresh tokens: the release's own output error (as its users run it) beside the recovered block's, per block. */
    private static void outputErrors(Safetensors art, List<String> blocks, Path out, Safetensors orig, PrintWriter log) {
        Activation act = StreamingInversion.declared(art);
        try (Safetensors merged = Safetensors.open(out)) {
            for (int b = 0; b < blocks.size(); b++) {
                String p = blocks.get(b);
                SwiGluNames on = SwiGluNames.find(orig, p);
                int in = (int) orig.tensor(on.gate()).columns();
                float[] x = SyntheticBlock.tokens(OfficialTools.CHECK_TOKENS, in, Coins.root(0x5eedL).derive("check/" + b));
                double[][] y0 = BlockForward.original(orig, on, act, x, OfficialTools.CHECK_TOKENS);
                double re = BlockForward.relativeError(BlockForward.releasedOwn(art, new TaylorNames(p), x,
                        OfficialTools.CHECK_TOKENS), y0);
                double ce = BlockForward.relativeError(BlockForward.original(merged, SwiGluNames.find(merged, p), act, x,
                        OfficialTools.CHECK_TOKENS), y0);
                log.printf("block '%s' on %d fresh Gaussian tokens: the release's own output error %.2e, the recovered block's %.2e%n",
                        p, OfficialTools.CHECK_TOKENS, re, ce);
            }
        }
    }

    /** {@code --activation}: null for auto (identify), else one TaylorMLP expands. */
    public static Activation activation(String id) {
        return ActivationGuess.parse(id);
    }

    /** The blocks of a released artifact (metadata {@code blocks}; one unprefixed block when absent). */
    static List<String> blocks(Safetensors artifact) {
        StreamingInversion.order(artifact, firstPrefix(artifact));
        String b = artifact.metadata().get("blocks");
        return b == null || b.isEmpty() ? List.of("") : Arrays.asList(b.split(",", -1));
    }

    private static String firstPrefix(Safetensors a) {
        String b = a.metadata().get("blocks");
        return b == null || b.isEmpty() ? "" : b.split(",", -1)[0];
    }

    /** Which orders a fit read, for the attack's log: "orders 0, 1 of 0..8 read". */
    static String ordersRead(int[] read, int order) {
        StringBuilder b = new StringBuilder(read.length == 1 ? "order " : "orders ");
        if (read.length == order + 1) {
            b.append("0..").append(order).append(" (all)");
        } else {
            for (int i = 0; i < read.length; i++) {
                b.append(i == 0 ? "" : ", ").append(read[i]);
            }
            b.append(" of 0..").append(order);
        }
        return b.append(" read").toString();
    }

    /**
     * Recovers every block of {@code artifactFile} and writes a checkpoint with the original's
     * names ({@code <prefix>gate_proj.weight}, {@code up_proj.weight}, {@code down_proj.weight}) and
     * the artifact's other tensors; with {@code original}, compares each block with it.
     */
    public static void attack(Path artifactFile, Path out, Path original, int threads, PrintWriter log) {
        attack(artifactFile, out, original, null, threads, log);
    }

    /**
     * As above, recognising the layout by the tensor names: the authors' ({@code fuse_weight} beside
     * {@code local_approx_output}, any prefix, any number of blocks) or WeightGames' own;
     * {@code activation} null identifies it from the coefficients.
     */
    public static List<OfficialTools.BlockResult> attack(Path artifactFile, Path out, Path original, Activation activation,
            int threads, PrintWriter log) {
        return attack(artifactFile, out, original, activation, Fit.NEEDED, threads, log);
    }

    /** As above, the fit reading the orders {@code fit} names. */
    public static List<OfficialTools.BlockResult> attack(Path artifactFile, Path out, Path original, Activation activation,
            Fit fit, int threads, PrintWriter log) {
        try (Safetensors art = Safetensors.open(artifactFile)) {
            List<OfficialNames> official = OfficialNames.find(art);
            if (!official.isEmpty()) {
                return OfficialTools.attack(art, official, artifactFile, out, original, activation, fit, threads, log);
            }
            if (!art.metadata().containsKey("kind") && art.metadata().get("order") == null) {
                throw new WgException(artifactFile + ": not a streamed TaylorMLP SwiGLU artifact: neither the authors' layout (no tensor named *fuse_weight with"
                        + " local_approx_output, local_point, gate_proj_weight and up_proj_weight beside it) nor WeightGames' own"
                        + " (metadata kind=taylor-swiglu); it holds " + Safetensors.abbreviate(art.names()));
            }
            Activation act = activation;
            List<String> blocks = blocks(art);
            Set<String> consumed = new HashSet<>();
            Map<String, Spec> specs = new LinkedHashMap<>();
            for (String p : blocks) {
                TaylorNames tn = new TaylorNames(p);
                int order = tn.streamedOrder(art);
                Tensor gate = art.tensor(tn.gate());
                Tensor theta0 = art.tensor(tn.theta(0));
                specs.put(p + SwiGluNames.GATE, new Spec(gate.dtype(), gate.shape()));
                specs.put(p + SwiGluNames.UP, new Spec(art.tensor(tn.up()).dtype(), gate.shape()));
                specs.put(p + SwiGluNames.DOWN, new Spec(theta0.dtype(), theta0.shape()));
                consumed.addAll(tn.streamed(order));
            }
            List<String> others = StreamingTaylor.declareOthers(art, consumed, specs);
            Map<String, String> meta = new TreeMap<>();
            meta.put("format", "pt");
            meta.put("recovered-by", "weightgames taylor-inversion");
            meta.put("artifact", artifactFile.getFileName().toString());
            Safetensors orig = original == null ? null : Safetensors.open(original);
            try (Writer w = Writer.create(out, meta, specs)) {
                StreamingInversion.Recovered reuse = null;
                long t0 = System.nanoTime();
                for (String p : blocks) {
                    long tb = System.nanoTime();
                    StreamingInversion.Recovered rec = StreamingInversion.recover(art, p, act, fit, threads, reuse);
                    double seconds = (System.nanoTime() - tb) / 1e9;
                    reuse = rec;
                    if (rec.wFloat() != null) {
                        w.write(p + SwiGluNames.DOWN, 0, rec.wFloat(), 0, rec.wFloat().length);
                    } else {
                        w.write(p + SwiGluNames.DOWN, 0, rec.wDouble(), 0, rec.wDouble().length);
                    }
                    StreamingTaylor.writeSignedRows(w, art, art.tensor(new TaylorNames(p).gate()), rec.sign(), p + SwiGluNames.GATE,
                            threads);
                    StreamingTaylor.copy(w, art.tensor(new TaylorNames(p).up()), p + SwiGluNames.UP);
                    String line = String.format("block '%s': %d x %d recovered in %.2f s, activation %s (%s), %s", p, rec.out(),
                            rec.hidden(), seconds, rec.guess().activation().id(), rec.guess().identified() ? "identified" : "given",
                            ordersRead(rec.read(), rec.order()));
                    if (orig != null) {
                        StreamingInversion.Comparison c = StreamingInversion.compare(rec, orig, SwiGluNames.find(orig, p), art, p,
                                threads);
                        line += String.format("; against %s: median column error %.2e, max %.2e, %d gate signs wrong; protected %d"
                                + " parameters (W_down and the signs of %d expanded neurons), %d shipped in the clear (V_gate up to"
                                + " sign, V_up)", original.getFileName(), c.medianColumnError(), c.maxColumnError(), c.signErrors(),
                                rec.out() * rec.hidden() + rec.hidden(), rec.hidden(), 2 * rec.hidden() * art.tensor(
                                        new TaylorNames(p).gate()).columns());
                    }
                    log.println(line);
                    log.flush();
                }
                for (String n : others) {
                    StreamingTaylor.copy(w, art.tensor(n), n);
                }
                w.commit();
                log.printf("wrote %s: %d block%s recovered in %.1f s%n", out, blocks.size(), blocks.size() == 1 ? "" : "s",
                        (System.nanoTime() - t0) / 1e9);
                if (orig != null) {
                    outputErrors(art, blocks, out, orig, log);
                }
                log.flush();
            } finally {
                if (orig != null) {
                    orig.close();
                }
            }
            return List.of();
        }
    }
}
