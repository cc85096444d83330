package org.weightgames.scale;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Spec;
import org.weightgames.model.Activation;
import org.weightgames.schemes.taylormlp.TaylorNames;
import org.weightgames.schemes.taylormlp.TaylorRelease;
import org.weightgames.safetensors.Tensor;
import org.weightgames.safetensors.Writer;

/**
 * TaylorMLP's release of one SwiGLU block, streamed from a checkpoint to a checkpoint, as the
 * official code does it for Llama (every neuron expanded here): per hidden neuron j, calibrate
 * min_j and max_j of the gate pre-activation over the calibration tokens, p_j their midpoint,
 * draw a sign s_j, and write, named as every TaylorMLP artifact ({@link TaylorNames}, under the
 * block's prefix) and computed by the same kernel as the in-memory release ({@link TaylorRelease}):
 * <ul>
 * <li>{@code V_gate}: V_gate with row j times s_j; {@code V_up}: V_up as is;</li>
 * <li>{@code p}: p'_j = s_j p_j;</li>
 * <li>{@code theta.n} [out, hidden], n = 0..N: Theta_n[:, j] = W_down[:, j] s_j^n silu^(n)(p_j) / n!.</li>
 * </ul>
 * Inference: {@code y = sum_n Theta_n ((V'_gate x - p')^n * (V_up x))}.
 *
 * <p>Memory: the calibration pass holds one block of 256 gate rows; the gate, up and Theta
 * passes hold one row per thread. Work is split over row ranges on {@code threads} threads.
 */
public final class StreamingTaylor {
    private static final int NEURON_BLOCK = 256;

    private StreamingTaylor() {
    }

    /** What the challenger knows after a release (the secret signs and points, for judging). */
    public record Released(Path artifact, int order, double[] p, double[] sign, long in, long hidden, long out) {
    }

    /**
     * Releases the block {@code names} of {@code source} into {@code target}.
     *
     * @param calibration m tokens of width in, row-major
     */
    public static Released release(Safetensors source, SwiGluNames names, float[] calibration, int order, Coins coins,
            Path target, DType dtype, int threads) {
        return release(source, names, calibration, order, coins, target, dtype, threads, true);
    }

    /** As above; {@code durable} false skips forcing the artifact to disk (scratch artifacts of a bench). */
    public static Released release(Safetensors source, SwiGluNames names, float[] calibration, int order, Coins coins,
            Path target, DType dtype, int threads, boolean durable) {
        return releaseAll(source, List.of(names), List.of(""), calibration, order, coins, target, dtype, threads, durable,
                false).get(0);
    }

    /**
     * Releases several blocks into one artifact, block b's tensors named
     * {@code new TaylorNames(outPrefixes[b])} (metadata {@code blocks}: the prefixes, comma-separated); with {@code copyOthers},
     * every tensor of the source that belongs to no released block is copied as it is, so the
     * artifact is the whole model with its MLPs replaced. Block b draws its signs from
     * {@code coins/block/b}. {@code dtype} null keeps each block's own dtype.
     */
    public static List<Released> releaseAll(Safetensors source, List<SwiGluNames> blocks, List<String> outPrefixes,
            float[] calibration, int order, Coins coins, Path target, DType dtype, int threads, boolean durable,
            boolean copyOthers) {
        return releaseAll(source, blocks, outPrefixes, calibration, order, Activation.SILU, coins, target, dtype, threads, durable,
                copyOthers);
    }

