package org.weightgames.scale;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.model.SwiGluNames;
import org.weightgames.safetensors.Codec;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Tensor;
import org.weightgames.safetensors.Writer;
import org.weightgames.schemes.taylormlp.OfficialNames;
import org.weightgames.schemes.taylormlp.TaylorRelease;

/**
 * TaylorMLP's release ({@code select} -1: {@link #SHIPPED_SHARE} of each block's neurons) of SwiGLU (or GeGLU) blocks in the authors' own layout ({@link OfficialNames}),
 * by the authors' module's rules, streamed from a checkpoint: calibrate each neuron's gate range,
 * take the {@code select} neurons of smallest range in ascending order of range (the module's
 * {@code dim_selection} with {@code max_gap = 0}; ties by index), the rest as plain neurons in the
 * same order; expansion point p = (min + max) / 2 rounded to the tensors' dtype (the module
 * computes it in the model's dtype), a sign per expanded neuron; {@code fuse_weight} holds the
 * derivatives act^(k)(p) s^k without 1/k!, {@code discount_factor} log k!. With {@code indices}, the
 * neurons' original positions are kept as int64 {@code sampled_dim}/{@code ffn_dim}, as
 * re-implementations do; without, as the module itself leaves them, they are gone.
 */
public final class OfficialRelease {
    /** The share expanded when no count is given: 10000 of Llama-3-8B's 14336, the authors' shipped N = 6 setting. */
    public static final double SHIPPED_SHARE = 10000.0 / 14336;

    private OfficialRelease() {
    }

    /** What the challenger knows of one released block: the signs and points (in release order), the neurons chosen. */
    public record Released(OfficialNames names, OfficialNames.Shape shape, int[] sampled, int[] plain, double[] p,
            double[] sign) {
    }

    /** log k! for k = 1..order: the module's discount factors. */
    public static double[] discount(int order) {
        double[] d = new double[order];
        double s = 0;
        for (int k = 1; k <= order; k++) {
            s += Math.log(k);
            d[k - 1] = s;
        }
        return d;
    }

    /** Neuron indices by ascending range, ties by index: the first {@code select} are expanded. */
    static int[] byRange(double[] lo, double[] hi) {
        return IntStream.range(0, lo.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> hi[j] - lo[j]).thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
    }

    public static List<Released> release(Safetensors source, List<SwiGluNames> blocks, List<String> prefixes,
            float[] calibration, int order, int select, Activation act, Coins coins, Path target, DType dtype, boolean indices,
            int threads, boolean durable, boolean copyOthers) {
        if (order < 1 || order > 64) {
            throw new WgException("taylormlp: order must be between 1 and 64, got " + order);
        }
        if (select == 0 || select < -1) {
            throw new WgException("taylormlp: --select must be at least 1 expanded neuron per block, got " + select);
        }
        List<Released> out = new ArrayList<>();
        Map<String, Spec> specs = new LinkedHashMap<>();
        Set<String> consumed = new HashSet<>();
        for (int b = 0; b < blocks.size(); b++) {
            SwiGluNames sw = SwiGluNames.check(source, blocks.get(b));
            Tensor gate = source.tensor(sw.gate());
            long in = gate.columns();
            long inter = gate.rows();
            if (calibration.length == 0 || calibration.length % in != 0) {
                throw new WgException("taylormlp: calibration tokens must have width " + in + ", got " + calibration.length + " values");
            }
            DType dt = dtype != null ? dtype : source.tensor(sw.down()).dtype();
            double[][] r = StreamingTaylor.ranges(source, gate, calibration, threads);
            int[] order2 = byRange(r[0], r[1]);
            int s = select < 0 ? (int) Math.max(1, Math.round(inter * SHIPPED_SHARE)) : (int) Math.min(select, inter);
            int[] sampled = java.util.Arrays.copyOfRange(order2, 0, s);
            int[] plain = java.util.Arrays.copyOfRange(order2, s, order2.length);
            double[] p = new double[s];
            for (int q = 0; q < s; q++) {
                p[q] = Codec.round(dt, TaylorRelease.point(r[0][sampled[q]], r[1][sampled[q]]));
            }
            Coins signs = (blocks.size() == 1 ? coins : coins.derive("block/" + b)).derive("signs");
            double[] sign = TaylorRelease.signs(s, signs, true);
            OfficialNames on = new OfficialNames(prefixes.get(b));
            OfficialNames.Shape sh = new OfficialNames.Shape(in, source.tensor(sw.down()).rows(), s, plain.length, order, indices);
            on.declare(specs, dt, sh);
            consumed.addAll(List.of(sw.gate(), sw.up(), sw.down()));
            out.add(new Released(on, sh, sampled, plain, p, sign));
        }
        List<String> others = copyOthers ? StreamingTaylor.declareOthers(source, consumed, specs) : List.of();
        Map<String, String> meta = new TreeMap<>();
        meta.put("scheme", "taylormlp");
        meta.put("layout", "official");
        meta.put("activation", act.id());
        meta.put("order", Integer.toString(order));
        meta.put("source", source.file().getFileName().toString());
        try (Writer w = Writer.create(target, meta, specs, durable)) {
            for (int b = 0; b < blocks.size(); b++) {
                write(w, source, blocks.get(b), out.get(b), act, order, threads);
            }
            for (String n : others) {
                w.copy(source.tensor(n), n);
            }
            w.commit();
        }
        return out;
    }

