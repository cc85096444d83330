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

    /**
     * The chosen activation, every candidate's median residual, the signs under the chosen one and
     * each neuron's (scaled) kappa at its sign, kappa[j][n].
     */
    record Guess(Activation activation, Map<String, Double> medianResidual, double[] sign, double[][] kappa, boolean identified) {
    }

    /** Neurons the activation is identified from when the fit reads only the orders it needs. */
    static final int IDENTIFY_NEURONS = 512;

    /** The first rows of a block's coefficients, as the layout stores them. */
    interface Probe {
        /**
         * Row r of orders 0 .. dst.length - 1 for neurons 0 .. count - 1, into dst[n] (scaled to the
         * series' coefficients where the layout stores them otherwise).
         */
        void row(int r, double[][] dst, int count);
    }

    /**
     * The signs and activation of a block from every neuron's Gram matrix over the first
     * {@code rows} rows of every order (orders 0 and 1 alone would not do: f(-x) = f(x) - x for
     * SiLU, GELU and tanh-GELU makes the two signs' coefficients agree from order 2 on, and those
     * shared orders pin the fit's scale that orders 0 and 1 leave free near f(p) = p f'(p)). The
     * activation, unless given, is identified over every neuron ({@link Fit#ALL}, as the in-memory
     * attack), or over the first {@value #IDENTIFY_NEURONS} ({@link Fit#NEEDED}: a wrong activation
     * leaves a median residual orders of magnitude above the right one's on any of them).
     */
    static Guess guess(Probe probe, int rows, int order, double[] pRel, Activation given, Fit fit, int threads, String where) {
        if (fit == Fit.ALL || given != null || pRel.length <= IDENTIFY_NEURONS) {
            return fitted(probe, rows, order, pRel, pRel.length, given, threads, where);
        }
        Guess id = fitted(probe, rows, order, pRel, IDENTIFY_NEURONS, null, threads, where);
        Guess signs = fitted(probe, rows, order, pRel, pRel.length, id.activation(), threads, where);
        return new Guess(id.activation(), id.medianResidual(), signs.sign(), signs.kappa(), true);
    }

    private static Guess fitted(Probe probe, int rows, int order, double[] pRel, int count, Activation given, int threads,
            String where) {
        int orders = order + 1;
        // p[n][r][j]: row r of order n of neuron j; every neuron's Gram matrix over these rows decides its sign
        double[][][] p = new double[orders][rows][count];
        double[][] dst = new double[orders][];
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < orders; n++) {
                dst[n] = p[n][r];
            }
            probe.row(r, dst, count);
        }
        double[][] gram = new double[count][orders * orders];
        Rows.parallel(count, threads, (worker, from, to) -> TaylorFit.grams(p, (int) from, (int) to, gram));
        double[] ones = new double[orders];
        java.util.Arrays.fill(ones, 1);
        return choose(gram, count == pRel.length ? pRel : java.util.Arrays.copyOf(pRel, count), order, ones, given, threads, where);
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
        List<double[][]> kappas = new ArrayList<>();
        for (Activation act : acts) {
            double[] res = new double[hidden];
            double[] sign = new double[hidden];
            double[][] kappa = new double[hidden][];
            Rows.parallel(hidden, threads, (worker, from, to) -> {
                for (int j = (int) from; j < to; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (double s : new double[] {1, -1}) {
                        double[] k = kappa(act, pRel[j], s, order, scale);
                        double q = TaylorFit.quotient(k, gram[j]);
                        if (q > best) {
                            best = q;
                            sign[j] = s;
                            kappa[j] = k;
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
            kappas.add(kappa);
        }
        int bestAct = 0;
        for (int i = 1; i < acts.size(); i++) {
            if (med.get(acts.get(i).id()) < med.get(acts.get(bestAct).id())) {
                bestAct = i;
            }
        }
        return new Guess(acts.get(bestAct), med, signs.get(bestAct), kappas.get(bestAct), given == null);
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