    /** As above for blocks whose gate activation is {@code act} (SwiGLU: silu; GeGLU: gelu or gelu-tanh). */
    public static List<Released> releaseAll(Safetensors source, List<SwiGluNames> blocks, List<String> outPrefixes,
            float[] calibration, int order, Activation act, Coins coins, Path target, DType dtype, int threads, boolean durable,
            boolean copyOthers) {
        if (order < 1 || order > 64) {
            throw new WgException("taylormlp: order must be between 1 and 64, got " + order);
        }
        if (blocks.isEmpty() || blocks.size() != outPrefixes.size()) {
            throw new IllegalArgumentException("one output prefix per block");
        }
        List<Released> released = new ArrayList<>();
        List<double[][]> kappas = new ArrayList<>();
        Map<String, Spec> specs = new LinkedHashMap<>();
        java.util.Set<String> consumed = new java.util.HashSet<>();
        for (int b = 0; b < blocks.size(); b++) {
            SwiGluNames names = SwiGluNames.check(source, blocks.get(b));
            String op = outPrefixes.get(b);
            Tensor gate = source.tensor(names.gate());
            Tensor down = source.tensor(names.down());
            long hidden = gate.rows();
            long in = gate.columns();
            long out = down.rows();
            if (calibration.length == 0 || calibration.length % in != 0) {
                throw new WgException("taylormlp: calibration tokens must have width " + in + " (the input of block '"
                        + op + "'), got " + calibration.length + " values");
            }
            double[] p = calibrate(source, gate, calibration, threads);
            Coins signs = (blocks.size() == 1 ? coins : coins.derive("block/" + b)).derive("signs");
            double[] sign = TaylorRelease.signs((int) hidden, signs, true);
            kappas.add(TaylorRelease.kappa(act, p, sign, order));
            new TaylorNames(op).declare(specs, dtype != null ? dtype : down.dtype(), in, hidden, out, order);
            consumed.add(names.gate());
            consumed.add(names.up());
            consumed.add(names.down());
            released.add(new Released(target, order, p, sign, in, hidden, out));
        }
        List<String> others = copyOthers ? declareOthers(source, consumed, specs) : List.of();
        Map<String, String> meta = new TreeMap<>();
        meta.put("scheme", "taylormlp");
        meta.put("kind", TaylorNames.GATED);
        meta.put("activation", act.id());
        meta.put("order", Integer.toString(order));
        meta.put("expanded", "all");
        meta.put("blocks", String.join(",", outPrefixes));
        meta.put("source", source.file().getFileName().toString());
        try (Writer w = Writer.create(target, meta, specs, durable)) {
            for (int b = 0; b < blocks.size(); b++) {
                writeBlock(w, source, blocks.get(b), outPrefixes.get(b), released.get(b), kappas.get(b), order, threads);
            }
            for (String n : others) {
                copy(w, source.tensor(n), n);
            }
            w.commit();
        }
        return released;
    }

    private static void writeBlock(Writer w, Safetensors source, SwiGluNames names, String op, Released r,
            double[][] kappa, int order, int threads) {
        Tensor gate = source.tensor(names.gate());
        Tensor up = source.tensor(names.up());
        Tensor down = source.tensor(names.down());
        long hidden = r.hidden();
        long in = r.in();
        double[] sign = r.sign();
        TaylorNames tn = new TaylorNames(op);
        w.write(tn.p(), 0, TaylorRelease.signed(r.p(), sign), 0, (int) hidden);
        writeSignedRows(w, source, gate, sign, tn.gate(), threads);
        Rows.parallel(hidden, threads, (worker, from, to) -> {
            double[] row = new double[(int) in];
            for (long j = from; j < to; j++) {
                up.read(j * in, row, 0, row.length);
                finite(row, source, names.up(), j);
                w.write(tn.up(), j * in, row, 0, row.length);
            }
        });
        Rows.parallel(r.out(), threads, (worker, from, to) -> {
            double[] row = new double[(int) hidden];
            double[] t = new double[(int) hidden];
            for (long q = from; q < to; q++) {
                down.read(q * hidden, row, 0, row.length);
                finite(row, source, names.down(), q);
                for (int n = 0; n <= order; n++) {
                    TaylorRelease.thetaRow(row, kappa[n], t);
                    w.write(tn.theta(n), q * hidden, t, 0, t.length);
                }
            }
        });
    }

