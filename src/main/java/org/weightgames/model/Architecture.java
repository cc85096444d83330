package org.weightgames.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.WgException;

/**
 * The public architecture of a model family: what an adversary may know about the originals
 * (layer types and sizes, the initialisation recipe) and nothing that leads to them (no training
 * seed, no pool, no checkpoint path). Immutable; it can be written as a map of strings and read
 * back, which is how an isolated adversary's process receives it.
 */
public final class Architecture {
    private final String arch;
    private final String block;
    private final Activation activation;
    private final int hidden;
    private final int[] widths;
    private final int inputs;
    private final int classes;
    private final double initScale;
    private final double gammaInit;

    Architecture(String arch, String block, Activation activation, int hidden, int[] widths, int inputs, int classes,
            double initScale, double gammaInit) {
        this.arch = arch;
        this.block = block;
        this.activation = activation;
        this.hidden = hidden;
        this.widths = widths.clone();
        this.inputs = inputs;
        this.classes = classes;
        this.initScale = initScale;
        this.gammaInit = gammaInit;
    }

    /** A freshly initialised network of this architecture. */
    public Network initialize(Coins coins) {
        return build(coins);
    }

    /**
     * The architecture's shapes without drawing a weight: dense and convolution weights zero, batch
     * norms at their initial state. For callers that need the layout (how wide each layer is) but not
     * a random network: drawing one costs as much as the rest of a usage-control trial.
     */
    public Network skeleton() {
        if (arch.equals("block") || arch.equals("file")) {
            return build(Coins.root(0).derive("skeleton"));
        }
        return build(null);
    }

    /** The network, with weights from coins, or zero weights when coins is null. */
    private Network build(Coins coins) {
        switch (arch) {
            case "bn-mlp":
            case "slim-mlp": {
                List<Layer> layers = new ArrayList<>();
                int in = inputs;
                for (int i = 0; i < widths.length; i++) {
                    layers.add(coins == null ? zeros(in, widths[i]) : Dense.he(in, widths[i], coins.derive("dense/" + i)));
                    layers.add(gammaInit == 1 ? BatchNorm.init(widths[i])
                            : new BatchNorm(Nd.ones(widths[i]).muli(gammaInit), Nd.zeros(widths[i]), Nd.zeros(widths[i]),
                                    Nd.ones(widths[i])));
                    layers.add(new ActivationLayer(Activation.RELU, widths[i]));
                    in = widths[i];
                }
                layers.add(coins == null ? zeros(in, classes) : Dense.init(in, classes, coins.derive("dense/" + widths.length)));
                return new Network(layers);
            }
            case "bn-cnn": {
                List<Layer> layers = new ArrayList<>();
                int side = (int) Math.round(Math.sqrt(inputs));
                int c = 1;
                for (int i = 0; i < widths.length; i++) {
                    layers.add(coins == null ? new Conv2d(Nd.zeros(widths[i], c * 9L), Nd.zeros(widths[i]), c, side, side, 3)
                            : Conv2d.init(c, widths[i], side, side, 3, coins.derive("conv/" + i)));
                    layers.add(BatchNorm.init(widths[i], side * side));
                    layers.add(new ActivationLayer(Activation.RELU, (long) widths[i] * side * side));
                    layers.add(new MaxPool2d(widths[i], side, side));
                    c = widths[i];
                    side /= 2;
                }
                layers.add(coins == null ? zeros(c * side * side, classes) : Dense.init(c * side * side, classes, coins.derive("dense")));
                return new Network(layers);
            }
            default:
                // "block", and "file": a fresh block of the checkpoint's shape
                if (block.equals("swiglu")) {
                    return Network.of(SwiGluBlock.init(activation, inputs, hidden, classes, initScale, coins));
                }
                return Network.of(MlpBlock.init(activation, inputs, hidden, classes, initScale, coins));
        }
    }

    private static Dense zeros(int in, int out) {
        return new Dense(Nd.zeros(out, in), Nd.zeros(out));
    }

    public int inputs() {
        return inputs;
    }

    public int classes() {
        return classes;
    }

    /** The architecture as strings, for {@link #fromMap(Map)}. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", arch);
        m.put("block", block);
        m.put("activation", activation.id());
        m.put("hidden", Integer.toString(hidden));
        m.put("widths", Arrays.toString(widths).replaceAll("[\\[\\] ]", ""));
        m.put("inputs", Integer.toString(inputs));
        m.put("classes", Integer.toString(classes));
        m.put("init-scale", Double.toString(initScale));
        if (gammaInit != 1) { // only when not the usual 1, so that earlier architectures read and write as before
            m.put("gamma-init", Double.toString(gammaInit));
        }
        return m;
    }

    public static Architecture fromMap(Map<String, String> m) {
        try {
            String w = m.get("widths");
            int[] widths = w == null || w.isEmpty() ? new int[0] : Arrays.stream(w.split(",")).mapToInt(Integer::parseInt).toArray();
            return new Architecture(m.get("arch"), m.get("block"), Activation.byId(m.get("activation")),
                    Integer.parseInt(m.get("hidden")), widths, Integer.parseInt(m.get("inputs")), Integer.parseInt(m.get("classes")),
                    Double.parseDouble(m.get("init-scale")), Double.parseDouble(m.getOrDefault("gamma-init", "1.0")));
        } catch (RuntimeException e) {
            throw new WgException("malformed architecture " + m + ": " + e.getMessage());
        }
    }
}
