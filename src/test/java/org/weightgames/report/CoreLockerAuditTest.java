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
    /**
     * The default audit plays the scheme in its regime (slim-mlp, trained the Network Slimming way)
     * and on bn-mlp as the contrast: the lock bites on the first and not on the second, the
     * ranking matters (random removal of as many units does far less), and the report draws both
     * curves.
     */
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
            String arch = r.path("provenance").path("parameters").path("model").path("arch").asText();
            assertThat(arch).isIn("slim-mlp", "bn-mlp");
            double share = ch.path("original_gamma_top1_share").path("value").asDouble();
            double chance = 0.1;
            double bite = (ch.path("original_accuracy").path("value").asDouble() + chance) / 2;
            if (v.equals("corelocker.alpha=0.02,uc.data-fraction=0")) {
                // in its regime the lock bites at 2%, and removing as many random units does not
                assertThat(share).as("top-1% share of |gamma| on slim-mlp").isGreaterThan(0.15);
                assertThat(ch.path("locked_accuracy").path("value").asDouble()).isLessThan(bite);
                assertThat(ch.path("random_locked_accuracy").path("value").asDouble())
                        .isGreaterThan(ch.path("locked_accuracy").path("value").asDouble() + 0.15);
            }
            if (v.equals("corelocker.alpha=0.02,model.arch=bn-mlp,uc.data-fraction=0")) {
                // the contrast: trained with Adam and no sparsity term, the same alpha changes nothing
                assertThat(share).as("top-1% share of |gamma| on bn-mlp").isLessThan(0.05);
                assertThat(ch.path("locked_accuracy").path("value").asDouble())
                        .isGreaterThan(ch.path("original_accuracy").path("value").asDouble() - 0.05);
            }
            if (v.equals("corelocker.alpha=0.01,uc.data-fraction=0")) {
                JsonNode gain = r.path("over_baseline").path("measures").path("accuracy");
                // without data, scratch is an untrained network while finetune and refill start from the locked one
                assertThat(gain.path("value").asDouble()).isGreaterThan(0.3);
                assertThat(r.path("measures").path("examples_read").path("max").asDouble()).isZero();
                if (r.path("adversary").asText().equals("finetune")) {
                    // with no data it runs the locked network: one outcome, reported once as an exact value
                    assertThat(r.path("exact").asBoolean()).isTrue();
                    assertThat(r.path("distinct_releases").asInt()).isEqualTo(1);
                    assertThat(r.path("ci").path("low").asDouble()).isEqualTo(r.path("ci").path("high").asDouble());
                }
            }
            if (v.equals("corelocker.alpha=0.02,uc.data-fraction=0.05") && r.path("adversary").asText().equals("finetune")) {
                // 5% of 6000 synthetic rows for uc's 30 passes: a tuning adversary spends (nearly) all of it, never more
                assertThat(r.path("measures").path("examples_read").path("value").asDouble()).isBetween(0.95 * 9000, 9000.0);
                assertThat(r.path("measures").path("tuned_lr").path("value").asDouble()).isIn(0.0001, 0.001, 0.01);
                replayIndex = index;
            }
            index++;
        }
        assertThat(variants).hasSize(13).contains("corelocker.alpha=0.02,uc.data-fraction=0.02,uc.epochs=10","corelocker.alpha=0.005,uc.data-fraction=0",
                "corelocker.alpha=0.1,uc.data-fraction=0", "corelocker.alpha=0.02,uc.data-fraction=0.05",
                "corelocker.alpha=0.1,model.arch=bn-mlp,uc.data-fraction=0");
        String md = java.nio.file.Files.readString(out.resolve("report.md"));
        assertThat(md).contains("### corelocker on slim-mlp", "### corelocker on bn-mlp", "**Restoration curve** at α = 2%",
                "Smallest p at which the median accuracy reaches", "key-recovery", "**Restoration against compute**",
                "Verdicts against every adversary");
        String html = java.nio.file.Files.readString(out.resolve("report.html"));
        assertThat(html).contains("slim-mlp: the locking curve", "slim-mlp: the restoration curve", "bn-mlp: the locking curve",
                "slim-mlp: restoration against compute");
        Replay.Result replay = Replay.run(out.resolve("report.json"), replayIndex, 2);
        assertThat(replay.matches()).isTrue();
        JsonNode acc = report.path("results").get(replayIndex).path("measures").path("accuracy");
        assertThat(replay.outcome().measures().get("accuracy")).isBetween(acc.path("min").asDouble(), acc.path("max").asDouble());
    }
}
