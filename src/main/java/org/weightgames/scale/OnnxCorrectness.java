package org.weightgames.scale;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Numerics;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.model.CalibrationGeometry;
import org.weightgames.model.MlpBlock;
import org.weightgames.onnx.Corpus;
import org.weightgames.onnx.Encoder;
import org.weightgames.onnx.MlpPattern;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.onnx.SentenceTokenizer;
import org.weightgames.onnx.TaylorGraph;
import org.weightgames.schemes.taylormlp.ReleasedLayer;
import org.weightgames.schemes.taylormlp.TaylorCoefficients;

/**
 * TaylorMLP's {@code correct} game on a real ONNX model: at each order N, every MLP block released
 * (calibrated on the real hidden states of the calibration sentences) and replaced in the graph by
 * the polynomial its legitimate user evaluates ({@link TaylorGraph}); the user's sentence
 * embeddings against the original's on the fresh sentences (cosine: minimum, median). Per block:
 * the expanded neurons whose calibrated half-range exceeds the series' radius of convergence, and
 * those where the N-term series misses GELU by more than 1% of the neuron's output range at an end
 * of its calibrated range. The authors claim the outputs match; the verdict is HOLDS when every
 * fresh sentence keeps cosine at least {@value #MATCH}. Also each block's calibrated ranges beside
 * draws of the synthetic geometries of the audit (Llama-3-8B's layers 0 and 31: log-normal, median
 * 1.8 and 6.5, sigma 0.47), for the command to plot.
 */
public final class OnnxCorrectness {
    /** The cosine an embedding must keep for the outputs to count as matching. */
    public static final double MATCH = 0.999;

    private OnnxCorrectness() {
    }

    /** One order's figures. */
    public record Order(int order, double[] cosines, int[] outsideRadius, int[] seriesMisses, int[] expanded) {
        public boolean holds() {
            return Arrays.stream(cosines).allMatch(c -> c >= MATCH);
        }
    }

    /** The game's figures, the ranges to plot (group name to ranges) and the Markdown summary. */
    public record Result(List<Order> orders, Map<String, double[]> ranges, String markdown) {
    }

    /** Plays the game at each of {@code orders}. */
    public static Result run(String model, Path tokenizer, int[] orders, long seed, PrintWriter log) {
        return run(model, tokenizer, orders, seed, 1, log);
    }

    /** As above, expanding the {@code fraction} of each block's neurons with the smallest ranges (the rest in plaintext). */
    public static Result run(String model, Path tokenizer, int[] orders, long seed, double fraction, PrintWriter log) {
        OnnxModel m = OnnxModel.load(model);
        List<Order> results = new ArrayList<>();
        Map<String, double[]> ranges = new LinkedHashMap<>();
        try (SentenceTokenizer tok = SentenceTokenizer.open(m, tokenizer)) {
            Map<String, float[]> hidden = OnnxRelease.hiddenStates(m, tok, Corpus.calibration(), m.blocks());
            for (int n : orders) {
                if (n < 1 || n > 64) {
                    throw new WgException("--orders: each order must be between 1 and 64, got " + n);
                }
                OnnxRelease.Released r = OnnxRelease.release(m, m.blocks(), hidden, n, seed, fraction);
                results.add(play(r, n, tok));
                if (ranges.isEmpty()) {
                    for (int i = 0; i < r.blocks().size(); i++) {
                        double[][] lr = r.ranges().get(i);
                        double[] w = new double[lr[0].length];
                        for (int j = 0; j < w.length; j++) {
                            w[j] = lr[1][j] - lr[0][j];
                        }
                        ranges.put(r.blocks().get(i).prefix(), w);
                    }
                }
                Order o = results.get(results.size() - 1);
                log.printf(Locale.ROOT, "N = %d: the user's embeddings against the original's on %d fresh sentences: cosine min %.6f,"
                        + " median %.6f; outside the radius per block %s; series off by > 1%% at a range end %s; verdict on"
                        + " 'outputs match' (cosine >= %s on every sentence): %s%n", n, o.cosines().length, min(o.cosines()),
                        Numerics.median(o.cosines()), Arrays.toString(o.outsideRadius()), Arrays.toString(o.seriesMisses()), MATCH,
                        o.holds() ? "HOLDS" : "REFUTED");
            }
        }
        Coins c = Coins.root(seed).derive("synthetic-geometry");
        ranges.put("synthetic Llama L0 (1.8, 0.47)", CalibrationGeometry.ranges(1.8, 0.47, 1536, c.derive("0")));
        ranges.put("synthetic Llama L31 (6.5, 0.47)", CalibrationGeometry.ranges(6.5, 0.47, 1536, c.derive("31")));
        log.flush();
        return new Result(results, ranges, markdown(m, results, ranges, fraction));
    }

