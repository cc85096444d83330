package org.weightgames.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.CliTest;

/** The audit run through the command line on real (small) computations. */
class AuditEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode audit(Path out, String... extra) throws IOException {
        String[] base = {"audit", "--scheme", "taylormlp", "--out", out.toString(), "--no-timing"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliTest.Run r = CliTest.wg(args);
        assertThat(r.status()).as(r.err()).isZero();
        return JSON.readTree(out.resolve("report.json").toFile());
    }

    static JsonNode result(JsonNode report, String definition, String adversary) {
        for (JsonNode r : report.path("results")) {
            if (r.path("definition").asText().equals(definition) && r.path("adversary").asText().equals(adversary)) {
                return r;
            }
        }
        throw new AssertionError("no result for " + definition + "/" + adversary);
    }

    @Test
    void extWIsBrokenAndTheReportSaysHowAndWhy(@TempDir Path tmp) throws IOException {
        JsonNode report = audit(tmp.resolve("a"), "--definition", "ext-w", "--trials", "8", "--seed", "3");
        JsonNode r = result(report, "ext-w", "taylor-inversion");
        assertThat(r.path("trials").asInt()).isEqualTo(8);
        assertThat(r.path("wins").asInt()).isEqualTo(8);
        assertThat(r.path("verdict").asText()).isEqualTo("broken");
        assertThat(r.path("ci").path("method").asText()).isEqualTo("clopper-pearson");
        assertThat(r.path("ci").path("low").asDouble()).isCloseTo(Math.pow(0.025, 1.0 / 8), org.assertj.core.api.Assertions.within(1e-8));
        assertThat(r.path("baseline").path("wins").asInt()).isZero();
        assertThat(r.path("measures").path("relative_error").path("value").asDouble()).isLessThan(1e-6);
        assertThat(r.path("measures").path("relative_error").path("ci").path("method").asText()).startsWith("percentile-bootstrap");
        assertThat(r.path("over_baseline").path("ci").path("method").asText()).isEqualTo("newcombe-hybrid-score");
        assertThat(r.path("challenger_measures").path("release_error").path("value").asDouble()).isBetween(1e-4, 0.05);
        assertThat(r.path("claim").path("source").asText()).contains("2410.05331");
        JsonNode p = r.path("provenance");
        assertThat(p.path("seed").asLong()).isEqualTo(3);
        assertThat(p.path("artifact_sha256")).hasSize(8);
        assertThat(p.path("parameters").path("scheme").path("order").asText()).isEqualTo("8");
        assertThat(p.path("parameters").path("model").path("hidden").asText()).isEqualTo("64");
        assertThat(p.path("replay").asText()).startsWith("./wg audit --scheme taylormlp --definition ext-w --adversary taylor-inversion --trials 8 --seed 3");
        assertThat(report.path("versions").path("nd4j").asText()).isEqualTo("1.0.0-M2.1");
        assertThat(report.path("dataset").path("sha256").asText()).hasSize(64);
        String md = Files.readString(tmp.resolve("a").resolve("report.md"));
        assertThat(md).contains("| taylormlp | ext-w | 1 | taylor-inversion | 8 / 8 |", "**broken**").doesNotContain("replay: `./wg audit");
        // findings first: TaylorMLP's card, its refuted claim with the claim's own words and the evidence, before every table
        int findings = md.indexOf("## Findings");
        int card = md.indexOf("(`taylormlp`)", findings);
        int refuted = md.indexOf("- **BROKEN** ext-w: ", card);
        assertThat(findings).isPositive().isLessThan(md.indexOf("## Verdicts against every adversary"));
        assertThat(card).isGreaterThan(findings);
        assertThat(refuted).isGreaterThan(card);
        assertThat(md.substring(refuted, md.indexOf('\n', refuted))).contains(r.path("claim").path("statement").asText(),
                "taylor-inversion 8/8 [", "relative error");
        // every audit writes timing.json: each game's wall-clock time in this run (not in report.json)
        JsonNode timing = JSON.readTree(tmp.resolve("a").resolve("timing.json").toFile());
        assertThat(timing.path("games").get(0).path("game").asText()).isEqualTo("taylormlp/ext-w");
        assertThat(timing.path("games").get(0).path("trials").asInt()).isEqualTo(8);
        assertThat(timing.path("games").get(0).path("seconds").asDouble()).isPositive();
        String html = Files.readString(tmp.resolve("a").resolve("report.html"));
        assertThat(html.indexOf("id=\"findings\"")).isPositive().isLessThan(html.indexOf("Verdicts against every adversary"));
        assertThat(html).contains("<span class=\"badge broken\">broken</span>", "href=\"#g-taylormlp-ext-w\"", "id=\"g-taylormlp-ext-w\"");
        // the evidence sits under Details, in the game's own collapsed section: its per-adversary row, its replay command,
        // and the definition rendered from its Markdown (no raw markers)
        int details = html.indexOf("id=\"g-taylormlp-ext-w\"");
        assertThat(details).isGreaterThan(html.indexOf("id=\"details\""));
        assertThat(html.substring(details)).contains("<td>taylor-inversion</td>\n<td>8 / 8</td>", "replay: <code>./wg audit");
        String definitions = html.substring(html.indexOf("id=\"definitions\""));
        assertThat(definitions).contains("<h3>ext-w: weight extraction</h3>", "<strong>Class:</strong>", "<pre><code>Game ext-w[")
                .doesNotContain("**Class", "```", "<pre># ext-w");
    }

