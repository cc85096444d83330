package org.weightgames.model;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.encoders.Hex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.data.Dataset;
import org.weightgames.data.DataSource;
import org.weightgames.onnx.Corpus;
import org.weightgames.onnx.Encoder;
import org.weightgames.onnx.MlpPattern;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.onnx.SentenceTokenizer;

/**
 * The data set of an audit on a user's own block ({@code --model}): Gaussian tokens N(0, 1) of
 * the block's input width, a stand-in for the hidden states a real calibration text would give
 * (none ships with WeightGames). Each token's label is the index of the original block's largest
 * output, so "accuracy" measures top-1 agreement with the original. Fixed by a constant seed and
 * the checkpoint's hash, like the embedded synthetic set.
 */
public final class TokenData {
    public static final int TRAIN = 4096;
    public static final int TEST = 1024;

    private TokenData() {
    }

    public static DataSource of(Checkpoint.Loaded model) {
        return of(model, null);
    }

    /**
     * As above; for a block of an ONNX model, its real inputs instead: the hidden states at the
     * block's input of the calibration sentences ({@link Corpus}; train) and of the fresh ones
     * (test), tokenised by the model's tokenizer ({@code tokenizer}, or the built-in model's own),
     * labelled alike.
     */
    public static DataSource of(Checkpoint.Loaded model, Path tokenizer) {
        if (OnnxModel.isOnnx(model.file().toString())) {
            return real(model, tokenizer);
        }
        Network net = model.network();
        int in = (int) net.inputSize();
        int out = (int) net.outputSize();
        SplittableRandom rnd = new SplittableRandom(Coins.root(0).derive("tokens-v1").nextLong());
        SHA256Digest digest = new SHA256Digest();
        byte[] tag = ("tokens-v1;model=" + model.sha256() + ";prefix=" + model.prefix()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        digest.update(tag, 0, tag.length);
        Dataset train = sample(net, rnd, TRAIN, in, out, digest);
        Dataset test = sample(net, rnd, TEST, in, out, digest);
        byte[] h = new byte[32];
        digest.doFinal(h, 0);
        return new DataSource("tokens", train, test, Hex.toHexString(h), TRAIN + "+" + TEST + " Gaussian tokens of width " + in
                + ", labelled by the top output of " + model.file().getFileName() + " (" + model.kind() + " block '" + model.prefix()
                + "', sha256 " + model.sha256() + ")");
    }

    private static DataSource real(Checkpoint.Loaded model, Path tokenizer) {
        OnnxModel m = OnnxModel.load(model.file().toString());
        MlpPattern.Block b = m.block(model.prefix());
        Network net = model.network();
        int out = (int) net.outputSize();
        Dataset[] sets = new Dataset[2];
        SHA256Digest digest = new SHA256Digest();
        byte[] tag = ("tokens-onnx-v1;model=" + model.sha256() + ";prefix=" + model.prefix()).getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        digest.update(tag, 0, tag.length);
        int[] counts = new int[2];
        try (SentenceTokenizer tok = SentenceTokenizer.open(m, tokenizer); Encoder e = Encoder.tapping(m, List.of(b.input()))) {
            for (int s = 0; s < 2; s++) {
                List<float[]> rows = new ArrayList<>();
                for (String sentence : s == 0 ? Corpus.calibration() : Corpus.evaluation()) {
                    rows.add(e.run(tok.encode(sentence)).taps().get(b.input()));
                }
                int n = rows.stream().mapToInt(r -> r.length).sum();
                double[] x = new double[n];
                int at = 0;
                ByteBuffer buf = ByteBuffer.allocate(8);
                for (float[] r : rows) {
                    for (float v : r) {
                        x[at++] = v;
                        buf.clear();
                        buf.putDouble(v);
                        digest.update(buf.array(), 0, 8);
                    }
                }
                counts[s] = n / b.in();
                INDArray features = Nd.matrix(x, counts[s], b.in());
                INDArray logits = net.forward(features);
                int[] labels = new int[counts[s]];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = logits.getRow(i).argMax().getInt(0);
                }
                sets[s] = new Dataset(features, labels, out);
            }
        }
        byte[] h = new byte[32];
        digest.doFinal(h, 0);
        return new DataSource("tokens", sets[0], sets[1], Hex.toHexString(h), counts[0] + "+" + counts[1] + " real hidden states"
                + " at the input of block '" + model.prefix() + "' of " + model.file().getFileName() + " (sha256 " + model.sha256()
                + "): the tokens of " + Corpus.calibration().size() + " calibration and " + Corpus.evaluation().size()
                + " fresh sentences of the Apache-2.0 and MPL-2.0 texts Debian's base-files ships, labelled by the block's top"
                + " output");
    }

    private static Dataset sample(Network net, SplittableRandom rnd, int n, int in, int out, SHA256Digest digest) {
        double[] x = new double[n * in];
        ByteBuffer b = ByteBuffer.allocate(8);
        for (int i = 0; i < x.length; i++) {
            double u;
            double v;
            double s;
            do {
                u = 2 * rnd.nextDouble() - 1;
                v = 2 * rnd.nextDouble() - 1;
                s = u * u + v * v;
            } while (s <= 0 || s >= 1);
            x[i] = u * Math.sqrt(-2 * Math.log(s) / s);
            b.clear();
            b.putDouble(x[i]);
            digest.update(b.array(), 0, 8);
        }
        INDArray features = Nd.matrix(x, n, in);
        INDArray logits = net.forward(features);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = logits.getRow(i).argMax().getInt(0);
        }
        return new Dataset(features, labels, out);
    }
}
