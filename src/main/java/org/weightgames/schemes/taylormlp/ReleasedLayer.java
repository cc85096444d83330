package org.weightgames.schemes.taylormlp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.core.Nd;

/**
 * One block of a TaylorMLP artifact, read and checked: every tensor's presence, shape and
 * finiteness, the expanded-neuron indices. The released layer for inference and the attacks
 * both start from here, so a malformed artifact is refused in one place with one message.
 */
public final class ReleasedLayer {
    public final int index;
    /** Its tensors' names ({@code <index>.V_gate} and so on). */
    public final TaylorNames names;
    public final boolean gated;
    public final Activation act;
    public final int order;
    public final int hidden;
    public final int in;
    public final int out;
    /** V' (plain) or V_gate' (gated), rows of expanded neurons multiplied by their secret sign. */
    public final INDArray v;
    /** V_up (gated only). */
    public final INDArray up;
    public final int[] expanded;
    public final int[] plain;
    /** p' = s p for the expanded neurons. */
    public final INDArray p;
    /** theta[0] [out] (plain) or [out, k] (gated); theta[n] [out, k]. */
    public final INDArray[] theta;
    /** W (or W_down) of the plaintext neurons, or null. */
    public final INDArray wPlain;
    /** b of the plaintext neurons (plain only), or null. */
    public final INDArray bPlain;

    private ReleasedLayer(Artifact a, int i) {
        String where = "artifact of scheme " + a.scheme() + ", layer " + i;
        this.index = i;
        this.names = TaylorNames.layer(i);
        String kind = a.meta(i + ".kind");
        if (!kind.equals(TaylorNames.PLAIN) && !kind.equals(TaylorNames.GATED)) {
            throw new WgException(where + ": unknown layer kind '" + kind + "'");
        }
        this.gated = kind.equals(TaylorNames.GATED);
        try {
            this.act = Activation.byId(a.meta(i + ".activation"));
        } catch (IllegalArgumentException e) {
            throw new WgException(where + ": unknown activation '" + a.meta(i + ".activation") + "'");
        }
        this.order = intMeta(a, "order", 1, 64);
        this.v = matrix(a, gated ? names.gate() : names.v(), -1, -1);
        this.hidden = (int) v.rows();
        this.in = (int) v.columns();
        this.up = gated ? matrix(a, names.up(), hidden, in) : null;
        double[] idx = vector(a, names.expanded(), -1).toDoubleVector();
        this.expanded = new int[idx.length];
        for (int q = 0; q < idx.length; q++) {
            int j = (int) idx[q];
            if (j != idx[q] || j < 0 || j >= hidden || (q > 0 && j <= expanded[q - 1])) {
                throw new WgException(where + ": tensor " + names.expanded() + " must hold ascending neuron indices in 0.."
                        + (hidden - 1) + "; entry " + q + " is " + idx[q]);
            }
            expanded[q] = j;
        }
        int k = expanded.length;
        if (k == 0) {
            throw new WgException(where + ": no expanded neurons");
        }
        this.p = vector(a, names.p(), k);
        this.theta = new INDArray[order + 1];
        INDArray t1 = matrix(a, names.theta(gated ? 0 : 1), -1, k);
        this.out = (int) t1.rows();
        theta[0] = gated ? t1 : vector(a, names.theta(0), out);
        for (int n = 1; n <= order; n++) {
            theta[n] = matrix(a, names.theta(n), out, k);
        }
        if (a.has(names.theta(order + 1))) {
            throw new WgException(where + ": tensor " + names.theta(order + 1) + " is beyond the order " + order);
        }
        List<Integer> rest = new ArrayList<>();
        boolean[] isExpanded = new boolean[hidden];
        for (int j : expanded) {
            isExpanded[j] = true;
        }
        for (int j = 0; j < hidden; j++) {
            if (!isExpanded[j]) {
                rest.add(j);
            }
        }
        this.plain = rest.stream().mapToInt(Integer::intValue).toArray();
        String wName = names.wPlain(gated);
        if (plain.length > 0) {
            this.wPlain = matrix(a, wName, out, plain.length);
            this.bPlain = gated ? null : vector(a, names.bPlain(), plain.length);
        } else {
            if (a.has(wName)) {
                throw new WgException(where + ": tensor " + wName + " present but every neuron is expanded");
            }
            this.wPlain = null;
            this.bPlain = null;
        }
    }

    /** Reads every layer of a TaylorMLP artifact. */
    public static List<ReleasedLayer> parse(Artifact a) {
        if (!a.scheme().equals(TaylorMlp.ID) && !TaylorMlp.ID.equals(a.metadata().get(TaylorLayout.LAYOUT))) {
            throw new WgException("artifact of scheme '" + a.scheme() + "' is not a TaylorMLP artifact");
        }
        int layers = intMeta(a, "layers", 1, 10_000);
        List<ReleasedLayer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            list.add(new ReleasedLayer(a, i));
        }
        return list;
    }

    /** The layer as its users run it. */
    public TaylorBlock runnable() {
        INDArray vS = v.getRows(expanded);
        INDArray upS = gated ? up.getRows(expanded) : null;
        INDArray[] t = new INDArray[theta.length];
        for (int n = 0; n < t.length; n++) {
            t[n] = theta[n].dup();
        }
        INDArray vP = plain.length > 0 ? v.getRows(plain) : null;
        INDArray upP = gated && plain.length > 0 ? up.getRows(plain) : null;
        return new TaylorBlock(gated, act, vS, upS, p.dup(), t, vP, upP, bPlain == null ? null : bPlain.dup(),
                wPlain == null ? null : wPlain.dup());
    }

    private static int intMeta(Artifact a, String key, int min, int max) {
        String raw = a.meta(key);
        try {
            int v = Integer.parseInt(raw);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new WgException("artifact of scheme " + a.scheme() + ": metadata '" + key + "' is '" + raw
                + "', expected a whole number in " + min + ".." + max);
    }

    private static INDArray matrix(Artifact a, String name, long rows, long cols) {
        INDArray t = a.tensor(name);
        if (t.rank() != 2 || (rows >= 0 && t.rows() != rows) || (cols >= 0 && t.columns() != cols)) {
            throw new WgException("artifact of scheme " + a.scheme() + ": tensor " + name + " has shape "
                    + Arrays.toString(t.shape()) + ", expected [" + (rows >= 0 ? rows : "*") + ", " + (cols >= 0 ? cols : "*") + "]");
        }
        return finite(a, name, t);
    }

    private static INDArray vector(Artifact a, String name, long length) {
        INDArray t = a.tensor(name);
        if (t.rank() != 1 || (length >= 0 && t.length() != length)) {
            throw new WgException("artifact of scheme " + a.scheme() + ": tensor " + name + " has shape "
                    + Arrays.toString(t.shape()) + ", expected [" + (length >= 0 ? length : "*") + "]");
        }
        return finite(a, name, t);
    }

    private static INDArray finite(Artifact a, String name, INDArray t) {
        if (!Nd.finite(t)) {
            throw new WgException("artifact of scheme " + a.scheme() + ": tensor " + name
                    + " holds NaN or infinite values; the artifact is corrupt");
        }
        return t;
    }
}
