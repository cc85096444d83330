package org.weightgames.game;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Which adversary plays which (scheme, game): the game's interface ({@link Definition#plays()})
 * and the scheme's type ({@link Adversary#targets}). The table is what the id-comparing
 * {@code supports(definition, scheme)} answered before the games had interfaces (with the test
 * class path's example scheme and cheater); audits pick their adversaries by it.
 */
class GameSelectionTest {
    private static final Map<String, String> PLAYS = new LinkedHashMap<>();

    static {
        PLAYS.put("authorised-user", "corelocker/correct, deeplock/correct, example-noisy/correct, nnsplitter/correct, oracle/correct,"
                + " plain/correct, shadownet/correct, soter/correct, taylormlp/correct");
        PLAYS.put("baseline", "corelocker/correct, corelocker/ext-f, corelocker/ext-w, corelocker/ind, deeplock/correct,"
                + " example-noisy/correct, example-noisy/ext-f, example-noisy/ext-w, example-noisy/ind, nnsplitter/correct,"
                + " oracle/correct, oracle/ext-f, oracle/ext-w, oracle/ind, plain/correct, plain/ext-f, plain/ext-w, plain/ind,"
                + " shadownet/correct, shadownet/ext-f, shadownet/ext-w, shadownet/ind, soter/correct, soter/ext-f, soter/ext-w,"
                + " soter/ind, taylormlp/correct, taylormlp/ext-f, taylormlp/ext-w, taylormlp/ind");
        PLAYS.put("cheater", "");
        PLAYS.put("distillation", "oracle/ext-f, oracle/ext-w");
        PLAYS.put("equation-solving", "oracle/ext-f");
        PLAYS.put("finetune", "corelocker/uc, deeplock/uc, nnsplitter/uc");
        PLAYS.put("groupcover", "nnsplitter/uc");
        PLAYS.put("key-recovery", "corelocker/uc, deeplock/uc, nnsplitter/uc");
        PLAYS.put("norm-clip", "nnsplitter/uc");
        PLAYS.put("read-weights", "example-noisy/ext-f, example-noisy/ext-w, example-noisy/ind, plain/ext-f, plain/ext-w,"
                + " plain/ind");
        PLAYS.put("refill", "corelocker/ext-w, corelocker/uc, deeplock/uc, nnsplitter/uc");
        PLAYS.put("released-model", "corelocker/ext-f, example-noisy/ext-f, plain/ext-f, shadownet/ext-f, soter/ext-f,"
                + " taylormlp/ext-f");
        PLAYS.put("scratch", "corelocker/uc, deeplock/uc, nnsplitter/uc");
        PLAYS.put("taylor-collapse", "taylormlp/ext-f");
        PLAYS.put("taylor-inversion", "taylormlp/ext-w, taylormlp/ind");
        PLAYS.put("teeslice", "shadownet/ext-f, shadownet/ext-w, soter/ext-f, soter/ext-w");
    }

    @Test
    void adversariesPlayTheGamesTheyImplementOnTheSchemesTheyTarget() {
        Map<String, String> plays = new LinkedHashMap<>();
        for (Adversary a : Registry.adversaries()) {
            List<String> games = new ArrayList<>();
            for (Scheme s : Registry.schemes()) {
                for (Definition d : Registry.definitions()) {
                    // by type, in the games the scheme is played in (Deep-Lock: uc and correct only)
                    boolean byType = d.plays().isInstance(a) && a.targets(s) && s.playedIn(d.id());
                    assertThat(Registry.plays(a, d.id(), s.id())).isEqualTo(byType);
                    if (byType) {
                        games.add(s.id() + "/" + d.id());
                    }
                }
            }
            plays.put(a.id(), String.join(", ", games));
        }
        assertThat(plays).containsExactlyEntriesOf(PLAYS);
    }

    @Test
    void eachGameNamesItsInterface() {
        Map<String, Class<?>> interfaces = new LinkedHashMap<>();
        Registry.definitions().forEach(d -> interfaces.put(d.id(), d.plays()));
        assertThat(interfaces).containsExactly(Map.entry("correct", AuthorisedUser.class), Map.entry("ext-f", FunctionExtractor.class),
                Map.entry("ext-w", WeightExtractor.class), Map.entry("ind", Distinguisher.class),
                Map.entry("uc", KeylessUser.class));
    }
}