    /**
     * Declares, for copying as they are, the tensors of {@code file} not in {@code consumed}; returns
     * their names. A name that clashes with one already declared is refused.
     */
    static List<String> declareOthers(Safetensors file, java.util.Set<String> consumed, Map<String, Spec> specs) {
        List<String> others = new ArrayList<>();
        for (String n : file.names()) {
            if (!consumed.contains(n)) {
                if (specs.containsKey(n)) {
                    throw new WgException(file.file() + ": tensor '" + n + "' clashes with a tensor the release writes");
                }
                Tensor t = file.tensor(n);
                specs.put(n, new Spec(t.dtype(), t.shape()));
                others.add(n);
            }
        }
        return others;
    }

    /**
     * Writes row j of a [hidden, in] matrix times sign[j] (the sign is its own inverse: this both
     * hides and restores V_gate), refusing non-finite values.
     */
    static void writeSignedRows(Writer w, Safetensors file, Tensor m, double[] sign, String target,
            int threads) {
        long in = m.columns();
        Rows.parallel(m.rows(), threads, (worker, from, to) -> {
            double[] row = new double[(int) in];
            for (long j = from; j < to; j++) {
                m.read(j * in, row, 0, row.length);
                finite(row, file, m.name(), j);
                TaylorRelease.signRow(row, sign[(int) j]);
                w.write(target, j * in, row, 0, row.length);
            }
        });
    }

    /** Copies a tensor as it is, byte for byte (any dtype: integer indices and masks included). */
    static void copy(Writer w, Tensor t, String name) {
        w.copy(t, name);
    }

    static void finite(double[] row, Safetensors file, String tensor, long r) {
        for (double v : row) {
            if (!Double.isFinite(v)) {
                throw new WgException(file.file() + ": tensor '" + tensor + "' has a NaN or infinite value in row " + r
                        + "; the checkpoint is damaged (re-export it) and cannot be released or audited");
            }
        }
    }

    /** Midpoints of each gate neuron's pre-activation range over the calibration tokens. */
    static double[] calibrate(Safetensors source, Tensor gate, float[] calibration, int threads) {
        double[][] r = ranges(source, gate, calibration, threads);
        double[] p = new double[r[0].length];
        for (int j = 0; j < p.length; j++) {
            p[j] = TaylorRelease.point(r[0][j], r[1][j]);
        }
        return p;
    }

    /** Each gate neuron's pre-activation minimum and maximum over the calibration tokens: {lo, hi}. */
    static double[][] ranges(Safetensors source, Tensor gate, float[] calibration, int threads) {
        long hidden = gate.rows();
        int in = (int) gate.columns();
        int m = calibration.length / in;
        Nd.init();
        INDArray x = Nd4j.create(calibration, new long[] {m, in}, 'c').castTo(DataType.FLOAT);
        double[] lo = new double[(int) hidden];
        double[] hi = new double[(int) hidden];
        long blocks = (hidden + NEURON_BLOCK - 1) / NEURON_BLOCK;
        Rows.parallel(blocks, threads, (worker, from, to) -> {
            float[] g = new float[NEURON_BLOCK * in];
            for (long b = from; b < to; b++) {
                long j0 = b * NEURON_BLOCK;
                int rows = (int) Math.min(NEURON_BLOCK, hidden - j0);
                gate.read(j0 * in, g, 0, rows * in);
                for (int i = 0; i < rows * in; i++) {
                    if (!Float.isFinite(g[i])) {
                        throw new WgException(source.file() + ": tensor '" + gate.name() + "' has a NaN or infinite value in row "
                                + (j0 + i / in) + "; the checkpoint is damaged (re-export it)");
                    }
                }
                INDArray gb = Nd4j.create(rows == NEURON_BLOCK ? g : java.util.Arrays.copyOf(g, rows * in), new long[] {rows, in}, 'c');
                INDArray pre = x.mmul(gb.transpose());
                double[] l = pre.min(0).castTo(DataType.DOUBLE).toDoubleVector();
                double[] h = pre.max(0).castTo(DataType.DOUBLE).toDoubleVector();
                System.arraycopy(l, 0, lo, (int) j0, rows);
                System.arraycopy(h, 0, hi, (int) j0, rows);
            }
        });
        return new double[][] {lo, hi};
    }
}
