package org.weightgames.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;

/**
 * Structural removal of hidden neurons (or convolution channels) and their exact re-insertion.
 * A <em>unit</em> is the output of a dense or convolution layer (the producer) that feeds another
 * dense or convolution layer (the consumer) through channel-wise layers only (batch norm,
 * activation, max pooling). Removing neuron j removes row j of the producer's W and b[j], entry
 * j of the batch norm after it, and the consumer's input columns of channel j; every tensor that
 * loses entries is written to the key under {@code <layer>.<tensor>[rows]} or
 * {@code <layer>.<tensor>[cols]}, with the removed indices under {@code <producer>.removed}.
 * {@link #insert} puts the key back, bit for bit.
 */
public final class NeuronSurgery {
    private NeuronSurgery() {
    }

    /** One removable group: producer layer, its batch norm (or -1), the consumer, and the layers between. */
    public record Unit(int producer, int batchNorm, int consumer, int width) {
    }

    /** Every unit of the network, in layer order. */
    public static List<Unit> units(Network net) {
        List<Unit> out = new ArrayList<>();
        List<Layer> layers = net.layers();
        for (int p = 0; p < layers.size(); p++) {
            Layer l = layers.get(p);
            if (!(l instanceof Dense || l instanceof Conv2d)) {
                continue;
            }
            int bn = -1;
            int c = p + 1;
            while (c < layers.size() && channelWise(layers.get(c))) {
                if (layers.get(c) instanceof BatchNorm && c == p + 1) {
                    bn = c;
                }
                c++;
            }
            if (c < layers.size() && (layers.get(c) instanceof Dense || layers.get(c) instanceof Conv2d)) {
                out.add(new Unit(p, bn, c, width(l)));
            }
        }
        return out;
    }

    private static boolean channelWise(Layer l) {
        return l instanceof BatchNorm || l instanceof ActivationLayer || l instanceof MaxPool2d;
    }

    static int width(Layer producer) {
        return producer instanceof Conv2d ? ((Conv2d) producer).filters() : (int) ((Dense) producer).outputSize();
    }

    /** The result of a removal: the smaller network and the key that restores it. */
    public record Removal(Network network, Map<String, INDArray> key) {
    }

