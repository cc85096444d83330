package org.weightgames.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.DataSource;
import org.weightgames.onnx.Corpus;
import org.weightgames.onnx.Encoder;
import org.weightgames.onnx.MlpPattern;
import org.weightgames.onnx.OnnxModel;
import org.weightgames.onnx.SentenceTokenizer;

/** {@code audit --model minilm}: a block of the graph as a checkpoint block, and its real inputs as the tokens data set. */
class OnnxCheckpointTest {
    @Test
    void aBlockOfTheBuiltInModelPlaysOnItsRealHiddenStates() {
        Checkpoint.Loaded l = Checkpoint.load(Path.of(OnnxModel.MINILM), "encoder.layer.2.", Activation.GELU);
        assertThat(l.prefix()).isEqualTo("encoder.layer.2.");
        assertThat(l.kind()).isEqualTo("mlp-gelu");
        MlpBlock b = (MlpBlock) l.network().layer(0);
        assertThat(b.v().shape()).containsExactly(1536, 384);
        assertThat(b.w().shape()).containsExactly(384, 1536);
        DataSource d = TokenData.of(l, null);
        assertThat(d.origin()).contains("real hidden states").contains("encoder.layer.2.");
        OnnxModel m = OnnxModel.load(OnnxModel.MINILM);
        MlpPattern.Block block = m.block("encoder.layer.2.");
        // the first fresh sentence's tokens are the first test rows, as the graph computes them
        float[] x;
        try (SentenceTokenizer tok = SentenceTokenizer.open(m, null); Encoder e = Encoder.tapping(m, List.of(block.input()))) {
            x = e.run(tok.encode(Corpus.evaluation().get(0))).taps().get(block.input());
        }
        INDArray test = d.test().features();
        assertThat(test.columns()).isEqualTo(384);
        for (int i = 0; i < x.length; i += 97) {
            assertThat(test.getDouble(i / 384, i % 384)).isEqualTo(x[i]);
        }
        // the block computes what the graph's MLP computes: its labels are its own top outputs, and b1 is the graph's bias
        assertThat(b.b().getDouble(5)).isEqualTo(m.floats(block.b1())[5]);
        assertThat(d.train().size()).isGreaterThan(1000);
    }
}
