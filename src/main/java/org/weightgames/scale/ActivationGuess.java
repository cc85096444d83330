package org.weightgames.scale;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.weightgames.adversaries.TaylorFit;
import org.weightgames.core.Numerics;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.schemes.taylormlp.TaylorCoefficients;

/**
 * Each neuron's sign and the block's activation, from the Gram matrices of a few rows of its
 * coefficients (the probe). Neuron j's columns are w_j times kappa_n = scale_n s^n c_n(s p'_j),
 * with p'_j public; for each candidate activation and sign the best rank-one fit leaves a relative
 * residual ({@link TaylorFit#residual}); the neuron takes the better sign, the block the activation
 * whose median residual over its neurons is the smallest (exact fits leave ~1e-15 in double, the
 * dtype's precision otherwise; a wrong activation leaves orders of magnitude more).
 */
final class ActivationGuess {
    /** The analytic activations TaylorMLP expands. */
    static final List<Activation> CANDIDATES = List.of(Activation.SILU, Activation.GELU, Activation.GELU_TANH);

    private ActivationGuess() {
    }

    /** The chosen activation, every candidate's median residual, and the signs under the chosen one. */
    record Guess(Activation activation, Map<String, Double> medianResidual, double[] sign, boolean identified) {
    }

    /** kappa_n of one neuron for a candidate (activation, sign), scaled per order (n! for the authors' layout). */
    static double[] kappa(Activation act, double pRel, double s, int order, double[] scale) {
        double[] k = TaylorCoefficients.kappa(act, s * pRel, s, order);
        for (int n = 0; n <= order; n++) {
            k[n] *= scale[n];
        }
        return k;
    }

    /**
     * @param gram    gram[j] of neuron j, (order+1)^2 entries
     * @param given   the activation to use, or null to identify it among {@link #CANDIDATES}
     */
    static Guess choose(double[][] gram, double[] pRel, int order, double[] scale, Activation given, int threads, String where) {
        List<Activation> acts = given != null ? List.of(given) : CANDIDATES;
        int hidden = pRel.length;
        int orders = order + 1;
        Map<String, Double> med = new LinkedHashMap<>();
        List<double[]> signs = new ArrayList<>();
        for (Activation act : acts) {
            double[] res = new double[hidden];
            double[] sign = new double[hidden];
            Rows.parallel(hidden, threads, (worker, from, to) -> {
                for (int j = (int) from; j < to; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (double s : new double[] {1, -1}) {
                        double q = TaylorFit.quotient(kappa(act, pRel[j], s, order, scale), gram[j]);
                        if (q > best) {
                            best = q;
                            sign[j] = s;
                        }
                    }
                    if (Double.isNaN(best) || best == Double.NEGATIVE_INFINITY) {
                        throw new WgException(where + ": neuron " + j + " has NaN or degenerate coefficients; the artifact is damaged");
                    }
                    res[j] = TaylorFit.residual(gram[j], orders, best);
                }
            });
            med.put(act.id(), Numerics.median(res));
            signs.add(sign);
        }
        int bestAct = 0;
        for (int i = 1; i < acts.size(); i++) {
            if (med.get(acts.get(i).id()) < med.get(acts.get(bestAct).id())) {
                bestAct = i;
            }
        }
        return new Guess(acts.get(bestAct), med, signs.get(bestAct), given == null);
    }

    /** Parses {@code --activation}: null (identify) for "auto". */
    static Activation parse(String id) {
        if (id == null || id.equals("auto")) {
            return null;
        }
        try {
            Activation a = Activation.byId(id);
            if (!CANDIDATES.contains(a)) {
                throw new IllegalArgumentException("not analytic");
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new WgException("--activation '" + id + "' is not one TaylorMLP expands; use silu, gelu, gelu-tanh or auto");
        }
    }
}