    /**
     * Removes, for each unit named by its producer's index, the neurons listed (distinct, in
     * range). Units are processed in layer order; {@link #insert} undoes them in reverse.
     */
    public static Removal remove(Network original, Map<Integer, int[]> removed) {
        List<Layer> layers = new ArrayList<>();
        original.layers().forEach(l -> layers.add(l.copy()));
        Map<String, INDArray> key = new LinkedHashMap<>();
        Map<Integer, Unit> byProducer = new TreeMap<>();
        units(original).forEach(u -> byProducer.put(u.producer(), u));
        for (Map.Entry<Integer, int[]> e : new TreeMap<>(removed).entrySet()) {
            Unit u = byProducer.get(e.getKey());
            if (u == null) {
                throw new IllegalArgumentException("layer " + e.getKey() + " is not a removable unit");
            }
            int[] idx = e.getValue().clone();
            Arrays.sort(idx);
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] < 0 || idx[i] >= u.width() || (i > 0 && idx[i] == idx[i - 1])) {
                    throw new IllegalArgumentException("neuron indices of layer " + u.producer() + " must be distinct and in 0.."
                            + (u.width() - 1));
                }
            }
            if (idx.length == 0) {
                continue;
            }
            if (idx.length >= width(layers.get(u.producer()))) {
                throw new IllegalArgumentException("cannot remove every neuron of layer " + u.producer());
            }
            key.put(u.producer() + ".removed", Nd.vector(Arrays.stream(idx).asDoubleStream().toArray()));
            apply(layers, u, idx, key, null);
        }
        return new Removal(new Network(layers), key);
    }

    /** Puts a key from {@link #remove} back into the smaller network: the original, bit for bit. */
    public static Network insert(Network locked, Map<String, INDArray> key) {
        List<Layer> layers = new ArrayList<>();
        locked.layers().forEach(l -> layers.add(l.copy()));
        List<Integer> producers = new ArrayList<>();
        for (String k : key.keySet()) {
            if (k.endsWith(".removed")) {
                producers.add(Integer.parseInt(k.substring(0, k.length() - ".removed".length())));
            }
        }
        producers.sort(null);
        for (int i = producers.size() - 1; i >= 0; i--) {
            int p = producers.get(i);
            Unit u = units(new Network(layers)).stream().filter(x -> x.producer() == p).findFirst()
                    .orElseThrow(() -> new WgException("the key names layer " + p + ", which is not a removable unit of the locked network"));
            double[] raw = key.get(p + ".removed").dup().data().asDouble();
            int[] idx = new int[raw.length];
            for (int j = 0; j < raw.length; j++) {
                idx[j] = (int) raw[j];
                if (idx[j] != raw[j] || idx[j] < 0 || idx[j] >= u.width() + raw.length || (j > 0 && idx[j] <= idx[j - 1])) {
                    throw new WgException("the key's indices for layer " + p + " are not increasing whole numbers in range");
                }
            }
            apply(layers, u, idx, null, key);
        }
        return new Network(layers);
    }

    /** Removes (key out non-null) or inserts (key in non-null) the neurons idx of unit u. */
    private static void apply(List<Layer> layers, Unit u, int[] idx, Map<String, INDArray> out, Map<String, INDArray> in) {
        int p = u.producer();
        Layer prod = layers.get(p);
        INDArray w = prod.parameters().get("W");
        INDArray b = prod.parameters().get("b");
        INDArray nw = rows(w, idx, p + ".W[rows]", out, in);
        INDArray nb = rows(b.reshape(b.length(), 1), idx, p + ".b[rows]", out, in);
        nb = nb.reshape(nb.length());
        int width = (int) nw.rows();
        int before = out != null ? width + idx.length : width - idx.length;
        if (prod instanceof Conv2d) {
            Conv2d c = (Conv2d) prod;
            layers.set(p, new Conv2d(nw, nb, c.channels(), c.height(), c.width(), c.kernel()));
        } else {
            layers.set(p, new Dense(nw, nb));
        }
        for (int i = p + 1; i < u.consumer(); i++) {
            Layer l = layers.get(i);
            if (l instanceof BatchNorm) {
                BatchNorm bn = (BatchNorm) l;
                Map<String, INDArray> st = new LinkedHashMap<>(bn.parameters());
                st.putAll(bn.buffers());
                INDArray[] v = new INDArray[4];
                String[] names = {"gamma", "beta", "running_mean", "running_var"};
                for (int k = 0; k < 4; k++) {
                    INDArray t = st.get(names[k]);
                    v[k] = rows(t.reshape(t.length(), 1), idx, i + "." + names[k] + "[rows]", out, in);
                    v[k] = v[k].reshape(v[k].length());
                }
                layers.set(i, new BatchNorm(v[0], v[1], v[2], v[3], bn.spatial()));
            } else if (l instanceof ActivationLayer) {
                ActivationLayer a = (ActivationLayer) l;
                layers.set(i, new ActivationLayer(a.activation(), a.inputSize() / before * width));
            } else if (l instanceof MaxPool2d) {
                MaxPool2d m = (MaxPool2d) l;
                layers.set(i, new MaxPool2d(width, m.height(), m.width()));
            }
        }
        Layer cons = layers.get(u.consumer());
        INDArray cw = cons.parameters().get("W");
        int group = (int) (cw.columns() / before);
        INDArray ncw = columns(cw, idx, group, u.consumer() + ".W[cols]", out, in);
        if (cons instanceof Conv2d) {
            Conv2d c = (Conv2d) cons;
            layers.set(u.consumer(), new Conv2d(ncw, cons.parameters().get("b").dup(), width, c.height(), c.width(), c.kernel()));
        } else {
            layers.set(u.consumer(), new Dense(ncw, cons.parameters().get("b").dup()));
        }
    }

    /**
     * Removes rows idx of m into out[name], or inserts in[name] as rows idx: the column operation
     * on the transposes (the key keeps rows as rows).
     */
    private static INDArray rows(INDArray m, int[] idx, String name, Map<String, INDArray> out, Map<String, INDArray> in) {
        Map<String, INDArray> t = new java.util.HashMap<>();
        if (in != null && in.containsKey(name)) {
            t.put(name, in.get(name).transpose());
        }
        INDArray r = columns(m.transpose(), idx, 1, name, out == null ? null : t, in == null ? null : t);
        if (out != null) {
            out.put(name, t.get(name).transpose().dup('c'));
        }
        return r.transpose().dup('c');
    }

    /**
     * Removes the column groups idx (group columns each) of m into out[name], or inserts in[name]
     * as those groups; exact copies of the doubles either way.
     */
    private static INDArray columns(INDArray m, int[] idx, int group, String name, Map<String, INDArray> out,
            Map<String, INDArray> in) {
        int r = (int) m.rows();
        int cols = (int) m.columns();
        double[] src = m.dup('c').data().asDouble();
        if (out != null) {
            boolean[] gone = new boolean[cols / group];
            for (int j : idx) {
                gone[j] = true;
            }
            int keep = cols - idx.length * group;
            double[] kept = new double[r * keep];
            double[] taken = new double[r * idx.length * group];
            for (int i = 0; i < r; i++) {
                int a = 0;
                int t = 0;
                for (int c = 0; c < cols; c++) {
                    if (gone[c / group]) {
                        taken[i * idx.length * group + t++] = src[i * cols + c];
                    } else {
                        kept[i * keep + a++] = src[i * cols + c];
                    }
                }
            }
            out.put(name, Nd.matrix(taken, r, (long) idx.length * group));
            return Nd.matrix(kept, r, keep);
        }
        INDArray add = in.get(name);
        if (add == null) {
            throw new WgException("the key lacks tensor " + name);
        }
        if (add.rows() != r || add.columns() != (long) idx.length * group) {
            throw new WgException("the key's tensor " + name + " has shape " + Arrays.toString(add.shape()) + ", expected ["
                    + r + ", " + ((long) idx.length * group) + "]");
        }
        double[] ins = add.dup('c').data().asDouble();
        int full = cols + idx.length * group;
        boolean[] back = new boolean[full / group];
        for (int j : idx) {
            if (j >= back.length) {
                throw new WgException("the key's indices for " + name + " run past the layer's width");
            }
            back[j] = true;
        }
        double[] res = new double[r * full];
        int insCols = idx.length * group;
        for (int i = 0; i < r; i++) {
            int a = 0;
            int t = 0;
            for (int c = 0; c < full; c++) {
                res[i * full + c] = back[c / group] ? ins[i * insCols + t++] : src[i * cols + a++];
            }
        }
        return Nd.matrix(res, r, full);
    }

    /**
     * The units a keyed state has silenced in place, by batch-norm layer: the entries whose scale
     * and shift are both exactly zero (CoreLocker's demo key zeroes them and leaves every weight
     * where it was, so the positions are visible). Layers with none are left out.
     */
    public static Map<Integer, int[]> silenced(Network net) {
        Map<Integer, int[]> out = new TreeMap<>();
        for (Unit u : units(net)) {
            if (u.batchNorm() < 0) {
                continue;
            }
            Map<String, INDArray> p = net.layer(u.batchNorm()).parameters();
            double[] g = p.get("gamma").dup('c').data().asDouble();
            double[] b = p.get("beta").dup('c').data().asDouble();
            int[] idx = java.util.stream.IntStream.range(0, g.length).filter(j -> g[j] == 0 && b[j] == 0).toArray();
            if (idx.length > 0) {
                out.put(u.batchNorm(), idx);
            }
        }
        return out;
    }

    /** Values for the neurons {@link #widen} adds: the tensor named as in a key, of the given shape. */
    public interface Filler {
        INDArray fill(String name, long rows, long cols);
    }

    /**
     * Gives every unit of {@code locked} back the width it has in {@code template} (the public
     * architecture), appending the missing neurons at the end of each layer with values from
     * {@code filler}: the adversary's counterpart of restoring with a key it does not hold. Returns
     * the key it made up (same names and shapes as the real one) and the widened network.
     */
    public static Removal widen(Network locked, Network template, Filler filler) {
        List<Unit> lu = units(locked);
        List<Unit> tu = units(template);
        if (lu.size() != tu.size()) {
            throw new WgException("the locked network has " + lu.size() + " hidden units but the architecture has " + tu.size());
        }
        Map<String, INDArray> key = new LinkedHashMap<>();
        for (int i = 0; i < lu.size(); i++) {
            Unit l = lu.get(i);
            Unit t = tu.get(i);
            if (l.producer() != t.producer() || l.consumer() != t.consumer() || l.width() > t.width()) {
                throw new WgException("the locked network's layer " + l.producer() + " does not match the architecture");
            }
            int k = t.width() - l.width();
            if (k == 0) {
                continue;
            }
            double[] idx = new double[k];
            for (int j = 0; j < k; j++) {
                idx[j] = l.width() + j;
            }
            key.put(l.producer() + ".removed", Nd.vector(idx));
            long in = locked.layer(l.producer()).parameters().get("W").columns();
            key.put(l.producer() + ".W[rows]", filler.fill(l.producer() + ".W[rows]", k, in));
            key.put(l.producer() + ".b[rows]", filler.fill(l.producer() + ".b[rows]", k, 1));
            if (l.batchNorm() >= 0) {
                for (String n : new String[] {"gamma", "beta", "running_mean", "running_var"}) {
                    key.put(l.batchNorm() + "." + n + "[rows]", filler.fill(l.batchNorm() + "." + n + "[rows]", k, 1));
                }
            }
            INDArray lc = locked.layer(l.consumer()).parameters().get("W");
            long group = lc.columns() / l.width();
            long outRows = template.layer(t.consumer()).parameters().get("W").rows();
            key.put(l.consumer() + ".W[cols]", filler.fill(l.consumer() + ".W[cols]", outRows, k * group));
        }
        return new Removal(insert(locked, key), key);
    }
}
