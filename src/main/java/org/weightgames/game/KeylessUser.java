package org.weightgames.game;

import org.weightgames.core.Coins;
import org.weightgames.model.Network;

/** An adversary that plays {@code uc}, unauthorised usage of a locked network. */
public interface KeylessUser extends Adversary {
    /** How {@code uc} is played and how its challenge and answer cross the isolation pipe. */
    Contract<KeylessUser, UsageChallenge, Network> CONTRACT = new Contract<>("uc", KeylessUser.class,
            KeylessUser::useWithoutKey, Relay.Usage::new, Codecs.USAGE);

    /** A model for the task, built from the locked artifact and the auxiliary data without the key. */
    Network useWithoutKey(UsageChallenge challenge, Coins coins);
}
