package org.weightgames.schemes;

import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.Component;
import org.weightgames.data.Dataset;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.game.Hosted;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.game.Secret;
import org.weightgames.core.WgException;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * The API-hosting control: nothing but the architecture is published; the model answers queries
 * (its output logits) up to the game's budget. What an adversary can extract is what the queries
 * teach it, so advantage should grow with the budget.
 */
public final class OracleAccess extends Component implements Hosted {
    public static final String ID = "oracle";

    public OracleAccess() {
        super(ID, "control: black-box query access to the model, with a budget (the API-hosting model)");
    }

    @Override
    public void init(Params params) {
        params.checkAllUsed();
    }

    /** The secret of a hosted release is the model itself. */
    private record HostedSecret(Network model) implements Secret {
        @Override
        public Map<String, INDArray> protectedParameters() {
            Map<String, INDArray> m = new TreeMap<>();
            model.parameters().forEach((k, v) -> m.put(k, v.dup()));
            return m;
        }
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        Map<String, String> meta = NetworkCodec.metadata(original);
        meta.put("architecture", original.describe());
        return new Release(new Artifact(ID, meta, Map.of()), new HostedSecret(original.copy()));
    }

    @Override
    public Network hostedModel(Release release) {
        return ((HostedSecret) release.secret()).model();
    }

    @Override
    public Network inference(Artifact artifact) {
        throw new WgException("the oracle scheme releases no weights: its model answers only through the query API");
    }
}
