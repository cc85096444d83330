package org.weightgames.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.weightgames.core.Coins;
import org.weightgames.game.TrialRecord;

/**
 * The numbers of one (scheme, definition, adversary) result: wins, advantage with its exact
 * interval, the baseline's, the difference to the baseline with Newcombe's interval, the
 * continuous measures with bootstrap intervals, and the verdict against the claimed bound.
 */
public final class Summary {
    public static final int RESAMPLES = 2000;

    public final int trials;
    public final int wins;
    public final double advantage;
    public final Interval ci;
    public final Interval wilson;
    public final int baselineWins;
    public final double baselineAdvantage;
    public final Interval baselineCi;
    public final Interval overBaseline;
    public final Verdict verdict;
    /**
     * For an inconclusive verdict: how many trials in all would decide it were the observed rate to
     * hold ({@link Proportions#trialsToDecide}); -1 when none would; 0 when the verdict is decided.
     */
    public final int decideAt;
    /** How many distinct releases the trials played against (1: every trial judged one artifact). */
    public final int distinctReleases;
    /**
     * True when the trials are copies of one outcome: one release, and this adversary's outcome
     * (win, measures, failure) the same in every trial. Its advantage is then an exact value on that
     * release, not an estimate from independent trials: the interval is the point, and the verdict
     * compares the value with the bound.
     */
    public final boolean exact;
    /**
     * When the trials share releases (1 < distinct releases < trials: a pool of K networks), the
     * percentile bootstrap of the win rate over releases (clusters resampled whole); else null. The
     * verdict's interval {@link #ci} is then the hull of it and the Clopper-Pearson interval, so that
     * trials of one network are not counted as independent evidence about the family.
     */
    public final Interval clusterCi;
    /** Wins and trials per distinct release, in order of first appearance (what each network gave). */
    public final List<int[]> perRelease;
    public final double bound;
    public final int failures;
    public final List<String> failureExamples;
    /** The adversary's measures by name (sorted): median over trials with a bootstrap interval. */
    public final Map<String, Measure> measures;
    /** The challenger's measures (release error, the original's accuracy, ...), as {@link #measures}. */
    public final Map<String, Measure> challengerMeasures;
    /** The reference adversary's measures, as {@link #measures}. */
    public final Map<String, Measure> baselineMeasures;
    /** Per measure both report: the mean of the paired per-trial differences (adversary - reference), bootstrap CI. */
    public final Map<String, Measure> overBaselineMeasures;

    public Summary(List<TrialRecord> records, int adversary, int baseline, boolean guessing, double level, double bound,
            Coins bootstrapCoins) {
        this.trials = records.size();
        this.bound = bound;
        this.wins = count(records, adversary);
        this.baselineWins = count(records, baseline);
        Releases releases = Releases.of(records, r -> r.outcomes().get(adversary).won());
        this.perRelease = releases.perRelease();
        this.distinctReleases = releases.count();
        this.exact = !guessing && trials > 1 && distinctReleases == 1 && records.stream().map(r -> r.outcomes().get(adversary))
                .distinct().count() == 1;
        this.clusterCi = guessing || !releases.shared() ? null : releases.bootstrap(level, bootstrapCoins.derive("clusters"));
        Interval p = exact ? new Interval(level, "exact (one outcome)", (double) wins / trials, (double) wins / trials)
                : Proportions.clopperPearson(wins, trials, level);
        if (clusterCi != null) {
            p = releases.widen(p, clusterCi);
        }
        Interval pb = Proportions.clopperPearson(baselineWins, trials, level);
        this.ci = guessing ? Proportions.guessingAdvantage(p) : p;
        this.baselineCi = guessing ? Proportions.guessingAdvantage(pb) : pb;
        Interval w = Proportions.wilson(wins, trials, level);
        this.wilson = guessing ? Proportions.guessingAdvantage(w) : w;
        this.advantage = guessing ? Math.abs(2.0 * wins / trials - 1) : (double) wins / trials;
        this.baselineAdvantage = guessing ? Math.abs(2.0 * baselineWins / trials - 1) : (double) baselineWins / trials;
        this.overBaseline = Proportions.newcombe(wins, trials, baselineWins, trials, level);
        this.verdict = Verdict.of(ci, bound);
        this.decideAt = verdict != Verdict.INCONCLUSIVE ? 0 : Proportions.trialsToDecide(wins, trials, bound, level, guessing);
        int f = 0;
        Set<String> examples = new LinkedHashSet<>();
        for (TrialRecord r : records) {
            String why = r.outcomes().get(adversary).failure();
            if (why != null) {
                f++;
                if (examples.size() < 3) {
                    examples.add("trial " + r.index() + ": " + why);
                }
            }
        }
        this.failures = f;
        this.failureExamples = new ArrayList<>(examples);
        this.measures = measures(records, adversary, level, bootstrapCoins.derive("adversary"));
        this.challengerMeasures = measures(records, -1, level, bootstrapCoins.derive("challenger"));
        this.baselineMeasures = measures(records, baseline, level, bootstrapCoins.derive("reference"));
        this.overBaselineMeasures = differences(records, adversary, baseline, level, bootstrapCoins.derive("paired"));
    }

