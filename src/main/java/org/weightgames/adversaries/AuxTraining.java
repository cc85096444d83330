package org.weightgames.adversaries;

import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.UsageChallenge;
import org.weightgames.model.Network;
import org.weightgames.model.Trainer;

/**
 * How the usage-control adversaries train on their auxiliary data: Adam with learning rate
 * {@code lr} (0.001) and {@code batch} (128), spending the whole budget (epochs x examples). One
 * declaration of these parameters for {@code scratch}, {@code finetune} and {@code refill}, so
 * that they are compared on equal terms.
 */
record AuxTraining(double lr, int batch) {

    /** Reads {@code lr} and {@code batch} from an adversary's parameters. */
    static AuxTraining from(Params params) {
        return from(params, 0.001);
    }

    /** As {@link #from(Params)} with another default learning rate (an adversary that trains few parameters from zero). */
    static AuxTraining from(Params params, double defaultLr) {
        return new AuxTraining(params.getDouble("lr", defaultLr, 1e-7, 1), params.getInt("batch", 128, 1, 1 << 16));
    }

    /** Trains {@code net} on the whole budget of the challenge's auxiliary data; nothing when it is empty. */
    void spend(Network net, UsageChallenge ch, Coins coins) {
        spend(net, ch, coins, null);
    }

    /** As {@link #spend(Network, UsageChallenge, Coins)}, training only the entries {@code trainable} marks (null: all). */
    void spend(Network net, UsageChallenge ch, Coins coins, java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> trainable) {
        int n = ch.data().size();
        if (n == 0 || ch.data().epochs() == 0) {
            return;
        }
        int b = Math.min(batch, n);
        int steps = (int) Math.min(Integer.MAX_VALUE, ch.data().remaining() / b);
        new Trainer(lr, b, steps, 0).train(net, n, ch.data()::rows, coins, trainable);
    }
}
