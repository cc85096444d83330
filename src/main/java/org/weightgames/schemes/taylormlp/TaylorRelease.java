package org.weightgames.schemes.taylormlp;

import org.weightgames.core.Coins;
import org.weightgames.model.Activation;

/**
 * TaylorMLP's release of one block's expanded neurons, the arithmetic the in-memory scheme
 * ({@link TaylorMlp}) and the streamed release ({@code scale.StreamingTaylor}) share: the secret
 * signs, the expansion points, the per-neuron coefficients kappa and the released rows. Where the
 * data come from (INDArrays or a memory-mapped checkpoint, row by row) is the callers' business.
 */
public final class TaylorRelease {
    private TaylorRelease() {
    }

    /** The secret signs s_q of k neurons, -1 or +1 from {@code coins}; all +1, drawing nothing, without {@code flip}. */
    public static double[] signs(int k, Coins coins, boolean flip) {
        double[] s = new double[k];
        for (int q = 0; q < k; q++) {
            s[q] = flip && coins.nextBoolean() ? -1 : 1;
        }
        return s;
    }

    /** The expansion point of a neuron whose calibrated pre-activation spans [lo, hi]: the midpoint. */
    public static double point(double lo, double hi) {
        return 0.5 * (lo + hi);
    }

    /**
     * kappa[n][q] = s_q^n c_n(a_q), n = 0..order ({@link TaylorCoefficients#kappa}): Theta_n[:, q]
     * is W[:, q] kappa[n][q].
     */
    public static double[][] kappa(Activation act, double[] a, double[] sign, int order) {
        double[][] kappa = new double[order + 1][a.length];
        for (int q = 0; q < a.length; q++) {
            double[] k = TaylorCoefficients.kappa(act, a[q], sign[q], order);
            for (int n = 0; n <= order; n++) {
                kappa[n][q] = k[n];
            }
        }
        return kappa;
    }

    /** A row of Theta_n from the same row of W (the expanded neurons' columns): out[q] = w[q] kappa_n[q]. */
    public static void thetaRow(double[] w, double[] kappaN, double[] out) {
        for (int q = 0; q < out.length; q++) {
            out[q] = w[q] * kappaN[q];
        }
    }

    /** p' = s p, the released points. */
    public static double[] signed(double[] p, double[] sign) {
        double[] o = new double[p.length];
        for (int q = 0; q < p.length; q++) {
            o[q] = sign[q] * p[q];
        }
        return o;
    }

    /** A row of V (or V_gate) as released: times its neuron's sign, in place (the sign is its own inverse). */
    public static void signRow(double[] row, double sign) {
        for (int i = 0; i < row.length; i++) {
            row[i] *= sign;
        }
    }
}
