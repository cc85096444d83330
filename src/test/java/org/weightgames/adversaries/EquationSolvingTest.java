package org.weightgames.adversaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.weightgames.data.DataSource;
import org.weightgames.run.GameSpec;
import org.weightgames.game.TrialRecord;
import org.weightgames.run.TrialRunner;

/** Equation solving on the oracle's answers: underdetermined below the number of unknowns, exact above it. */
class EquationSolvingTest {
    private static double error(String block, int queries, int steps) {
        Map<String, Map<String, String>> settings = new TreeMap<>();
        settings.put("model", Map.of("hidden", "12", "block", block));
        settings.put("ext-f", Map.of("queries", Integer.toString(queries), "samples", Integer.toString(queries), "fresh", "400"));
        settings.put(EquationSolving.ID, Map.of("steps", Integer.toString(steps)));
        GameSpec spec = GameSpec.against("oracle", "ext-f", EquationSolving.ID, settings, DataSource.load("synthetic"), "");
        List<TrialRecord> r = new TrialRunner(2).run(spec, 7, 0, 2, i -> { });
        double worst = 0;
        for (TrialRecord t : r) {
            assertThat(t.outcomes().get(0).failure()).isNull();
            worst = Math.max(worst, t.outcomes().get(0).measures().get("relative_error"));
            assertThat(t.outcomes().get(0).measures().get("cost_ratio")).isEqualTo(1.0);
        }
        return worst;
    }

    @Test
    void enoughEquationsPinTheFunctionDown() {
        // plain block 32-12-10: 12 x 33 + 11 x 10 = 506 unknowns, 10 equations per query
        double few = error("mlp", 20, 400);
        double many = error("mlp", 400, 400);
        assertThat(many).isLessThan(1e-4);
        assertThat(few).isGreaterThan(100 * many);
    }
}
