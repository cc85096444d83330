package org.weightgames.scale;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;

import org.weightgames.adversaries.SearchRange;
import org.weightgames.adversaries.TaylorInversion;
import org.weightgames.core.Artifact;
import org.weightgames.core.Nd;
import org.weightgames.core.Numerics;
import org.weightgames.core.WgException;
import org.weightgames.model.MlpBlock;
import org.weightgames.onnx.Corpus;
import org.weightgames.onnx.Encoder;
import org.weightgames.onnx.MlpPattern;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.onnx.SentenceTokenizer;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.schemes.taylormlp.TaylorMlp;
import org.weightgames.schemes.taylormlp.TaylorNames;

/**
 * {@code wg attack} on a TaylorMLP artifact of an ONNX model's MLP blocks ({@link OnnxRelease}):
 * the taylor-inversion attack ({@link TaylorInversion}: per neuron its sign, its point a_j = p_j +
 * b_j, its column of W; then c) on every block, written back as ONNX, the source graph with the
 * recovered W1 = (s V')', b1, W2 = W', b2 (the graph's other weights are public under TaylorMLP).
 * With {@code --original}: each block's median column error of W (the down projection) and its
 * wrong signs, and the recovered model's sentence embeddings against the original's on the fresh
 * sentences (cosine per sentence: minimum and median).
 */
public final class OnnxAttack {
    private OnnxAttack() {
    }

    /** One block's figures against the original. */
    public record BlockResult(String prefix, double medianColumnError, double maxColumnError, long signErrors, double biasError,
            double outputBiasError) {
    }

    /** The attack's figures: per block, and the embeddings' cosines on the fresh sentences (empty without an original). */
    public record Result(List<BlockResult> blocks, double[] cosines) {
    }

    /** True when a safetensors file is a TaylorMLP release of an ONNX model's plain blocks. */
    public static boolean isOnnxRelease(Path artifact) {
        try (Safetensors a = Safetensors.open(artifact)) {
            return TaylorNames.PLAIN.equals(a.metadata().get("kind")) && a.metadata().containsKey("source-sha256");
        }
    }

    /** The artifact as the in-memory scheme names it (layer i is block i), to hand to the in-memory attack. */
    static Artifact read(Safetensors a, List<String> prefixes) {
        Map<String, String> meta = new TreeMap<>();
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        int order = order(a);
        meta.put("order", Integer.toString(order));
        meta.put("layers", Integer.toString(prefixes.size()));
        for (int i = 0; i < prefixes.size(); i++) {
            TaylorNames on = new TaylorNames(prefixes.get(i));
            TaylorNames in = TaylorNames.layer(i);
            meta.put(i + ".kind", TaylorNames.PLAIN);
            meta.put(i + ".activation", a.metadata().getOrDefault("activation", "gelu"));
            tensors.put(in.v(), a.tensor(on.v()).toNd());
            tensors.put(in.expanded(), a.tensor(on.expanded()).toNd());
            tensors.put(in.p(), a.tensor(on.p()).toNd());
            for (int n = 0; n <= order; n++) {
                tensors.put(in.theta(n), a.tensor(on.theta(n)).toNd());
            }
        }
        return new Artifact(TaylorMlp.ID, meta, tensors);
    }

