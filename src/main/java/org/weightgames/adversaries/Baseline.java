package org.weightgames.adversaries;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.AuthorisedUser;
import org.weightgames.game.UserChallenge;
import org.weightgames.game.Distinguisher;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.Scheme;
import org.weightgames.game.WeightExtractor;
import org.weightgames.core.Coins;
import org.weightgames.game.DistinguishChallenge;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.model.Init;
import org.weightgames.model.Network;

/**
 * The trivial adversary every game compares against: it knows the architecture and nothing of the
 * artifact. For {@code ext-w} it answers with a fresh draw of the architecture's initialisation
 * (the matching parameter where the name and shape fit, else N(0, 1/columns)); for {@code ext-f},
 * a freshly initialised network of the architecture; for {@code ind}, a fair coin; for
 * {@code correct}, a user without the release: a freshly initialised network of the architecture
 * (the scale against which the release's error and top-class agreement are read).
 */
public final class Baseline extends AdversaryBase implements WeightExtractor, FunctionExtractor, Distinguisher, AuthorisedUser {
    public static final String ID = "baseline";

    public Baseline() {
        // every scheme; it plays no uc, whose reference is scratch (a guess from the architecture alone that also trains)
        super(ID, "guesses from the architecture alone (fresh initialisation, fair coin): the reference for advantage", Scheme.class);
    }

    @Override
    public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        Map<String, INDArray> init = challenge.architecture().initialize(coins.derive("init")).parameters();
        Map<String, INDArray> guess = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : challenge.protectedShapes().entrySet()) {
            String base = e.getKey().replace("[S]", "");
            long[] shape = e.getValue();
            INDArray candidate = init.get(base);
            if (candidate != null && java.util.Arrays.equals(candidate.shape(), shape)) {
                guess.put(e.getKey(), candidate.dup());
            } else if (shape.length == 2) {
                guess.put(e.getKey(), Init.gaussian(coins, shape[0], shape[1], Math.sqrt(1.0 / Math.max(1, shape[1]))));
            } else {
                guess.put(e.getKey(), Init.gaussianVector(coins, (int) shape[0], 0.1));
            }
        }
        return guess;
    }

    @Override
    public Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        return challenge.architecture().initialize(coins.derive("init"));
    }

    @Override
    public int distinguish(DistinguishChallenge challenge, Coins coins) {
        return coins.nextBoolean() ? 1 : 0;
    }

    @Override
    public Network use(UserChallenge challenge, Coins coins) {
        return challenge.architecture().initialize(coins.derive("init"));
    }
}
