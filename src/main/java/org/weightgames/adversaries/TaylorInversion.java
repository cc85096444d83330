package org.weightgames.adversaries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.AdversaryBase;
import org.weightgames.game.Distinguisher;
import org.weightgames.game.WeightExtractor;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.game.DistinguishChallenge;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.core.Params;
import org.weightgames.model.Layer;
import org.weightgames.model.MlpBlock;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.SwiGluBlock;
import org.weightgames.schemes.taylormlp.ReleasedLayer;
import org.weightgames.schemes.taylormlp.TaylorLayout;

/**
 * The algebraic attack on TaylorMLP. For an expanded neuron j every released column
 * Theta_n[:, j] equals w_j times kappa_n = s^n c_n(a_j), where c_n are the activation's Taylor
 * coefficients at a_j = p_j + b_j and s the secret sign. With G the Gram matrix of the columns,
 * the best rank-one fit for a given (s, a) leaves residual trace(G) - kappa' G kappa / kappa' kappa,
 * so (s, a) maximises a Rayleigh quotient that costs O(N^2) per evaluation whatever the width:
 * a grid over a for both signs, then the root of the ratio equation between the two strongest
 * orders (Brent, to machine precision). Then w_j by least squares over all orders, b_j = a_j - s p'_j,
 * and c = theta_0 - sum_j w_j act(a_j). For SwiGLU the point is public up to sign (a = s p'), so
 * only the sign is searched.
 *
 * <p>Parameters: {@code span} half-width of the search for a around 0 (30), {@code step} grid step (0.05).
 */
public final class TaylorInversion extends AdversaryBase implements WeightExtractor, Distinguisher {
    public static final String ID = "taylor-inversion";
    private SearchRange range;

    public TaylorInversion() {
        super(ID, "algebraic inversion of TaylorMLP coefficients: recovers W, b, c (or W_down) of every expanded neuron", TaylorLayout.class);
    }

    @Override
    public void init(Params params) {
        range = SearchRange.from(params);
        params.checkAllUsed();
    }

