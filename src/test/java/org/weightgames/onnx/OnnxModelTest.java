package org.weightgames.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.weightgames.core.WgException;
import org.weightgames.onnx.proto.OnnxProtos.GraphProto;
import org.weightgames.onnx.proto.OnnxProtos.ModelProto;
import org.weightgames.onnx.proto.OnnxProtos.NodeProto;
import org.weightgames.onnx.proto.OnnxProtos.TensorProto;

/** The built-in all-MiniLM-L6-v2 read as a checkpoint, run, and bad models and tokenizers refused. */
class OnnxModelTest {
    static OnnxModel minilm;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        minilm = OnnxModel.load(OnnxModel.MINILM);
    }

    @Test
    void findsTheSixMlpBlocksNamedByTheirBiases() {
        assertThat(minilm.blocks()).extracting(MlpPattern.Block::prefix).containsExactly("encoder.layer.0.", "encoder.layer.1.",
                "encoder.layer.2.", "encoder.layer.3.", "encoder.layer.4.", "encoder.layer.5.");
        for (MlpPattern.Block b : minilm.blocks()) {
            assertThat(new int[] {b.in(), b.hidden(), b.out()}).containsExactly(384, 1536, 384);
            assertThat(b.b1()).isEqualTo(b.prefix() + "intermediate.dense.bias");
            assertThat(b.b2()).isEqualTo(b.prefix() + "output.dense.bias");
            assertThat(minilm.shape(b.w1())).containsExactly(384, 1536);
            assertThat(b.input()).contains("attention/output/LayerNorm");
        }
    }

    @Test
    void embedsSentencesAsSentenceTransformersDoes() {
        try (SentenceTokenizer tok = SentenceTokenizer.open(minilm, null); Encoder e = Encoder.tapping(minilm,
                List.of(minilm.blocks().get(0).input()))) {
            SentenceTokenizer.Tokens t = tok.encode("A man is eating food.");
            assertThat(t.ids()[0]).isEqualTo(101); // [CLS]
            assertThat(t.ids()[t.length() - 1]).isEqualTo(102); // [SEP]
            Encoder.Run a = e.run(t);
            double norm = Math.sqrt(Arrays.stream(a.embedding()).map(v -> v * v).sum());
            assertThat(norm).isCloseTo(1, Offset.offset(1e-9));
            assertThat(a.taps().get(minilm.blocks().get(0).input())).hasSize(t.length() * 384);
            double similar = Encoder.cosine(a.embedding(), e.run(tok.encode("A man is eating a piece of bread.")).embedding());
            double unrelated = Encoder.cosine(a.embedding(), e.run(tok.encode("The licence terminates automatically.")).embedding());
            assertThat(similar).isGreaterThan(unrelated + 0.3);
        }
    }

    @Test
    void corpusSplitsIntoDisjointCalibrationAndFreshSentences() {
        assertThat(Corpus.calibration()).hasSizeGreaterThan(50);
        assertThat(Corpus.evaluation()).hasSizeGreaterThan(25).doesNotContainAnyElementsOf(Corpus.calibration());
    }

    @Test
    void refusesATruncatedFile() throws Exception {
        byte[] all = OnnxModel.bytes(OnnxModel.MINILM);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> OnnxModel.load(cut.toString())).isInstanceOf(WgException.class).hasMessageContaining(
                "cut.onnx").hasMessageContaining("truncated");
    }

    @Test
    void refusesAGraphWithoutAnMlpBlock() throws Exception {
        Path f = dir.resolve("relu.onnx");
        Files.write(f, model(relu("h")).toByteArray());
        assertThatThrownBy(() -> OnnxModel.load(f.toString())).isInstanceOf(WgException.class).hasMessageContaining(
                "no MLP block found").hasMessageContaining("relu.onnx");
    }

    @Test
    void refusesABrokenGeluNamingItsNode() throws Exception {
        Path f = dir.resolve("bad-gelu.onnx");
        GraphProto.Builder g = relu("h").toBuilder().clearNode();
        g.addNode(node("MatMul", "mm1", "x", "W1", "m1")).addNode(node("Add", "add1", "m1", "b1", "h"));
        g.addNode(node("Div", "half-gelu/Div", "h", "two", "d")).addNode(node("Erf", "erf", "d", null, "e"));
        g.addInitializer(OnnxModel.floatTensor("two", new long[0], new float[] {2f}));
        Files.write(f, model(g.build()).toByteArray());
        assertThatThrownBy(() -> OnnxModel.load(f.toString())).isInstanceOf(WgException.class).hasMessageContaining(
                "node 'half-gelu/Div'").hasMessageContaining("not GELU's");
    }

    @Test
    void refusesATokenizerOfAnotherModel() throws Exception {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"[UNK]\": 0, \"a\": 1, \"b\": 2},"
                + " \"unk_token\": \"[UNK]\"}}");
        assertThatThrownBy(() -> SentenceTokenizer.open(minilm, f)).isInstanceOf(WgException.class).hasMessageContaining(
                "does not match").hasMessageContaining("3 entries").hasMessageContaining("30522 rows");
        Files.writeString(f, "not json");
        assertThatThrownBy(() -> SentenceTokenizer.open(minilm, f)).isInstanceOf(WgException.class).hasMessageContaining(
                "not a tokenizer.json");
    }

    /** x [1, 4] -> MatMul(W1 [4, 8]) -> Add(b1) -> Relu -> MatMul(W2 [8, 4]) -> Add(b2): an MLP, but not a GELU one. */
    private static GraphProto relu(String h) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("relu-mlp");
        g.addInitializer(OnnxModel.floatTensor("W1", new long[] {4, 8}, new float[32]));
        g.addInitializer(OnnxModel.floatTensor("b1", new long[] {8}, new float[8]));
        g.addInitializer(OnnxModel.floatTensor("W2", new long[] {8, 4}, new float[32]));
        g.addInitializer(OnnxModel.floatTensor("b2", new long[] {4}, new float[4]));
        g.addNode(node("MatMul", "mm1", "x", "W1", "m1")).addNode(node("Add", "add1", "m1", "b1", h));
        g.addNode(node("Relu", "relu", h, null, "r")).addNode(node("MatMul", "mm2", "r", "W2", "m2"));
        g.addNode(node("Add", "add2", "m2", "b2", "y"));
        return g.build();
    }

    private static NodeProto node(String op, String name, String a, String b, String out) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addInput(a).addOutput(out);
        if (b != null) {
            n.addInput(b);
        }
        return n.build();
    }

    private static ModelProto model(GraphProto g) {
        return ModelProto.newBuilder().setIrVersion(6).setGraph(g).build();
    }

    static {
        // referenced so the data type constant is checked at compile time against onnx.proto
        assertThat(TensorProto.DataType.FLOAT_VALUE).isEqualTo(1);
    }
}
