package org.weightgames.game;

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
}
