package org.weightgames.adversaries;

import org.weightgames.game.AdversaryBase;
import org.weightgames.game.KeylessUser;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.UsageControl;
import org.weightgames.model.Init;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.NeuronSurgery;

/**
 * {@code finetune}: gives the locked network back the architecture's width with fresh neurons at
 * the key positions (He-initialised incoming weights, batch norm at its initial state, zero
 * outgoing weights, so the widened network computes exactly what the locked one does), then trains
 * every parameter on the auxiliary data within the budget, tuned on a held-out fifth of it
 * ({@link AuxTraining}). Entries no trained network holds (not finite, above 1e3 or non-zero below
 * 1e-30 in magnitude, a
 * running variance at or below zero, as in a Deep-Lock release) are first replaced by a fresh
 * initialisation's ({@link Sanitise}); ordinary releases are untouched. Parameters: {@code search} (true), {@code lr} (0.001, searched unless given),
 * {@code batch} (128).
 */
public final class FineTune extends AdversaryBase implements KeylessUser {
    private AuxTraining training;

    public FineTune() {
        super("finetune", "uc: re-adds the removed neurons fresh and fine-tunes the locked network on the auxiliary data", UsageControl.class);
    }

    @Override
    public void init(Params params) {
        training = AuxTraining.from(params);
        params.checkAllUsed();
    }

    @Override
    public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        Coins fresh = coins.derive("fresh-neurons");
        Network template = challenge.architecture().skeleton(); // only its widths are used
        Network net = NeuronSurgery.widen(challenge.lockedModel(), template, (name, rows, cols) -> {
            if (name.contains(".W[rows]")) {
                return Init.gaussian(fresh, rows, cols, Math.sqrt(2.0 / cols));
            }
            if (name.contains(".gamma[") || name.contains(".running_var[")) {
                return Nd.ones(rows, cols);
            }
            return Nd.zeros(rows, cols);
        }).network();
        // a release of keyed bit patterns (Deep-Lock) holds NaN, infinities and 1e308: start those entries afresh
        Sanitise.apply(net, () -> challenge.architecture().initialize(coins.derive("sanitise")));
        return training.spend(net, challenge, coins.derive("train"));
    }
}
