package org.weightgames.scale;

import org.weightgames.core.WgException;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.DType;
import org.weightgames.adversaries.TaylorFit;
import org.weightgames.definitions.WeightExtraction;
import org.weightgames.model.Activation;
import org.weightgames.schemes.taylormlp.TaylorNames;
import org.weightgames.safetensors.Tensor;

/**
 * The {@code taylor-inversion} attack on a streamed TaylorMLP SwiGLU artifact, faster than reading
 * its coefficients. Every column Theta_n[:, j] is W_down[:, j] times
 * kappa_n = s^n silu^(n)(s p'_j) / n!, with p' public and only the sign s secret, so:
 * <ol>
 * <li>the sign of each neuron: the rank-one fit of its first {@value #PROBE_ROWS} rows of every
 * order (a Gram matrix of (N+1)^2 entries per neuron) is exact for the true sign only; the sign
 * with the larger Rayleigh quotient wins;</li>
 * <li>one pass over the orders the {@link Fit} reads (by default 0 and 1, which fix every column
 * to the dtype's precision; {@link Fit#ALL} every order): W_down[r, j] = sum_n kappa_n Theta_n[r, j]
 * / sum_n kappa_n^2 over those orders, the least-squares fit, as the in-memory attack computes it
 * over every order (double, for F64), or one multiply-add per coefficient read with the weights
 * rounded to float (F32/F16/BF16);</li>
 * <li>V_gate = s * V'_gate (its rows are public up to the sign).</li>
 * </ol>
 * Memory: the recovered W_down plus one row of every order per thread.
 */
public final class StreamingInversion {
    static final int PROBE_ROWS = 16;

    private StreamingInversion() {
    }

    /**
     * The recovered block: W_down row-major (floats, or doubles from an F64 artifact), the signs, the
     * order of the artifact and the orders the fit read.
     */
    public record Recovered(long out, long hidden, float[] wFloat, double[] wDouble, double[] sign, int order, int[] read,
            ActivationGuess.Guess guess) {
        public double w(long r, long j) {
            long i = r * hidden + j;
            return wFloat != null ? wFloat[(int) i] : wDouble[(int) i];
        }
    }

    /** The artifact's order, checked against its (single, unprefixed) block's tensors. */
    public static int order(Safetensors artifact) {
        return order(artifact, "");
    }

    /** The artifact's order, checked against the tensors of the block under {@code prefix}. */
    public static int order(Safetensors artifact, String prefix) {
        return new TaylorNames(prefix).streamedOrder(artifact);
    }

    /** Runs the attack over an artifact on {@code threads} threads. */
    public static Recovered recover(Safetensors artifact, int threads) {
        return recover(artifact, "", threads, null);
    }

    public static Recovered recover(Safetensors artifact, int threads, Recovered reuse) {
        return recover(artifact, "", threads, reuse);
    }

    /**
     * As {@link #recover(Safetensors, int)}, writing W_down into {@code reuse} when it is a previous
     * recovery of the same shape and precision (a bench's repeats then time the attack, not the
     * operating system's first touch of a fresh 235 MB array).
     */
    public static Recovered recover(Safetensors artifact, String prefix, int threads, Recovered reuse) {
        return recover(artifact, prefix, declared(artifact), Fit.NEEDED, threads, reuse);
    }

    /** The activation an artifact's metadata declares (SiLU when it declares none, as every earlier release). */
    public static Activation declared(Safetensors artifact) {
        String a = artifact.metadata().get("activation");
        return a == null ? Activation.SILU : ActivationGuess.parse(a);
    }

