package org.weightgames.game;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the challenger keeps back from a release. The games read the ground truth of what the
 * scheme claims to protect from it; adversaries never see it.
 */
public interface Secret {
    /**
     * The true values of the parameters the scheme claims to hide, by the names an extraction
     * adversary must answer with (e.g. {@code 0.W[S]}).
     */
    Map<String, INDArray> protectedParameters();

    /** A private copy of each tensor, in the same order: what {@link #protectedParameters()} hands out of a secret's ground truth. */
    static Map<String, INDArray> copies(Map<String, INDArray> tensors) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        tensors.forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }
}
