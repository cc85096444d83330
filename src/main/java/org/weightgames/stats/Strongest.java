package org.weightgames.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.weightgames.core.Coins;
import org.weightgames.game.TrialRecord;

/**
 * The verdict against every adversary we have: a scheme is only as secure as against its strongest
 * attacker. For a game won or lost outright (ext-w, ext-f, uc, correct) a trial is lost to the scheme
 * when any adversary wins it, so the union of wins per trial is one proportion, with one exact
 * interval: no correction for several adversaries is needed, because no adversary is picked after
 * seeing the data (the ensemble is fixed before the trials, as AutoAttack's is). For a guessing game
 * (ind) a union of guesses is no win (two coin-flippers "win" three trials in four), so there each
 * adversary's interval is widened by Bonferroni's correction to level 1 - (1 - level) / k for k
 * adversaries: broken when any widened interval lies above the bound, holds when all lie at or below.
 * The reference adversary (baseline, scratch) is not in the ensemble: it measures what the game
 * gives without the release.
 */
public record Strongest(List<String> adversaries, String leader, int trials, int wins, double advantage, Interval ci,
        Verdict verdict, int decideAt, String rule, boolean exact) {

    /**
     * The verdict over the adversaries at {@code indices} of each record (the reference excluded);
     * {@code coins} draw the bootstrap over releases when trials share them.
     */
    public static Strongest of(List<TrialRecord> records, List<String> ids, List<Integer> indices, Map<String, Summary> summaries,
            boolean guessing, double level, double bound, Coins coins) {
        List<String> advs = new ArrayList<>();
        indices.forEach(i -> advs.add(ids.get(i)));
        String leader = null;
        for (String a : advs) {
            if (leader == null || summaries.get(a).advantage > summaries.get(leader).advantage) {
                leader = a;
            }
        }
        int n = records.size();
        if (guessing) {
            double widened = 1 - (1 - level) / advs.size();
            boolean broken = false;
            boolean holds = true;
            Interval leaderCi = null;
            for (String a : advs) {
                Summary s = summaries.get(a);
                Interval ci = Proportions.guessingAdvantage(Proportions.clopperPearson(s.wins, n, widened));
                broken |= ci.low() > bound;
                holds &= ci.high() <= bound;
                if (a.equals(leader)) {
                    leaderCi = ci;
                }
            }
            Verdict v = broken ? Verdict.BROKEN : holds ? Verdict.HOLDS : Verdict.INCONCLUSIVE;
            Summary best = summaries.get(leader);
            int decide = v != Verdict.INCONCLUSIVE ? 0 : Proportions.trialsToDecide(best.wins, n, bound, widened, true);
            return new Strongest(advs, leader, n, best.wins, best.advantage, leaderCi, v, decide,
                    "Bonferroni over " + advs.size() + " adversaries (each at level " + widened + ")", false);
        }
        Releases releases = Releases.of(records, r -> indices.stream().anyMatch(i -> r.outcomes().get(i).won()));
        int wins = releases.wins();
        boolean exact = indices.stream().allMatch(i -> summaries.get(ids.get(i)).exact);
        double rate = (double) wins / n;
        Interval ci = exact ? new Interval(level, "exact (one outcome)", rate, rate) : Proportions.clopperPearson(wins, n, level);
        if (!exact && releases.shared()) {
            // trials share networks: as each adversary's, the interval is the hull with the bootstrap over releases
            ci = releases.widen(ci, releases.bootstrap(level, coins));
        }
        Verdict v = Verdict.of(ci, bound);
        int decide = v != Verdict.INCONCLUSIVE ? 0 : Proportions.trialsToDecide(wins, n, bound, level, false);
        return new Strongest(advs, leader, n, wins, rate, ci, v, decide, "a trial is lost when any adversary wins it", exact);
    }
}
