package org.weightgames.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weightgames.cli.Main;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A scheme author's two mistakes the games must see through: a release that publishes every weight
 * with the hidden units in another order (the same function), and a secret the judge cannot read.
 */
class PermutedReleaseTest {
    static final Path NOISE = Path.of("examples/plugins/numpy-noise");

    private static Boolean numpy;

    /** Each test is reported skipped, with the package in its reason, where numpy is missing (an assumption in @BeforeAll reports none). */
    @BeforeEach
    void numpy() throws Exception {
        if (numpy == null) {
            boolean ok = Files.isExecutable(Path.of("/usr/bin/python3"));
            if (ok) {
                Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start();
                ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            }
            numpy = ok;
        }
        Assumptions.assumeTrue(numpy, "/usr/bin/python3 with numpy (Debian's python3-numpy, installed by .ci/run)");
    }

    private record Run(int status, String out, String err) {
    }

    private static Run wg(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode audit(Path out, String... extra) throws IOException {
        String[] base = {"audit", "--plugins", NOISE.toString(), "--no-sandbox", "--scheme", "numpy-noise", "--definition", "ext-w",
            "--definition", "ind", "--adversary", "read-weights", "--trials", "6", "--set", "numpy-noise.noise=0", "--set",
            "numpy-noise.permute=true", "--set", "model.hidden=16", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Run r = wg(args);
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        return new ObjectMapper().readTree(out.resolve("report.json").toFile());
    }

    private static JsonNode result(JsonNode report, String definition) {
        for (JsonNode r : report.path("results")) {
            if (r.path("definition").asText().equals(definition)) {
                return r;
            }
        }
        throw new AssertionError("no " + definition + " result");
    }

    @Test
    void aPermutedPublicReleaseIsBrokenUnderTheMatchingJudgeAndSafeOnlyPositionByPosition(@TempDir Path tmp) throws IOException {
        JsonNode matched = audit(tmp.resolve("match"));
        assertThat(result(matched, "ext-w").path("wins").asInt()).isEqualTo(6);
        assertThat(result(matched, "ind").path("wins").asInt()).isEqualTo(6);
        assertThat(result(matched, "ext-w").toString()).contains("judge_units_moved");
        JsonNode positional = audit(tmp.resolve("position"), "--set", "ext-w.judge=position");
        // what the games said before: every weight is public, yet position by position nothing is recovered
        assertThat(result(positional, "ext-w").path("wins").asInt()).isZero();
    }

    @Test
    void aSecretWithTheWrongShapesIsTheSchemesErrorInTheKitAndTheAudit(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("numpy-transposed");
        Files.createDirectories(bad);
        ObjectNode manifest = (ObjectNode) new ObjectMapper()
                .readTree(NOISE.resolve("wg-plugin.json").toFile());
        manifest.put("id", "numpy-transposed");
        manifest.remove("claims");
        Files.writeString(bad.resolve("wg-plugin.json"), manifest.toString());
        // the secret holds each weight matrix transposed: names right, shapes wrong
        Files.writeString(bad.resolve("plugin.py"), Files.readString(NOISE.resolve("plugin.py"))
                .replace("secret[f\"{i}.{name}\"] = t", "secret[f\"{i}.{name}\"] = t.T.copy() if t.ndim == 2 else t"));
        Run kit = wg("kit", bad.toString(), "--no-sandbox");
        assertThat(kit.status()).as(kit.out() + kit.err()).isNotZero();
        assertThat(kit.out()).contains("secret names the original's tensors").contains("has shape");
        Run audit = wg("audit", "--plugins", tmp.toString(), "--no-sandbox", "--scheme", "numpy-transposed", "--definition", "ext-w",
            "--trials", "1", "--set", "model.hidden=8", "--out", tmp.resolve("report").toString());
        assertThat(audit.status()).as(audit.out() + audit.err()).isEqualTo(2);
        assertThat(audit.err()).contains("scheme 'numpy-transposed' returned a malformed secret");
        assertThat(tmp.resolve("report").resolve("report.json")).doesNotExist();
    }

    @Test
    void kitEndsWithItsTableWhenInferRaisesAndTheTracebackNamesTheAuthorsFile(@TempDir Path tmp) throws Exception {
        Path bug = tmp.resolve("buggy");
        Files.createDirectories(bug);
        Files.copy(NOISE.resolve("wg-plugin.json"), bug.resolve("wg-plugin.json"));
        Files.writeString(bug.resolve("plugin.py"), Files.readString(NOISE.resolve("plugin.py"))
                .replace("def infer(artifact, inputs):\n", "def infer(artifact, inputs):\n    return undefined_name + 1\n"));
        boolean sandbox = Files.isExecutable(Path.of("/usr/bin/bwrap"));
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Run kit;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            kit = sandbox ? wg("kit", bug.toString()) : wg("kit", bug.toString(), "--no-sandbox");
        } finally {
            System.setErr(saved);
        }
        // the plugin's failure, not a claim's: exit 1, and the table still ends the run, the claims not played
        assertThat(kit.status()).as(kit.out() + kit.err()).isEqualTo(1);
        String out = kit.out().strip();
        assertThat(out.substring(out.lastIndexOf('\n') + 1)).contains("failed (the plugin: exit 1)");
        assertThat(out).contains("FAIL      infer within the declared fidelity", "NameError", "FAIL      claims");
        // one traceback, in the author's own file (not the sandbox's /plugin/), without WeightGames' frames
        String trace = log.toString(StandardCharsets.UTF_8);
        assertThat(trace).contains("File \"" + bug.toAbsolutePath().normalize() + "/plugin.py\", line")
                .doesNotContain("\"/plugin/", "protocol.py");
        assertThat(trace.split("Traceback \\(most recent call last\\)", -1)).hasSize(2);
    }
}