    /**
     * Paired differences: both adversaries answer the same challenge in each trial, so the
     * difference of their measures per trial isolates what the adversary gains over the reference
     * (e.g. what holding the locked network is worth beyond training from scratch).
     */
    private static Map<String, Measure> differences(List<TrialRecord> records, int adversary, int baseline, double level, Coins coins) {
        Set<String> keys = new TreeSet<>();
        for (TrialRecord r : records) {
            keys.addAll(r.outcomes().get(adversary).measures().keySet());
        }
        Map<String, Measure> out = new TreeMap<>();
        for (String k : keys) {
            double[] v = new double[records.size()];
            boolean any = false;
            for (int t = 0; t < v.length; t++) {
                Double a = records.get(t).outcomes().get(adversary).measures().get(k);
                Double b = records.get(t).outcomes().get(baseline).measures().get(k);
                v[t] = a == null || b == null ? Double.NaN : a - b;
                any |= !Double.isNaN(v[t]);
            }
            if (!any) {
                continue;
            }
            Bootstrap.Estimate e = Bootstrap.estimate(v, Bootstrap.Statistic.MEAN, level, RESAMPLES, coins.derive(k));
            out.put(k, new Measure(e.statistic(), e.value(), e.interval(), e.count(), Double.NaN, Double.NaN));
        }
        return Collections.unmodifiableMap(out);
    }

    private static int count(List<TrialRecord> records, int i) {
        int k = 0;
        for (TrialRecord r : records) {
            if (r.outcomes().get(i).won()) {
                k++;
            }
        }
        return k;
    }

    /** Median and bootstrap interval of every measure; index -1 means the challenger's measures. */
    private static Map<String, Measure> measures(List<TrialRecord> records, int adversary, double level, Coins coins) {
        Set<String> keys = new TreeSet<>();
        for (TrialRecord r : records) {
            keys.addAll(adversary < 0 ? r.challengerMeasures().keySet() : r.outcomes().get(adversary).measures().keySet());
        }
        Map<String, Measure> out = new TreeMap<>();
        for (String k : keys) {
            double[] v = new double[records.size()];
            for (int t = 0; t < v.length; t++) {
                TrialRecord r = records.get(t);
                Double x = adversary < 0 ? r.challengerMeasures().get(k) : r.outcomes().get(adversary).measures().get(k);
                v[t] = x == null ? Double.NaN : x;
            }
            Bootstrap.Estimate e = Bootstrap.estimate(v, Bootstrap.Statistic.MEDIAN, level, RESAMPLES, coins.derive(k));
            out.put(k, new Measure(e.statistic(), e.value(), e.interval(), e.count(), min(v), max(v)));
        }
        return Collections.unmodifiableMap(out);
    }

    private static double min(double[] v) {
        double m = Double.NaN;
        for (double x : v) {
            if (!Double.isNaN(x) && (Double.isNaN(m) || x < m)) {
                m = x;
            }
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NaN;
        for (double x : v) {
            if (!Double.isNaN(x) && (Double.isNaN(m) || x > m)) {
                m = x;
            }
        }
        return m;
    }
}
