package org.weightgames.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.weightgames.isolation.Sandbox;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weightgames.cli.Main;
import org.weightgames.data.DataSource;
import org.weightgames.game.TrialRecord;
import org.weightgames.run.GameSpec;
import org.weightgames.run.TrialRunner;

/**
 * The example plugins under examples/plugins, run as users run them: the PyTorch TaylorMLP gives
 * the Java TaylorMLP's win counts game by game, the numpy inversion breaks the Java scheme, every
 * example passes the kit, and the Python package's own tests pass.
 */
class ExamplePluginsTest {
    static final Path EXAMPLES = Path.of("examples/plugins");
    static final Path PYTHON = Path.of("/usr/bin/python3");

    /** What is missing for these tests, or null when bubblewrap and /usr/bin/python3 with numpy and torch are there. */
    private static String missing;

    @BeforeAll
    static void pythonWithTorch() throws Exception {
        if (!Files.isExecutable(Path.of(Sandbox.BWRAP))) {
            missing = "needs bubblewrap (Debian's package 'bubblewrap', which .ci/run installs)";
            return;
        }
        boolean torch;
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy, torch").start();
            torch = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            torch = false;
        }
        if (!torch) {
            missing = "needs numpy and torch for /usr/bin/python3 (Debian's python3-numpy and python3-torch, which .ci/run installs)";
            return;
        }
        Plugins.install(List.of(EXAMPLES), Map.of());
    }

    /** Per test, so that a machine without them reports each test skipped with the reason, not a class that ran nothing. */
    @BeforeEach
    void prerequisites() {
        Assumptions.assumeTrue(missing == null, () -> missing);
    }

    @AfterAll
    static void uninstall() {
        Plugins.install(List.of(), Map.of());
    }

    private static List<TrialRecord> play(String scheme, String game, List<String> adversaries, int trials) {
        Map<String, Map<String, String>> settings = new TreeMap<>();
        settings.put("model", Map.of("hidden", "16", "steps", "40"));
        GameSpec spec = new GameSpec(scheme, game, adversaries, settings, DataSource.load("synthetic"), "");
        return new TrialRunner(2).run(spec, 1, 0, trials, i -> { });
    }

    private static long[] wins(List<TrialRecord> r, int adversaries) {
        long[] w = new long[adversaries];
        for (TrialRecord t : r) {
            for (int a = 0; a < adversaries; a++) {
                assertThat(t.outcomes().get(a).failure()).isNull();
                w[a] += t.outcomes().get(a).won() ? 1 : 0;
            }
        }
        return w;
    }

    @Test
    void theTorchTaylorMlpWinsAndLosesAsTheJavaOneGameByGame() {
        Map<String, List<String>> games = Map.of("ext-w", List.of("taylor-inversion", "numpy-taylor-inversion", "baseline"),
                "ext-f", List.of("released-model", "taylor-collapse", "baseline"), "ind", List.of("taylor-inversion", "baseline"),
                "correct", List.of("authorised-user", "baseline"));
        Map<String, long[]> torchWins = new TreeMap<>();
        games.forEach((game, advs) -> {
            long[] java = wins(play("taylormlp", game, advs, 3), advs.size());
            long[] torch = wins(play("torch-taylormlp", game, advs, 3), advs.size());
            assertThat(torch).as(game + " " + advs).containsExactly(java);
            torchWins.put(game, torch);
        });
        // the attacks win where they should: both inversions recover every expanded neuron of either implementation
        assertThat(torchWins.get("ext-w")).containsExactly(3, 3, 0);
        assertThat(torchWins.get("ext-f")).containsExactly(0, 3, 0); // the release costs more than the original; its collapse does not
    }

    @Test
    void everyExamplePassesTheKit() {
        for (String p : List.of("numpy-noise", "numpy-taylor-inversion")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = Main.run(new String[] {"kit", EXAMPLES.resolve(p).toString()}, new PrintStream(out, true),
                    new PrintStream(new ByteArrayOutputStream()));
            assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("0 failed").doesNotContain("FAIL");
        }
    }

    @Test
    void thePythonPackagesOwnTestsPass() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON.toString(), "-m", "unittest", "discover", "-s", "python/tests").redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("OK").containsPattern("Ran [1-9][0-9]* tests");
    }

    @Test
    void theBenchMeasuresTheProtocolsCostOnTheSameTrials() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench", "--plugins", EXAMPLES.toString(), "--protocol", "numpy-taylor-inversion",
            "--trials", "2"}, new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream()));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(text).isZero();
        // both adversaries win the same two trials; the ratio of their trials per second is reported
        assertThat(text).contains("taylor-inversion + baseline").contains("numpy-taylor-inversion + baseline").containsPattern(
                "numpy-taylor-inversion \\+ baseline +2 trials in [0-9.]+ s: [0-9.]+ trials/s, 2 wins").contains("ratio");
    }

    @Test
    void anAuditOfAPluginRecordsItAndReplays(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("report");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"audit", "--plugins", EXAMPLES.toString(), "--no-sandbox", "--scheme", "numpy-noise",
            "--definition", "ext-w", "--trials", "2", "--out", out.toString(), "--set", "model.hidden=8"},
                new PrintStream(text, true), new PrintStream(new ByteArrayOutputStream()));
        assertThat(status).as(text.toString(StandardCharsets.UTF_8)).isZero();
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("report.json").toFile());
        // the sandbox's absence is recorded, and what code played: the plugin folder's and the package's hashes
        assertThat(report.path("settings").path("plugins").path("sandbox").asText()).isEqualTo("false");
        com.fasterxml.jackson.databind.JsonNode versions = report.path("versions");
        assertThat(versions.path("plugin.numpy-noise").asText()).hasSize(64);
        assertThat(versions.path("plugin.python-package").asText()).hasSize(64);
        assertThat(report.path("results").get(0).path("wins").asInt()).isZero(); // noise keeps read-weights out of 1e-3
        int replay = Main.run(new String[] {"replay", out.resolve("report.json").toString(), "--trial", "1", "--plugins",
            EXAMPLES.toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        assertThat(replay).as("the plugin's release replays bit for bit from the report").isZero();
    }
}
