package org.weightgames.scale;

import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.weightgames.adversaries.TaylorFit;
import org.weightgames.adversaries.TaylorInversion;
import org.weightgames.core.Nd;
import org.weightgames.schemes.taylormlp.ReleasedLayer;

/**
 * A second look at the expansion points the in-memory attack fitted, for the neurons of a real
 * model that sit deep in GELU's linear part (a = 8 in MiniLM's layer 1): there every order above
 * the first is some 1e-14 of the first, so the plain least-squares fit cannot tell a = 6.7 from
 * a = 8 (its quotient is flat to machine precision), though the coefficients, stored in floating
 * point, hold every order to full relative precision. Weighting each order by the inverse of its
 * norm (relative least squares) makes every order count: a neuron whose weighted residual at the
 * fitted point is above {@value #TOLERANCE} is searched again over both signs (grid of 0.05 on
 * [-30, 30], then Brent's optimiser), and its column, b and the layer's c follow from the new point.
 */
final class PointRefit {
    static final double TOLERANCE = 1e-9;
    private static final double SPAN = 30;
    private static final double STEP = 0.05;

    private PointRefit() {
    }

    /** One block refitted: per expanded neuron its point, sign, W column and b; c; how many neurons moved. */
    record Refit(double[] a, double[] sign, INDArray w, double[] b, INDArray c, int moved) {
    }

    static Refit refit(TaylorInversion.Recovered r) {
        ReleasedLayer l = r.layer;
        int k = l.expanded.length;
        int orders = l.order;
        double[][] theta = new double[orders][];
        for (int n = 0; n < orders; n++) {
            theta[n] = l.theta[n + 1].dup('c').data().asDouble();
        }
        double[] a = r.a.clone();
        double[] sign = r.sign.clone();
        double[] b = r.b.clone();
        INDArray w = r.w.dup('c');
        double[] pRel = l.p.toDoubleVector();
        int moved = 0;
        double[][] x = new double[orders][l.out];
        double[] g = new double[orders * orders];
        for (int q = 0; q < k; q++) {
            for (int n = 0; n < orders; n++) {
                for (int row = 0; row < l.out; row++) {
                    x[n][row] = theta[n][row * k + q];
                }
            }
            TaylorFit.gram(x, l.out, g);
            double[] d = new double[orders];
            double[] gw = new double[orders * orders];
            for (int n = 0; n < orders; n++) {
                d[n] = g[n * orders + n] > 0 ? 1 / Math.sqrt(g[n * orders + n]) : 0;
            }
            for (int n = 0; n < orders; n++) {
                for (int m = 0; m < orders; m++) {
                    gw[n * orders + m] = g[n * orders + m] * d[n] * d[m];
                }
            }
            double trace = 0;
            for (int n = 0; n < orders; n++) {
                trace += gw[n * orders + n];
            }
            if (trace - weighted(l, sign[q], a[q], gw, d) <= TOLERANCE * trace) {
                continue;
            }
            double bestA = a[q];
            double bestS = sign[q];
            double best = weighted(l, bestS, bestA, gw, d);
            int points = (int) Math.ceil(2 * SPAN / STEP);
            for (double s : new double[] {1, -1}) {
                for (int i = 0; i <= points; i++) {
                    double v = weighted(l, s, -SPAN + i * STEP, gw, d);
                    if (v > best) {
                        best = v;
                        bestA = -SPAN + i * STEP;
                        bestS = s;
                    }
                }
            }
            final double s = bestS;
            UnivariatePointValuePair opt = new BrentOptimizer(1e-14, 1e-300).optimize(new MaxEval(500),
                    new UnivariateObjectiveFunction(t -> weighted(l, s, t, gw, d)), GoalType.MAXIMIZE,
                    new SearchInterval(bestA - STEP, bestA + STEP, bestA));
            if (opt.getValue() >= best) {
                bestA = opt.getPoint();
            }
            a[q] = bestA;
            sign[q] = bestS;
            b[q] = bestA - bestS * pRel[q];
            double[] kappa = TaylorFit.kappa(l.act, bestA, bestS, l.order, 1);
            double kk = TaylorFit.squares(kappa);
            for (int row = 0; row < l.out; row++) {
                double v = 0;
                for (int n = 0; n < orders; n++) {
                    v += kappa[n] * x[n][row];
                }
                w.putScalar(row, q, v / kk);
            }
            moved++;
        }
        INDArray c = l.theta[0].dup();
        double[] act = new double[k];
        for (int q = 0; q < k; q++) {
            act[q] = l.act.value(a[q]);
        }
        c.subi(w.mmul(Nd.vector(act).reshape(k, 1)).reshape(l.out));
        return new Refit(a, sign, w, b, c, moved);
    }

    /** The Rayleigh quotient of the relative fit: kappa weighted by the inverse norms of the orders. */
    private static double weighted(ReleasedLayer l, double s, double a, double[] gw, double[] d) {
        double[] kappa = TaylorFit.kappa(l.act, a, s, l.order, 1);
        for (int n = 0; n < kappa.length; n++) {
            kappa[n] *= d[n];
        }
        return TaylorFit.quotient(kappa, gw);
    }
}
