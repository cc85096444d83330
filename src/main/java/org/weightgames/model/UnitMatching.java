package org.weightgames.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hidden-unit symmetry of a network, and the judge that answers up to it. The hidden units of
 * a layer can be listed in any order without changing the function: unit j of a group is row j of
 * its producer's weights, entry j of its bias and batch norm, and the input columns of channel j
 * of its consumer (an MLP block's hidden unit: row j of V (V_gate, V_up), b[j], column j of W
 * (W_down)). {@link #align} reorders an answer's units, group by group in layer order, by the
 * assignment that minimises the summed squared difference to the truth over the group's tensors
 * (Kuhn-Munkres, JGraphT), so that a release that publishes everything in another order is judged
 * as what it is. Positive rescaling (ReLU's other symmetry) is not undone.
 */
public final class UnitMatching {
    private UnitMatching() {
    }

    /** Unit j of a group owns indices [j * block, (j + 1) * block) along {@code axis} of {@code tensor}. */
    public record Axis(String tensor, int axis, int block) {
    }

    /** One permutable group of hidden units: its width and the tensor axes its units index. */
    public record Group(String name, int width, List<Axis> axes) {
    }

    /** An answer reordered to the truth: the aligned tensors and how many units the judge moved. */
    public record Aligned(Map<String, INDArray> tensors, int moved) {
    }

    /** Every permutable group of {@code net}, in layer order. */
    public static List<Group> groups(Network net) {
        List<Group> out = new ArrayList<>();
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l instanceof MlpBlock m) {
                int h = (int) m.parameters().get("b").length();
                out.add(new Group(i + ".hidden", h, List.of(new Axis(i + ".V", 0, 1), new Axis(i + ".b", 0, 1),
                        new Axis(i + ".W", 1, 1))));
            } else if (l instanceof SwiGluBlock s) {
                int h = (int) s.parameters().get("W_down").columns();
                out.add(new Group(i + ".hidden", h, List.of(new Axis(i + ".V_gate", 0, 1), new Axis(i + ".V_up", 0, 1),
                        new Axis(i + ".W_down", 1, 1))));
            }
        }
        for (NeuronSurgery.Unit u : NeuronSurgery.units(net)) {
            List<Axis> axes = new ArrayList<>(List.of(new Axis(u.producer() + ".W", 0, 1), new Axis(u.producer() + ".b", 0, 1)));
            if (u.batchNorm() >= 0) {
                axes.add(new Axis(u.batchNorm() + ".gamma", 0, 1));
                axes.add(new Axis(u.batchNorm() + ".beta", 0, 1));
            }
            long columns = layers.get(u.consumer()).parameters().get("W").columns();
            axes.add(new Axis(u.consumer() + ".W", 1, (int) (columns / u.width())));
            out.add(new Group(u.producer() + ".units", u.width(), axes));
        }
        return out;
    }

    /**
     * {@code guess} with each group's units reordered to match {@code truth} best. Only tensors that
     * both hold with the same shape take part; a group none of whose tensors do is left as it is,
     * and so are tensors of no group. The identity is one of the assignments considered, so the
     * aligned answer is never further from the truth than the answer as given.
     */
    public static Aligned align(Map<String, INDArray> truth, Map<String, INDArray> guess, List<Group> groups) {
        Map<String, double[]> g = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        guess.forEach((k, v) -> {
            g.put(k, v.castTo(DataType.DOUBLE).dup('c').data().asDouble());
            shapes.put(k, v.shape());
        });
        int moved = 0;
        for (Group group : groups) {
            List<Axis> usable = new ArrayList<>();
            List<double[]> truths = new ArrayList<>();
            for (Axis a : group.axes()) {
                INDArray t = truth.get(a.tensor());
                long[] s = shapes.get(a.tensor());
                if (t != null && s != null && Arrays.equals(t.shape(), s) && usable(s, a, group.width())) {
                    usable.add(a);
                    truths.add(t.castTo(DataType.DOUBLE).dup('c').data().asDouble());
                }
            }
            if (usable.isEmpty() || group.width() < 2) {
                continue;
            }
            int n = group.width();
            double[][] cost = new double[n][n];
            for (int a = 0; a < usable.size(); a++) {
                Axis axis = usable.get(a);
                double[][] tu = units(truths.get(a), shapes.get(axis.tensor()), axis, n);
                double[][] gu = units(g.get(axis.tensor()), shapes.get(axis.tensor()), axis, n);
                addSquaredDistances(cost, tu, gu);
            }
            int[] match = assignment(cost);
            for (int j = 0; j < n; j++) {
                moved += match[j] != j ? 1 : 0;
            }
            for (Axis axis : group.axes()) {
                long[] s = shapes.get(axis.tensor());
                if (s != null && usable(s, axis, n)) {
                    double[][] gu = units(g.get(axis.tensor()), s, axis, n);
                    double[][] reordered = new double[n][];
                    for (int j = 0; j < n; j++) {
                        reordered[j] = gu[match[j]];
                    }
                    g.put(axis.tensor(), flatten(reordered, s, axis, n));
                }
            }
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        guess.forEach((k, v) -> out.put(k, Nd4j.createFromArray(g.get(k)).reshape('c', shapes.get(k)).castTo(v.dataType())));
        return new Aligned(out, moved);
    }

    private static boolean usable(long[] shape, Axis a, int width) {
        return (shape.length == 1 || shape.length == 2) && a.axis() < shape.length && shape[a.axis()] == (long) width * a.block()
                && (shape.length == 2 || a.block() == 1);
    }

    /** The tensor's entries grouped by unit: row j holds every entry unit j owns, in a fixed order. */
    static double[][] units(double[] data, long[] shape, Axis a, int n) {
        int bl = a.block();
        if (shape.length == 1 || a.axis() == 0) {
            int len = data.length / n;
            double[][] out = new double[n][len];
            for (int j = 0; j < n; j++) {
                System.arraycopy(data, j * len, out[j], 0, len);
            }
            return out;
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        double[][] out = new double[n][rows * bl];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                System.arraycopy(data, r * cols + j * bl, out[j], r * bl, bl);
            }
        }
        return out;
    }

    /** The inverse of {@link #units}. */
    static double[] flatten(double[][] units, long[] shape, Axis a, int n) {
        int len = units[0].length;
        double[] out = new double[n * len];
        if (shape.length == 1 || a.axis() == 0) {
            for (int j = 0; j < n; j++) {
                System.arraycopy(units[j], 0, out, j * len, len);
            }
            return out;
        }
        int bl = a.block();
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                System.arraycopy(units[j], r * bl, out, r * cols + j * bl, bl);
            }
        }
        return out;
    }

    private static void addSquaredDistances(double[][] cost, double[][] t, double[][] g) {
        int n = cost.length;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                double s = 0;
                double[] x = t[j];
                double[] y = g[k];
                for (int i = 0; i < x.length; i++) {
                    double d = x[i] - y[i];
                    s += d * d;
                }
                cost[j][k] += s;
            }
        }
    }

    /**
     * The minimum-cost perfect assignment of truth units (rows) to answer units (columns):
     * {@code match[j]} is the answer's unit matched to truth unit j. The identity is kept where it
     * is optimal, so an answer already in order is not moved by ties.
     */
    public static int[] assignment(double[][] cost) {
        int n = cost.length;
        double identity = 0;
        for (int j = 0; j < n; j++) {
            identity += cost[j][j];
        }
        SimpleWeightedGraph<Integer, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        Set<Integer> left = new LinkedHashSet<>();
        Set<Integer> right = new LinkedHashSet<>();
        for (int j = 0; j < n; j++) {
            graph.addVertex(j);
            graph.addVertex(n + j);
            left.add(j);
            right.add(n + j);
        }
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                graph.setEdgeWeight(graph.addEdge(j, n + k), cost[j][k]);
            }
        }
        MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> m =
                new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(graph, left, right).getMatching();
        int[] match = new int[n];
        for (DefaultWeightedEdge e : m.getEdges()) {
            int a = graph.getEdgeSource(e);
            int b = graph.getEdgeTarget(e);
            int j = Math.min(a, b);
            match[j] = Math.max(a, b) - n;
        }
        if (m.getWeight() >= identity) {
            for (int j = 0; j < n; j++) {
                match[j] = j;
            }
        }
        return match;
    }
}
