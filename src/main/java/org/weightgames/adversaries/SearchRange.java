package org.weightgames.adversaries;

import org.weightgames.core.Params;

/**
 * Where the inversion looks for a neuron's expansion point: a grid over [-span, span] with the
 * given step, before Brent's optimiser and root-finding polish the best cell. Parameters
 * {@code span} (30) and {@code step} (0.05).
 */
public record SearchRange(double span, double step) {
    public static SearchRange from(Params params) {
        return new SearchRange(params.getDouble("span", 30, 1, 1e4), params.getDouble("step", 0.05, 1e-4, 1));
    }
}