    @Override
    public Map<String, INDArray> extractWeights(ExtractionChallenge challenge, Coins coins) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Recovered r : recover(challenge.artifact(), range)) {
            out.put(r.layer.names.secretW(r.layer.gated), r.w);
            if (!r.layer.gated) {
                out.put(r.layer.names.secretB(), Nd.vector(r.b));
                out.put(r.layer.names.secretC(), r.c);
            }
        }
        return out;
    }

    /** Recovers both candidates' parameters from their own networks and picks the nearer one. */
    @Override
    public int distinguish(DistinguishChallenge challenge, Coins coins) {
        Network rebuilt = rebuild(recover(challenge.release().artifact(), range));
        double d0 = ReadWeights.distance(rebuilt, challenge.candidate(0));
        double d1 = ReadWeights.distance(rebuilt, challenge.candidate(1));
        return d1 < d0 ? 1 : 0;
    }

    /** One block's recovered parameters. */
    public static final class Recovered {
        public final ReleasedLayer layer;
        /** W (or W_down) columns of the expanded neurons, [out, k]. */
        public final INDArray w;
        /** Recovered expansion points a_j = p_j + b_j of the expanded neurons. */
        public final double[] a;
        /** Recovered signs s_j. */
        public final double[] sign;
        /** b of the expanded neurons (plain block only). */
        public final double[] b;
        /** c (plain block only). */
        public final INDArray c;
        /** Largest relative residual of a neuron's rank-one fit: near machine precision when exact. */
        public final double worstResidual;

        Recovered(ReleasedLayer layer, INDArray w, double[] a, double[] sign, double[] b, INDArray c, double worst) {
            this.layer = layer;
            this.w = w;
            this.a = a;
            this.sign = sign;
            this.b = b;
            this.c = c;
            this.worstResidual = worst;
        }
    }

    /** Runs the attack over every block of a TaylorMLP artifact. */
    public static List<Recovered> recover(Artifact artifact, SearchRange range) {
        List<Recovered> all = new ArrayList<>();
        for (ReleasedLayer l : ReleasedLayer.parse(artifact)) {
            all.add(recoverLayer(l, range.span(), range.step()));
        }
        return all;
    }

    private static Recovered recoverLayer(ReleasedLayer l, double span, double step) {
        int k = l.expanded.length;
        int first = l.gated ? 0 : 1;
        int orders = l.order + 1 - first;
        double[] pRel = l.p.toDoubleVector();
        // columns of every order: cols[n][q] is Theta_{first+n}[:, q]
        double[][][] cols = new double[orders][][];
        for (int n = 0; n < orders; n++) {
            cols[n] = transposeToColumns(l.theta[first + n]);
        }
        double[] a = new double[k];
        double[] sign = new double[k];
        double[] b = new double[k];
        // kappa[n][q]: the fitted coefficient of order first+n of neuron q; kk[q] their sum of squares
        double[][] kappa = new double[orders][k];
        double[] kk = new double[k];
        double worst = 0;
        double[][] x = new double[orders][];
        double[] g = new double[orders * orders];
        for (int q = 0; q < k; q++) {
            for (int n = 0; n < orders; n++) {
                x[n] = cols[n][q];
            }
            TaylorFit.gram(x, l.out, g);
            TaylorFit.Fit best = null;
            if (l.gated) {
                best = TaylorFit.gatedSign(l.act, pRel[q], g, l.order);
            } else {
                for (double s : new double[] {1, -1}) {
                    TaylorFit.Fit f = search(l, s, g, first, span, step);
                    if (best == null || f.quotient() > best.quotient()) {
                        best = f;
                    }
                }
            }
            for (int n = 0; n < orders; n++) {
                kappa[n][q] = best.kappa()[n];
            }
            kk[q] = TaylorFit.squares(best.kappa());
            a[q] = best.a();
            sign[q] = best.s();
            b[q] = best.a() - best.s() * pRel[q];
            worst = Math.max(worst, TaylorFit.residual(g, orders, best.quotient()));
        }
        // W row by row, as the streamed attack does: w[r, q] = sum_n kappa[n][q] Theta_{first+n}[r, q] / kk[q]
        double[][] theta = new double[orders][];
        for (int n = 0; n < orders; n++) {
            theta[n] = l.theta[first + n].dup('c').data().asDouble();
        }
        double[] all = new double[l.out * k];
        double[] acc = new double[k];
        double[] row = new double[k];
        for (int r = 0; r < l.out; r++) {
            java.util.Arrays.fill(acc, 0);
            for (int n = 0; n < orders; n++) {
                System.arraycopy(theta[n], r * k, row, 0, k);
                TaylorFit.accumulate(kappa[n], kk, row, acc, k);
            }
            System.arraycopy(acc, 0, all, r * k, k);
        }
        INDArray w = Nd.matrix(all, l.out, k);
        INDArray c = null;
        if (!l.gated) {
            c = l.theta[0].dup();
            double[] act = new double[k];
            for (int q = 0; q < k; q++) {
                act[q] = l.act.value(a[q]);
            }
            c.subi(w.mmul(Nd.vector(act).reshape(k, 1)).reshape(l.out));
        }
        return new Recovered(l, w, a, sign, l.gated ? null : b, c, worst);
    }

    /**
     * The maximiser of the Rayleigh quotient over a for sign s: a grid, then Brent's optimiser in the
     * best cell, then the root of the ratio equation next to it.
     */
    private static TaylorFit.Fit search(ReleasedLayer l, double s, double[] g, int first, double span, double step) {
        TaylorFit.Fit best = null;
        int points = (int) Math.ceil(2 * span / step);
        for (int i = 0; i <= points; i++) {
            TaylorFit.Fit f = TaylorFit.fit(l.act, s, -span + i * step, g, l.order, first);
            if (best == null || f.quotient() > best.quotient()) {
                best = f;
            }
        }
        // 1. the maximiser of the quotient inside the grid cell (Brent's optimiser, ~1e-8 in a)
        final double sign = s;
        org.apache.commons.math3.analysis.UnivariateFunction quotient = x -> TaylorFit.fit(l.act, sign, x, g, l.order, first)
                .quotient();
        org.apache.commons.math3.optim.univariate.UnivariatePointValuePair opt =
                new org.apache.commons.math3.optim.univariate.BrentOptimizer(1e-12, 1e-14).optimize(
                        new org.apache.commons.math3.optim.MaxEval(500),
                        new org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction(quotient),
                        org.apache.commons.math3.optim.nonlinear.scalar.GoalType.MAXIMIZE,
                        new org.apache.commons.math3.optim.univariate.SearchInterval(best.a() - step, best.a() + step, best.a()));
        TaylorFit.Fit optimum = TaylorFit.fit(l.act, s, opt.getPoint(), g, l.order, first);
        if (optimum.quotient() > best.quotient()) {
            best = optimum;
        }
        int orders = l.order + 1 - first;
        if (orders < 2) {
            return best;
        }
        // 2. the root of the ratio equation between the two strongest orders m, r, which holds
        // exactly at the true a: kappa_m(a) G[r][m] - kappa_r(a) G[m][m] = 0 (machine precision)
        int m = 0;
        for (int n = 1; n < orders; n++) {
            if (g[n * orders + n] > g[m * orders + m]) {
                m = n;
            }
        }
        int r = m == 0 ? 1 : 0;
        for (int n = 0; n < orders; n++) {
            if (n != m && g[n * orders + n] > g[r * orders + r]) {
                r = n;
            }
        }
        final int mm = m;
        final int rr = r;
        org.apache.commons.math3.analysis.UnivariateFunction ratio = x -> {
            double[] kappa = TaylorFit.kappa(l.act, x, sign, l.order, first);
            return kappa[mm] * g[rr * orders + mm] - kappa[rr] * g[mm * orders + mm];
        };
        double trace = 0;
        for (int n = 0; n < orders; n++) {
            trace += g[n * orders + n];
        }
        for (double half : new double[] {1e-6, 1e-4, 1e-2, step}) {
            double lo = best.a() - half;
            double hi = best.a() + half;
            if (ratio.value(lo) * ratio.value(hi) < 0) {
                double root = new BrentSolver(1e-15, 1e-15).solve(200, ratio, lo, hi, best.a());
                TaylorFit.Fit polished = TaylorFit.fit(l.act, s, root, g, l.order, first);
                if (polished.quotient() >= best.quotient() - 1e-12 * trace) {
                    return polished;
                }
                break;
            }
        }
        return best;
    }

    private static double[][] transposeToColumns(INDArray m) {
        int cols = (int) m.columns();
        double[][] out = new double[cols][];
        double[] all = m.dup('c').data().asDouble();
        int rows = (int) m.rows();
        for (int q = 0; q < cols; q++) {
            double[] c = new double[rows];
            for (int r = 0; r < rows; r++) {
                c[r] = all[r * cols + q];
            }
            out[q] = c;
        }
        return out;
    }

    /**
     * The original network rebuilt from the recovery: same architecture and parameters as the
     * original (V with the signs undone, W assembled from recovered and plaintext columns).
     */
    public static Network rebuild(List<Recovered> recovered) {
        List<Layer> layers = new ArrayList<>();
        for (Recovered r : recovered) {
            ReleasedLayer l = r.layer;
            INDArray v = l.v.dup();
            for (int q = 0; q < l.expanded.length; q++) {
                int j = l.expanded[q];
                v.putRow(j, v.getRow(j).mul(r.sign[q]));
            }
            INDArray w = Nd.zeros(l.out, l.hidden);
            for (int q = 0; q < l.expanded.length; q++) {
                w.putColumn(l.expanded[q], r.w.getColumn(q));
            }
            for (int q = 0; q < l.plain.length; q++) {
                w.putColumn(l.plain[q], l.wPlain.getColumn(q));
            }
            if (l.gated) {
                layers.add(new SwiGluBlock(l.act, v, l.up.dup(), w));
            } else {
                double[] bias = new double[l.hidden];
                double[] bp = l.bPlain == null ? new double[0] : l.bPlain.toDoubleVector();
                for (int q = 0; q < l.expanded.length; q++) {
                    bias[l.expanded[q]] = r.b[q];
                }
                for (int q = 0; q < l.plain.length; q++) {
                    bias[l.plain[q]] = bp[q];
                }
                layers.add(new MlpBlock(l.act, v, Nd.vector(bias), w, r.c.dup()));
            }
        }
        return new Network(layers);
    }
}
