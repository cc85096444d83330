package org.weightgames.stats;

/** The bound a game's verdict is judged against, with the claim it comes from and its source. */
public record Bound(double value, String statement, String source) {
}
