package org.weightgames.game;

import org.weightgames.core.Coins;
import org.weightgames.model.Network;

/**
 * The player of {@code correct}, the scheme's correctness game: not an adversary but the
 * legitimate user, who holds what the scheme gives its users (the artifact and its inference
 * code; the key of a usage-control scheme; the query API of a hosted one) and answers with the
 * network it runs. The game judges how far that network is from the original.
 */
public interface AuthorisedUser extends Adversary {
    /**
     * How {@code correct} is played. Its players are the scheme's own users, never hostile, so the
     * game is not played in isolation ({@link Definition#isolates()}); its codec refuses the pipe.
     */
    Contract<AuthorisedUser, UserChallenge, Network> CONTRACT = new Contract<>("correct", AuthorisedUser.class,
            AuthorisedUser::use, Relay.User::new, Codecs.USER);

    /** The network the user runs, from what the scheme gave it. */
    Network use(UserChallenge challenge, Coins coins);
}
