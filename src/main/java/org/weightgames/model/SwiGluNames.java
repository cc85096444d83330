package org.weightgames.model;

import java.util.List;

import org.weightgames.core.WgException;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Tensor;

/**
 * Where the three matrices of one SwiGLU block sit in a checkpoint: {@code gate} and {@code up}
 * [hidden, in], {@code down} [out, hidden], as Llama and Mistral name them
 * ({@code <prefix>gate_proj.weight}, {@code up_proj.weight}, {@code down_proj.weight}).
 */
public record SwiGluNames(String gate, String up, String down) {
    public static final String GATE = "gate_proj.weight";
    public static final String UP = "up_proj.weight";
    public static final String DOWN = "down_proj.weight";

    /** The block under {@code prefix} (e.g. {@code model.layers.0.mlp.}), or the only one when prefix is null. */
    public static SwiGluNames find(Safetensors file, String prefix) {
        List<String> prefixes = prefixes(file);
        if (prefix == null) {
            if (prefixes.isEmpty()) {
                throw new WgException(file.file() + ": no SwiGLU block found (no tensor named *" + GATE + " with " + UP
                        + " and " + DOWN + " beside it); rename them to those suffixes, or give the block's prefix (--prefix, --set model.prefix=...)");
            }
            prefix = prefixes.get(0);
        } else if (!prefixes.contains(prefix)) {
            throw new WgException(file.file() + ": no SwiGLU block under prefix '" + prefix + "'; blocks found: "
                    + prefixes);
        }
        return check(file, new SwiGluNames(prefix + GATE, prefix + UP, prefix + DOWN));
    }

    /** Prefixes of every complete SwiGLU block, in file order. */
    public static List<String> prefixes(Safetensors file) {
        return file.prefixes(GATE, UP, DOWN);
    }

    /** Checks that the named tensors exist and have consistent matrix shapes. */
    public static SwiGluNames check(Safetensors file, SwiGluNames n) {
        Tensor g = file.tensor(n.gate).requireFloat();
        Tensor u = file.tensor(n.up).requireFloat();
        Tensor d = file.tensor(n.down).requireFloat();
        if (g.shape().length != 2 || u.shape().length != 2 || d.shape().length != 2) {
            throw new WgException(file.file() + ": the SwiGLU tensors must be matrices; got " + n.gate + " "
                    + java.util.Arrays.toString(g.shape()) + ", " + n.up + " " + java.util.Arrays.toString(u.shape()) + ", "
                    + n.down + " " + java.util.Arrays.toString(d.shape()));
        }
        u.requireShape(g.rows(), g.columns());
        if (d.columns() != g.rows()) {
            throw new WgException(file.file() + ": " + n.down + " has " + d.columns() + " columns but " + n.gate + " has "
                    + g.rows() + " rows (the hidden width); the tensors belong to different blocks");
        }
        if (g.rows() < 1 || g.columns() < 1 || d.rows() < 1) {
            throw new WgException(file.file() + ": the SwiGLU block has an empty dimension");
        }
        return n;
    }
}