    @Test
    void sameSeedGivesByteIdenticalReportsWhateverTheThreadCount(@TempDir Path tmp) throws IOException {
        String[] args = {"--definition", "ext-w", "--definition", "ind", "--trials", "4", "--seed", "9"};
        audit(tmp.resolve("one"), CliTest.with(args, "--threads", "1"));
        audit(tmp.resolve("two"), CliTest.with(args, "--threads", "2"));
        assertThat(CliTest.reportWithoutTimestamp(tmp.resolve("one"))).isEqualTo(CliTest.reportWithoutTimestamp(tmp.resolve("two")));
        audit(tmp.resolve("other"), "--definition", "ext-w", "--definition", "ind", "--trials", "4", "--seed", "10");
        assertThat(CliTest.reportWithoutTimestamp(tmp.resolve("other"))).isNotEqualTo(CliTest.reportWithoutTimestamp(tmp.resolve("one")));
    }

    @Test
    void extFSeparatesTheCollapseFromTheShippedRelease(@TempDir Path tmp) throws IOException {
        JsonNode report = audit(tmp.resolve("f"), "--definition", "ext-f", "--trials", "4", "--seed", "2");
        JsonNode collapse = result(report, "ext-f", "taylor-collapse");
        assertThat(collapse.path("wins").asInt()).isEqualTo(4);
        assertThat(collapse.path("measures").path("cost_ratio").path("value").asDouble()).isEqualTo(1.0);
        assertThat(collapse.path("measures").path("relative_error").path("value").asDouble()).isLessThan(1e-9);
        JsonNode shipped = result(report, "ext-f", "released-model");
        assertThat(shipped.path("wins").asInt()).isZero();
        assertThat(shipped.path("measures").path("cost_ratio").path("value").asDouble()).isGreaterThan(2);
        assertThat(shipped.path("measures").path("agreement").path("value").asDouble()).isGreaterThan(0.95);
    }

    /** The figure on real data, where Debian's dataset-fashion-mnist is installed (CI installs it). */
    @Test
    void extWIsBrokenOnFashionMnist(@TempDir Path tmp) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of(org.weightgames.data.FashionMnist.DEFAULT_DIR)),
                "dataset-fashion-mnist is not installed");
        JsonNode report = audit(tmp.resolve("fm"), "--definition", "ext-w", "--trials", "6", "--seed", "1", "--dataset",
                "fashion-mnist");
        JsonNode r = result(report, "ext-w", "taylor-inversion");
        assertThat(r.path("wins").asInt()).isEqualTo(6);
        assertThat(r.path("verdict").asText()).isEqualTo("broken");
        assertThat(r.path("measures").path("relative_error").path("max").asDouble()).isLessThan(1e-6);
        assertThat(r.path("challenger_measures").path("original_accuracy").path("value").asDouble()).isGreaterThan(0.75);
        assertThat(report.path("dataset").path("name").asText()).isEqualTo("fashion-mnist");
    }

    @Test
    void sequentialModePlaysUntilTheIntervalIsNarrowEnough(@TempDir Path tmp) throws IOException {
        JsonNode report = audit(tmp.resolve("s"), "--definition", "ext-w", "--trials", "3", "--target-width", "0.5",
                "--max-trials", "40", "--seed", "4");
        JsonNode r = result(report, "ext-w", "taylor-inversion");
        int n = r.path("trials").asInt();
        assertThat(n).isGreaterThan(3).isLessThan(40);
        assertThat(r.path("ci").path("high").asDouble() - r.path("ci").path("low").asDouble()).isLessThanOrEqualTo(0.5);
    }

    @Test
    void aTrialReplaysAloneFromTheReport(@TempDir Path tmp) throws IOException {
        audit(tmp.resolve("r"), "--definition", "ext-w", "--definition", "ind", "--trials", "3", "--seed", "12", "--set",
                "taylormlp.order=6");
        Path report = tmp.resolve("r").resolve("report.json");
        for (int result = 0; result < 2; result++) {
            CliTest.Run r = CliTest.wg("replay", report.toString(), "--result", Integer.toString(result), "--trial", "2");
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("trial 2: won", "matches the report");
        }
        Path edited = tmp.resolve("edited.json");
        JsonNode json = JSON.readTree(report.toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) json.path("results").get(0).path("provenance").path("artifact_sha256"))
                .set(1, com.fasterxml.jackson.databind.node.TextNode.valueOf("0".repeat(64)));
        Files.writeString(edited, json.toString());
        CliTest.Run bad = CliTest.wg("replay", edited.toString(), "--trial", "1");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.out()).contains("DIFFERS from the report's 0000");
        CliTest.Run out = CliTest.wg("replay", report.toString(), "--trial", "3");
        assertThat(out.status()).isEqualTo(2);
        assertThat(out.err()).contains("has trials 0..2; --trial 3 is not one");
    }


}
