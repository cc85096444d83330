package org.weightgames.stats;

/**
 * One continuous measure summarised over trials: the statistic ({@link Bootstrap.Statistic}) with
 * its percentile-bootstrap interval and the number of trials that measured it; for a median, also
 * the smallest and largest value seen (NaN when no trial measured it).
 */
public record Measure(Bootstrap.Statistic statistic, double value, Interval ci, int count, double min, double max) {

    /** How the statistic is named in reports. */
    public String describe() {
        return statistic == Bootstrap.Statistic.MEDIAN ? "median" : "mean of paired differences (adversary - reference)";
    }

    /** Whether min and max belong to this measure (medians over trials; not paired differences). */
    public boolean hasRange() {
        return statistic == Bootstrap.Statistic.MEDIAN;
    }
}
