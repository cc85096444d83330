package org.weightgames.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;

/** A feed-forward network: layers applied in order, rows of a batch in, logits out. */
public final class Network {
    private final List<Layer> layers;

    public Network(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i - 1).outputSize() != layers.get(i).inputSize()) {
                throw new IllegalArgumentException("layer " + (i - 1) + " gives " + layers.get(i - 1).outputSize()
                        + " features but layer " + i + " takes " + layers.get(i).inputSize());
            }
        }
        this.layers = new ArrayList<>(layers);
    }

    public static Network of(Layer... layers) {
        return new Network(List.of(layers));
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    public long inputSize() {
        return layers.get(0).inputSize();
    }

    public long outputSize() {
        return layers.get(layers.size() - 1).outputSize();
    }

    public INDArray forward(INDArray x) {
        return forward(x, false);
    }

    public INDArray forward(INDArray x, boolean training) {
        if (x.rank() != 2 || x.columns() != inputSize()) {
            throw new IllegalArgumentException("network takes rows of " + inputSize() + " features, got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        if (!training && x.rows() > INFERENCE_ROWS) {
            // in chunks: a convolution's im2col of 10000 images would need gigabytes at once
            List<INDArray> parts = new ArrayList<>();
            for (long from = 0; from < x.rows(); from += INFERENCE_ROWS) {
                long to = Math.min(x.rows(), from + INFERENCE_ROWS);
                parts.add(forward(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()), false));
            }
            return org.nd4j.linalg.factory.Nd4j.vstack(parts.toArray(new INDArray[0]));
        }
        if (training) {
            INDArray h = x;
            for (Layer l : layers) {
                h = l.forward(h, true);
            }
            return h;
        }
        // inference keeps nothing but its output: its temporaries live in a workspace, released in
        // bulk, instead of a native allocation and free for each of them
        try (MemoryWorkspace ws = Nd.scratch(INFERENCE_WORKSPACE)) {
            INDArray h = x;
            for (Layer l : layers) {
                h = l.forward(h, false);
            }
            return h.detach();
        }
    }

    private static final String INFERENCE_WORKSPACE = "wg-inference";

    /** Inference runs over at most this many rows at a time. */
    static final int INFERENCE_ROWS = 512;

    /** The input of layer i for inputs x (inference mode). */
    public INDArray inputOf(int i, INDArray x) {
        INDArray h = x;
        for (int k = 0; k < i; k++) {
            h = layers.get(k).forward(h, false);
        }
        return h;
    }

    public void backward(INDArray gradOut) {
        INDArray g = gradOut;
        for (int i = layers.size() - 1; i > 0; i--) {
            g = layers.get(i).backward(g);
        }
        // the gradient of the network's input is not needed
        layers.get(0).backwardParameters(g);
    }

    /** Every parameter as {@code <layer index>.<name>}, in layer order. */
    public Map<String, INDArray> parameters() {
        return byLayer(new LinkedHashMap<>(), Layer::parameters);
    }

    /** The name ({@code <layer>.W}) of every dense and convolution weight matrix, in layer order. */
    public List<String> weightMatrices() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Dense || layers.get(i) instanceof Conv2d) {
                out.add(i + ".W");
            }
        }
        return out;
    }

    /** Parameters and buffers: the whole state of the model. */
    public Map<String, INDArray> state() {
        return byLayer(parameters(), Layer::buffers);
    }

    public Map<String, INDArray> gradients() {
        return byLayer(new LinkedHashMap<>(), Layer::gradients);
    }

    /** Adds each layer's tensors to {@code into} as {@code <layer index>.<name>}, in layer order. */
    private Map<String, INDArray> byLayer(Map<String, INDArray> into, java.util.function.Function<Layer, Map<String, INDArray>> of) {
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, INDArray> e : of.apply(layers.get(i)).entrySet()) {
                into.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return into;
    }

    public void zeroGradients() {
        layers.forEach(Layer::zeroGradients);
    }

    public long macs() {
        return layers.stream().mapToLong(Layer::macs).sum();
    }

    public long elementwiseOps() {
        return layers.stream().mapToLong(Layer::elementwiseOps).sum();
    }

    public Network copy() {
        List<Layer> c = new ArrayList<>();
        for (Layer l : layers) {
            c.add(l.copy());
        }
        return new Network(c);
    }

    public double accuracy(INDArray x, int[] labels) {
        return accuracyOfLogits(forward(x), labels);
    }

    /**
     * The share of rows whose largest logit is at the label, from logits already computed. A row
     * with a NaN logit makes no prediction and counts as wrong: ND4J's argmax skips NaN and gives
     * class 0 for a row of NaN, which would score a broken network at one class's share by accident
     * (a locked Deep-Lock network, for one).
     */
    public static double accuracyOfLogits(INDArray logits, int[] labels) {
        int[] p = logits.argMax(1).toIntVector();
        boolean[] nan = nanRows(logits);
        int ok = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == labels[i] && !nan[i]) {
                ok++;
            }
        }
        return (double) ok / p.length;
    }

    /** Which rows of a matrix hold a NaN. */
    private static boolean[] nanRows(INDArray logits) {
        int rows = (int) logits.rows();
        boolean[] out = new boolean[rows];
        double[] v = logits.dup('c').data().asDouble();
        int cols = rows == 0 ? 0 : v.length / rows;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                out[i / cols] = true;
            }
        }
        return out;
    }

    /** One line per layer, e.g. {@code mlp-block(silu) 32->64->10}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            sb.append(l.kind()).append(' ').append(l.inputSize()).append("->").append(l.outputSize());
        }
        return sb.toString();
    }
}
