package org.weightgames.adversaries;

import org.weightgames.game.KeylessUser;
import org.weightgames.game.Scheme;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.UsageControl;
import org.weightgames.model.Network;
import org.weightgames.model.Trainer;

/**
 * The baseline of the {@code uc} game: ignores the locked artifact, initialises the public
 * architecture afresh and trains it on the auxiliary data within the same budget. What the
 * locked network is worth to an adversary is how much better it does than this.
 * Parameters: {@code lr} (0.001), {@code batch} (128).
 */
public final class Scratch implements KeylessUser {
    public static final String ID = "scratch";
    private double lr;
    private int batch;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "uc baseline: trains the architecture from random initialisation on the auxiliary data and budget";
    }

    @Override
    public void init(Params params) {
        lr = params.getDouble("lr", 0.001, 1e-7, 1);
        batch = params.getInt("batch", 128, 1, 1 << 16);
        params.checkAllUsed();
    }

    @Override
    public boolean targets(Scheme scheme) {
        return scheme instanceof UsageControl;
    }

    @Override
    public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        Network net = challenge.architecture().initialize(coins.derive("init"));
        train(net, challenge, lr, batch, coins.derive("train"));
        return net;
    }

    /** Spends the whole budget (epochs x examples) on Adam steps over the auxiliary data; nothing when it is empty. */
    static void train(Network net, UsageChallenge ch, double lr, int batch, Coins coins) {
        int n = ch.data().size();
        if (n == 0 || ch.data().epochs() == 0) {
            return;
        }
        int b = Math.min(batch, n);
        int steps = (int) Math.min(Integer.MAX_VALUE, ch.data().remaining() / b);
        new Trainer(lr, b, steps, 0).train(net, n, ch.data()::rows, coins);
    }
}
