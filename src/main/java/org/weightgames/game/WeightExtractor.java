package org.weightgames.game;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;

/** An adversary that plays {@code ext-w}, weight extraction. */
public interface WeightExtractor extends Adversary {
    /** How {@code ext-w} is played and how its challenge and answer cross the isolation pipe. */
    Contract<WeightExtractor, ExtractionChallenge, Map<String, INDArray>> CONTRACT = new Contract<>("ext-w",
            WeightExtractor.class, WeightExtractor::extractWeights, Relay.Weights::new, Codecs.WEIGHTS);

    /** The protected parameters, by the names in {@link ExtractionChallenge#protectedShapes()}. */
    Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins);
}
