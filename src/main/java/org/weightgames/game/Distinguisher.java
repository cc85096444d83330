package org.weightgames.game;

import org.weightgames.core.Coins;

/** An adversary that plays {@code ind}, indistinguishability. */
public interface Distinguisher extends Adversary {
    /** How {@code ind} is played and how its challenge and answer cross the isolation pipe. */
    Contract<Distinguisher, DistinguishChallenge, Integer> CONTRACT = new Contract<>("ind", Distinguisher.class,
            Distinguisher::distinguish, Relay.Guess::new, Codecs.GUESS);

    /** 0 or 1, the guess of which candidate was released. */
    int distinguish(DistinguishChallenge challenge, Coins coins);
}
