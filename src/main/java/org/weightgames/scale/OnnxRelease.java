package org.weightgames.scale;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;

import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Numerics;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.data.Dataset;
import org.weightgames.game.Release;
import org.weightgames.model.Activation;
import org.weightgames.model.Checkpoint;
import org.weightgames.model.MlpBlock;
import org.weightgames.model.Network;
import org.weightgames.onnx.Corpus;
import org.weightgames.onnx.Encoder;
import org.weightgames.onnx.MlpPattern;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.onnx.SentenceTokenizer;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Writer;
import org.weightgames.schemes.taylormlp.TaylorMlp;
import org.weightgames.schemes.taylormlp.TaylorNames;

/**
 * {@code wg release --model minilm|FILE.onnx}: TaylorMLP on every MLP block of an ONNX transformer,
 * each block calibrated on its real input, the hidden states of the calibration sentences
 * ({@link Corpus}) read from ONNX Runtime with the block's input made an extra graph output. The
 * blocks are released by the in-memory scheme ({@link TaylorMlp}, every neuron expanded, the signs
 * drawn) and written as one safetensors artifact in WeightGames' plain-block naming under the
 * graph's block prefixes: {@code encoder.layer.0.V}, {@code p}, {@code expanded}, {@code theta.0}
 * [out], {@code theta.<n>} [out, hidden] (metadata kind {@value TaylorNames#PLAIN}, order, blocks,
 * source). The rest of the model (attention, embeddings, norms) is public under TaylorMLP and stays
 * in the source graph, which the artifact names by its SHA-256.
 */
public final class OnnxRelease {
    private OnnxRelease() {
    }

    /** A released model: per block (graph order) the scheme's release and the block as it was. */
    public record Released(OnnxModel model, List<MlpPattern.Block> blocks, List<Release> releases, List<MlpBlock> originals,
            List<double[][]> ranges, int tokens) {
    }

