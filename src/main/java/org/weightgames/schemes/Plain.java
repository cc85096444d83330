package org.weightgames.schemes;

import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.Component;
import org.weightgames.data.Dataset;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.game.ReleasesWeights;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * The control that protects nothing: the weights are released as they are. Every extraction game
 * must find it broken; a game or adversary that does not is itself broken. The protected
 * parameters (what ext-w asks for) are all trainable parameters.
 */
public final class Plain extends Component implements ReleasesWeights {
    public static final String ID = "plain";

    public Plain() {
        super(ID, "control: releases the weights as they are (every extraction game must say broken)");
    }

    @Override
    public void init(Params params) {
        params.checkAllUsed();
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        Map<String, INDArray> truth = new TreeMap<>();
        original.parameters().forEach((k, v) -> truth.put(k, v.dup()));
        Artifact art = new Artifact(ID, NetworkCodec.metadata(original), NetworkCodec.tensors(original));
        return new Release(art, () -> {
            Map<String, INDArray> copy = new TreeMap<>();
            truth.forEach((k, v) -> copy.put(k, v.dup()));
            return copy;
        });
    }

    @Override
    public Network inference(Artifact artifact) {
        return NetworkCodec.decode(artifact);
    }
}
