package org.weightgames.stats;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/** Confidence intervals for success rates and their differences. */
public final class Proportions {
    private Proportions() {
    }

    private static void check(int k, int n, double level) {
        if (n <= 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= successes <= trials and trials > 0, got " + k + "/" + n);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        }
    }

    /** Exact Clopper-Pearson interval from the Beta quantiles. */
    public static Interval clopperPearson(int k, int n, double level) {
        check(k, n, level);
        double alpha = 1 - level;
        double low = k == 0 ? 0 : new BetaDistribution(null, k, n - k + 1).inverseCumulativeProbability(alpha / 2);
        double high = k == n ? 1 : new BetaDistribution(null, k + 1, n - k).inverseCumulativeProbability(1 - alpha / 2);
        return new Interval(level, "clopper-pearson", low, high);
    }

    /** Wilson score interval. */
    public static Interval wilson(int k, int n, double level) {
        check(k, n, level);
        double[] lh = wilsonBounds(k, n, z(level));
        return new Interval(level, "wilson", lh[0], lh[1]);
    }

    private static double[] wilsonBounds(int k, int n, double z) {
        double p = (double) k / n;
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /**
     * Newcombe's hybrid score interval (1998, method 10) for p1 - p2 of two independent
     * proportions, from the two Wilson intervals.
     */
    public static Interval newcombe(int k1, int n1, int k2, int n2, double level) {
        check(k1, n1, level);
        check(k2, n2, level);
        double z = z(level);
        double p1 = (double) k1 / n1;
        double p2 = (double) k2 / n2;
        double[] w1 = wilsonBounds(k1, n1, z);
        double[] w2 = wilsonBounds(k2, n2, z);
        double d = p1 - p2;
        double low = d - Math.sqrt(sq(p1 - w1[0]) + sq(w2[1] - p2));
        double high = d + Math.sqrt(sq(w1[1] - p1) + sq(p2 - w2[0]));
        return new Interval(level, "newcombe-hybrid-score", Math.max(-1, low), Math.min(1, high));
    }

    /** The interval of |2p - 1| implied by an interval of p. */
    public static Interval guessingAdvantage(Interval p) {
        double a = Math.abs(2 * p.low() - 1);
        double b = Math.abs(2 * p.high() - 1);
        double low = p.low() <= 0.5 && p.high() >= 0.5 ? 0 : Math.min(a, b);
        return new Interval(p.level(), p.method() + " on |2p-1|", low, Math.max(a, b));
    }

    /** The trials above which the verdict search stops: beyond them a claim is undecidable in practice. */
    public static final int DECIDE_CAP = 1_000_000;

    /**
     * The fewest trials at which no win at all shows a rate at most {@code bound} with the two-sided
     * Clopper-Pearson interval at {@code level}: the upper end 1 - (alpha/2)^(1/n) <= bound, so
     * n >= ln(alpha/2) / ln(1 - bound) (72 at bound 0.05 and 95%). 0 when the bound is 1 or more
     * (any count decides), -1 when it is 0 or less (no count can show it).
     */
    public static int trialsToHold(double bound, double level) {
        if (bound >= 1) {
            return 0;
        }
        if (bound <= 0) {
            return -1;
        }
        int n = (int) Math.ceil(Math.log((1 - level) / 2) / Math.log(1 - bound));
        // guard the rounding of the logarithms with the interval itself
        while (clopperPearson(0, n, level).high() > bound) {
            n++;
        }
        while (n > 1 && clopperPearson(0, n - 1, level).high() <= bound) {
            n--;
        }
        return n;
    }

    /**
     * How many trials in all would decide a verdict left inconclusive, were the win rate to stay
     * at the observed {@code wins / trials}: the fewest n > trials at which round(rate * n) wins of
     * n give an interval clear of {@code bound} (on |2p - 1| for a guessing game). -1 when none up
     * to {@link #DECIDE_CAP} does (the observed rate sits on the bound).
     */
    public static int trialsToDecide(int wins, int trials, double bound, double level, boolean guessing) {
        check(wins, trials, level);
        double rate = (double) wins / trials;
        int n = trials + 1;
        while (n <= DECIDE_CAP) {
            Interval p = clopperPearson((int) Math.round(rate * n), n, level);
            if (Verdict.of(guessing ? guessingAdvantage(p) : p, bound) != Verdict.INCONCLUSIVE) {
                // step back over the coarse steps to the first n that decides
                int lo = Math.max(trials + 1, n - Math.max(1, n / 50));
                for (int m = lo; m < n; m++) {
                    Interval q = clopperPearson((int) Math.round(rate * m), m, level);
                    if (Verdict.of(guessing ? guessingAdvantage(q) : q, bound) != Verdict.INCONCLUSIVE) {
                        return m;
                    }
                }
                return n;
            }
            n += Math.max(1, n / 50);
        }
        return -1;
    }

    static double z(double level) {
        return new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - level) / 2);
    }

    private static double sq(double x) {
        return x * x;
    }
}
