package org.weightgames.adversaries;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.Distinguisher;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.WeightExtractor;
import org.weightgames.core.Coins;
import org.weightgames.game.DistinguishChallenge;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.ReleasesWeights;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;
import org.weightgames.model.UnitMatching;

/**
 * Reads the weights out of an artifact that holds them ({@link ReleasesWeights} schemes, such as
 * the {@code plain} control): the parameters for ext-w, the decoded network for ext-f, the nearer
 * candidate for ind (up to the order of hidden units). It must win everything against {@code plain}; if it does not, the games are wrong.
 */
public final class ReadWeights extends AdversaryBase implements WeightExtractor, FunctionExtractor, Distinguisher {
    public ReadWeights() {
        super("read-weights", "reads the weights out of a release that holds them (plain and other ReleasesWeights schemes)", ReleasesWeights.class);
    }

    @Override
    public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : challenge.protectedShapes().keySet()) {
            out.put(name, challenge.artifact().tensor(name));
        }
        return out;
    }

    @Override
    public Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        return NetworkCodec.decode(challenge.artifact());
    }

    @Override
    public int distinguish(DistinguishChallenge challenge, Coins coins) {
        Network released = NetworkCodec.decode(challenge.release().artifact());
        return distance(released, challenge.candidate(1)) < distance(released, challenge.candidate(0)) ? 1 : 0;
    }

    /**
     * Squared distance between the parameters of two networks of one architecture, up to the order
     * of hidden units: {@code a}'s units are first matched to {@code b}'s ({@link UnitMatching}), so
     * a release that publishes a candidate's weights in another order is still nearest to it.
     */
    static double distance(Network a, Network b) {
        Map<String, INDArray> pa = a.parameters();
        Map<String, INDArray> pb = b.parameters();
        for (Map.Entry<String, INDArray> e : pa.entrySet()) {
            INDArray other = pb.get(e.getKey());
            if (other == null || !Arrays.equals(other.shape(), e.getValue().shape())) {
                return Double.POSITIVE_INFINITY;
            }
        }
        double s = 0;
        for (Map.Entry<String, INDArray> e : UnitMatching.align(pb, pa, UnitMatching.groups(b)).tensors().entrySet()) {
            double d = Nd.norm(e.getValue().sub(pb.get(e.getKey())));
            s += d * d;
        }
        return s;
    }
}
