package org.weightgames.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.weightgames.data.DataSource;
import org.weightgames.core.WgException;
import org.weightgames.stats.Bound;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Summary;
import org.weightgames.stats.Verdict;

/**
 * Plays each claim (its scheme, definition and adversary, with the baseline beside it, at the
 * claim's trial count) and compares the verdict with the one the claims file expects.
 */
public final class Verify {

    /** One claim's outcome. */
    public record Check(Claims.Claim claim, Summary summary) {
        public boolean matches() {
            return summary.verdict.label().equals(claim.expected());
        }

        /**
         * {@code ok}; {@code UNDECIDED} when the trials played cannot decide the claim (nothing
         * changed: the description says how many would); {@code MISMATCH} when the verdict is the
         * other one.
         */
        public String status() {
            return matches() ? "ok" : summary.verdict == Verdict.INCONCLUSIVE ? "UNDECIDED" : "MISMATCH";
        }

        /** One line: what was claimed, what was expected, what came out, and the numbers. */
        public String describe() {
            String line = String.format(Locale.ROOT, "%s (%s/%s vs %s): expected %s, got %s: %d/%d wins, advantage %.3f, CI [%.3f, %.3f], bound %.3f",
                    claim.id(), claim.scheme(), claim.definition(), claim.adversary(), claim.expected(), summary.verdict.label(),
                    summary.wins, summary.trials, summary.advantage, summary.ci.low(), summary.ci.high(), claim.bound());
            if (summary.decideAt > 0) {
                line += String.format(Locale.ROOT, "; %d trials cannot decide it: about %d would at the observed rate (set \"trials\")",
                        summary.trials, summary.decideAt);
            } else if (summary.decideAt < 0) {
                line += "; the observed rate sits on the bound: no trial count decides it";
            }
            return line;
        }
    }

    private Verify() {
    }

    public static List<Check> run(List<Claims.Claim> claims, long seed, DataSource data, int threads, Integer trials,
            double level, Consumer<String> progress) {
        // build every game first: a bad setting in any claim fails before anything is played
        List<Audit> audits = new ArrayList<>();
        List<Audit.PlannedGame> games = new ArrayList<>();
        for (Claims.Claim c : claims) {
            int n = trials != null ? trials : c.trials();
            Audit audit = new Audit(new Audit.Config(List.of(c.scheme()), List.of(c.definition()), List.of(c.adversary()), n, seed,
                    data.name(), c.settings(), level, threads, 0, n, List.of()), null);
            try {
                GameSpec spec = GameSpec.against(c.scheme(), c.definition(), c.adversary(), c.settings(), data, "");
                games.add(audit.game(spec, new Bound(c.bound(), c.statement(), c.source())));
            } catch (WgException e) {
                throw new WgException(c.where() + ": claim '" + c.id() + "': " + e.getMessage());
            }
            audits.add(audit);
        }
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            Claims.Claim c = claims.get(i);
            long started = System.nanoTime();
            GameSummary result = audits.get(i).run(List.of(games.get(i))).get(0);
            Check check = new Check(c, result.summaries().get(c.adversary()));
            if (progress != null) {
                progress.accept(String.format(Locale.ROOT, "%-8s %s (%.1f s)", check.status(),
                        check.describe(), (System.nanoTime() - started) / 1e9));
            }
            checks.add(check);
        }
        return checks;
    }
}
