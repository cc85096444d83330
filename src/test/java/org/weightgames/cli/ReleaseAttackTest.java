package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.weightgames.cli.CliTest.wg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.schemes.taylormlp.TaylorNames;
import org.weightgames.model.SwiGluBlock;
import org.weightgames.safetensors.Writer;
import org.weightgames.safetensors.DType;

/** {@code wg release} then {@code wg attack} on a small two-layer "LLM" checkpoint in BF16 and F32. */
class ReleaseAttackTest {
    @TempDir
    Path tmp;

    private Path model(DType dtype) {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", Nd.matrix(new double[] {0.5, -0.25, 1, 2, 0.125, -4}, 2, 3).repeat(1, 8));
        for (int layer = 0; layer < 2; layer++) {
            SwiGluBlock b = SwiGluBlock.init(24, 64, 24, 0.5, Coins.root(40 + layer));
            String p = "model.layers." + layer + ".mlp.";
            t.put(p + "gate_proj.weight", b.vGate());
            t.put(p + "up_proj.weight", b.vUp());
            t.put(p + "down_proj.weight", b.wDown());
            t.put("model.layers." + layer + ".input_layernorm.weight", Nd.ones(24));
        }
        Path f = tmp.resolve("tiny-llm-" + dtype + ".safetensors");
        Writer.write(f, Map.of("format", "pt"), t, dtype);
        return f;
    }

    @Test
    void everyBlockIsReleasedAndRecovered() throws Exception {
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            Path model = model(dtype);
            Path released = tmp.resolve("released-" + dtype + ".safetensors");
            CliTest.Run r = wg("release", "--model", model.toString(), "--out", released.toString(), "--order", "6");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("released 2 SwiGLU blocks (128 neurons, N = 6)");
            try (Safetensors a = Safetensors.open(released)) {
                assertThat(a.names()).contains("model.layers.1.mlp.theta.6", "model.embed_tokens.weight",
                        "model.layers.0.input_layernorm.weight");
                assertThat(a.names()).noneMatch(n -> n.endsWith("down_proj.weight"));
                // the released block is named as every TaylorMLP artifact, under the checkpoint's block prefix
                assertThat(a.names()).containsAll(new TaylorNames("model.layers.0.mlp.").streamed(6))
                        .noneMatch(n -> n.endsWith("gate_proj.weight") || n.endsWith("up_proj.weight"));
                assertThat(a.metadata()).containsEntry("blocks", "model.layers.0.mlp.,model.layers.1.mlp.");
            }
            Path recovered = tmp.resolve("recovered-" + dtype + ".safetensors");
            r = wg("attack", released.toString(), "--out", recovered.toString(), "--original", model.toString());
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("block 'model.layers.1.mlp.'", "0 gate signs wrong", "the release's own output error",
                    "protected 1600 parameters");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("release's own output error ([0-9.e+-]+), the recovered block's"
                    + " ([0-9.e+-]+)").matcher(r.out());
            assertThat(m.find()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).as(r.out()).isLessThan(0.05); // N = 6 on this block's small ranges
            assertThat(Double.parseDouble(m.group(2))).as(r.out()).isLessThan(dtype == DType.F32 ? 1e-5 : 2e-2);
            try (Safetensors orig = Safetensors.open(model); Safetensors rec = Safetensors.open(recovered)) {
                assertThat(rec.names()).containsExactlyInAnyOrderElementsOf(orig.names());
                for (String n : orig.names()) {
                    double[] o = orig.tensor(n).toDoubles();
                    double[] g = rec.tensor(n).toDoubles();
                    if (!n.endsWith("down_proj.weight")) {
                        assertThat(g).as(n).containsExactly(o); // gate (sign undone), up and the rest: exact
                    } else {
                        double num = 0;
                        double den = 0;
                        for (int i = 0; i < o.length; i++) {
                            num += (g[i] - o[i]) * (g[i] - o[i]);
                            den += o[i] * o[i];
                        }
                        // F32: float rounding; BF16: the artifact's own 8-bit mantissa bounds it
                        assertThat(Math.sqrt(num / den)).as(n + " " + dtype).isLessThan(dtype == DType.F32 ? 1e-6 : 1e-2);
                    }
                }
            }
        }
    }

    /**
     * A BF16 release of an F32 checkpoint: no released gate entry equals the original's, yet every
     * recovered sign is right, and the comparison says so (it once counted every neuron as wrong).
     */
    @Test
    void signsAreJudgedAcrossDtypes() throws Exception {
        Path model = model(DType.F32);
        Path released = tmp.resolve("released-bf16-of-f32.safetensors");
        CliTest.Run r = wg("release", "--model", model.toString(), "--out", released.toString(), "--order", "6", "--dtype", "BF16");
        assertThat(r.status()).as(r.err()).isZero();
        r = wg("attack", released.toString(), "--out", tmp.resolve("recovered-bf16-of-f32.safetensors").toString(), "--original",
                model.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("block 'model.layers.0.mlp.'", "block 'model.layers.1.mlp.'");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) gate signs wrong").matcher(r.out());
        int blocks = 0;
        while (m.find()) {
            assertThat(Integer.parseInt(m.group(1))).as(r.out()).isZero();
            blocks++;
        }
        assertThat(blocks).isEqualTo(2);
    }

    @Test
    void badInputIsRefused() throws Exception {
        Path junk = tmp.resolve("junk.safetensors");
        Files.write(junk, new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '});
        CliTest.Run r = wg("release", "--model", junk.toString(), "--out", tmp.resolve("x.safetensors").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("no SwiGLU block found");
        r = wg("attack", model(DType.F32).toString(), "--out", tmp.resolve("y.safetensors").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("not a streamed TaylorMLP SwiGLU artifact");
        assertThat(tmp.resolve("x.safetensors")).doesNotExist();
        assertThat(tmp.resolve("y.safetensors")).doesNotExist();
    }
}
