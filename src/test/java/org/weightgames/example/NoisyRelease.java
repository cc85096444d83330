package org.weightgames.example;

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
import org.weightgames.model.Init;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * A worked example of a third-party scheme: release the weights with Gaussian noise of relative
 * size {@code noise} (0.05) added to every parameter tensor. Registered for the tests in
 * {@code src/test/resources/META-INF/services/org.weightgames.game.Scheme}; its claims are in
 * {@code src/test/resources/schemes/example-noisy.json}.
 */
public final class NoisyRelease extends Component implements ReleasesWeights {
    private double noise;

    public NoisyRelease() {
        super("example-noisy", "example: weights released with relative Gaussian noise");
    }

    @Override
    public void init(Params params) {
        noise = params.getDouble("noise", 0.05, 0, 10);
        params.checkAllUsed();
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        Network noisy = original.copy();
        for (Map.Entry<String, INDArray> p : noisy.parameters().entrySet()) {
            INDArray w = p.getValue();
            double scale = noise * Nd.norm(w) / Math.sqrt(w.length());
            INDArray n = Init.gaussianVector(coins.derive(p.getKey()), (int) w.length(), scale).reshape(w.shape());
            w.addi(n);
        }
        Map<String, INDArray> truth = new TreeMap<>();
        original.parameters().forEach((k, v) -> truth.put(k, v.dup()));
        return new Release(new Artifact(id(), NetworkCodec.metadata(noisy), NetworkCodec.tensors(noisy)), () -> truth);
    }

    @Override
    public Network inference(Artifact artifact) {
        return NetworkCodec.decode(artifact);
    }
}
