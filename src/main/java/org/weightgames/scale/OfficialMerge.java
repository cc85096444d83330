package org.weightgames.scale;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.weightgames.core.Numerics;
import org.weightgames.core.WgException;
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
 * A recovered block in the authors' layout turned back into the original's: {@code gate_proj.weight},
 * {@code up_proj.weight} [I, in] and {@code down_proj.weight} [out, I] with the expanded and plain
 * neurons merged, in the original order when the release kept {@code sampled_dim}/{@code ffn_dim},
 * otherwise expanded first then plain, in the release's order (the same function: hidden neurons
 * commute). And its comparison with the original, up to that permutation.
 */
public final class OfficialMerge {
    /** Entry-wise tolerance of "recovered": within 1% of the original value (the public reproduction's criterion). */
    public static final double TOLERANCE = 0.01;

    private OfficialMerge() {
    }

    /** Where each released neuron goes in the merged block: expanded[q], plain[q]; whether that is the original order. */
    record Positions(int[] expanded, int[] plain, boolean original) {
    }

    static Positions positions(Safetensors art, OfficialNames names, OfficialNames.Shape sh) {
        int s = (int) sh.expanded();
        int pl = (int) sh.plain();
        int[] e = new int[s];
        int[] p = new int[pl];
        if (!sh.indexed()) {
            Arrays.setAll(e, q -> q);
            Arrays.setAll(p, q -> s + q);
            return new Positions(e, p, false);
        }
        long[] se = art.tensor(names.sampled()).toLongs();
        long[] fe = pl > 0 ? art.tensor(names.ffnDim()).toLongs() : new long[0];
        boolean[] seen = new boolean[s + pl];
        for (int i = 0; i < s + pl; i++) {
            long v = i < s ? se[i] : fe[i - s];
            String t = i < s ? names.sampled() : names.ffnDim();
            if (v < 0 || v >= s + pl || seen[(int) v]) {
                throw new WgException(art.file() + ": tensor '" + t + "' holds " + v + ", which is " + (v < 0 || v >= s + pl
                        ? "outside 0.." + (s + pl - 1) : "a repeated index") + "; sampled_dim and ffn_dim must together be a permutation"
                        + " of the block's " + (s + pl) + " neurons");
            }
            seen[(int) v] = true;
            if (i < s) {
                e[i] = (int) v;
            } else {
                p[i - s] = (int) v;
            }
        }
        return new Positions(e, p, true);
    }

    /** Declares the merged block's tensors (in the artifact's weight dtype) and the names it consumes. */
    static void declare(Safetensors art, OfficialNames names, OfficialNames.Shape sh, Map<String, Spec> specs, List<String> consumed) {
        DType dt = art.tensor(names.gate()).dtype();
        long inter = sh.intermediate();
        specs.put(names.prefix() + SwiGluNames.GATE, new Spec(dt, new long[] {inter, sh.in()}));
        specs.put(names.prefix() + SwiGluNames.UP, new Spec(dt, new long[] {inter, sh.in()}));
        specs.put(names.prefix() + SwiGluNames.DOWN, new Spec(art.tensor(names.fuse()).dtype(), new long[] {sh.out(), inter}));
        consumed.addAll(names.present(art));
    }

    /** Writes the merged block. */
    static void write(Writer w, Safetensors art, OfficialInversion.Recovered rec, Positions pos, int threads) {
        OfficialNames n = rec.names();
        OfficialNames.Shape sh = rec.shape();
        int s = (int) sh.expanded();
        int pl = (int) sh.plain();
        long in = sh.in();
        long inter = sh.intermediate();
        String p = n.prefix();
        Tensor gate = art.tensor(n.gate());
        Tensor up = art.tensor(n.up());
        Rows.parallel(s + pl, threads, (worker, from, to) -> {
            double[] row = new double[(int) in];
            for (long i = from; i < to; i++) {
                int q = (int) i;
                boolean e = q < s;
                long at = e ? pos.expanded()[q] : pos.plain()[q - s];
                long src = e ? q : q - s;
                (e ? gate : art.tensor(n.ffnGate())).read(src * in, row, 0, row.length);
                if (e) {
                    TaylorRelease.signRow(row, rec.sign()[q]);
                }
                w.write(p + SwiGluNames.GATE, at * in, row, 0, row.length);
                (e ? up : art.tensor(n.ffnUp())).read(src * in, row, 0, row.length);
                w.write(p + SwiGluNames.UP, at * in, row, 0, row.length);
            }
        });
        Tensor ffnDown = pl > 0 ? art.tensor(n.ffnDown()) : null;
        Rows.parallel(sh.out(), threads, (worker, from, to) -> {
            double[] row = new double[(int) inter];
            double[] rest = new double[pl];
            for (long r = from; r < to; r++) {
                for (int q = 0; q < s; q++) {
                    row[pos.expanded()[q]] = rec.w(r, q);
                }
                if (pl > 0) {
                    ffnDown.read(r * pl, rest, 0, pl);
                    for (int q = 0; q < pl; q++) {
                        row[pos.plain()[q]] = rest[q];
                    }
                }
                w.write(p + SwiGluNames.DOWN, r * inter, row, 0, row.length);
            }
        });
    }

