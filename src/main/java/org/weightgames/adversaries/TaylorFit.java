package org.weightgames.adversaries;

import java.util.Arrays;

import org.weightgames.model.Activation;
import org.weightgames.schemes.taylormlp.TaylorCoefficients;

/**
 * The taylor-inversion attack's arithmetic for one neuron, shared by the in-memory adversary
 * ({@link TaylorInversion}) and the streamed attack ({@code scale.StreamingInversion}). Every
 * released column Theta_n[:, j] is w_j kappa_n with kappa_n = s^n c_n(a):
 * <ul>
 * <li>the Gram matrix G of the neuron's columns over the rows read ({@link #gram});</li>
 * <li>for a candidate (s, a), the best rank-one fit leaves trace(G) - kappa' G kappa / kappa' kappa,
 * so the candidate with the larger Rayleigh quotient ({@link #quotient}) wins; a SwiGLU neuron's
 * point is public up to its sign, a = s p', so only the sign is tried ({@link #gatedSign});</li>
 * <li>w_j by least squares over the orders read, w_j[r] = sum_n kappa_n Theta_n[r, j] / sum kappa^2,
 * one order at a time ({@link #accumulate}): in double term by term, or, for a streamed artifact
 * of floats, in single precision with the weights kappa_n / sum kappa^2 rounded once so that one
 * multiply-add per coefficient read remains.</li>
 * </ul>
 */
public final class TaylorFit {
    private TaylorFit() {
    }

    /** A candidate (s, a) of one neuron, its coefficients kappa (from the first order fitted) and its quotient. */
    public record Fit(double s, double a, double[] kappa, double quotient) {
    }

    /**
     * kappa_n = s^n c_n(a) for n = first..order: the orders the fit sees (first 1 for a plain block,
     * whose zero-order terms are collapsed into one vector).
     */
    public static double[] kappa(Activation act, double a, double s, int order, int first) {
        double[] k = TaylorCoefficients.kappa(act, a, s, order);
        return first == 0 ? k : Arrays.copyOfRange(k, first, k.length);
    }

    /** The candidate (s, a) fitted to the Gram matrix {@code g}. */
    public static Fit fit(Activation act, double s, double a, double[] g, int order, int first) {
        double[] k = kappa(act, a, s, order, first);
        return new Fit(s, a, k, quotient(k, g));
    }

    /** Neurons whose Gram matrices {@link #grams} fills at a time: their matrices and probe columns stay in the core's cache. */
    private static final int GRAM_BLOCK = 256;

    /**
     * The Gram matrices of neurons {@code from .. to} at once, from a probe laid out by order, row
     * and neuron ({@code probe[n][r][j]}): gram[j][n * orders + m] = sum_r probe[n][r][j] probe[m][r][j],
     * the sums of {@link #gram} in the same order, with the neuron index innermost so that the JIT
     * vectorises the loop, {@value #GRAM_BLOCK} neurons at a time (one pass per pair of orders over
     * every neuron's matrix would write each matrix's cache lines (N+1)(N+2)/2 times from memory).
     */
    public static void grams(double[][][] probe, int from, int to, double[][] gram) {
        int orders = probe.length;
        int rows = probe[0].length;
        double[] s = new double[to]; // indexed as the probe, so that every access in the loop has the same index
        for (int b0 = from; b0 < to; b0 += GRAM_BLOCK) {
            int b1 = Math.min(to, b0 + GRAM_BLOCK);
            for (int n = 0; n < orders; n++) {
                for (int m = n; m < orders; m++) {
                    java.util.Arrays.fill(s, b0, b1, 0);
                    for (int r = 0; r < rows; r++) {
                        double[] a = probe[n][r];
                        double[] b = probe[m][r];
                        for (int j = b0; j < b1; j++) {
                            s[j] += a[j] * b[j];
                        }
                    }
                    for (int j = b0; j < b1; j++) {
                        gram[j][n * orders + m] = s[j];
                        gram[j][m * orders + n] = s[j];
                    }
                }
            }
        }
    }

    /**
     * The Gram matrix of one neuron, g[n * orders + m] = sum_r x[n][r] x[m][r], where x[n] holds its
     * coefficients of the n-th order fitted over {@code rows} rows.
     */
    public static void gram(double[][] x, int rows, double[] g) {
        int orders = x.length;
        for (int n = 0; n < orders; n++) {
            for (int m = n; m < orders; m++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += x[n][r] * x[m][r];
                }
                g[n * orders + m] = s;
                g[m * orders + n] = s;
            }
        }
    }

    /** kappa' G kappa / kappa' kappa; negative infinity when kappa is zero. */
    public static double quotient(double[] kappa, double[] g) {
        int orders = kappa.length;
        double num = 0;
        double den = 0;
        for (int n = 0; n < orders; n++) {
            den += kappa[n] * kappa[n];
            for (int m = 0; m < orders; m++) {
                num += kappa[n] * g[n * orders + m] * kappa[m];
            }
        }
        return den > 0 ? num / den : Double.NEGATIVE_INFINITY;
    }

    /** The sign of a SwiGLU neuron with released point p': the better of a = p' (s = +1, kept on a tie) and a = -p' (s = -1). */
    public static Fit gatedSign(Activation act, double pRel, double[] g, int order) {
        Fit best = null;
        for (double s : new double[] {1, -1}) {
            Fit f = fit(act, s, s * pRel, g, order, 0);
            if (best == null || f.quotient() > best.quotient()) {
                best = f;
            }
        }
        return best;
    }

    /** sum_n kappa_n^2, the denominator of the weights. */
    public static double squares(double[] kappa) {
        double kk = 0;
        for (double v : kappa) {
            kk += v * v;
        }
        return kk;
    }

    /**
     * One order's share of a row of W in double precision: acc[j] += kappa[j] theta[j] / kk[j] for
     * j &lt; len, where kappa[j] is that order's kappa of neuron j and kk[j] its {@link #squares}.
     */
    public static void accumulate(double[] kappa, double[] kk, double[] theta, double[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] += kappa[j] * theta[j] / kk[j];
        }
    }

    /** The first order's share of a row of W in single precision: acc[j] = a[j] theta[j] (the same bits as 0 + a[j] theta[j]). */
    public static void assign(float[] a, float[] theta, float[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] = a[j] * theta[j];
        }
    }

    /** One order's share of a row of W in single precision: acc[j] += a[j] theta[j], a that order's weight kappa_n / sum kappa^2. */
    public static void accumulate(float[] a, float[] theta, float[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] += a[j] * theta[j];
        }
    }

    /** The relative residual of the rank-one fit with this quotient: near machine precision when exact. */
    public static double residual(double[] g, int orders, double quotient) {
        double trace = 0;
        for (int n = 0; n < orders; n++) {
            trace += g[n * orders + n];
        }
        return Math.max(0, trace - quotient) / Math.max(trace, Double.MIN_NORMAL);
    }
}
