package org.weightgames.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.weightgames.cli.CliTest.wg;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX paths of the commands refuse what they cannot do, before any work and without writing. */
class OnnxCliTest {
    @TempDir
    Path tmp;

    @Test
    void optionsOfSafetensorsCheckpointsAreRefusedForAnOnnxModel() {
        Path out = tmp.resolve("m.safetensors");
        CliTest.Run r = wg("release", "--model", "minilm", "--out", out.toString(), "--layout", "official");
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("--layout").contains("ONNX model");
        assertThat(out).doesNotExist();
    }

    @Test
    void auditModelMinilmPlaysCorrectOnTheRealHiddenStates() throws Exception {
        // the scheme's own audit variants draw their family (model.block, model.range-median); on the user's model they cannot
        Path dir = tmp.resolve("audit");
        CliTest.Run r = wg("audit", "--model", "minilm", "--scheme", "taylormlp", "--definition", "correct", "--trials", "1",
                "--threads", "1", "--no-timing", "--set", "taylormlp.divergence=keep", "--set", "taylormlp.order=4", "--out",
                dir.toString());
        assertThat(r.status()).as(r.err()).isZero();
        String json = Files.readString(dir.resolve("report.json"));
        assertThat(json).contains("real hidden states at the input of block 'encoder.layer.0.'").contains("\"relative_error\"");
    }

    @Test
    void realModelRefusesAFractionOutsideZeroOne() throws Exception {
        Path dir = tmp.resolve("rm");
        CliTest.Run r = wg("real-model", "--fraction", "0", "--out", dir.toString());
        assertThat(r.status()).isNotZero();
        assertThat(r.err()).contains("--fraction");
        assertThat(Files.exists(dir)).isFalse();
    }
}
