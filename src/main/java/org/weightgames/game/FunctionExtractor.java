package org.weightgames.game;

import org.weightgames.core.Coins;
import org.weightgames.model.Network;

/** An adversary that plays {@code ext-f}, functional extraction. */
public interface FunctionExtractor extends Adversary {
    /** How {@code ext-f} is played. */
    Contract<FunctionExtractor, ExtractionChallenge, Network> CONTRACT =
            new Contract<>("ext-f", FunctionExtractor.class, FunctionExtractor::extractFunction);

    /** A runnable model that should behave like the original. */
    Network extractFunction(ExtractionChallenge challenge, Coins coins);
}
