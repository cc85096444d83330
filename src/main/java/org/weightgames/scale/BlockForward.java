package org.weightgames.scale;

import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Tensor;
import org.weightgames.schemes.taylormlp.OfficialNames;
import org.weightgames.schemes.taylormlp.TaylorNames;

/**
 * A few tokens through one block, in double precision, read straight from a checkpoint: the original
 * gated block {@code W_down (act(V_gate x) * (V_up x))}, or a release in the authors' layout as its
 * module computes it (plain neurons as they are; expanded ones through
 * {@code local_approx_output u + sum_k fuse_weight[:, :, k-1] (delta^k / k!) u}, delta = V'_gate x - p',
 * u = V_up x). How far the release, and a recovery, are from the original on fresh tokens.
 */
public final class BlockForward {
    private BlockForward() {
    }

    /** The original block on tokens [t, in] (row-major): [t][out]. */
    public static double[][] original(Safetensors f, SwiGluNames n, Activation act, float[] tokens, int t) {
        Tensor g = f.tensor(n.gate());
        Tensor u = f.tensor(n.up());
        Tensor d = f.tensor(n.down());
        int in = (int) g.columns();
        int inter = (int) g.rows();
        double[][] h = new double[t][inter];
        double[] gr = new double[in];
        double[] ur = new double[in];
        for (int j = 0; j < inter; j++) {
            g.read((long) j * in, gr, 0, in);
            u.read((long) j * in, ur, 0, in);
            for (int k = 0; k < t; k++) {
                h[k][j] = act.value(dot(gr, tokens, k * in, in)) * dot(ur, tokens, k * in, in);
            }
        }
        return project(d, h, t);
    }

    /** The release in the authors' layout on the same tokens. */
    public static double[][] released(Safetensors art, OfficialNames n, Activation act, float[] tokens, int t) {
        OfficialNames.Shape sh = n.check(art);
        int in = (int) sh.in();
        int s = (int) sh.expanded();
        int pl = (int) sh.plain();
        int order = sh.order();
        double[] p = art.tensor(n.point()).toDoubles();
        // z[k][q * (order + 1) + m] = u (delta^m / m!) of expanded neuron q
        double[][] z = new double[t][s * (order + 1)];
        double[] gr = new double[in];
        double[] ur = new double[in];
        for (int q = 0; q < s; q++) {
            art.tensor(n.gate()).read((long) q * in, gr, 0, in);
            art.tensor(n.up()).read((long) q * in, ur, 0, in);
            for (int k = 0; k < t; k++) {
                double delta = dot(gr, tokens, k * in, in) - p[q];
                double term = dot(ur, tokens, k * in, in);
                for (int m = 0; m <= order; m++) {
                    z[k][q * (order + 1) + m] = term;
                    term = term * delta / (m + 1);
                }
            }
        }
        double[][] y = new double[t][(int) sh.out()];
        Tensor approx = art.tensor(n.approx());
        Tensor fuse = art.tensor(n.fuse());
        double[] la = new double[s];
        double[] fu = new double[s * order];
        for (long r = 0; r < sh.out(); r++) {
            approx.read(r * s, la, 0, s);
            fuse.read(r * s * order, fu, 0, fu.length);
            for (int k = 0; k < t; k++) {
                double acc = 0;
                for (int q = 0; q < s; q++) {
                    int zq = q * (order + 1);
                    acc += la[q] * z[k][zq];
                    for (int m = 1; m <= order; m++) {
                        acc += fu[q * order + m - 1] * z[k][zq + m];
                    }
                }
                y[k][(int) r] = acc;
            }
        }
        if (pl > 0) {
            double[][] h = new double[t][pl];
            for (int q = 0; q < pl; q++) {
                art.tensor(n.ffnGate()).read((long) q * in, gr, 0, in);
                art.tensor(n.ffnUp()).read((long) q * in, ur, 0, in);
                for (int k = 0; k < t; k++) {
                    h[k][q] = act.value(dot(gr, tokens, k * in, in)) * dot(ur, tokens, k * in, in);
                }
            }
            double[][] yp = project(art.tensor(n.ffnDown()), h, t);
            for (int k = 0; k < t; k++) {
                for (int r = 0; r < y[k].length; r++) {
                    y[k][r] += yp[k][r];
                }
            }
        }
        return y;
    }

    /** A release in WeightGames' own layout on the same tokens: {@code sum_n Theta_n ((V'_gate x - p')^n * (V_up x))}. */
    public static double[][] releasedOwn(Safetensors art, TaylorNames n, float[] tokens, int t) {
        int order = n.streamedOrder(art);
        Tensor g = art.tensor(n.gate());
        Tensor u = art.tensor(n.up());
        double[] p = art.tensor(n.p()).toDoubles();
        int in = (int) g.columns();
        int h = p.length;
        double[][][] z = new double[order + 1][t][h];
        double[] gr = new double[in];
        double[] ur = new double[in];
        for (int j = 0; j < h; j++) {
            g.read((long) j * in, gr, 0, in);
            u.read((long) j * in, ur, 0, in);
            for (int k = 0; k < t; k++) {
                double delta = dot(gr, tokens, k * in, in) - p[j];
                double term = dot(ur, tokens, k * in, in);
                for (int m = 0; m <= order; m++) {
                    z[m][k][j] = term;
                    term *= delta;
                }
            }
        }
        double[][] y = new double[t][(int) art.tensor(n.theta(0)).rows()];
        for (int m = 0; m <= order; m++) {
            double[][] ym = project(art.tensor(n.theta(m)), z[m], t);
            for (int k = 0; k < t; k++) {
                for (int r = 0; r < y[k].length; r++) {
                    y[k][r] += ym[k][r];
                }
            }
        }
        return y;
    }

    /** ||a - b||_F / ||b||_F. */
    public static double relativeError(double[][] a, double[][] b) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < a.length; k++) {
            for (int r = 0; r < a[k].length; r++) {
                double d = a[k][r] - b[k][r];
                num += d * d;
                den += b[k][r] * b[k][r];
            }
        }
        return Math.sqrt(num / Math.max(den, Double.MIN_NORMAL));
    }

    private static double[][] project(Tensor d, double[][] h, int t) {
        int inter = (int) d.columns();
        double[][] y = new double[t][(int) d.rows()];
        double[] row = new double[inter];
        for (long r = 0; r < d.rows(); r++) {
            d.read(r * inter, row, 0, inter);
            for (int k = 0; k < t; k++) {
                double acc = 0;
                for (int j = 0; j < inter; j++) {
                    acc += row[j] * h[k][j];
                }
                y[k][(int) r] = acc;
            }
        }
        return y;
    }

    private static double dot(double[] w, float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += w[i] * x[off + i];
        }
        return s;
    }
}
