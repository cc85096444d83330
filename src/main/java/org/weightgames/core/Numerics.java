package org.weightgames.core;

import java.util.Arrays;

/**
 * The small statistics every package shares, one place each: the median and the
 * linear-interpolation quantile (type 7) of sorted values, the mean and the population variance.
 */
public final class Numerics {
    private Numerics() {
    }

    /** The arithmetic mean (summed in order, then divided). */
    public static double mean(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        return m / x.length;
    }

    /** The population variance (numpy's var): the mean squared distance from {@link #mean}. */
    public static double populationVariance(double[] x) {
        double mean = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s / x.length;
    }

    /** The median of values already sorted ascending (the mean of the middle two for an even count). */
    public static double medianOfSorted(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /** The median of values in any order (they are not changed). */
    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return medianOfSorted(s);
    }

    /** Linear-interpolation quantile (type 7) of values sorted ascending; q in [0, 1]. */
    public static double quantileOfSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        double f = pos - i;
        double a = sorted[i];
        double b = sorted[j];
        if (a == b || Double.isInfinite(a) || Double.isInfinite(b)) {
            return f < 0.5 ? a : b;
        }
        return a + f * (b - a);
    }
}
