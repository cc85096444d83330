package org.weightgames.scale;

import java.util.Arrays;

import org.weightgames.adversaries.TaylorFit;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Tensor;
import org.weightgames.schemes.taylormlp.OfficialNames;

/**
 * The taylor-inversion attack on a block in the authors' layout ({@link OfficialNames}), at the
 * speed of reading its coefficients. Neuron j's observations in output row r are
 * {@code local_approx_output[r, j]} and {@code fuse_weight[r, j, 0..N-1]}, W_down[r, j] times
 * kappa = (act(p), k! s^k c_k(p)) with p = s p'_j and only s secret. So: the sign (and, unless
 * given, the activation) from the Gram matrices of the first {@value #PROBE_ROWS} rows
 * ({@link ActivationGuess}), fitted with 1/k! applied; then one pass in output-row order, where
 * {@code fuse_weight}'s row is contiguous and interleaved by order: W[r, j] = a_0 approx[r, j] +
 * sum_k a_k fuse[r, j, k-1] with the least-squares weights of the series' coefficients divided by k!,
 * one multiply-add per coefficient read.
 */
public final class OfficialInversion {
    static final int PROBE_ROWS = 16;

    private OfficialInversion() {
    }

    /** W_down of the expanded neurons, [out, S] row-major in release order; their signs; the activation and how it was found. */
    public record Recovered(OfficialNames names, OfficialNames.Shape shape, float[] wFloat, double[] wDouble, double[] sign,
            ActivationGuess.Guess guess) {
        public double w(long r, long q) {
            long i = r * shape.expanded() + q;
            return wFloat != null ? wFloat[(int) i] : wDouble[(int) i];
        }

        public Activation activation() {
            return guess.activation();
        }
    }

    /** n! for n = 0..order: how the layout scales each order against the series' coefficients. */
    static double[] factorials(int order) {
        double[] f = new double[order + 1];
        f[0] = 1;
        for (int n = 1; n <= order; n++) {
            f[n] = f[n - 1] * n;
        }
        return f;
    }

