package org.weightgames.game;

import org.weightgames.core.Coins;
import org.weightgames.data.DataSource;
import org.weightgames.model.ModelFamily;

/**
 * Everything a definition needs for one trial: the scheme under test, the family originals are
 * drawn from, the data, and the coins. The challenger's coins and each adversary's coins are
 * separate derivations of the trial's coins, which derive from the run seed. Only the challenger
 * side sees a context; adversaries get challenges.
 */
public record TrialContext(int index, Scheme scheme, ModelFamily family, DataSource data, Coins trialCoins) {

    public Coins challengerCoins() {
        return trialCoins.derive("challenger");
    }

    public Coins adversaryCoins(String adversaryId) {
        return trialCoins.derive("adversary/" + adversaryId);
    }
}
