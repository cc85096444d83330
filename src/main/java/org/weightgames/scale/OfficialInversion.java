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
 * The taylor-inversion attack on a block in the authors' layout ({@link OfficialNames}), faster
 * than reading its coefficients. Neuron j's observations in output row r are
 * {@code local_approx_output[r, j]} and {@code fuse_weight[r, j, 0..N-1]}, W_down[r, j] times
 * kappa = (act(p), k! s^k c_k(p)) with p = s p'_j and only s secret. So: the sign (and, unless
 * given, the activation) from the Gram matrices of the first {@value #PROBE_ROWS} rows
 * ({@link ActivationGuess}), fitted with 1/k! applied; then one pass in output-row order over
 * what the {@link Fit} reads. By default order 0 alone: W[r, j] = approx[r, j] / act(p_j), one
 * multiply per coefficient of {@code local_approx_output}, [out, S] and stored apart, which fixes
 * every column to the dtype's precision ({@code fuse_weight}, interleaved by order, is not read
 * beyond the probe). With {@link Fit#ALL}, or when some act(p_j) is zero, or in F16: every order,
 * {@code fuse_weight}'s row contiguous and interleaved: W[r, j] = a_0 approx[r, j] +
 * sum_k a_k fuse[r, j, k-1] with the least-squares weights of the series' coefficients divided by k!,
 * one multiply-add per coefficient read.
 */
public final class OfficialInversion {
    static final int PROBE_ROWS = 16;

    private OfficialInversion() {
    }

    /** W_down of the expanded neurons, [out, S] row-major in release order; their signs; the activation and how it was found. */
    public record Recovered(OfficialNames names, OfficialNames.Shape shape, float[] wFloat, double[] wDouble, double[] sign,
            int[] read, ActivationGuess.Guess guess) {
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
        return recover(art, names, given, Fit.NEEDED, threads, reuse);
    }

    /**
     * The attack reading what {@code fit} names: {@link Fit#NEEDED} reads {@code local_approx_output}
     * alone (order 0, W_down[r, j] act(p_j)), unless some neuron's act(p_j) is zero or the dtype is
     * F16; then, as {@link Fit#ALL}, every order.
     */
    public static Recovered recover(Safetensors art, OfficialNames names, Activation given, Fit fit, int threads,
            Recovered reuse) {
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
        // F16's narrow range can leave a small order-0 coefficient subnormal: every order then
        Fit used = fuse.dtype() == DType.F16 || approx.dtype() == DType.F16 ? Fit.ALL : fit;
        // row r of order n of neuron j (fuse_weight de-interleaved, 1/n! applied); fitted with 1/k! applied: the orders
        // then weigh as in the series, and the signs, which only orders 0 and 1 tell apart, are not drowned by k!
        ActivationGuess.Guess guess = ActivationGuess.guess((r, dst, count) -> {
            approx.read((long) r * s, dst[0], 0, count);
            if (dst.length > 1) {
                double[] fu = new double[count * order];
                fuse.read((long) r * s * order, fu, 0, count * order);
                for (int j = 0; j < count; j++) {
                    for (int n = 1; n < dst.length; n++) {
                        dst[n][j] = fu[j * order + n - 1] / scale[n];
                    }
                }
            }
        }, rows, order, pRel, given, used, threads, art.file().toString());
        double[] sign = guess.sign();
        if (used == Fit.NEEDED) {
            // order 0 alone: W[r, j] = approx[r, j] / act(p_j), unless some act(p_j) is zero
            double[] k0 = new double[s];
            boolean zero = false;
            for (int j = 0; j < s; j++) {
                k0[j] = guess.kappa()[j][0];
                zero |= !(k0[j] != 0 && Double.isFinite(k0[j]));
            }
            return zero ? recover(art, names, given, Fit.ALL, threads, reuse)
                    : orderZero(art, names, sh, k0, sign, guess, threads, reuse);
        }
        // the least-squares weights, interleaved as fuse_weight is: a[j * orders + n]
        double[] a = new double[s * orders];
        for (int j = 0; j < s; j++) {
            double[] k = guess.kappa()[j];
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
        float[] wf = f64 ? null : floats(sh, reuse);
        double[] wd = f64 ? doubles(sh, reuse) : null;
        if (f64) {
            Rows.parallel(out, threads, (worker, from, to) -> {
                double[] l = new double[s];
                double[] f = new double[s * order];
                double[] guard = new double[s];
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
                    Rows.guard(wd, base, guard, s);
                }
                damaged(art, names, Rows.firstNonFinite(guard), true);
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
                float[] guard = new float[s];
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
                    Rows.guard(wf, base, guard, s);
                }
                damaged(art, names, Rows.firstNonFinite(guard), true);
            });
        }
        return new Recovered(names, sh, wf, wd, sign, Fit.every(order), guess);
    }

    /** Refuses the artifact when expanded neuron {@code q} (>= 0) came out NaN or infinite in some row. */
    private static void damaged(Safetensors art, OfficialNames names, int q, boolean fuse) {
        if (q >= 0) {
            throw new WgException(art.file() + ": the recovered W_down column of expanded neuron " + q + " holds NaN or an"
                    + " infinity; its coefficients in " + names.approx() + (fuse ? " or " + names.fuse() : "") + " are damaged"
                    + " (copy the artifact again from its source)");
        }
    }

    /** W_down's floats: those of {@code reuse} when it recovered a block of this shape in floats, else new ones. */
    private static float[] floats(OfficialNames.Shape sh, Recovered reuse) {
        return reuse != null && reuse.shape().equals(sh) && reuse.wFloat() != null ? reuse.wFloat()
                : new float[(int) (sh.out() * sh.expanded())];
    }

    /** W_down's doubles, as {@link #floats}. */
    private static double[] doubles(OfficialNames.Shape sh, Recovered reuse) {
        return reuse != null && reuse.shape().equals(sh) && reuse.wDouble() != null ? reuse.wDouble()
                : new double[(int) (sh.out() * sh.expanded())];
    }

    /** W_down[r, j] = local_approx_output[r, j] / act(p_j) (k0[j]): one multiply per coefficient of order 0, the only ones read. */
    private static Recovered orderZero(Safetensors art, OfficialNames names, OfficialNames.Shape sh, double[] k0, double[] sign,
            ActivationGuess.Guess guess, int threads, Recovered reuse) {
        int s = (int) sh.expanded();
        long out = sh.out();
        Tensor approx = art.tensor(names.approx());
        double[] inv = new double[s];
        for (int j = 0; j < s; j++) {
            inv[j] = 1 / k0[j];
        }
        boolean f64 = approx.dtype() == DType.F64;
        float[] wf = f64 ? null : floats(sh, reuse);
        double[] wd = f64 ? doubles(sh, reuse) : null;
        if (f64) {
            Rows.parallel(out, threads, (worker, from, to) -> {
                double[] l = new double[s];
                double[] guard = new double[s];
                for (long r = from; r < to; r++) {
                    approx.read(r * s, l, 0, s);
                    int base = (int) (r * s);
                    for (int j = 0; j < s; j++) {
                        wd[base + j] = l[j] * inv[j];
                    }
                    Rows.guard(wd, base, guard, s);
                }
                damaged(art, names, Rows.firstNonFinite(guard), false);
            });
        } else {
            float[] invf = new float[s];
            for (int j = 0; j < s; j++) {
                invf[j] = (float) inv[j];
            }
            Rows.parallel(out, threads, (worker, from, to) -> {
                float[] l = new float[s];
                float[] guard = new float[s];
                for (long r = from; r < to; r++) {
                    approx.read(r * s, l, 0, s);
                    for (int j = 0; j < s; j++) {
                        l[j] *= invf[j];
                    }
                    Rows.guard(l, 0, guard, s);
                    System.arraycopy(l, 0, wf, (int) (r * s), s);
                }
                damaged(art, names, Rows.firstNonFinite(guard), false);
            });
        }
        return new Recovered(names, sh, wf, wd, sign, new int[] {0}, guess);
    }

    /**
     * The summing pass over the orders a fit read: {0}, {@code local_approx_output} alone; otherwise
     * every coefficient, as {@link #readPass(Safetensors, OfficialNames, int)}.
     */
    public static double readPass(Safetensors art, OfficialNames names, int[] orders, int threads) {
        if (orders.length != 1) {
            return readPass(art, names, threads);
        }
        OfficialNames.Shape sh = names.check(art);
        int s = (int) sh.expanded();
        Tensor approx = art.tensor(names.approx());
        double[] total = new double[Math.max(1, threads)];
        Rows.parallel(sh.out(), threads, (worker, from, to) -> {
            float[] l = new float[s];
            float[] acc = new float[s];
            for (long r = from; r < to; r++) {
                approx.read(r * s, l, 0, s);
                for (int j = 0; j < s; j++) {
                    acc[j] += l[j];
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
