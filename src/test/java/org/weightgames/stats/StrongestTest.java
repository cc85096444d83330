package org.weightgames.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.weightgames.core.Coins;
import org.weightgames.game.Outcome;
import org.weightgames.game.TrialRecord;

/** The verdict against every adversary, exact outcomes, and the trials a claim needs. */
class StrongestTest {
    private static final List<String> IDS = List.of("a", "b", "c", "ref");

    /** Records whose adversary i wins trial t when wins[i][t]; the last is the reference; measures vary unless fixed. */
    static List<TrialRecord> records(boolean[][] wins, boolean oneRelease, boolean fixedMeasures) {
        List<TrialRecord> out = new ArrayList<>();
        for (int t = 0; t < wins[0].length; t++) {
            List<Outcome> o = new ArrayList<>();
            for (int i = 0; i < wins.length; i++) {
                o.add(new Outcome(wins[i][t], Map.of("accuracy", fixedMeasures ? 0.5 : 0.5 + t * 1e-3), null));
            }
            out.add(new TrialRecord(t, List.of(oneRelease ? "h" : "h" + t), Map.of(), o));
        }
        return out;
    }

    static Map<String, Summary> summaries(List<TrialRecord> r, boolean guessing, double bound) {
        Map<String, Summary> m = new LinkedHashMap<>();
        for (int i = 0; i < IDS.size() - 1; i++) {
            m.put(IDS.get(i), new Summary(r, i, IDS.size() - 1, guessing, 0.95, bound, Coins.root(1).derive(IDS.get(i))));
        }
        return m;
    }

    @Test
    void theVerdictAgainstEveryAdversaryIsThePerTrialUnionOfWins() {
        Coins coins = Coins.root(7);
        int n = 60;
        boolean[][] w = new boolean[4][n];
        int union = 0;
        for (int t = 0; t < n; t++) {
            boolean any = false;
            for (int i = 0; i < 4; i++) {
                w[i][t] = coins.derive(i + "/" + t).nextInt(10) == 0;
                any |= i < 3 && w[i][t];
            }
            union += any ? 1 : 0;
        }
        List<TrialRecord> r = records(w, false, false);
        Map<String, Summary> s = summaries(r, false, 0.05);
        Strongest all = Strongest.of(r, IDS, List.of(0, 1, 2), s, false, 0.95, 0.05, Coins.root(2));
        assertThat(all.wins()).isEqualTo(union);
        assertThat(all.wins()).isGreaterThanOrEqualTo(s.values().stream().mapToInt(x -> x.wins).max().orElseThrow());
        assertThat(all.ci()).isEqualTo(Proportions.clopperPearson(union, n, 0.95));
        assertThat(all.verdict()).isEqualTo(Verdict.of(all.ci(), 0.05));
        assertThat(all.leader()).isEqualTo(s.entrySet().stream().max((x, y) -> Double.compare(x.getValue().advantage,
                y.getValue().advantage)).orElseThrow().getKey());
        // the reference's wins never count against the scheme
        boolean[][] onlyRef = new boolean[4][n];
        java.util.Arrays.fill(onlyRef[3], true);
        List<TrialRecord> r2 = records(onlyRef, false, false);
        assertThat(Strongest.of(r2, IDS, List.of(0, 1, 2), summaries(r2, false, 0.05), false, 0.95, 0.05, Coins.root(2)).wins()).isZero();
    }

