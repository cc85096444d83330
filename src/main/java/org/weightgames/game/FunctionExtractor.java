package org.weightgames.game;

import org.weightgames.core.Coins;
import org.weightgames.model.Network;

/** An adversary that plays {@code ext-f}, functional extraction. */
public interface FunctionExtractor extends Adversary {
    /** How {@code ext-f} is played and how its challenge and answer cross the isolation pipe. */
    Contract<FunctionExtractor, ExtractionChallenge, Network> CONTRACT = new Contract<>("ext-f", FunctionExtractor.class,
            FunctionExtractor::extractFunction, Relay.Function::new, Codecs.FUNCTION);

    /** A runnable model that should behave like the original. */
    Network extractFunction(ExtractionChallenge challenge, Coins coins);
}
