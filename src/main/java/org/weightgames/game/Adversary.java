package org.weightgames.game;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.model.Network;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;

/**
 * An adversary: code that plays one or more games. It receives a challenge (the public artifact,
 * public facts such as the architecture, and oracle handles) and its own coins, never the secret
 * or the original model. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.weightgames.game.Adversary}); life cycle as {@link Scheme}.
 * Implement the methods of the games you play and say which in {@link #supports}.
 */
public interface Adversary {
    String id();

    String description();

    void init(Params params);

    /** Whether this adversary plays {@code definition} against artifacts of {@code scheme}. */
    boolean supports(String definition, String scheme);

    /** {@code ext-w}: the protected parameters, by the names in {@link ExtractionChallenge#protectedShapes()}. */
    default Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        throw new UnsupportedOperationException(id() + " does not play ext-w");
    }

    /** {@code ext-f}: a runnable model that should behave like the original. */
    default Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        throw new UnsupportedOperationException(id() + " does not play ext-f");
    }

    /** {@code uc}: a model for the task, built from the locked artifact and the auxiliary data without the key. */
    default Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        throw new UnsupportedOperationException(id() + " does not play uc");
    }

    /** {@code ind}: 0 or 1, the guess of which candidate was released. */
    default int distinguish(DistinguishChallenge challenge, Coins coins) {
        throw new UnsupportedOperationException(id() + " does not play ind");
    }
}
