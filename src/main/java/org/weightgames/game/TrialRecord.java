package org.weightgames.game;

import java.util.List;
import java.util.Map;

/**
 * One trial: the hash of each released artifact, the challenger-side measures (release error,
 * the original's accuracy) and one outcome per adversary, in the order they were given.
 */
public record TrialRecord(int index, List<String> artifactHashes, Map<String, Double> challengerMeasures,
        List<Outcome> outcomes) {
}