    /**
     * The module's coefficients of each expanded neuron, kOff[k][q] for k = 0..N: act(p) at k = 0
     * (no sign), act^(k)(p) s^k = k! s^k c_k(p) above (no 1/k!).
     */
    public static double[][] coefficients(Activation act, double[] p, double[] sign, int order) {
        double[][] k = TaylorRelease.kappa(act, p, sign, order);
        double f = 1;
        for (int n = 1; n <= order; n++) {
            f *= n;
            for (int q = 0; q < p.length; q++) {
                k[n][q] *= f;
            }
        }
        return k;
    }

    private static void write(Writer w, Safetensors source, SwiGluNames sw, Released r, Activation act, int order, int threads) {
        OfficialNames on = r.names();
        Tensor gate = source.tensor(sw.gate());
        Tensor up = source.tensor(sw.up());
        Tensor down = source.tensor(sw.down());
        long in = gate.columns();
        long inter = gate.rows();
        int s = r.sampled().length;
        int pl = r.plain().length;
        double[][] k = coefficients(act, r.p(), r.sign(), order);
        w.write(on.point(), 0, TaylorRelease.signed(r.p(), r.sign()), 0, s);
        w.write(on.discount(), 0, discount(order), 0, order);
        long[] ks = new long[order];
        for (int n = 0; n < order; n++) {
            ks[n] = n + 1;
        }
        w.write(on.orders(), 0, ks, 0, order);
        if (r.shape().indexed()) {
            w.write(on.sampled(), 0, java.util.Arrays.stream(r.sampled()).asLongStream().toArray(), 0, s);
            w.write(on.ffnDim(), 0, java.util.Arrays.stream(r.plain()).asLongStream().toArray(), 0, pl);
        }
        Rows.parallel(inter, threads, (worker, from, to) -> {
            double[] row = new double[(int) in];
            for (long i = from; i < to; i++) {
                int q = (int) i;
                boolean expanded = q < s;
                int j = expanded ? r.sampled()[q] : r.plain()[q - s];
                int at = expanded ? q : q - s;
                gate.read((long) j * in, row, 0, row.length);
                StreamingTaylor.finite(row, source, sw.gate(), j);
                if (expanded) {
                    TaylorRelease.signRow(row, r.sign()[q]);
                }
                w.write(expanded ? on.gate() : on.ffnGate(), at * in, row, 0, row.length);
                up.read((long) j * in, row, 0, row.length);
                StreamingTaylor.finite(row, source, sw.up(), j);
                w.write(expanded ? on.up() : on.ffnUp(), at * in, row, 0, row.length);
            }
        });
        Rows.parallel(r.shape().out(), threads, (worker, from, to) -> {
            double[] row = new double[(int) inter];
            double[] approx = new double[s];
            double[] fuse = new double[s * order];
            double[] rest = new double[pl];
            for (long o = from; o < to; o++) {
                down.read(o * inter, row, 0, row.length);
                StreamingTaylor.finite(row, source, sw.down(), o);
                for (int q = 0; q < s; q++) {
                    double v = row[r.sampled()[q]];
                    approx[q] = v * k[0][q];
                    for (int n = 1; n <= order; n++) {
                        fuse[q * order + n - 1] = v * k[n][q];
                    }
                }
                for (int q = 0; q < pl; q++) {
                    rest[q] = row[r.plain()[q]];
                }
                w.write(on.approx(), o * s, approx, 0, s);
                w.write(on.fuse(), o * s * order, fuse, 0, fuse.length);
                w.write(on.ffnDown(), o * pl, rest, 0, pl);
            }
        });
    }
}
