package org.weightgames.stats;

/**
 * The verdict on a claimed bound for an adversary's advantage: {@code broken} when the
 * interval's lower end exceeds the bound, {@code holds} when its upper end is at most the bound,
 * {@code inconclusive} otherwise (more trials may settle it).
 */
public enum Verdict {
    BROKEN("broken"), HOLDS("holds"), INCONCLUSIVE("inconclusive");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Verdict of(Interval advantage, double bound) {
        if (advantage.low() > bound) {
            return BROKEN;
        }
        if (advantage.high() <= bound) {
            return HOLDS;
        }
        return INCONCLUSIVE;
    }
}
