package org.weightgames.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.CliTest;
import org.weightgames.run.Replay;

/** CoreLocker's usage-control games through the command line, on the synthetic data. */
class CoreLockerAuditTest {
    @Test
    void ucSweepsAlphaAndDataComparesWithScratchAndReplays(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("r");
        CliTest.Run run = CliTest.wg("audit", "--scheme", "corelocker", "--definition", "uc", "--trials", "3", "--seed", "2",
                "--out", out.toString());
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode report = AuditEndToEndTest.JSON.readTree(out.resolve("report.json").toFile());
        List<String> variants = new ArrayList<>();
        int index = 0;
        int replayIndex = -1;
        for (JsonNode r : report.path("results")) {
            assertThat(r.path("definition").asText()).isEqualTo("uc");
            assertThat(r.path("baseline").path("adversary").asText()).isEqualTo("scratch");
            JsonNode ch = r.path("challenger_measures");
            assertThat(ch.path("restored_exact").path("min").asDouble()).as("bit-exact restoration").isEqualTo(1.0);
            assertThat(ch.path("restored_accuracy").path("value").asDouble())
                    .isEqualTo(ch.path("original_accuracy").path("value").asDouble());
            String v = r.path("variant").asText();
            if (!variants.contains(v)) {
                variants.add(v);
            }
            assertThat(r.path("provenance").path("replay").asText()).contains("--set corelocker.alpha=", "--set uc.data-fraction=");
            if (v.equals("corelocker.alpha=0.01,uc.data-fraction=0")) {
                JsonNode gain = r.path("over_baseline").path("measures").path("accuracy");
                // without data, scratch is an untrained network while finetune and refill start from the locked one
                assertThat(gain.path("value").asDouble()).isGreaterThan(0.3);
                assertThat(r.path("measures").path("examples_read").path("max").asDouble()).isZero();
            }
            if (v.endsWith("uc.data-fraction=0.05") && r.path("adversary").asText().equals("finetune")) {
                // 5% of 6000 synthetic rows for 3 epochs
                assertThat(r.path("measures").path("examples_read").path("value").asDouble()).isBetween(800.0, 900.0);
                replayIndex = index;
            }
            index++;
        }
        assertThat(variants).hasSize(7).contains("corelocker.alpha=0.005,uc.data-fraction=0",
                "corelocker.alpha=0.01,uc.data-fraction=0.1");
        Replay.Result replay = Replay.run(out.resolve("report.json"), replayIndex, 2);
        assertThat(replay.matches()).isTrue();
        JsonNode acc = report.path("results").get(replayIndex).path("measures").path("accuracy");
        assertThat(replay.outcome().measures().get("accuracy")).isBetween(acc.path("min").asDouble(), acc.path("max").asDouble());
    }
}
