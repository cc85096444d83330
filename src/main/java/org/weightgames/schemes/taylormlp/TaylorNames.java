package org.weightgames.schemes.taylormlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;
import org.weightgames.safetensors.DType;
import org.weightgames.safetensors.Safetensors;
import org.weightgames.safetensors.Spec;

/**
 * The one naming of a TaylorMLP artifact: every tensor of a released block is
 * {@code <prefix><name>}, the prefix {@code "<i>."} for layer i of a network released in memory
 * (the games, {@code audit --model}) and the checkpoint's own block prefix (e.g.
 * {@code model.layers.0.mlp.}, or none for a lone block) for a streamed release ({@code wg release},
 * {@code wg bench}). The names are the scheme's notation (schemes/taylormlp.md), never the
 * checkpoint's: the released V'_gate is not the original {@code gate_proj.weight}.
 * <ul>
 * <li>SwiGLU block: {@code V_gate} (rows of expanded neurons times their sign), {@code V_up},
 * {@code p} (p' = s p), {@code theta.<n>} [out, k] for n = 0..N, and in memory {@code expanded}
 * (indices of the expanded neurons) and {@code W_down_plain} (the others' columns, if any);</li>
 * <li>plain block (in memory only): {@code V}, {@code expanded}, {@code p}, {@code theta.0} [out],
 * {@code theta.<n>} [out, k] for n = 1..N, {@code W_plain} and {@code b_plain}.</li>
 * </ul>
 * The secret the games judge against is named alike: {@code W_down[S]}, or {@code W[S]},
 * {@code b[S]} and {@code c}.
 */
public record TaylorNames(String prefix) {
    /** Metadata kind of a SwiGLU block; of a plain one. */
    public static final String GATED = "taylor-swiglu";
    public static final String PLAIN = "taylor-mlp";

    public TaylorNames {
        if (prefix == null) {
            throw new IllegalArgumentException("a block prefix, possibly empty");
        }
    }

    /** Layer i of a network released in memory. */
    public static TaylorNames layer(int i) {
        return new TaylorNames(i + ".");
    }

    public String gate() {
        return prefix + "V_gate";
    }

    public String up() {
        return prefix + "V_up";
    }

    /** V of a plain block. */
    public String v() {
        return prefix + "V";
    }

    public String p() {
        return prefix + "p";
    }

    public String theta(int n) {
        return prefix + "theta." + n;
    }

    public String expanded() {
        return prefix + "expanded";
    }

    /** The plaintext neurons' columns: W_down_plain (SwiGLU) or W_plain (plain). */
    public String wPlain(boolean gated) {
        return prefix + (gated ? "W_down_plain" : "W_plain");
    }

    public String bPlain() {
        return prefix + "b_plain";
    }

    /** The secret columns of the expanded neurons: W_down[S] (SwiGLU) or W[S] (plain). */
    public String secretW(boolean gated) {
        return prefix + (gated ? "W_down[S]" : "W[S]");
    }

    public String secretB() {
        return prefix + "b[S]";
    }

    public String secretC() {
        return prefix + "c";
    }

    /** Every tensor of a streamed SwiGLU block of the given order (all neurons expanded), in file order. */
    public List<String> streamed(int order) {
        List<String> n = new ArrayList<>(List.of(gate(), up(), p()));
        for (int k = 0; k <= order; k++) {
            n.add(theta(k));
        }
        return n;
    }

    /** Declares a streamed SwiGLU block's tensors: V_gate, V_up [hidden, in] and theta.n [out, hidden] in dtype, p in F64. */
    public void declare(Map<String, Spec> specs, DType dtype, long in, long hidden, long out, int order) {
        specs.put(gate(), new Spec(dtype, new long[] {hidden, in}));
        specs.put(up(), new Spec(dtype, new long[] {hidden, in}));
        specs.put(p(), new Spec(DType.F64, new long[] {hidden}));
        for (int n = 0; n <= order; n++) {
            specs.put(theta(n), new Spec(dtype, new long[] {out, hidden}));
        }
    }

    /** Puts an in-memory SwiGLU block's tensors; {@code wPlain} null when every neuron is expanded. */
    public void putGated(Map<String, INDArray> tensors, INDArray gate, INDArray up, INDArray expanded, INDArray p,
            INDArray[] theta, INDArray wPlain) {
        tensors.put(gate(), gate);
        tensors.put(up(), up);
        tensors.put(expanded(), expanded);
        tensors.put(p(), p);
        for (int n = 0; n < theta.length; n++) {
            tensors.put(theta(n), theta[n]);
        }
        if (wPlain != null) {
            tensors.put(wPlain(true), wPlain);
        }
    }

    /** Puts an in-memory plain block's tensors; {@code wPlain} and {@code bPlain} null when every neuron is expanded. */
    public void putPlain(Map<String, INDArray> tensors, INDArray v, INDArray expanded, INDArray p, INDArray[] theta,
            INDArray wPlain, INDArray bPlain) {
        tensors.put(v(), v);
        tensors.put(expanded(), expanded);
        tensors.put(p(), p);
        for (int n = 0; n < theta.length; n++) {
            tensors.put(theta(n), theta[n]);
        }
        if (wPlain != null) {
            tensors.put(wPlain(false), wPlain);
            tensors.put(bPlain(), bPlain);
        }
    }

    /**
     * The order of a streamed artifact's block under this prefix, read from the metadata (kind
     * {@value #GATED}, order) and checked against the block's tensors and their shapes.
     */
    public int streamedOrder(Safetensors artifact) {
        String o = artifact.metadata().get("order");
        if (o == null || !GATED.equals(artifact.metadata().get("kind"))) {
            throw new WgException(artifact.file() + ": not a streamed TaylorMLP SwiGLU artifact (metadata kind=taylor-swiglu"
                    + " and order missing); release one with the taylormlp scheme");
        }
        if (!artifact.has(gate()) && artifact.has(prefix + "gate_proj.weight")) {
            throw new WgException(artifact.file() + ": a TaylorMLP artifact with the earlier tensor names (" + prefix
                    + "gate_proj.weight and up_proj.weight, now " + gate() + " and " + up() + "); release the checkpoint again");
        }
        int n;
        try {
            n = Integer.parseInt(o);
        } catch (NumberFormatException e) {
            throw new WgException(artifact.file() + ": metadata order '" + o + "' is not an integer");
        }
        if (n < 1 || n > 64) {
            throw new WgException(artifact.file() + ": metadata order " + n + " is outside 1..64");
        }
        long hidden = artifact.tensor(p()).elements();
        long out = artifact.tensor(theta(0)).rows();
        for (int k = 0; k <= n; k++) {
            artifact.tensor(theta(k)).requireShape(out, hidden);
        }
        artifact.tensor(gate()).requireShape(hidden, artifact.tensor(gate()).columns());
        return n;
    }
}