    /** The order in the artifact's metadata, checked. */
    private static int order(Safetensors a) {
        String o = a.metadata().get("order");
        try {
            int n = Integer.parseInt(o);
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new WgException(a.file() + ": metadata order '" + o + "' is not an order in 1..64; the artifact is damaged");
    }

    /**
     * Attacks {@code artifactFile}, writing the recovered model as ONNX to {@code out}; {@code graph}
     * the source model (null: the artifact's own source when it is the built-in model);
     * {@code original} true compares with it.
     */
    public static Result attack(Path artifactFile, Path out, String graph, boolean original, Path tokenizer, PrintWriter log) {
        long t0 = System.nanoTime();
        List<String> prefixes;
        Artifact art;
        String source;
        String sha;
        try (Safetensors a = Safetensors.open(artifactFile)) {
            String blocks = a.metadata().get("blocks");
            if (blocks == null || blocks.isEmpty()) {
                throw new WgException(artifactFile + ": no metadata 'blocks'; not a TaylorMLP release of an ONNX model");
            }
            prefixes = Arrays.asList(blocks.split(",", -1));
            art = read(a, prefixes);
            source = a.metadata().get("source");
            sha = a.metadata().get("source-sha256");
        }
        String g = graph != null ? graph : source;
        if (g == null || !(g.equals(OnnxModel.MINILM) || Files.isRegularFile(Path.of(g)))) {
            throw new WgException(artifactFile + ": the source graph '" + source + "' is not at hand; give it with --original"
                    + " (minilm or the .onnx file released)");
        }
        OnnxModel m = OnnxModel.load(g);
        if (!m.sha256().equals(sha)) {
            throw new WgException(artifactFile + ": released from a model with SHA-256 " + sha + ", but " + g + " has "
                    + m.sha256() + "; give the model that was released with --original");
        }
        List<TaylorInversion.Recovered> rec = TaylorInversion.recover(art, new SearchRange(30, 0.05));
        Map<String, float[]> weights = new LinkedHashMap<>();
        List<BlockResult> results = new ArrayList<>();
        for (int i = 0; i < prefixes.size(); i++) {
            MlpPattern.Block b = m.block(prefixes.get(i));
            PointRefit.Refit r = PointRefit.refit(rec.get(i));
            INDArray vr = rec.get(i).layer.v;
            INDArray v = vr.dup();
            for (int j = 0; j < b.hidden(); j++) {
                v.getRow(j).muli(r.sign()[j]);
            }
            weights.put(b.w1(), floats(v.transpose()));
            weights.put(b.b1(), floats(Nd.vector(r.b())));
            weights.put(b.w2(), floats(r.w().transpose()));
            weights.put(b.b2(), floats(r.c()));
            String line = String.format("block '%s': %d x %d recovered (sign, point and column of every neuron, then c; %d point%s"
                    + " refitted by relative least squares)", b.prefix(), b.out(), b.hidden(), r.moved(), r.moved() == 1 ? "" : "s");
            if (original) {
                BlockResult br = compare(b.prefix(), OnnxRelease.block(m, b), r, vr);
                results.add(br);
                line += String.format("; against %s: median column error of the down projection %.2e (max %.2e), %d signs wrong,"
                        + " b1 relative error %.2e, b2 %.2e", g, br.medianColumnError(), br.maxColumnError(), br.signErrors(),
                        br.biasError(), br.outputBiasError());
            }
            log.println(line);
        }
        byte[] recovered = m.withInitializers(weights);
        OnnxModel.write(recovered, out);
        log.printf("wrote %s: %d block%s recovered in %.1f s%n", out, prefixes.size(), prefixes.size() == 1 ? "" : "s",
                (System.nanoTime() - t0) / 1e9);
        double[] cos = new double[0];
        if (original) {
            try (SentenceTokenizer tok = SentenceTokenizer.open(m, tokenizer)) {
                cos = cosines(m, Encoder.of(g + " (recovered)", recovered, List.of()), tok, Corpus.evaluation());
            }
            double min = Arrays.stream(cos).min().orElse(Double.NaN);
            log.printf("sentence embeddings of the recovered model against %s on %d fresh sentences: cosine min %.12f (1 - min ="
                    + " %.1e), median %.12f%n", g, cos.length, min, 1 - min, Numerics.median(cos));
        }
        log.flush();
        return new Result(results, cos);
    }

    /** Cosine per sentence between the original model's embedding and {@code other}'s (closed here). */
    static double[] cosines(OnnxModel m, Encoder other, SentenceTokenizer tok, List<String> sentences) {
        double[] cos = new double[sentences.size()];
        try (Encoder orig = Encoder.of(m); Encoder o = other) {
            for (int i = 0; i < cos.length; i++) {
                SentenceTokenizer.Tokens t = tok.encode(sentences.get(i));
                cos[i] = Encoder.cosine(orig.run(t).embedding(), o.run(t).embedding());
            }
        }
        return cos;
    }

    static BlockResult compare(String prefix, MlpBlock orig, PointRefit.Refit r, INDArray released) {
        double[] w = orig.w().dup('c').data().asDouble();
        double[] wr = r.w().dup('c').data().asDouble();
        int out = (int) orig.w().rows();
        int h = (int) orig.w().columns();
        double[] col = new double[h];
        for (int j = 0; j < h; j++) {
            double e = 0;
            double n = 0;
            for (int q = 0; q < out; q++) {
                double d = wr[q * h + j] - w[q * h + j];
                e += d * d;
                n += w[q * h + j] * w[q * h + j];
            }
            col[j] = Math.sqrt(e / Math.max(n, Double.MIN_NORMAL));
        }
        double[] v = orig.v().dup('c').data().asDouble();
        double[] vr = released.dup('c').data().asDouble();
        int in = (int) orig.v().columns();
        long bad = 0;
        for (int j = 0; j < h; j++) {
            double dot = 0;
            for (int i = 0; i < in; i++) {
                dot += v[j * in + i] * vr[j * in + i];
            }
            if ((dot < 0 ? -1 : 1) != r.sign()[j]) {
                bad++;
            }
        }
        return new BlockResult(prefix, Numerics.median(col), Arrays.stream(col).max().orElse(0), bad,
                relative(r.b(), orig.b().toDoubleVector()), relative(r.c().toDoubleVector(), orig.c().toDoubleVector()));
    }

    private static double relative(double[] a, double[] b) {
        double e = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            e += (a[i] - b[i]) * (a[i] - b[i]);
            n += b[i] * b[i];
        }
        return Math.sqrt(e / Math.max(n, Double.MIN_NORMAL));
    }

    private static float[] floats(INDArray a) {
        double[] d = a.dup('c').data().asDouble();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
