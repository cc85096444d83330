package org.weightgames.game;

import org.weightgames.core.Coins;

/** An adversary that plays {@code ind}, indistinguishability. */
public interface Distinguisher extends Adversary {
    /** How {@code ind} is played. */
    Contract<Distinguisher, DistinguishChallenge, Integer> CONTRACT =
            new Contract<>("ind", Distinguisher.class, Distinguisher::distinguish);

    /** 0 or 1, the guess of which candidate was released. */
    int distinguish(DistinguishChallenge challenge, Coins coins);
}
