package org.weightgames.schemes.taylormlp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.weightgames.core.WgException;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Spec;
import org.weightgames.safetensors.Tensor;

/**
 * The layout of a TaylorMLP release as the authors' module keeps it ({@code Tylor_expansion_LlamaMLP},
 * guanchuwang/Taylor-Unswift, tylor_expansion/src/llama.py): per block, under a prefix such as
 * {@code model.layers.7.mlp.}, with H the model width, S the expanded neurons, N the order:
 * <ul>
 * <li>{@code gate_proj_weight} [S, H] (row j times its secret sign s_j), {@code up_proj_weight} [S, H],
 * {@code local_point} [S] (s_j p_j);</li>
 * <li>{@code local_approx_output} [H, S] = W_down[:, j] act(p_j), no sign;</li>
 * <li>{@code fuse_weight} [H, S, N], entry k-1 = W_down[:, j] act^(k)(p_j) s_j^k, <b>without</b> 1/k!,
 * applied at run time from {@code discount_factor} [N] = log k! and {@code grad_order_buf} [N] = 1..N;</li>
 * <li>{@code ffn_gate_proj_weight}, {@code ffn_up_proj_weight} [I-S, H], {@code ffn_down_proj_weight}
 * [H, I-S]: the neurons not expanded, in the clear;</li>
 * <li>optionally (re-implementations keep them; the authors' module deletes them) {@code sampled_dim}
 * [S] and {@code ffn_dim} [I-S], int64: where each neuron sat in the original.</li>
 * </ul>
 * A block is found by its {@code fuse_weight}; the others must sit beside it.
 */
public record OfficialNames(String prefix) {
    public static final String FUSE = "fuse_weight";

    public String gate() {
        return prefix + "gate_proj_weight";
    }

    public String up() {
        return prefix + "up_proj_weight";
    }

    public String point() {
        return prefix + "local_point";
    }

    public String approx() {
        return prefix + "local_approx_output";
    }

    public String fuse() {
        return prefix + FUSE;
    }

    public String discount() {
        return prefix + "discount_factor";
    }

    public String orders() {
        return prefix + "grad_order_buf";
    }

    public String ffnGate() {
        return prefix + "ffn_gate_proj_weight";
    }

    public String ffnUp() {
        return prefix + "ffn_up_proj_weight";
    }

    public String ffnDown() {
        return prefix + "ffn_down_proj_weight";
    }

    public String sampled() {
        return prefix + "sampled_dim";
    }

    public String ffnDim() {
        return prefix + "ffn_dim";
    }

    /** Every block of the file in this layout, in file order (the prefixes of its {@code fuse_weight} tensors). */
    public static List<OfficialNames> find(Safetensors file) {
        List<OfficialNames> out = new ArrayList<>();
        for (String p : file.prefixes(FUSE, "local_approx_output", "local_point", "gate_proj_weight", "up_proj_weight")) {
            out.add(new OfficialNames(p));
        }
        return out;
    }

    /** The tensors this layout names under the prefix that the file holds. */
    public List<String> present(Safetensors file) {
        List<String> n = new ArrayList<>();
        for (String t : List.of(gate(), up(), point(), approx(), fuse(), discount(), orders(), ffnGate(), ffnUp(), ffnDown(),
                sampled(), ffnDim())) {
            if (file.has(t)) {
                n.add(t);
            }
        }
        return n;
    }

    /** The shape of one block, checked: every tensor present has the shape its partners imply. */
    /** in: the gate rows' width; out: the output's (both H for Llama); expanded S; plain I - S; order N. */
    public record Shape(long in, long out, long expanded, long plain, int order, boolean indexed) {
        public long intermediate() {
            return expanded + plain;
        }
    }

    /** Checks the block's tensors against each other, naming the file and tensor when one is malformed. */
    public Shape check(Safetensors file) {
        Tensor fuse = file.tensor(fuse()).requireFloat();
        long[] fs = fuse.shape();
        if (fs.length != 3 || fs[0] < 1 || fs[1] < 1 || fs[2] < 1 || fs[2] > 64) {
            throw new WgException(file.file() + ": tensor '" + fuse() + "' has shape " + Arrays.toString(fs)
                    + "; the authors' layout stores it as [H, S, N] with 1 <= N <= 64");
        }
        long h = fs[0];
        long s = fs[1];
        int n = (int) fs[2];
        Tensor gate = file.tensor(gate()).requireFloat();
        long in = gate.shape().length == 2 ? gate.shape()[1] : -1;
        if (in < 1 || gate.shape()[0] != s) {
            throw new WgException(file.file() + ": tensor '" + gate() + "' has shape " + Arrays.toString(gate.shape()) + ", expected ["
                    + s + ", H] beside " + fuse() + " " + Arrays.toString(fs));
        }
        file.tensor(up()).requireFloat().requireShape(s, in);
        file.tensor(point()).requireFloat().requireShape(s);
        file.tensor(approx()).requireFloat().requireShape(h, s);
        long plain = 0;
        if (file.has(ffnDown())) {
            plain = file.tensor(ffnDown()).requireFloat().columns();
            file.tensor(ffnDown()).requireShape(h, plain);
            file.tensor(ffnGate()).requireFloat().requireShape(plain, in);
            file.tensor(ffnUp()).requireFloat().requireShape(plain, in);
        }
        if (file.has(discount())) {
            file.tensor(discount()).requireShape(n);
        }
        boolean indexed = file.has(sampled());
        if (indexed) {
            file.tensor(sampled()).requireShape(s);
            if (plain > 0 || file.has(ffnDim())) {
                file.tensor(ffnDim()).requireShape(plain);
            }
        } else if (file.has(ffnDim())) {
            throw new WgException(file.file() + ": tensor '" + ffnDim() + "' without '" + sampled() + "'; keep both indices or neither");
        }
        return new Shape(in, h, s, plain, n, indexed);
    }

    /** Declares a block's tensors for writing, weights in {@code dtype}, the order buffer and indices as I64. */
    public void declare(Map<String, Spec> specs, DType dtype, Shape sh) {
        long expanded = sh.expanded();
        long plain = sh.plain();
        int order = sh.order();
        specs.put(gate(), new Spec(dtype, new long[] {expanded, sh.in()}));
        specs.put(up(), new Spec(dtype, new long[] {expanded, sh.in()}));
        specs.put(point(), new Spec(dtype, new long[] {expanded}));
        specs.put(approx(), new Spec(dtype, new long[] {sh.out(), expanded}));
        specs.put(fuse(), new Spec(dtype, new long[] {sh.out(), expanded, order}));
        specs.put(discount(), new Spec(dtype, new long[] {order}));
        specs.put(orders(), new Spec(DType.I64, new long[] {order}));
        specs.put(ffnGate(), new Spec(dtype, new long[] {plain, sh.in()}));
        specs.put(ffnUp(), new Spec(dtype, new long[] {plain, sh.in()}));
        specs.put(ffnDown(), new Spec(dtype, new long[] {sh.out(), plain}));
        if (sh.indexed()) {
            specs.put(sampled(), new Spec(DType.I64, new long[] {expanded}));
            specs.put(ffnDim(), new Spec(DType.I64, new long[] {plain}));
        }
    }
}
