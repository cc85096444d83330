package org.weightgames.adversaries;

import org.weightgames.game.AdversaryBase;
import org.weightgames.game.KeylessUser;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.UsageControl;
import org.weightgames.model.Network;

/**
 * The baseline of the {@code uc} game: ignores the locked artifact, initialises the public
 * architecture afresh and trains it on the auxiliary data within the same budget. What the
 * locked network is worth to an adversary is how much better it does than this.
 * It tunes exactly as the attacks do ({@link AuxTraining}), so a gain over it is fair. Parameters:
 * {@code search} (true), {@code lr} (0.001, searched unless given), {@code batch} (128).
 */
public final class Scratch extends AdversaryBase implements KeylessUser {
    public static final String ID = "scratch";
    private AuxTraining training;

    public Scratch() {
        super(ID, "uc baseline: trains the architecture from random initialisation on the auxiliary data and budget", UsageControl.class);
    }

    @Override
    public void init(Params params) {
        training = AuxTraining.from(params);
        params.checkAllUsed();
    }

    @Override
    public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        Network net = challenge.architecture().initialize(coins.derive("init"));
        return training.spend(net, challenge, coins.derive("train"));
    }
}