    /**
     * As above with the activation given, or identified from the coefficients when {@code given} is
     * null, reading the orders {@code fit} names.
     */
    public static Recovered recover(Safetensors artifact, String prefix, Activation given, Fit fit, int threads, Recovered reuse) {
        TaylorNames names = new TaylorNames(prefix);
        int order = names.streamedOrder(artifact);
        Tensor[] theta = new Tensor[order + 1];
        for (int n = 0; n <= order; n++) {
            theta[n] = artifact.tensor(names.theta(n));
        }
        double[] pRel = artifact.tensor(names.p()).toDoubles();
        int hidden = pRel.length;
        long out = theta[0].rows();
        if (out * hidden > Integer.MAX_VALUE - 16) {
            throw new WgException(artifact.file() + ": a block of " + out + " x " + hidden + " is too large for one array");
        }
        int rows = (int) Math.min(PROBE_ROWS, out);
        ActivationGuess.Guess guess = ActivationGuess.guess((r, dst, count) -> {
            for (int n = 0; n < dst.length; n++) {
                theta[n].read((long) r * hidden, dst[n], 0, count);
            }
        }, rows, order, pRel, given, fit, threads, artifact.file().toString());
        double[] sign = guess.sign();
        int[] read = fit == Fit.NEEDED ? new int[] {0, 1} : Fit.every(order);
        // kappa[i][j] of every neuron at its sign for the i-th order read (as the sign's fit computed it)
        double[][] kappa = new double[read.length][hidden];
        for (int j = 0; j < hidden; j++) {
            double[] k = guess.kappa()[j];
            for (int i = 0; i < read.length; i++) {
                kappa[i][j] = k[read[i]];
            }
        }
        double[] kk = squares(kappa, hidden);
        if (fit == Fit.NEEDED && !determined(kk)) {
            return recover(artifact, prefix, given, Fit.ALL, threads, reuse); // orders 0 and 1 leave a neuron open
        }
        for (int j = 0; j < hidden; j++) {
            if (!determined(kk[j])) {
                throw new WgException(artifact.file() + ": neuron " + j + " has degenerate coefficients (p' = " + pRel[j]
                        + "); the artifact is damaged");
            }
        }
        boolean f64 = theta[0].dtype() == DType.F64;
        boolean fits = reuse != null && reuse.out() == out && reuse.hidden() == hidden && (f64 ? reuse.wDouble() != null
                : reuse.wFloat() != null);
        float[] wf = f64 ? null : fits ? reuse.wFloat() : new float[(int) (out * hidden)];
        double[] wd = f64 ? fits ? reuse.wDouble() : new double[(int) (out * hidden)] : null;
        if (f64) {
            Rows.parallel(out, threads, (worker, from, to) -> {
                double[] acc = new double[hidden];
                double[] b = new double[hidden];
                double[] guard = new double[hidden];
                for (long r = from; r < to; r++) {
                    java.util.Arrays.fill(acc, 0);
                    for (int i = 0; i < read.length; i++) {
                        theta[read[i]].read(r * hidden, b, 0, hidden);
                        TaylorFit.accumulate(kappa[i], kk, b, acc, hidden);
                    }
                    Rows.guard(acc, 0, guard, hidden);
                    System.arraycopy(acc, 0, wd, (int) (r * hidden), hidden);
                }
                damaged(artifact, names, read, Rows.firstNonFinite(guard));
            });
        } else {
            // single precision throughout, the weights kappa_n / sum kappa^2 rounded once: the weights
            // of the orders read (57 KB each at Llama's width) stay in the core's cache while the
            // coefficients stream past; every term of the sum is kappa_n^2 w / sum kappa^2, of one
            // sign, so no cancellation costs precision
            float[][] af = new float[read.length][hidden];
            for (int i = 0; i < read.length; i++) {
                for (int j = 0; j < hidden; j++) {
                    af[i][j] = (float) (kappa[i][j] / kk[j]);
                }
            }
            Rows.parallel(out, threads, (worker, from, to) -> {
                float[] acc = new float[hidden];
                float[] b = new float[hidden];
                float[] guard = new float[hidden];
                for (long r = from; r < to; r++) {
                    for (int i = 0; i < read.length; i++) {
                        theta[read[i]].read(r * hidden, b, 0, hidden);
                        if (i == 0) {
                            TaylorFit.assign(af[i], b, acc, hidden);
                        } else {
                            TaylorFit.accumulate(af[i], b, acc, hidden);
                        }
                    }
                    Rows.guard(acc, 0, guard, hidden);
                    System.arraycopy(acc, 0, wf, (int) (r * hidden), hidden);
                }
                damaged(artifact, names, read, Rows.firstNonFinite(guard));
            });
        }
        return new Recovered(out, hidden, wf, wd, sign, order, read, guess);
    }

    /** Refuses the artifact when neuron {@code j} (>= 0) came out NaN or infinite in some row. */
    private static void damaged(Safetensors artifact, TaylorNames names, int[] orders, int j) {
        if (j >= 0) {
            StringBuilder t = new StringBuilder();
            for (int n : orders) {
                t.append(t.length() == 0 ? "" : ", ").append(names.theta(n));
            }
            throw new WgException(artifact.file() + ": the recovered W_down column of neuron " + j + " holds NaN or an infinity;"
                    + " its coefficients in " + t + " are damaged (copy the artifact again from its source)");
        }
    }

    /** kk[j] = sum over the orders read of kappa_n(j)^2, the denominator of neuron j's least-squares weights. */
    private static double[] squares(double[][] kappa, int hidden) {
        double[] kk = new double[hidden];
        for (double[] k : kappa) {
            for (int j = 0; j < hidden; j++) {
                kk[j] += k[j] * k[j];
            }
        }
        return kk;
    }

    private static boolean determined(double kk) {
        return kk > 0 && Double.isFinite(kk);
    }

    private static boolean determined(double[] kk) {
        for (double v : kk) {
            if (!determined(v)) {
                return false;
            }
        }
        return true;
    }

    /** The summing pass the attack is measured against: every coefficient read once and added to its column's sum. */
    public static double readPass(Safetensors artifact, int threads) {
        return readPass(artifact, "", threads);
    }

