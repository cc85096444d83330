package org.weightgames.schemes.taylormlp;

import org.apache.commons.math3.special.Erf;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;

/**
 * Taylor coefficients c_k = f^(k)(a) / k!, k = 0..order, of SiLU and exact GELU at a point,
 * by factorial-free recursions in double precision:
 * <ul>
 * <li>sigmoid s: a_0 = s(a), a_{k+1} = (a_k - sum_{i=0..k} a_i a_{k-i}) / (k+1) (from s' = s(1-s));
 * SiLU(a + d) = (a + d) s(a + d), so c_0 = a a_0 and c_k = a a_k + a_{k-1};</li>
 * <li>normal density phi: b_0 = phi(a), b_1 = -a phi(a), b_{k+1} = -(a b_k + b_{k-1}) / (k+1)
 * (from phi' = -x phi); Phi: C_0 = Phi(a), C_k = b_{k-1} / k; GELU = x Phi: c_0 = a C_0,
 * c_k = a C_k + C_{k-1}.</li>
 * </ul>
 */
public final class TaylorCoefficients {
    private TaylorCoefficients() {
    }

    public static double[] of(Activation act, double a, int order) {
        switch (act) {
            case SILU:
                return silu(a, order);
            case GELU:
                return gelu(a, order);
            case GELU_TANH:
                return geluTanh(a, order);
            default:
                throw new WgException("TaylorMLP needs an analytic activation (silu, gelu or gelu-tanh); " + act.id()
                        + " has no Taylor series at its kink and would be released in the clear; TaylorMLP expands silu, gelu or gelu-tanh");
        }
    }

    public static double[] silu(double a, int order) {
        double[] s = new double[order + 1];
        s[0] = 1 / (1 + Math.exp(-a));
        for (int k = 0; k < order; k++) {
            double conv = 0;
            for (int i = 0; i <= k; i++) {
                conv += s[i] * s[k - i];
            }
            s[k + 1] = (s[k] - conv) / (k + 1);
        }
        double[] c = new double[order + 1];
        c[0] = a * s[0];
        for (int k = 1; k <= order; k++) {
            c[k] = a * s[k] + s[k - 1];
        }
        return c;
    }

    public static double[] gelu(double a, int order) {
        double[] b = new double[order + 1];
        b[0] = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
        if (order >= 1) {
            b[1] = -a * b[0];
        }
        for (int k = 1; k < order; k++) {
            b[k + 1] = -(a * b[k] + b[k - 1]) / (k + 1);
        }
        double[] cdf = new double[order + 1];
        cdf[0] = 0.5 * Erf.erfc(-a / Math.sqrt(2));
        for (int k = 1; k <= order; k++) {
            cdf[k] = b[k - 1] / k;
        }
        double[] c = new double[order + 1];
        c[0] = a * cdf[0];
        for (int k = 1; k <= order; k++) {
            c[k] = a * cdf[k] + cdf[k - 1];
        }
        return c;
    }

    /**
     * GELU's tanh approximation g(x) = 0.5 x (1 + tanh(u(x))), u(x) = C (x + K x^3), by power-series
     * arithmetic around a: u(a + d) is the cubic u_0 + u_1 d + u_2 d^2 + u_3 d^3; t = tanh(u) obeys
     * t' = (1 - t^2) u', so (k+1) t_{k+1} = sum_{i=0..k} w_i (k-i+1) u_{k-i+1} with w = 1 - t^2;
     * then c_0 = 0.5 a (1 + t_0), c_k = 0.5 (a t_k + t_{k-1}) (+ 0.5 at k = 1).
     */
    public static double[] geluTanh(double a, int order) {
        double cc = Activation.TANH_C;
        double kk = Activation.TANH_K;
        double[] u = {cc * (a + kk * a * a * a), cc * (1 + 3 * kk * a * a), cc * 3 * kk * a, cc * kk};
        double[] t = new double[order + 1];
        double[] w = new double[order + 1];
        t[0] = Math.tanh(u[0]);
        for (int k = 0; k < order; k++) {
            double sq = 0;
            for (int i = 0; i <= k; i++) {
                sq += t[i] * t[k - i];
            }
            w[k] = (k == 0 ? 1 : 0) - sq;
            double s = 0;
            for (int i = 0; i <= k; i++) {
                int m = k - i + 1;
                if (m <= 3) {
                    s += w[i] * m * u[m];
                }
            }
            t[k + 1] = s / (k + 1);
        }
        double[] c = new double[order + 1];
        c[0] = 0.5 * a * (1 + t[0]);
        for (int k = 1; k <= order; k++) {
            c[k] = 0.5 * (a * t[k] + t[k - 1]) + (k == 1 ? 0.5 : 0);
        }
        return c;
    }

    /**
     * The coefficients of one neuron as TaylorMLP releases them: kappa_n = s^n c_n(a), n = 0..order,
     * for the secret sign s (+1 or -1) and the expansion point a. Theta_n[:, j] = W[:, j] kappa_n of
     * neuron j, so this is what the release multiplies, what the attack fits and what a collapse
     * evaluates; for s = +-1 every product is exact.
     */
    public static double[] kappa(Activation act, double a, double s, int order) {
        double[] c = of(act, a, order);
        double sn = 1;
        for (int n = 0; n <= order; n++) {
            c[n] *= sn;
            sn *= s;
        }
        return c;
    }

    /**
     * Radius of convergence of the series at a: SiLU's sigmoid has poles at +-i pi, so
     * sqrt(a^2 + pi^2); tanh-GELU's tanh has poles where u(z) = i pi (m + 1/2), the distance to the
     * nearest of those roots ({@link TanhPoles}); GELU is entire (infinite radius, though
     * convergence is not monotone).
     */
    public static double radius(Activation act, double a) {
        switch (act) {
            case SILU:
                return Math.hypot(a, Math.PI);
            case GELU_TANH:
                return TanhPoles.radius(a);
            default:
                return Double.POSITIVE_INFINITY;
        }
    }

    /** Evaluates sum_k c_k d^k by Horner's rule. */
    public static double evaluate(double[] c, double d) {
        double v = 0;
        for (int k = c.length - 1; k >= 0; k--) {
            v = v * d + c[k];
        }
        return v;
    }
}