    /** Each block's real inputs over {@code sentences}: prefix -> [tokens, in] rows, row-major. */
    public static Map<String, float[]> hiddenStates(OnnxModel model, SentenceTokenizer tok, List<String> sentences,
            List<MlpPattern.Block> blocks) {
        List<String> taps = new ArrayList<>();
        blocks.forEach(b -> taps.add(b.input()));
        Map<String, List<float[]>> rows = new LinkedHashMap<>();
        try (Encoder e = Encoder.tapping(model, taps)) {
            for (String s : sentences) {
                Encoder.Run r = e.run(tok.encode(s));
                for (MlpPattern.Block b : blocks) {
                    rows.computeIfAbsent(b.prefix(), k -> new ArrayList<>()).add(r.taps().get(b.input()));
                }
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        rows.forEach((p, l) -> {
            int n = l.stream().mapToInt(a -> a.length).sum();
            float[] all = new float[n];
            int at = 0;
            for (float[] a : l) {
                System.arraycopy(a, 0, all, at, a.length);
                at += a.length;
            }
            out.put(p, all);
        });
        return out;
    }

    /** The block as WeightGames' plain MLP ({@link Checkpoint#onnxBlock}). */
    public static MlpBlock block(OnnxModel m, MlpPattern.Block b) {
        return Checkpoint.onnxBlock(m, b);
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Releases the blocks named by {@code prefixes} (every block when empty) at {@code order}, in memory. */
    public static Released release(OnnxModel model, SentenceTokenizer tok, List<String> prefixes, int order, long seed) {
        List<MlpPattern.Block> blocks = new ArrayList<>();
        if (prefixes.isEmpty()) {
            blocks.addAll(model.blocks());
        } else {
            prefixes.forEach(p -> blocks.add(model.block(p)));
        }
        return release(model, blocks, hiddenStates(model, tok, Corpus.calibration(), blocks), order, seed);
    }

    /** Releases {@code blocks} at {@code order}, calibrated on their real inputs {@code hidden} (prefix -> rows). */
    public static Released release(OnnxModel model, List<MlpPattern.Block> blocks, Map<String, float[]> hidden, int order,
            long seed) {
        return release(model, blocks, hidden, order, seed, 1);
    }

    /**
     * As above, expanding in each block the {@code fraction} of neurons with the smallest calibrated
     * ranges (the authors' selection) and leaving the others in plaintext; every neuron at 1.
     */
    public static Released release(OnnxModel model, List<MlpPattern.Block> blocks, Map<String, float[]> hidden, int order,
            long seed, double fraction) {
        Map<String, String> settings = fraction >= 1 ? Map.of("order", Integer.toString(order), "select", "all", "divergence",
                "keep") : Map.of("order", Integer.toString(order), "select", "smallest-range", "fraction", Double.toString(fraction),
                        "divergence", "keep");
        Coins coins = Coins.root(seed).derive("release");
        List<Release> releases = new ArrayList<>();
        List<MlpBlock> originals = new ArrayList<>();
        List<double[][]> ranges = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            MlpPattern.Block b = blocks.get(i);
            MlpBlock mlp = block(model, b);
            float[] x = hidden.get(b.prefix());
            int rows = x.length / b.in();
            INDArray features = Nd.matrix(toDoubles(x), rows, b.in());
            TaylorMlp scheme = new TaylorMlp();
            scheme.init(new Params(TaylorMlp.ID, settings));
            releases.add(scheme.release(Network.of(mlp), new Dataset(features, new int[rows], 1), coins.derive("block/" + i)));
            originals.add(mlp);
            INDArray pre = mlp.projection(features);
            ranges.add(new double[][] {pre.min(0).toDoubleVector(), pre.max(0).toDoubleVector()});
        }
        return new Released(model, blocks, releases, originals, ranges, hidden.get(blocks.get(0).prefix()).length / blocks.get(0)
                .in());
    }

    /** {@code wg release} on an ONNX model: writes the artifact and logs what it did. */
    public static Released release(String model, Path tokenizer, Path out, List<String> prefixes, int order, long seed,
            PrintWriter log) {
        if (order < 1 || order > 64) {
            throw new WgException("taylormlp: order must be between 1 and 64, got " + order);
        }
        long t0 = System.nanoTime();
        OnnxModel m = OnnxModel.load(model);
        Released r;
        try (SentenceTokenizer tok = SentenceTokenizer.open(m, tokenizer)) {
            r = release(m, tok, prefixes, order, seed);
        }
        write(r, order, out);
        long neurons = r.blocks().stream().mapToLong(MlpPattern.Block::hidden).sum();
        log.printf("released %d MLP block%s of %s (%d neurons, every one expanded, GELU, N = %d) into %s in %.1f s%n",
                r.blocks().size(), r.blocks().size() == 1 ? "" : "s", model, neurons, order, out, (System.nanoTime() - t0) / 1e9);
        log.printf("calibration: the real hidden states of %d sentences, %d tokens (the Apache-2.0 and MPL-2.0 texts of Debian's"
                + " base-files) at each block's input%n", Corpus.calibration().size(), r.tokens());
        for (int i = 0; i < r.blocks().size(); i++) {
            double[][] lr = r.ranges().get(i);
            double[] range = new double[lr[0].length];
            for (int j = 0; j < range.length; j++) {
                range[j] = lr[1][j] - lr[0][j];
            }
            log.printf("  block '%s': calibrated ranges median %.2f, max %.2f%n", r.blocks().get(i).prefix(),
                    Numerics.median(range), Arrays.stream(range).max().orElse(0));
        }
        log.flush();
        return r;
    }

    /** The artifact: every block's tensors under its graph prefix, V and Theta in F32, p in F64. */
    static void write(Released r, int order, Path out) {
        Map<String, String> meta = new TreeMap<>();
        meta.put("scheme", TaylorMlp.ID);
        meta.put("kind", TaylorNames.PLAIN);
        meta.put("activation", Activation.GELU.id());
        meta.put("order", Integer.toString(order));
        meta.put("expanded", "all");
        List<String> prefixes = new ArrayList<>();
        r.blocks().forEach(b -> prefixes.add(b.prefix()));
        meta.put("blocks", String.join(",", prefixes));
        meta.put("source", r.model().source().equals(OnnxModel.MINILM) ? OnnxModel.MINILM : Path.of(r.model().source())
                .getFileName().toString());
        meta.put("source-sha256", r.model().sha256());
        Map<String, Spec> specs = new LinkedHashMap<>();
        List<Map<String, INDArray>> tensors = new ArrayList<>();
        for (int i = 0; i < r.blocks().size(); i++) {
            Artifact t = r.releases().get(i).artifact();
            TaylorNames in = TaylorNames.layer(0);
            TaylorNames on = new TaylorNames(prefixes.get(i));
            Map<String, INDArray> renamed = new LinkedHashMap<>();
            renamed.put(on.v(), t.tensor(in.v()));
            renamed.put(on.expanded(), t.tensor(in.expanded()));
            renamed.put(on.p(), t.tensor(in.p()));
            for (int n = 0; n <= order; n++) {
                renamed.put(on.theta(n), t.tensor(in.theta(n)));
            }
            for (Map.Entry<String, INDArray> e : renamed.entrySet()) {
                boolean exact = e.getKey().equals(on.p()) || e.getKey().equals(on.expanded());
                specs.put(e.getKey(), new Spec(exact ? DType.F64 : DType.F32, e.getValue().shape()));
            }
            tensors.add(renamed);
        }
        try (Writer w = Writer.create(out, meta, specs)) {
            for (Map<String, INDArray> t : tensors) {
                for (Map.Entry<String, INDArray> e : t.entrySet()) {
                    double[] d = e.getValue().dup('c').data().asDouble();
                    w.write(e.getKey(), 0, d, 0, d.length);
                }
            }
            w.commit();
        }
    }
}