    /**
     * The recovery against the original block: column errors of the protected W_down columns,
     * gate signs, the share of protected parameters (S * out down-projection entries and S signs)
     * recovered within {@link #TOLERANCE}, and how many parameters the release shipped in the clear.
     */
    public record Comparison(double medianColumnError, double maxColumnError, long signErrors, long protectedParams,
            long protectedRecovered, long clearParams, boolean matchedByUpRows) {
        public double recoveredShare() {
            return protectedParams == 0 ? 0 : (double) protectedRecovered / protectedParams;
        }
    }

    /** Which original neuron each expanded neuron is: from the indices, or by matching the public up-projection rows. */
    static int[] originalOf(Safetensors art, OfficialNames n, OfficialNames.Shape sh, Positions pos, Safetensors orig,
            SwiGluNames on) {
        if (pos.original()) {
            return pos.expanded();
        }
        Tensor ou = orig.tensor(on.up());
        Tensor au = art.tensor(n.up());
        DType dt = au.dtype();
        int in = (int) sh.in();
        Map<Integer, List<Integer>> byHash = new HashMap<>();
        double[] row = new double[in];
        for (int j = 0; j < ou.rows(); j++) {
            ou.read((long) j * in, row, 0, in);
            for (int i = 0; i < in; i++) {
                row[i] = Codec.round(dt, row[i]);
            }
            byHash.computeIfAbsent(Arrays.hashCode(row), k -> new ArrayList<>()).add(j);
        }
        int[] map = new int[(int) sh.expanded()];
        boolean[] used = new boolean[(int) ou.rows()];
        double[] other = new double[in];
        for (int q = 0; q < map.length; q++) {
            au.read((long) q * in, row, 0, in);
            map[q] = -1;
            for (int j : byHash.getOrDefault(Arrays.hashCode(row), List.of())) {
                if (used[j]) {
                    continue; // repeated rows: each original neuron is matched once
                }
                ou.read((long) j * in, other, 0, in);
                for (int i = 0; i < in; i++) {
                    other[i] = Codec.round(dt, other[i]);
                }
                if (Arrays.equals(row, other)) {
                    map[q] = j;
                    used[j] = true;
                    break;
                }
            }
            if (map[q] < 0) {
                throw new WgException(art.file() + ": expanded neuron " + q + " of block '" + n.prefix() + "' has an up_proj row found"
                        + " nowhere in " + orig.file() + "; that checkpoint is not the release's original");
            }
        }
        return map;
    }

    static Comparison compare(OfficialInversion.Recovered rec, Safetensors art, Positions pos, Safetensors orig, SwiGluNames on,
            int threads) {
        OfficialNames n = rec.names();
        OfficialNames.Shape sh = rec.shape();
        int s = (int) sh.expanded();
        int[] j = originalOf(art, n, sh, pos, orig, on);
        Tensor down = orig.tensor(on.down());
        down.requireShape(sh.out(), sh.intermediate());
        int inter = (int) sh.intermediate();
        int blockRows = 64;
        int blocks = (int) ((sh.out() + blockRows - 1) / blockRows);
        double[][] err = new double[blocks][s];
        double[][] norm = new double[blocks][s];
        long[] within = new long[blocks];
        Rows.parallel(blocks, threads, (worker, from, to) -> {
            double[] row = new double[inter];
            for (long b = from; b < to; b++) {
                for (long r = b * blockRows; r < Math.min(sh.out(), (b + 1) * blockRows); r++) {
                    down.read(r * inter, row, 0, inter);
                    for (int q = 0; q < s; q++) {
                        double w = row[j[q]];
                        double d = rec.w(r, q) - w;
                        err[(int) b][q] += d * d;
                        norm[(int) b][q] += w * w;
                        if (Math.abs(d) <= TOLERANCE * Math.abs(w)) {
                            within[(int) b]++;
                        }
                    }
                }
            }
        });
        double[] col = new double[s];
        long ok = 0;
        for (int b = 0; b < blocks; b++) {
            ok += within[b];
        }
        for (int q = 0; q < s; q++) {
            double e = 0;
            double m = 0;
            for (int b = 0; b < blocks; b++) {
                e += err[b][q];
                m += norm[b][q];
            }
            col[q] = m > 0 ? Math.sqrt(e / m) : Math.sqrt(e);
        }
        Tensor og = orig.tensor(on.gate());
        Tensor ag = art.tensor(n.gate());
        DType dt = ag.dtype();
        int in = (int) sh.in();
        double[] a = new double[in];
        double[] b = new double[in];
        long bad = 0;
        for (int q = 0; q < s; q++) {
            og.read((long) j[q] * in, a, 0, in);
            ag.read((long) q * in, b, 0, in);
            for (int i = 0; i < in; i++) {
                if (Codec.round(dt, a[i]) != rec.sign()[q] * b[i]) {
                    bad++;
                    break;
                }
            }
        }
        long prot = (long) s * sh.out() + s;
        long clear = 2L * s * sh.in() + sh.plain() * (2 * sh.in() + sh.out());
        return new Comparison(Numerics.median(col), Arrays.stream(col).max().orElse(0), bad, prot, ok + (s - bad), clear,
                !pos.original());
    }
}
