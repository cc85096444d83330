package org.weightgames.adversaries;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Numerics;
import org.weightgames.core.Params;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.UsageChallenge;
import org.weightgames.model.Network;
import org.weightgames.schemes.nnsplitter.NNSplitter;

/**
 * {@code norm-clip}: the norm-clipping attack NNSplitter's paper says it resists. Large
 * perturbations stand out of a layer's weight distribution, so the attacker clips every weight of
 * each dense and convolution layer to that layer's mean plus or minus {@code k} (3) standard
 * deviations, then, with auxiliary data, fine-tunes every parameter within the budget, tuned on a
 * held-out fifth as every training adversary ({@link AuxTraining}). NNSplitter keeps its changed
 * weights inside the weights' own range, which is what it claims defeats this. Parameters:
 * {@code k}, {@code tune} (true), {@code search}, {@code lr}, {@code batch}.
 */
public final class NormClip extends AdversaryBase implements KeylessUser {
    public static final String ID = "norm-clip";

    private double k;
    private boolean tune;
    private AuxTraining training;

    public NormClip() {
        super(ID, "uc vs NNSplitter: clips each layer's weights to mean +- k std, then fine-tunes (the attack NNSplitter claims to resist)",
                NNSplitter.class);
    }

    @Override
    public void init(Params params) {
        k = params.getDouble("k", 3, 0.1, 100);
        tune = params.getBoolean("tune", true);
        training = AuxTraining.from(params);
        params.checkAllUsed();
    }

    @Override
    public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        Network net = challenge.lockedModel();
        challenge.data().note("clipped_weights", clip(net, k));
        return tune ? training.spend(net, challenge, coins.derive("train")) : net;
    }

    /** Clips in place each dense and convolution weight to its layer's mean +- k std; returns how many moved. */
    static int clip(Network net, double k) {
        Map<String, INDArray> p = net.parameters();
        int moved = 0;
        for (String name : net.weightMatrices()) {
            INDArray w = p.get(name);
            double[] v = w.dup('c').data().asDouble();
            double mean = Numerics.mean(v);
            double sd = Math.sqrt(Numerics.populationVariance(v));
            double lo = mean - k * sd;
            double hi = mean + k * sd;
            for (int j = 0; j < v.length; j++) {
                double c = Math.max(lo, Math.min(hi, v[j]));
                if (c != v[j]) {
                    v[j] = c;
                    moved++;
                }
            }
            w.assign(Nd.matrix(v, w.rows(), w.columns()));
        }
        return moved;
    }
}
