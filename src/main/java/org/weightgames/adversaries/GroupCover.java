package org.weightgames.adversaries;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.UsageChallenge;
import org.weightgames.model.Network;
import org.weightgames.schemes.nnsplitter.NNSplitter;

/**
 * {@code groupcover}: GroupCover's extreme-value replacement against NNSplitter (Zhang et al.,
 * ICML 2024; ZzzzMe/GroupCover {@code statistical/knockoff_nnsplitter.py}). NNSplitter clamps the
 * weights it changes to the weights' own range, so they pile up at the released network's extreme
 * values. The attack pools the weight tensors of every dense and convolution layer, takes the
 * 0.001st and 99.999th percentiles as the extremes (GroupCover's rule; on a small network, the
 * minimum and maximum), flags every weight within {@code window} (4e-3, the code's 2 x eps) of
 * either, and resets each flagged weight to the donor: {@code centre} (default; the mean of the
 * released weights, which is where NNSplitter took the weights it changed from, since they lay
 * within eps of its centre) or {@code zero}. GroupCover's donor is a public pre-trained model of
 * the same architecture, which our originals, trained from scratch, do not have. Then, with
 * auxiliary data, it fine-tunes every parameter within the budget, tuned on a held-out fifth as
 * every training adversary ({@link AuxTraining}); GroupCover fine-tunes on victim-labelled
 * samples, we on the adversary's true-labelled share of the training split. Parameters:
 * {@code window}, {@code donor}, {@code tune} (true), {@code search}, {@code lr}, {@code batch}.
 */
public final class GroupCover extends AdversaryBase implements KeylessUser {
    public static final String ID = "groupcover";
    /** GroupCover's percentile of the extremes, as a fraction (the code's 0.001 %). */
    static final double TAIL = 1e-5;

    private double window;
    private boolean zeroDonor;
    private boolean tune;
    private AuxTraining training;

    public GroupCover() {
        super(ID, "uc vs NNSplitter: resets the weights piled at the released extremes to a donor, then fine-tunes (GroupCover, ICML 2024)",
                NNSplitter.class);
    }

    @Override
    public void init(Params params) {
        window = params.getDouble("window", 4e-3, 0, 10);
        zeroDonor = params.getString("donor", "centre", Set.of("centre", "zero")).equals("zero");
        tune = params.getBoolean("tune", true);
        training = AuxTraining.from(params);
        params.checkAllUsed();
    }

    @Override
    public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        Network net = challenge.lockedModel();
        challenge.data().note("flagged_weights", reset(net, window, zeroDonor));
        return tune ? training.spend(net, challenge, coins.derive("train")) : net;
    }

    /** Resets in place the weights within {@code window} of the pooled extremes to the donor; returns how many. */
    static int reset(Network net, double window, boolean zeroDonor) {
        Map<String, INDArray> p = net.parameters();
        List<String> names = net.weightMatrices();
        List<double[]> values = new ArrayList<>();
        int n = 0;
        for (String name : names) {
            double[] v = p.get(name).dup('c').data().asDouble();
            values.add(v);
            n += v.length;
        }
        double[] pooled = new double[n];
        int at = 0;
        double sum = 0;
        for (double[] v : values) {
            System.arraycopy(v, 0, pooled, at, v.length);
            at += v.length;
            sum += Arrays.stream(v).sum();
        }
        Arrays.sort(pooled);
        double lo = pooled[Math.max(0, (int) (n * TAIL) - 1)];
        double hi = pooled[Math.min(n - 1, (int) (n * (1 - TAIL)))];
        double donor = zeroDonor ? 0 : sum / n;
        int flagged = 0;
        for (int k = 0; k < names.size(); k++) {
            double[] v = values.get(k);
            boolean changed = false;
            for (int j = 0; j < v.length; j++) {
                if (Math.abs(v[j] - lo) <= window || Math.abs(v[j] - hi) <= window) {
                    v[j] = donor;
                    flagged++;
                    changed = true;
                }
            }
            if (changed) {
                INDArray w = p.get(names.get(k));
                w.assign(Nd.matrix(v, w.rows(), w.columns()));
            }
        }
        return flagged;
    }
}
