package org.weightgames.game;

import org.weightgames.data.DataSource;
import org.weightgames.model.ModelFamily;
import org.weightgames.core.Coins;

/**
 * Everything a definition needs for one trial: the scheme under test, the family originals are
 * drawn from, the data, and the coins. The challenger's coins and each adversary's coins are
 * separate derivations of the trial's coins, which derive from the run seed.
 */
public final class TrialContext {
    private final int index;
    private final Scheme scheme;
    private final ModelFamily family;
    private final DataSource data;
    private final Coins trialCoins;

    public TrialContext(int index, Scheme scheme, ModelFamily family, DataSource data, Coins trialCoins) {
        this.index = index;
        this.scheme = scheme;
        this.family = family;
        this.data = data;
        this.trialCoins = trialCoins;
    }

    public int index() {
        return index;
    }

    public Scheme scheme() {
        return scheme;
    }

    public ModelFamily family() {
        return family;
    }

    public DataSource data() {
        return data;
    }

    public Coins challengerCoins() {
        return trialCoins.derive("challenger");
    }

    public Coins adversaryCoins(String adversaryId) {
        return trialCoins.derive("adversary/" + adversaryId);
    }
}
