package org.weightgames.scale;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.weightgames.core.Coins;
import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Writer;
import org.weightgames.schemes.taylormlp.OfficialNames;

/** {@code wg attack} on a release in the authors' layout: every block recovered, merged and written, and judged against the original. */
public final class OfficialTools {
    /** Fresh tokens the release and the recovery are run on, against the original. */
    static final int CHECK_TOKENS = 8;

    private OfficialTools() {
    }

    /** One block's result: what was found and, with the original, how close everything is. */
    public record BlockResult(String prefix, OfficialNames.Shape shape, Activation activation, boolean identified,
            Map<String, Double> residuals, double seconds, OfficialMerge.Comparison comparison, double releaseError,
            double recoveredError) {
    }

    public static List<BlockResult> attack(Safetensors art, List<OfficialNames> blocks, Path artifactFile, Path out, Path original,
            Activation given, Fit fit, int threads, PrintWriter log) {
        Map<String, Spec> specs = new LinkedHashMap<>();
        List<String> consumed = new ArrayList<>();
        List<OfficialNames.Shape> shapes = new ArrayList<>();
        for (OfficialNames n : blocks) {
            OfficialNames.Shape sh = n.check(art);
            shapes.add(sh);
            OfficialMerge.declare(art, n, sh, specs, consumed);
        }
        List<String> others = StreamingTaylor.declareOthers(art, new java.util.HashSet<>(consumed), specs);
        Map<String, String> meta = new TreeMap<>();
        meta.put("format", "pt");
        meta.put("recovered-by", "weightgames taylor-inversion (authors' layout)");
        meta.put("artifact", artifactFile.getFileName().toString());
        List<BlockResult> results = new ArrayList<>();
        Safetensors orig = original == null ? null : Safetensors.open(original);
        try {
            long t0 = System.nanoTime();
            List<OfficialInversion.Recovered> recs = new ArrayList<>();
            try (Writer w = Writer.create(out, meta, specs)) {
                OfficialInversion.Recovered reuse = null;
                for (int b = 0; b < blocks.size(); b++) {
                    OfficialNames n = blocks.get(b);
                    long tb = System.nanoTime();
                    OfficialInversion.Recovered rec = OfficialInversion.recover(art, n, given, fit, threads, reuse);
                    double seconds = (System.nanoTime() - tb) / 1e9;
                    OfficialMerge.Positions pos = OfficialMerge.positions(art, n, shapes.get(b));
                    OfficialMerge.write(w, art, rec, pos, threads);
                    OfficialMerge.Comparison c = null;
                    if (orig != null) {
                        c = OfficialMerge.compare(rec, art, pos, orig, originalBlock(orig, n.prefix(), blocks.size()), threads);
                    }
                    results.add(new BlockResult(n.prefix(), shapes.get(b), rec.activation(), rec.guess().identified(),
                            rec.guess().medianResidual(), seconds, c, Double.NaN, Double.NaN));
                    recs.add(rec);
                    log.println(describe(n, shapes.get(b), rec, pos, seconds, c));
                    log.flush();
                    reuse = rec.wFloat() != null || rec.wDouble() != null ? rec : null;
                }
                for (String o : others) {
                    w.copy(art.tensor(o), o);
                }
                w.commit();
            }
            log.printf("wrote %s: %d block%s in the authors' layout recovered in %.1f s%n", out, blocks.size(),
                    blocks.size() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9);
            if (orig != null) {
                results = functionCheck(results, art, blocks, out, orig, log);
            }
            log.flush();
            return results;
        } finally {
            if (orig != null) {
                orig.close();
            }
        }
    }

    /** The original's block for a released prefix: the same prefix, or the only block when the release has one. */
    static SwiGluNames originalBlock(Safetensors orig, String prefix, int blocks) {
        List<String> found = SwiGluNames.prefixes(orig);
        return SwiGluNames.find(orig, found.contains(prefix) || blocks > 1 || found.size() != 1 ? prefix : found.get(0));
    }

    private static String describe(OfficialNames n, OfficialNames.Shape sh, OfficialInversion.Recovered rec,
            OfficialMerge.Positions pos, double seconds, OfficialMerge.Comparison c) {
        StringBuilder b = new StringBuilder(String.format("block '%s' (authors' layout): %d of %d neurons expanded at N = %d, %d x %d"
                + " recovered in %.2f s, %s; activation %s (%s; median fit residual %s); neurons %s", n.prefix(), sh.expanded(),
                sh.intermediate(), sh.order(), sh.out(), sh.expanded(), seconds, CheckpointTools.ordersRead(rec.read(), sh.order()),
                rec.activation().id(), rec.guess().identified() ? "identified" : "given", residuals(rec.guess().medianResidual()),
                pos.original() ? "in the original order (sampled_dim/ffn_dim)"
                        : "in the release's own order, expanded then plain (no indices; the same function, hidden neurons commute)"));
        if (c != null) {
            b.append(String.format("%n  against the original%s: median column error %.2e, max %.2e, %d gate signs wrong;"
                    + " protected %d parameters (W_down columns and signs of the expanded neurons), %.2f%% recovered within %.0f%%;"
                    + " %d parameters shipped in the clear", c.matchedByUpRows() ? " (neurons matched by their public up_proj rows)" : "",
                    c.medianColumnError(), c.maxColumnError(), c.signErrors(), c.protectedParams(), 100 * c.recoveredShare(),
                    100 * OfficialMerge.TOLERANCE, c.clearParams()));
        }
        return b.toString();
    }

    private static String residuals(Map<String, Double> r) {
        StringBuilder b = new StringBuilder();
        r.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format("%.1e", v)));
        return b.toString();
    }

    /** The release and the merged recovery on fresh tokens against the original block. */
    private static List<BlockResult> functionCheck(List<BlockResult> results, Safetensors art, List<OfficialNames> blocks, Path out,
            Safetensors orig, PrintWriter log) {
        List<BlockResult> done = new ArrayList<>();
        try (Safetensors merged = Safetensors.open(out)) {
            for (int b = 0; b < blocks.size(); b++) {
                BlockResult r = results.get(b);
                SwiGluNames on = originalBlock(orig, r.prefix(), blocks.size());
                int in = (int) r.shape().in();
                float[] x = SyntheticBlock.tokens(CHECK_TOKENS, in, Coins.root(0x5eedL).derive("check/" + b));
                double[][] y0 = BlockForward.original(orig, on, r.activation(), x, CHECK_TOKENS);
                double[][] yRel = BlockForward.released(art, blocks.get(b), r.activation(), x, CHECK_TOKENS);
                double[][] yRec = BlockForward.original(merged, SwiGluNames.find(merged, r.prefix()), r.activation(), x, CHECK_TOKENS);
                double re = BlockForward.relativeError(yRel, y0);
                double ce = BlockForward.relativeError(yRec, y0);
                log.printf("block '%s' on %d fresh Gaussian tokens: the release's own output error %.2e, the recovered block's %.2e%n",
                        r.prefix(), CHECK_TOKENS, re, ce);
                done.add(new BlockResult(r.prefix(), r.shape(), r.activation(), r.identified(), r.residuals(), r.seconds(),
                        r.comparison(), re, ce));
            }
        }
        return done;
    }
}
