package org.weightgames.stats;

/** A two-sided confidence interval: its level, the method that produced it, its ends. */
public record Interval(double level, String method, double low, double high) {
    public double width() {
        return high - low;
    }

    public boolean contains(double x) {
        return x >= low && x <= high;
    }
}