    static Order play(OnnxRelease.Released r, int order, SentenceTokenizer tok) {
        Map<MlpPattern.Block, TaylorGraph.Polynomial> poly = new LinkedHashMap<>();
        int blocks = r.blocks().size();
        int[] outside = new int[blocks];
        int[] misses = new int[blocks];
        int[] expanded = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            Artifact a = r.releases().get(i).artifact();
            ReleasedLayer l = ReleasedLayer.parse(a).get(0);
            double[][] theta = new double[order][];
            for (int n = 1; n <= order; n++) {
                theta[n - 1] = l.theta[n].dup('c').data().asDouble();
            }
            TaylorGraph.Plain plain = l.plain.length == 0 ? null : new TaylorGraph.Plain(l.v.getRows(l.plain).dup('c').data()
                    .asDouble(), l.bPlain.toDoubleVector(), l.wPlain.dup('c').data().asDouble());
            poly.put(r.blocks().get(i), new TaylorGraph.Polynomial(l.v.getRows(l.expanded).dup('c').data().asDouble(), l.p
                    .toDoubleVector(), l.theta[0].toDoubleVector(), theta, plain));
            MlpBlock b = r.originals().get(i);
            double[] bias = b.b().toDoubleVector();
            double[][] lr = r.ranges().get(i);
            expanded[i] = l.expanded.length;
            for (int j : l.expanded) {
                double centre = 0.5 * (lr[0][j] + lr[1][j]) + bias[j];
                double half = 0.5 * (lr[1][j] - lr[0][j]);
                if (half >= TaylorCoefficients.radius(Activation.GELU, centre)) {
                    outside[i]++;
                }
                double[] c = TaylorCoefficients.of(Activation.GELU, centre, order);
                double span = Math.abs(Activation.GELU.value(centre + half) - Activation.GELU.value(centre - half));
                double err = Math.max(Math.abs(TaylorCoefficients.evaluate(c, half) - Activation.GELU.value(centre + half)),
                        Math.abs(TaylorCoefficients.evaluate(c, -half) - Activation.GELU.value(centre - half)));
                if (err > 0.01 * Math.max(span, 1e-12)) {
                    misses[i]++;
                }
            }
        }
        byte[] user = TaylorGraph.rewrite(r.model(), poly);
        double[] cos = OnnxAttack.cosines(r.model(), Encoder.of(r.model().source() + " (TaylorMLP, N = " + order + ")", user,
                List.of()), tok, Corpus.evaluation());
        return new Order(order, cos, outside, misses, expanded);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static String markdown(OnnxModel m, List<Order> results, Map<String, double[]> ranges, double fraction) {
        StringBuilder b = new StringBuilder();
        b.append("# TaylorMLP's correctness on a real model: ").append(m.source()).append("\n\n");
        b.append("Model SHA-256 ").append(m.sha256()).append("; ").append(m.blocks().size()).append(" MLP blocks, ").append(
                fraction >= 1 ? "every neuron expanded" : String.format(Locale.ROOT, "the %.1f%% of neurons with the smallest"
                        + " ranges expanded per block, the others in plaintext", 100 * fraction)).append(", calibrated on ").append(Corpus.calibration().size()).append(" sentences, measured on ")
                .append(Corpus.evaluation().size()).append(" fresh ones (cosine of the sentence embeddings, mean pooling, L2).\n\n");
        b.append("| N | cosine min | cosine median | outside the radius, per block | series off by > 1% at a range end,"
                + " per block (of the expanded) | 'outputs match' |\n|---|---|---|---|---|---|\n");
        for (Order o : results) {
            b.append(String.format(Locale.ROOT, "| %d | %.6f | %.6f | %s | %s (of %d) | %s |%n", o.order(), min(o.cosines()),
                    Numerics.median(o.cosines()), Arrays.toString(o.outsideRadius()), Arrays.toString(o.seriesMisses()),
                    o.expanded()[0], o.holds() ? "holds" : "refuted"));
        }
        b.append("\nCalibrated ranges per block (median, 90th percentile, max):\n\n");
        for (Map.Entry<String, double[]> e : ranges.entrySet()) {
            double[] v = e.getValue().clone();
            Arrays.sort(v);
            b.append(String.format(Locale.ROOT, "- %s: %.2f, %.2f, %.2f%n", e.getKey(), Numerics.median(v),
                    v[(int) Math.floor(0.9 * (v.length - 1))], v[v.length - 1]));
        }
        b.append("\n![calibrated ranges](ranges.png)\n");
        return b.toString();
    }
}
