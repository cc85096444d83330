package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.weightgames.cli.CliTest.wg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.model.Activation;
import org.weightgames.model.MlpBlock;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.SwiGluBlock;
import org.weightgames.safetensors.Writer;
import org.weightgames.safetensors.DType;

/** {@code wg audit --model}: the games on a user's own block read from a safetensors checkpoint. */
class CheckpointAuditTest {
    @TempDir
    Path tmp;

    private Path swiglu(DType dtype) {
        SwiGluBlock b = SwiGluBlock.init(24, 40, 12, 0.5, Coins.root(77));
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("model.layers.3.mlp.gate_proj.weight", b.vGate());
        t.put("model.layers.3.mlp.up_proj.weight", b.vUp());
        t.put("model.layers.3.mlp.down_proj.weight", b.wDown());
        t.put("model.norm.weight", b.wDown().getRow(0).dup());
        Path f = tmp.resolve("llama-like-" + dtype + ".safetensors");
        Writer.write(f, Map.of("format", "pt"), t, dtype);
        return f;
    }

    @Test
    void auditsASwiGluBlockFromACheckpoint() throws Exception {
        Path model = swiglu(DType.BF16);
        Path out = tmp.resolve("report");
        CliTest.Run r = wg("audit", "--model", model.toString(), "--trials", "6", "--no-timing", "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.path("dataset").path("name").asText()).isEqualTo("tokens");
        assertThat(report.path("dataset").path("origin").asText()).contains("model.layers.3.mlp.", "swiglu");
        // TaylorMLP's release of this very block is inverted; the oracle's is not
        assertThat(r.out()).containsPattern("taylormlp\\s+ext-w\\s+taylor-inversion\\s+6/6 .*-> broken");
        assertThat(r.out()).containsPattern("plain\\s+ext-w\\s+read-weights\\s+6/6");
        assertThat(r.out()).containsPattern("oracle\\s+ext-w\\s+distillation\\s+0/6");
        assertThat(r.out()).doesNotContain(" ind ");
        // the trial replays from the report alone (the checkpoint named in its settings)
        CliTest.Run replay = wg("replay", out.resolve("report.json").toString(), "--trial", "2");
        assertThat(replay.status()).as(replay.err()).isZero();
    }

    @Test
    void auditsAPlainFcBlockWithItsActivation() {
        MlpBlock b = MlpBlock.init(Activation.GELU, 20, 36, 8, 0.5, Coins.root(5));
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("vit.encoder.layer.0.mlp.fc1.weight", b.v());
        t.put("vit.encoder.layer.0.mlp.fc1.bias", b.b());
        t.put("vit.encoder.layer.0.mlp.fc2.weight", b.w());
        t.put("vit.encoder.layer.0.mlp.fc2.bias", b.c());
        Path f = tmp.resolve("vit.safetensors");
        Writer.write(f, Map.of(), t, DType.F32);
        Path out = tmp.resolve("r2");
        CliTest.Run r = wg("audit", "--model", f.toString(), "--scheme", "taylormlp", "--definition", "ext-w", "--trials", "3",
                "--no-timing", "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("taylormlp\\s+ext-w\\s+taylor-inversion\\s+3/3");
    }

    @Test
    void badCheckpointsAreRefusedWithOneMessage() throws Exception {
        Path out = tmp.resolve("r");
        CliTest.refused(out, "no such file", "audit", "--model", tmp.resolve("missing.safetensors").toString());
        Path junk = tmp.resolve("junk.safetensors");
        Files.write(junk, new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        CliTest.refused(out, "header claims 200 bytes", "audit", "--model", junk.toString());
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("embed.weight", org.weightgames.core.Nd.zeros(4, 3));
        Path noBlock = tmp.resolve("embed.safetensors");
        Writer.write(noBlock, Map.of(), t, DType.F32);
        CliTest.refused(out, "no MLP block found", "audit", "--model", noBlock.toString());
        Path good = swiglu(DType.F32);
        CliTest.refused(out, "no MLP block under prefix 'model.layers.0.mlp.'", "audit", "--model", good.toString(), "--set",
                "model.prefix=model.layers.0.mlp.");
        CliTest.refused(out, "holds a block 24 -> 12 but data set 'synthetic' has 32 features", "audit", "--model",
                good.toString(), "--dataset", "synthetic");
        SwiGluBlock b = SwiGluBlock.init(6, 10, 4, 0.5, Coins.root(1));
        INDArray down = b.wDown().dup();
        down.putScalar(1, 2, Double.NaN);
        Map<String, INDArray> n = new LinkedHashMap<>();
        n.put("mlp.gate_proj.weight", b.vGate());
        n.put("mlp.up_proj.weight", b.vUp());
        n.put("mlp.down_proj.weight", down);
        Path nan = tmp.resolve("nan.safetensors");
        Writer.write(nan, Map.of(), n, DType.F32);
        CliTest.refused(out, "'mlp.down_proj.weight' has a NaN or infinite value at element 12", "audit", "--model", nan.toString());
    }
}
