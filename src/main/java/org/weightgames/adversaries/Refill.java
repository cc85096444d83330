package org.weightgames.adversaries;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.WeightExtractor;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.core.Params;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.UsageControl;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.NeuronSurgery;

/**
 * {@code refill}: puts plausible values at the key positions from the statistics of what the
 * locked network kept. Incoming and outgoing weights and biases: Gaussian with the mean and
 * standard deviation of the same layer's remaining entries; batch-norm scale: the largest
 * remaining |gamma| (the key holds the neurons of largest |gamma|, so theirs are at least that);
 * shift and running statistics: the remaining entries' means. In {@code uc} it then fine-tunes
 * on the auxiliary data when {@code tune} (true) and the budget allows; in {@code ext-w} it
 * answers with the refilled values. Parameters: {@code tune}, {@code lr} (0.001), {@code batch} (128).
 */
public final class Refill extends AdversaryBase implements KeylessUser, WeightExtractor {
    private boolean tune;
    private AuxTraining training;

    public Refill() {
        super("refill", "uc/ext-w: refills the removed neurons from the remaining weights' statistics, then fine-tunes", UsageControl.class);
    }

    @Override
    public void init(Params params) {
        tune = params.getBoolean("tune", true);
        training = AuxTraining.from(params);
        params.checkAllUsed();
    }

    @Override
    public Network useWithoutKey(UsageChallenge challenge, Coins coins) {
        Network net = refill(challenge.lockedModel(), challenge.architecture().skeleton(), coins).network();
        return tune ? training.spend(net, challenge, coins.derive("train")) : net;
    }

    @Override
    public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        Network locked = challenge.releasedModel();
        Map<String, INDArray> key = refill(locked, challenge.architecture().skeleton(), coins).key();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : challenge.protectedShapes().entrySet()) {
            INDArray v = key.get(e.getKey());
            if (v == null || !Arrays.equals(v.shape(), e.getValue())) {
                throw new WgException("refill made no " + Arrays.toString(e.getValue()) + " tensor for " + e.getKey());
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * The demo's key (scale and shift zeroed in place, every weight kept): each silenced unit's
     * scale becomes the largest remaining |gamma| of its layer and its shift the remaining mean;
     * the made-up key is the whole scale and shift of each such layer, as the real one.
     */
    private static NeuronSurgery.Removal refillInPlace(Network locked, Map<Integer, int[]> silenced) {
        Network net = locked.copy();
        Map<String, INDArray> key = new LinkedHashMap<>();
        for (Map.Entry<Integer, int[]> e : silenced.entrySet()) {
            Map<String, INDArray> bn = net.layer(e.getKey()).parameters();
            java.util.Set<Integer> gone = new java.util.HashSet<>();
            Arrays.stream(e.getValue()).forEach(gone::add);
            double[] g = bn.get("gamma").dup('c').data().asDouble();
            double[] b = bn.get("beta").dup('c').data().asDouble();
            double maxGamma = 0;
            double sumBeta = 0;
            for (int j = 0; j < g.length; j++) {
                if (!gone.contains(j)) {
                    maxGamma = Math.max(maxGamma, Math.abs(g[j]));
                    sumBeta += b[j];
                }
            }
            double meanBeta = g.length > gone.size() ? sumBeta / (g.length - gone.size()) : 0;
            for (int j : e.getValue()) {
                bn.get("gamma").putScalar(j, maxGamma);
                bn.get("beta").putScalar(j, meanBeta);
            }
            key.put(e.getKey() + ".gamma", bn.get("gamma").dup());
            key.put(e.getKey() + ".beta", bn.get("beta").dup());
        }
        return new NeuronSurgery.Removal(net, key);
    }

    static NeuronSurgery.Removal refill(Network locked, Network template, Coins coins) {
        Map<Integer, int[]> silenced = NeuronSurgery.silenced(locked);
        if (NeuronSurgery.units(locked).equals(NeuronSurgery.units(template)) && !silenced.isEmpty()) {
            return refillInPlace(locked, silenced);
        }
        Coins draw = coins.derive("refill");
        Map<String, INDArray> lockedState = locked.state();
        return NeuronSurgery.widen(locked, template, (name, rows, cols) -> {
            String tensor = name.substring(name.indexOf('.') + 1, name.indexOf('['));
            double[] kept = lockedState.get(name.substring(0, name.indexOf('['))).dup().data().asDouble();
            double mean = Arrays.stream(kept).average().orElse(0);
            double var = Arrays.stream(kept).map(x -> (x - mean) * (x - mean)).average().orElse(0);
            double[] out = new double[Math.toIntExact(rows * cols)];
            if (tensor.equals("gamma")) {
                Arrays.fill(out, Arrays.stream(kept).map(Math::abs).max().orElse(1));
            } else if (tensor.equals("W") || tensor.equals("b")) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = mean + Math.sqrt(var) * draw.nextGaussian();
                }
            } else {
                Arrays.fill(out, mean);
            }
            return Nd.matrix(out, rows, cols);
        });
    }
}
