package org.weightgames.adversaries;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.WeightExtractor;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.Hosted;
import org.weightgames.core.Params;
import org.weightgames.game.QueryOracle;
import org.weightgames.model.Network;
import org.weightgames.model.Trainer;

/**
 * Query-based extraction from a hosted model: spend the whole query budget on inputs drawn from the
 * sample oracle, record the API's logits, and fit a surrogate of the public architecture to them
 * (mean squared error on the logits, Adam). For ext-f the surrogate is the answer; for ext-w its
 * parameters are, under the protected names (hidden-unit order and scale are not identifiable from
 * queries, so this stays at the baseline unless the fit lands on the original's exact parametrisation).
 *
 * <p>Parameters: {@code steps} (800), {@code lr} (0.003), {@code batch} (256).
 */
public final class Distillation extends AdversaryBase implements WeightExtractor, FunctionExtractor {
    private int steps;
    private double lr;
    private int batch;

    public Distillation() {
        super("distillation", "queries the hosted model with its whole budget and fits a surrogate of the architecture to the answers", Hosted.class);
    }

    @Override
    public void init(Params params) {
        steps = params.getInt("steps", 800, 1, 1_000_000);
        lr = params.getDouble("lr", 0.003, 1e-7, 1);
        batch = params.getInt("batch", 256, 1, 1 << 16);
        params.checkAllUsed();
    }

    @Override
    public Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        QueryOracle api = challenge.api();
        int n = (int) Math.min(api.remaining(), challenge.samples().remaining());
        INDArray x = challenge.samples().draw(n, coins.derive("inputs"));
        INDArray y = api.query(x);
        Network surrogate = challenge.architecture().initialize(coins.derive("init"));
        new Trainer(lr, batch, steps, 0).regress(surrogate, x, y, coins.derive("fit"));
        return surrogate;
    }

    @Override
    public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        Map<String, INDArray> params = extractFunction(challenge, coins).parameters();
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        for (String name : challenge.protectedShapes().keySet()) {
            INDArray p = params.get(name);
            if (p != null) {
                out.put(name, p.dup());
            }
        }
        return out;
    }
}
