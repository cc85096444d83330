package org.weightgames.adversaries;

import org.weightgames.core.Coins;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.AuthorisedUser;
import org.weightgames.game.Scheme;
import org.weightgames.game.UserChallenge;
import org.weightgames.model.Network;

/**
 * The scheme's legitimate user in {@code correct}: runs what the scheme gives its users, as its
 * authors intend (Infer(art); the network restored with the user's key for a usage-control
 * scheme; the hosted model behind an API). Not an adversary: it plays only the correctness game.
 */
public final class AuthorisedUse extends AdversaryBase implements AuthorisedUser {
    public static final String ID = "authorised-user";

    public AuthorisedUse() {
        super(ID, "the scheme's legitimate user: runs Infer(art), restored with the key where the scheme has one (correct only)",
                Scheme.class);
    }

    @Override
    public Network use(UserChallenge challenge, Coins coins) {
        return challenge.authorisedModel();
    }
}
