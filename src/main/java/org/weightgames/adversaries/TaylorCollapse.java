package org.weightgames.adversaries;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.weightgames.game.AdversaryBase;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.core.Params;
import org.weightgames.model.Layer;
import org.weightgames.model.Network;
import org.weightgames.schemes.taylormlp.TaylorCoefficients;
import org.weightgames.schemes.taylormlp.TaylorLayout;

/**
 * Builds, from a TaylorMLP artifact, a model that costs what the original costs (one
 * down-projection per block, not N or N + 1). With {@code mode=exact} (default) it runs the
 * inversion and evaluates the activation at the recovered points, which reproduces the original
 * network itself; with {@code mode=polynomial} it only folds each neuron's polynomial (the
 * coefficient ratios Theta_n[:, j] / w_j) and so reproduces the released function, truncation
 * error included, at the original's cost.
 */
public final class TaylorCollapse extends AdversaryBase implements FunctionExtractor {
    public static final String ID = "taylor-collapse";
    private String mode;
    private SearchRange range;

    public TaylorCollapse() {
        super(ID, "collapses TaylorMLP's N+1 products into one: a model of the original's cost built from the artifact", TaylorLayout.class);
    }

    @Override
    public void init(Params params) {
        mode = params.getString("mode", "exact", Set.of("exact", "polynomial"));
        range = SearchRange.from(params);
        params.checkAllUsed();
    }

    @Override
    public Network extractFunction(ExtractionChallenge challenge, Coins coins) {
        List<TaylorInversion.Recovered> rec = TaylorInversion.recover(challenge.artifact(), range);
        if (mode.equals("exact")) {
            return TaylorInversion.rebuild(rec);
        }
        List<Layer> layers = new ArrayList<>();
        for (TaylorInversion.Recovered r : rec) {
            int k = r.layer.expanded.length;
            double[][] kappa = new double[k][];
            for (int q = 0; q < k; q++) {
                kappa[q] = TaylorCoefficients.kappa(r.layer.act, r.a[q], r.sign[q], r.layer.order);
            }
            layers.add(new FoldedTaylorBlock(r.layer, r.w, kappa));
        }
        return new Network(layers);
    }
}
