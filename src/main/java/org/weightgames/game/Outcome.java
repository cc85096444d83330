package org.weightgames.game;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One adversary's result in one trial: whether it won, its continuous measures (NaN where not
 * measurable), and, when it broke the rules or crashed, why (a failed answer is a lost trial).
 */
public record Outcome(boolean won, Map<String, Double> measures, String failure) {
    public Outcome {
        measures = Collections.unmodifiableMap(new TreeMap<>(measures));
    }

    public static Outcome failed(String why, Map<String, Double> measures) {
        return new Outcome(false, measures, why);
    }
}
