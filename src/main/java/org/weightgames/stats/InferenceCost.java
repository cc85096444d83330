package org.weightgames.stats;

/**
 * TaylorMLP's measured inference cost at one order N, as ratios to the original block measured in
 * the same run: the released model (median and interquartile range of interleaved repeats), the
 * polynomial and exact collapses, and the ratios of multiply-accumulates.
 */
public record InferenceCost(int order, double released, double releasedP25, double releasedP75, double folded,
        double foldedP25, double foldedP75, double exact, double macsReleased, double macsFolded, double originalMillis) {
}
