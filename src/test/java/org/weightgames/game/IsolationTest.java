package org.weightgames.game;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.weightgames.data.DataSource;

/**
 * Adversaries that cheat or misbehave. In-process, a cheater that walks the challenge by
 * reflection reaches the hosted model behind the query oracle and wins ext-w on the oracle scheme
 * every time (which is why isolation exists); isolated, it scores what the baseline scores. A
 * crashing, hanging or pipe-corrupting adversary costs its trial, recorded with the reason, not the run.
 */
class IsolationTest {
    private static List<TrialRecord> play(String mode, boolean isolated, int trials, int timeout) {
        Map<String, Map<String, String>> settings = new TreeMap<>();
        settings.put("model", Map.of("hidden", "8", "steps", "20"));
        settings.put("ext-w", Map.of("queries", "50", "samples", "50", "fresh", "100"));
        settings.put("cheater", Map.of("mode", mode));
        if (isolated) {
            settings.put(Isolation.COMPONENT, Map.of("enabled", "true", "timeout", Integer.toString(timeout), "memory", "512",
                    "native", "512"));
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
}