    public static Recovered recover(Safetensors art, OfficialNames names, Activation given, int threads, Recovered reuse) {
        OfficialNames.Shape sh = names.check(art);
        int s = (int) sh.expanded();
        int order = sh.order();
        int orders = order + 1;
        long out = sh.out();
        if (out * s > Integer.MAX_VALUE - 16 || (long) s * order > Integer.MAX_VALUE - 16) {
            throw new WgException(art.file() + ": a block of " + out + " x " + s + " is too large for one array");
        }
        Tensor approx = art.tensor(names.approx());
        Tensor fuse = art.tensor(names.fuse());
        double[] pRel = art.tensor(names.point()).toDoubles();
        double[] scale = factorials(order);
        int rows = (int) Math.min(PROBE_ROWS, out);
        // probe[n][r][j]: row r of order n of neuron j (fuse_weight de-interleaved, 1/n! applied)
        double[][][] probe = new double[orders][rows][s];
        double[] fu = new double[s * order];
        for (int r = 0; r < rows; r++) {
            approx.read((long) r * s, probe[0][r], 0, s);
            fuse.read((long) r * s * order, fu, 0, s * order);
            for (int j = 0; j < s; j++) {
                for (int n = 1; n <= order; n++) {
                    probe[n][r][j] = fu[j * order + n - 1] / scale[n];
                }
            }
        }
        double[][] gram = new double[s][orders * orders];
        Rows.parallel(s, threads, (worker, from, to) -> TaylorFit.grams(probe, (int) from, (int) to, gram));
        // fitted with 1/k! applied: the orders then weigh as in the series, and the signs, which only orders 0 and 1
        // tell apart (silu^(k)(-x) (-1)^k = silu^(k)(x) for k >= 2), are not drowned by k! at high orders
        double[] ones = new double[orders];
        Arrays.fill(ones, 1);
        ActivationGuess.Guess guess = ActivationGuess.choose(gram, pRel, order, ones, given, threads, art.file().toString());
        double[] sign = guess.sign();
        // the least-squares weights, interleaved as fuse_weight is: a[j * orders + n]
        double[] a = new double[s * orders];
        for (int j = 0; j < s; j++) {
            double[] k = ActivationGuess.kappa(guess.activation(), pRel[j], sign[j], order, ones);
            double kk = TaylorFit.squares(k);
            if (!(kk > 0) || !Double.isFinite(kk)) {
                throw new WgException(art.file() + ": neuron " + j + " of block '" + names.prefix() + "' has degenerate coefficients"
                        + " (local_point " + pRel[j] + "); the artifact is damaged");
            }
            for (int n = 0; n <= order; n++) {
                a[j * orders + n] = k[n] / kk / scale[n]; // applied to the stored fuse_weight, which lacks 1/n!
            }
        }
        boolean f64 = fuse.dtype() == DType.F64;
        boolean fits = reuse != null && reuse.shape().equals(sh) && (f64 ? reuse.wDouble() != null : reuse.wFloat() != null);
        float[] wf = f64 ? null : fits ? reuse.wFloat() : new float[(int) (out * s)];
        double[] wd = f64 ? fits ? reuse.wDouble() : new double[(int) (out * s)] : null;
        if (f64) {
            Rows.parallel(out, threads, (worker, from, to) -> {
                double[] l = new double[s];
                double[] f = new double[s * order];
                for (long r = from; r < to; r++) {
                    approx.read(r * s, l, 0, s);
                    fuse.read(r * s * order, f, 0, f.length);
                    int base = (int) (r * s);
                    for (int j = 0; j < s; j++) {
                        int aj = j * orders;
                        int fj = j * order;
                        double acc = a[aj] * l[j];
                        for (int n = 0; n < order; n++) {
                            acc += a[aj + n + 1] * f[fj + n];
                        }
                        wd[base + j] = acc;
                    }
                }
            });
        } else {
            // the weights laid out as fuse_weight's row (a1[j * order + n - 1]) and a0 apart: each row is then one
            // vectorisable multiply over the fuse row, in place, and the same grouped sum as the summing pass
            float[] a0 = new float[s];
            float[] a1 = new float[s * order];
            for (int j = 0; j < s; j++) {
                a0[j] = (float) a[j * orders];
                for (int n = 1; n <= order; n++) {
                    a1[j * order + n - 1] = (float) a[j * orders + n];
                }
            }
            Rows.parallel(out, threads, (worker, from, to) -> {
                float[] l = new float[s];
                float[] f = new float[s * order];
                for (long r = from; r < to; r++) {
                    approx.read(r * s, l, 0, s);
                    fuse.read(r * s * order, f, 0, f.length);
                    for (int i = 0; i < f.length; i++) {
                        f[i] *= a1[i];
                    }
                    int base = (int) (r * s);
                    for (int j = 0; j < s; j++) {
                        float acc = a0[j] * l[j];
                        int fj = j * order;
                        for (int n = 0; n < order; n++) {
                            acc += f[fj + n];
                        }
                        wf[base + j] = acc;
                    }
                }
            });
        }
        return new Recovered(names, sh, wf, wd, sign, guess);
    }

    /** The summing pass the attack is measured against: every coefficient of the block read once and added up. */
    public static double readPass(Safetensors art, OfficialNames names, int threads) {
        OfficialNames.Shape sh = names.check(art);
        int s = (int) sh.expanded();
        int order = sh.order();
        Tensor approx = art.tensor(names.approx());
        Tensor fuse = art.tensor(names.fuse());
        double[] total = new double[Math.max(1, threads)];
        Rows.parallel(sh.out(), threads, (worker, from, to) -> {
            float[] l = new float[s];
            float[] f = new float[s * order];
            float[] acc = new float[s];
            for (long r = from; r < to; r++) {
                approx.read(r * s, l, 0, s);
                fuse.read(r * s * order, f, 0, f.length);
                for (int j = 0; j < s; j++) {
                    float v = l[j];
                    int fj = j * order;
                    for (int n = 0; n < order; n++) {
                        v += f[fj + n];
                    }
                    acc[j] += v;
                }
            }
            double t = 0;
            for (float v : acc) {
                t += v;
            }
            total[worker] = t;
        });
        return Arrays.stream(total).sum();
    }
}