    @Test
    void guessingGamesWidenEachAdversarysIntervalInsteadOfTakingAUnion() {
        boolean[][] w = new boolean[4][40];
        for (int t = 0; t < 40; t++) {
            w[0][t] = t % 2 == 0;
            w[1][t] = t % 2 == 1;
            w[2][t] = t % 4 == 0;
        }
        List<TrialRecord> r = records(w, false, false);
        Strongest all = Strongest.of(r, IDS, List.of(0, 1, 2), summaries(r, true, 0.05), true, 0.95, 0.05, Coins.root(2));
        // a union would count every trial lost (a and b between them guess every trial); two coin-flippers are no attack.
        // c, wrong three times in four, has the largest advantage |2p - 1| = 0.5
        assertThat(all.leader()).isEqualTo("c");
        assertThat(all.wins()).isEqualTo(10);
        assertThat(all.advantage()).isEqualTo(0.5);
        assertThat(all.rule()).contains("Bonferroni over 3");
        assertThat(all.ci().level()).isCloseTo(1 - 0.05 / 3, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void copiesOfOneOutcomeAreOneExactValueNotFiftyTrials() {
        boolean[][] w = new boolean[4][50];
        List<TrialRecord> same = records(w, true, true);
        Summary s = summaries(same, false, 0.05).get("a");
        assertThat(s.exact).isTrue();
        assertThat(s.ci.low()).isZero();
        assertThat(s.ci.high()).isZero();
        assertThat(s.ci.method()).contains("exact");
        assertThat(s.verdict).isEqualTo(Verdict.HOLDS);
        // the same wins with outcomes that differ (or releases that differ) are estimates with an interval
        assertThat(summaries(records(w, true, false), false, 0.05).get("a").exact).isFalse();
        Summary varied = summaries(records(w, false, true), false, 0.05).get("a");
        assertThat(varied.exact).isFalse();
        assertThat(varied.ci.high()).isEqualTo(Proportions.clopperPearson(0, 50, 0.95).high());
        assertThat(varied.verdict).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(varied.decideAt).isEqualTo(72);
    }

    @Test
    void trialsSharingNetworksAreNotCountedAsIndependentEvidence() {
        // 3 networks, 20 trials each: one network gives every win (a family in which one member is weak)
        boolean[][] w = new boolean[4][60];
        List<TrialRecord> r = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            w[0][t] = t % 3 == 0 && t % 2 == 0;
            List<Outcome> o = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                o.add(new Outcome(w[i][t], Map.of("accuracy", 0.5 + t * 1e-3), null));
            }
            r.add(new TrialRecord(t, List.of("network-" + (t % 3)), Map.of(), o));
        }
        Summary s = summaries(r, false, 0.05).get("a");
        assertThat(s.distinctReleases).isEqualTo(3);
        assertThat(s.perRelease).extracting(c -> c[0]).containsExactly(10, 0, 0);
        assertThat(s.clusterCi).isNotNull();
        Interval cp = Proportions.clopperPearson(s.wins, 60, 0.95);
        assertThat(s.ci.low()).isLessThanOrEqualTo(cp.low());
        assertThat(s.ci.high()).isGreaterThanOrEqualTo(cp.high());
        // resampling three networks can draw the weak one three times, or never
        assertThat(s.clusterCi.high()).isGreaterThan(cp.high());
        assertThat(s.clusterCi.low()).isZero();
        assertThat(s.ci.method()).contains("cluster bootstrap over 3 releases");
    }

    @Test
    void theTrialsThatDecideAClaim() {
        assertThat(Proportions.trialsToHold(0.05, 0.95)).isEqualTo(72);
        assertThat(Proportions.clopperPearson(0, 72, 0.95).high()).isLessThanOrEqualTo(0.05);
        assertThat(Proportions.clopperPearson(0, 71, 0.95).high()).isGreaterThan(0.05);
        assertThat(Proportions.trialsToHold(0.1, 0.95)).isEqualTo(36);
        assertThat(Proportions.trialsToHold(0, 0.95)).isEqualTo(-1);
        // 2 wins in 20 at bound 0.05 (rate 0.1): broken once the interval clears 0.05
        int n = Proportions.trialsToDecide(2, 20, 0.05, 0.95, false);
        assertThat(Verdict.of(Proportions.clopperPearson((int) Math.round(0.1 * n), n, 0.95), 0.05)).isEqualTo(Verdict.BROKEN);
        assertThat(Verdict.of(Proportions.clopperPearson((int) Math.round(0.1 * (n - 1)), n - 1, 0.95), 0.05))
                .isEqualTo(Verdict.INCONCLUSIVE);
        // a rate on the bound is never decided
        assertThat(Proportions.trialsToDecide(1, 20, 0.05, 0.95, false)).isEqualTo(-1);
    }
}