    /** The summing pass over the block under {@code prefix}. */
    public static double readPass(Safetensors artifact, String prefix, int threads) {
        return readPass(artifact, prefix, Fit.every(new TaylorNames(prefix).streamedOrder(artifact)), threads);
    }

    /** The summing pass over the given orders of the block under {@code prefix} (a fit's own share of the coefficients). */
    public static double readPass(Safetensors artifact, String prefix, int[] orders, int threads) {
        TaylorNames names = new TaylorNames(prefix);
        names.streamedOrder(artifact); // checks the block's tensors against each other
        long hidden = artifact.tensor(names.p()).elements();
        long out = artifact.tensor(names.theta(0)).rows();
        boolean f64 = artifact.tensor(names.theta(0)).dtype() == DType.F64;
        double[] total = new double[Math.max(1, threads)];
        Tensor[] theta = new Tensor[orders.length];
        for (int i = 0; i < orders.length; i++) {
            theta[i] = artifact.tensor(names.theta(orders[i]));
        }
        Rows.parallel(out, threads, (worker, from, to) -> {
            int h = (int) hidden;
            double s = 0;
            if (f64) {
                double[] acc = new double[h];
                double[] b = new double[h];
                for (long r = from; r < to; r++) {
                    for (Tensor t : theta) {
                        t.read(r * hidden, b, 0, h);
                        for (int j = 0; j < h; j++) {
                            acc[j] += b[j];
                        }
                    }
                }
                for (double v : acc) {
                    s += v;
                }
            } else {
                float[] acc = new float[h];
                float[] b = new float[h];
                for (long r = from; r < to; r++) {
                    for (Tensor t : theta) {
                        t.read(r * hidden, b, 0, h);
                        for (int j = 0; j < h; j++) {
                            acc[j] += b[j];
                        }
                    }
                }
                for (float v : acc) {
                    s += v;
                }
            }
            total[worker] = s;
        });
        double s = 0;
        for (double v : total) {
            s += v;
        }
        return s;
    }

    /**
     * Column-wise comparison of a recovery with the original W_down and V_gate; {@code relativeError}
     * is ext-w's measure of the recovered W_down ({@link WeightExtraction#relativeError}).
     */
    public record Comparison(double medianColumnError, double maxColumnError, double relativeError, long signErrors) {
    }

    /** Compares with the original block, streaming its rows. */
    public static Comparison compare(Recovered rec, Safetensors original, SwiGluNames names, Safetensors artifact, int threads) {
        return compare(rec, original, names, artifact, "", threads);
    }

    /** As above for the block under {@code prefix} of the artifact. */
    public static Comparison compare(Recovered rec, Safetensors original, SwiGluNames names, Safetensors artifact, String prefix,
            int threads) {
        Tensor down = original.tensor(names.down());
        down.requireShape(rec.out(), rec.hidden());
        int h = (int) rec.hidden();
        // partial sums per fixed block of rows, added in block order: the same figures on any thread count
        int blockRows = 64;
        int blocks = (int) ((rec.out() + blockRows - 1) / blockRows);
        double[][] err = new double[blocks][h];
        double[][] norm = new double[blocks][h];
        Rows.parallel(blocks, threads, (worker, from, to) -> {
            double[] row = new double[h];
            for (long b = from; b < to; b++) {
                for (long r = b * blockRows; r < Math.min(rec.out(), (b + 1) * blockRows); r++) {
                    down.read(r * h, row, 0, h);
                    for (int j = 0; j < h; j++) {
                        double d = rec.w(r, j) - row[j];
                        err[(int) b][j] += d * d;
                        norm[(int) b][j] += row[j] * row[j];
                    }
                }
            }
        });
        double[] col = new double[h];
        double num = 0;
        double den = 0;
        for (int j = 0; j < h; j++) {
            double e = 0;
            double n = 0;
            for (int b = 0; b < blocks; b++) {
                e += err[b][j];
                n += norm[b][j];
            }
            num += e;
            den += n;
            col[j] = n > 0 ? Math.sqrt(e / n) : Math.sqrt(e);
        }
        double max = 0;
        for (double c : col) {
            max = Math.max(max, c);
        }
        double median = org.weightgames.core.Numerics.median(col);
        // the gate: V_gate's row j is s_j times the released row, up to the release's rounding (a BF16 release of an
        // F32 checkpoint matches no entry exactly); the true sign is the one whose row is nearer, by the sign of the dot product
        Tensor g = original.tensor(names.gate());
        Tensor gr = artifact.tensor(new TaylorNames(prefix).gate());
        long in = g.columns();
        long bad = 0;
        double[] a = new double[(int) in];
        double[] b = new double[(int) in];
        for (int j = 0; j < h; j++) {
            g.read(j * in, a, 0, a.length);
            gr.read(j * in, b, 0, b.length);
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
            }
            double truth = dot < 0 ? -1 : 1;
            if (rec.sign()[j] != truth) {
                bad++;
            }
        }
        return new Comparison(median, max, WeightExtraction.relativeError(num, den), bad);
    }
}
