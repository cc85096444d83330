package org.weightgames.stats;

import java.util.Arrays;

import org.weightgames.core.Coins;
import org.weightgames.core.Numerics;

/**
 * Percentile bootstrap intervals for a statistic (median or mean) of a continuous measure, with
 * resamples drawn from the caller's coins so that an interval replays bit for bit. Values that are
 * NaN (not measurable in a trial) are left out; the count used is reported.
 */
public final class Bootstrap {
    public enum Statistic {
        MEDIAN, MEAN;

        double of(double[] sorted) {
            if (this == MEAN) {
                double s = 0;
                for (double v : sorted) {
                    s += v;
                }
                return s / sorted.length;
            }
            return Numerics.medianOfSorted(sorted);
        }
    }

    /** A point estimate with its interval and the number of finite values behind it. */
    public record Estimate(Statistic statistic, double value, Interval interval, int count) {
    }

    private Bootstrap() {
    }

    public static Estimate estimate(double[] values, Statistic stat, double level, int resamples, Coins coins) {
        double[] x = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        if (x.length == 0) {
            return new Estimate(stat, Double.NaN, new Interval(level, "percentile-bootstrap", Double.NaN, Double.NaN), 0);
        }
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double point = stat.of(sorted);
        if (constant(sorted)) {
            // every resample is the sample itself, bit for bit: its statistic is the point, and so are both ends
            return new Estimate(stat, point, new Interval(level, "percentile-bootstrap(" + resamples + ")", point, point), x.length);
        }
        double[] reps = new double[resamples];
        double[] buf = new double[x.length];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < x.length; i++) {
                buf[i] = x[coins.nextInt(x.length)];
            }
            Arrays.sort(buf);
            reps[r] = stat.of(buf);
        }
        Arrays.sort(reps);
        double alpha = 1 - level;
        double low = Numerics.quantileOfSorted(reps, alpha / 2);
        double high = Numerics.quantileOfSorted(reps, 1 - alpha / 2);
        return new Estimate(stat, point, new Interval(level, "percentile-bootstrap(" + resamples + ")", low, high), x.length);
    }

    /** Whether every value has the same bits (so no resample can differ from the sample). */
    private static boolean constant(double[] x) {
        long first = Double.doubleToRawLongBits(x[0]);
        for (double v : x) {
            if (Double.doubleToRawLongBits(v) != first) {
                return false;
            }
        }
        return true;
    }
}
