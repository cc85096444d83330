package org.weightgames.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.weightgames.data.DataSource;
import org.weightgames.run.GameSpec;
import org.weightgames.run.TrialRunner;
import org.weightgames.game.Outcome;
import org.weightgames.game.TrialRecord;

/**
 * Adversaries that cheat or misbehave. In-process, a cheater that walks the challenge by
 * reflection reaches the hosted model behind the query oracle and wins ext-w on the oracle scheme
 * every time (which is why isolation exists); isolated, it scores what the baseline scores. A
 * crashing, hanging or pipe-corrupting adversary costs its trial, recorded with the reason, not the run.
 */
class IsolationTest {
    /** Whether bubblewrap is installed (Debian's package 'bubblewrap'; .ci/run installs it). */
    private static final boolean SANDBOXED = java.nio.file.Files.isExecutable(java.nio.file.Path.of(Sandbox.BWRAP));

    private static List<TrialRecord> play(String mode, boolean isolated, int trials, int timeout) {
        Map<String, Map<String, String>> settings = new TreeMap<>();
        settings.put("model", Map.of("hidden", "8", "steps", "20"));
        settings.put("ext-w", Map.of("queries", "50", "samples", "50", "fresh", "100"));
        settings.put("cheater", Map.of("mode", mode));
        if (isolated) {
            settings.put(Isolation.COMPONENT, Map.of("enabled", "true", "timeout", Integer.toString(timeout), "memory", "512",
                    "native", "512"));
            if (!SANDBOXED) {
                // isolation is another JVM with or without bubblewrap: without it installed (a machine with only Java and
                // Maven), these tests still check the separate process; the sandbox's own test below is skipped
                settings.put(Sandbox.COMPONENT, Map.of("sandbox", "false"));
            }
        }
        GameSpec spec = new GameSpec("oracle", "ext-w", List.of("cheater", "baseline"), settings, DataSource.load("synthetic"), "");
        return new TrialRunner(2).run(spec, 3, 0, trials, i -> { });
    }

    private static long wins(List<TrialRecord> r, int adversary) {
        return r.stream().filter(t -> t.outcomes().get(adversary).won()).count();
    }

    @Test
    void aCheaterWinsInProcessAndScoresAsTheBaselineWhenIsolated() {
        List<TrialRecord> inProcess = play("reflect", false, 3, 0);
        assertThat(wins(inProcess, 0)).as("the leak isolation closes is real").isEqualTo(3);
        List<TrialRecord> isolated = play("reflect", true, 3, 120);
        // walking everything reachable in its own process finds no network with the secret's shapes
        assertThat(isolated).allSatisfy(t -> assertThat(t.outcomes().get(0).failure()).contains("answered no"));
        assertThat(wins(isolated, 0)).isEqualTo(wins(isolated, 1)).isZero();
    }

    @Test
    void crashesHangsAndPipeGarbageCostOneTrialEach() {
        List<TrialRecord> crash = play("crash", true, 1, 120);
        assertThat(crash.get(0).outcomes().get(0).won()).isFalse();
        assertThat(crash.get(0).outcomes().get(0).failure()).contains("cheater", "crashed", "exit status 137");
        assertThat(crash.get(0).outcomes().get(1).failure()).isNull(); // the baseline played on
        List<TrialRecord> hang = play("hang", true, 1, 8);
        assertThat(hang.get(0).outcomes().get(0).failure()).contains("ran past its 8 s and was stopped");
        List<TrialRecord> garbage = play("garbage", true, 1, 120);
        // its println went to standard error: the answer (an empty map) arrived intact and was judged
        assertThat(garbage.get(0).outcomes().get(0).failure()).contains("answered no");
    }

    /** The usage-control game too: the adversary's data crosses the pipe row by row, counted on the challenger's side. */
    @Test
    void usageControlAdversariesPlayIsolated() {
        Map<String, Map<String, String>> settings = new TreeMap<>();
        settings.put("model", Map.of("widths", "16,8", "epochs", "2"));
        settings.put("uc", Map.of("data-fraction", "0.05", "epochs", "2", "fresh", "500"));
        settings.put(Isolation.COMPONENT, Map.of("enabled", "true", "memory", "768", "native", "768"));
        if (!SANDBOXED) {
            settings.put(Sandbox.COMPONENT, Map.of("sandbox", "false"));
        }
        GameSpec spec = new GameSpec("corelocker", "uc", List.of("finetune", "scratch"), settings, DataSource.load("synthetic"), "");
        List<TrialRecord> r = new TrialRunner(1).run(spec, 5, 0, 1, i -> { });
        for (Outcome o : r.get(0).outcomes()) {
            assertThat(o.failure()).isNull();
            assertThat(o.measures().get("accuracy")).isBetween(0.0, 1.0);
            // two epochs over 5% of the training split, read through the challenger's counter
            assertThat(o.measures().get("examples_read")).isPositive();
        }
        assertThat(r.get(0).outcomes().get(0).measures().get("accuracy"))
                .isGreaterThan(r.get(0).outcomes().get(1).measures().get("accuracy"));
    }

    @Test
    void anIsolatedJavaAdversaryRunsInTheSandboxAndSeesNoHostFile() throws java.io.IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(SANDBOXED,
                "needs bubblewrap (Debian's package 'bubblewrap', which .ci/run installs): the sandbox is what hides the host's files");
        java.nio.file.Path secret = java.nio.file.Path.of(org.weightgames.example.Cheater.ESCAPE);
        java.nio.file.Files.writeString(secret, "HOST-SECRET");
        try {
            List<TrialRecord> r = play("escape", true, 1, 120);
            assertThat(r.get(0).outcomes().get(0).failure()).contains("could not read", "NoSuchFileException")
                    .doesNotContain("HOST-SECRET");
            assertThat(r.get(0).outcomes().get(1).failure()).isNull();
        } finally {
            java.nio.file.Files.deleteIfExists(secret);
        }
    }
}
