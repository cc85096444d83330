package org.weightgames.schemes.nnsplitter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.data.Dataset;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Layer;
import org.weightgames.model.Network;
import org.weightgames.model.Trainer;

/**
 * One NNSplitter optimisation, as the official Trainer runs it for one choice of filters: the
 * mask is the entries of the chosen filter (row) of every weight layer that lie within eps of the
 * centre c; Adam (lr 0.05) ascends the cross-entropy of the true labels on the owner's data with
 * the network in evaluation mode, only masked entries move, and after every step they are clamped
 * to the weights' own range. After each pass the accuracy on the owner's data is measured; the
 * run stops after {@code patience} passes without a new minimum and keeps the state at the
 * minimum (the official code keeps the last state and reports the minimum; keeping the state it
 * scores is our deviation).
 */
final class Obfuscation {
    /** The changed entries of one weight tensor: flat (row-major) indices and their original values. */
    record Changed(String tensor, int[] index, double[] original) {
    }

    /** The outcome of one run: the obfuscated network, what changed, and its accuracy on the owner's data. */
    record Result(Network network, List<Changed> changed, double accuracy) {
        int count() {
            return changed.stream().mapToInt(c -> c.index().length).sum();
        }
    }

    /**
     * The fewest Adam steps between two checks of the accuracy. An epoch of the official code is
     * 391 steps (CIFAR-10's 50,000 images in batches of 128); a pass over the owner's 512
     * calibration rows is 4, after which the patience of 2 would stop the ascent before the
     * weights have reached the ends of the range. With the rate at the official share of the range
     * they reach them within about ten steps, as in the official runs; 20 steps between checks
     * leave them there (GroupCover's premise), where 4 would not.
     */
    static final int MIN_STEPS = 20;

    private static final String WORKSPACE = "wg-nnsplitter-step";

    private final double centre;
    private final double eps;
    private final double lo;
    private final double hi;
    private final double lr;
    private final int epochs;
    private final int patience;
    private final int batch;

    Obfuscation(double centre, double eps, double lo, double hi, double lr, int epochs, int patience, int batch) {
        this.centre = centre;
        this.eps = eps;
        this.lo = lo;
        this.hi = hi;
        this.lr = lr;
        this.epochs = epochs;
        this.patience = patience;
        this.batch = batch;
    }

    /** The mask of one choice: per weight layer, the flat indices of the chosen row's entries within eps of the centre. */
    Map<String, int[]> mask(Network net, Map<String, Integer> rows) {
        Map<String, int[]> out = new LinkedHashMap<>();
        Map<String, INDArray> p = net.parameters();
        rows.forEach((name, row) -> {
            INDArray w = p.get(name);
            int cols = (int) w.columns();
            double[] r = w.getRow(row).dup().data().asDouble();
            List<Integer> idx = new ArrayList<>();
            for (int j = 0; j < cols; j++) {
                if (Math.abs(r[j] - centre) < eps) {
                    idx.add(row * cols + j);
                }
            }
            if (!idx.isEmpty()) {
                out.put(name, idx.stream().mapToInt(Integer::intValue).toArray());
            }
        });
        return out;
    }

    /** Runs the ascent on a copy of {@code original} with this mask; {@code original} is not changed. */
    Result run(Network original, Map<String, int[]> mask, Dataset data, Coins coins) {
        Network work = original.copy();
        List<Layer> frozen = new ArrayList<>();
        for (Layer l : work.layers()) {
            frozen.add(l instanceof BatchNorm ? new FrozenBatchNorm((BatchNorm) l) : l);
        }
        Network net = new Network(frozen); // shares the dense and convolution layers with work
        Map<String, INDArray> params = net.parameters();
        Map<String, INDArray> grads = net.gradients();
        List<Changed> changed = new ArrayList<>();
        List<double[]> m = new ArrayList<>();
        List<double[]> v = new ArrayList<>();
        mask.forEach((name, idx) -> {
            double[] flat = params.get(name).dup('c').data().asDouble();
            double[] orig = new double[idx.length];
            for (int k = 0; k < idx.length; k++) {
                orig[k] = flat[idx[k]];
            }
            changed.add(new Changed(name, idx, orig));
            m.add(new double[idx.length]);
            v.add(new double[idx.length]);
        });
        int n = data.size();
        int b = Math.min(batch, n);
        Network best = work.copy();
        double bestAcc = net.accuracy(data.features(), data.labels());
        int since = 0;
        int t = 0;
        for (int epoch = 0; epoch < epochs && since < patience; epoch++) {
            Coins draw = coins.derive("epoch/" + epoch);
            int[] order = draw.permutation(n);
            int pos = 0;
            for (int s = 0; s < Math.max(n / b, MIN_STEPS); s++) {
                if (pos + b > n) {
                    order = draw.permutation(n);
                    pos = 0;
                }
                int[] idx = Arrays.copyOfRange(order, pos, pos + b);
                pos += b;
                t++;
                // every temporary of the step lives in a workspace released in bulk (as the Trainer's steps do)
                try (MemoryWorkspace ws = Nd.scratch(WORKSPACE)) {
                    Dataset d = data.rows(idx);
                    net.zeroGradients();
                    INDArray logits = net.forward(d.features(), true);
                    net.backward(ascent(logits, d.labels()));
                    for (int c = 0; c < changed.size(); c++) {
                        step(params.get(changed.get(c).tensor()), grads.get(changed.get(c).tensor()), changed.get(c).index(),
                                m.get(c), v.get(c), t);
                    }
                }
            }
            double acc = net.accuracy(data.features(), data.labels());
            if (acc < bestAcc) {
                bestAcc = acc;
                best = work.copy();
                since = 0;
            } else {
                since++;
            }
        }
        return new Result(best, changed, bestAcc);
    }

    /** d(-mean cross-entropy)/d(logits): gradient ascent on the loss of the true labels. */
    private static INDArray ascent(INDArray logits, int[] labels) {
        INDArray g = Trainer.softmax(logits).dup('c');
        int k = (int) logits.columns();
        double[] a = g.data().asDouble();
        for (int i = 0; i < labels.length; i++) {
            a[i * k + labels[i]] -= 1;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = -a[i] / labels.length;
        }
        return Nd.matrix(a, labels.length, k);
    }

    /** One Adam step (beta 0.9, 0.999; eps 1e-8) on the masked entries only, minimising the ascent's loss, then the clamp. */
    private void step(INDArray w, INDArray g, int[] idx, double[] m, double[] v, int t) {
        // only the masked entries are read and written (linear, row-major indices): the rest of the tensor never moves
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        for (int k = 0; k < idx.length; k++) {
            double gk = g.getDouble((long) idx[k]);
            m[k] = 0.9 * m[k] + 0.1 * gk;
            v[k] = 0.999 * v[k] + 0.001 * gk * gk;
            double x = w.getDouble((long) idx[k]) - lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + 1e-8);
            w.putScalar((long) idx[k], Math.max(lo, Math.min(hi, x)));
        }
    }
}
