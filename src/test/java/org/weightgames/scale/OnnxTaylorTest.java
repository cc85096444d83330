package org.weightgames.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.weightgames.core.WgException;
import org.weightgames.onnx.Corpus;
import org.weightgames.onnx.Encoder;
import org.weightgames.onnx.MlpPattern;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.onnx.SentenceTokenizer;
import org.weightgames.onnx.TaylorGraph;
import org.weightgames.onnx.proto.OnnxProtos.ModelProto;
import org.weightgames.onnx.proto.OnnxProtos.TypeProto;
import org.weightgames.onnx.proto.OnnxProtos.ValueInfoProto;
import org.weightgames.schemes.taylormlp.TaylorNames;

/**
 * TaylorMLP on the real all-MiniLM-L6-v2: a block released on real hidden states and recovered by
 * the attack (its column errors, signs, and the whole model's sentence embeddings), the user's
 * polynomial in the graph checked against the same polynomial evaluated here, and bad inputs
 * refused with nothing written.
 */
class OnnxTaylorTest {
    @TempDir
    Path dir;

    @Test
    void releaseThenAttackRecoversTheBlockAndTheModelsEmbeddings() {
        // layer 1 holds a neuron at a = 8, deep in GELU's linear part, that the plain fit misplaces
        Path art = dir.resolve("m.taylor.safetensors");
        Path rec = dir.resolve("m.recovered.onnx");
        StringWriter log = new StringWriter();
        OnnxRelease.release(OnnxModel.MINILM, null, art, List.of("encoder.layer.1."), 8, 3, new PrintWriter(log));
        assertThat(OnnxAttack.isOnnxRelease(art)).isTrue();
        OnnxAttack.Result r = OnnxAttack.attack(art, rec, OnnxModel.MINILM, true, null, new PrintWriter(log));
        assertThat(r.blocks()).hasSize(1);
        OnnxAttack.BlockResult b = r.blocks().get(0);
        assertThat(b.medianColumnError()).isLessThanOrEqualTo(1e-5);
        assertThat(b.signErrors()).isZero();
        assertThat(b.biasError()).isLessThan(1e-5);
        assertThat(r.cosines()).hasSize(Corpus.evaluation().size());
        assertThat(Arrays.stream(r.cosines()).min().getAsDouble()).isGreaterThanOrEqualTo(0.99999);
        assertThat(log.toString()).contains("block 'encoder.layer.1.'").contains("1 point refitted");
        assertThat(OnnxModel.load(rec.toString()).blocks()).hasSize(6);
    }

    @Test
    void theUsersGraphComputesTheReleasedPolynomial() throws Exception {
        OnnxModel m = OnnxModel.load(OnnxModel.MINILM);
        MlpPattern.Block b = m.block("encoder.layer.5.");
        try (SentenceTokenizer tok = SentenceTokenizer.open(m, null)) {
            Map<String, float[]> hidden = OnnxRelease.hiddenStates(m, tok, Corpus.calibration(), List.of(b));
            OnnxRelease.Released r = OnnxRelease.release(m, List.of(b), hidden, 2, 5);
            var a = r.releases().get(0).artifact();
            TaylorNames t = TaylorNames.layer(0);
            double[] v = a.tensor(t.v()).dup('c').data().asDouble();
            double[] p = a.tensor(t.p()).toDoubleVector();
            double[] t0 = a.tensor(t.theta(0)).toDoubleVector();
            double[][] th = {a.tensor(t.theta(1)).dup('c').data().asDouble(), a.tensor(t.theta(2)).dup('c').data().asDouble()};
            byte[] user = TaylorGraph.rewrite(m, Map.of(b, new TaylorGraph.Polynomial(v, p, t0, th)));
            SentenceTokenizer.Tokens s = tok.encode(Corpus.evaluation().get(0));
            float[] x;
            try (Encoder e = Encoder.tapping(m, List.of(b.input()))) {
                x = e.run(s).taps().get(b.input());
            }
            float[] y;
            try (Encoder e = Encoder.of("user", withOutput(user, b.output()), List.of(b.output()))) {
                y = e.run(s).taps().get(b.output());
            }
            int h = b.hidden();
            int in = b.in();
            double err = 0;
            double norm = 0;
            for (int k = 0; k < s.length(); k++) {
                double[] d = new double[h];
                for (int j = 0; j < h; j++) {
                    double z = 0;
                    for (int i = 0; i < in; i++) {
                        z += v[j * in + i] * x[k * in + i];
                    }
                    d[j] = z - p[j];
                }
                for (int q = 0; q < b.out(); q++) {
                    double want = t0[q];
                    for (int j = 0; j < h; j++) {
                        want += th[0][q * h + j] * d[j] + th[1][q * h + j] * d[j] * d[j];
                    }
                    err += (want - y[k * b.out() + q]) * (want - y[k * b.out() + q]);
                    norm += want * want;
                }
            }
            assertThat(Math.sqrt(err / norm)).isLessThan(1e-6);
        }
    }

    @Test
    void badInputsAreRefusedAndNothingIsWritten() throws Exception {
        Path out = dir.resolve("never.safetensors");
        PrintWriter log = new PrintWriter(new StringWriter());
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(Path.of(writeMinilm())), 4096));
        assertThatThrownBy(() -> OnnxRelease.release(cut.toString(), null, out, List.of(), 8, 1, log)).isInstanceOf(
                WgException.class).hasMessageContaining("truncated");
        Path tok = dir.resolve("gpt.json");
        Files.writeString(tok, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": []}}");
        assertThatThrownBy(() -> OnnxRelease.release(writeMinilm(), tok, out, List.of(), 8, 1, log)).isInstanceOf(
                WgException.class).hasMessageContaining("does not match");
        assertThatThrownBy(() -> OnnxRelease.release(writeMinilm(), null, out, List.of(), 8, 1, log)).isInstanceOf(
                WgException.class).hasMessageContaining("--tokenizer");
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).doesNotContain("never.safetensors").noneMatch(n -> n.endsWith(
                    ".part") || n.endsWith(".tmp"));
        }
    }

    private String minilmFile;

    /** The built-in model as a file, as a user would give it. */
    private String writeMinilm() throws Exception {
        if (minilmFile == null) {
            Path f = dir.resolve("minilm.onnx");
            Files.write(f, OnnxModel.load(OnnxModel.MINILM).proto().toByteArray());
            minilmFile = f.toString();
        }
        return minilmFile;
    }

    private static byte[] withOutput(byte[] model, String value) throws Exception {
        var p = ModelProto.parseFrom(model);
        var g = p.getGraph().toBuilder().addOutput(ValueInfoProto.newBuilder().setName(value)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(1))));
        return p.toBuilder().setGraph(g).build().toByteArray();
    }
}
