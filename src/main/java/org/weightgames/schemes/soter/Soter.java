package org.weightgames.schemes.soter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.data.Dataset;
import org.weightgames.game.Component;
import org.weightgames.game.Release;
import org.weightgames.game.Secret;
import org.weightgames.game.Shielded;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Conv2d;
import org.weightgames.model.Dense;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * SOTER (Shen et al., USENIX ATC 2022) as the TEESlice artifact attacks it (schemes/soter.md). The
 * network's layers are its dense and convolution layers, each with the batch norm that follows it.
 * A share {@code theta} (0.8) of them is released <em>morphed</em>: every tensor of such a layer
 * (weight, bias, and its batch norm's scale, shift and running statistics) multiplied by its own
 * secret scalar ~ Uniform(1, 5); int(L theta) - 1 of the first L - 1 layers, drawn with the coins,
 * and always the last. The other layers stay in the trusted part: their tensors are not released.
 * The legitimate user divides the scalars out and has the trusted layers: the original function.
 * Metadata {@code soter.tee} lists the withheld layers and {@code soter.shape.<tensor>} their shapes.
 */
public final class Soter extends Component implements Shielded {
    public static final String ID = "soter";
    static final double SCALAR_LOW = 1.0;
    static final double SCALAR_HIGH = 5.0;

    private double theta;

    public Soter() {
        super(ID, "SOTER (ATC 2022): a share theta of the layers released scaled by secret scalars, the rest kept in the TEE");
    }

    @Override
    public void init(Params params) {
        theta = params.getDouble("theta", 0.8, 0, 1);
        params.checkAllUsed();
    }

    @Override
    public Map<String, String> modelDefaults() {
        return Map.of("arch", "bn-mlp");
    }

    /**
     * For {@code ext-w} and {@code ext-f}: the victim fine-tuned from a public base (the papers'
     * setting), and trained from scratch.
     */
    @Override
    public List<Map<String, Map<String, String>>> auditVariants(String definition) {
        if (!definition.equals("ext-w") && !definition.equals("ext-f")) {
            return List.of();
        }
        return List.of(Map.of("model", Map.of("base", "public")), Map.of());
    }

    /** SOTER's layers of {@code net}: each dense or convolution layer's index, with the batch norm right after it. */
    public static List<int[]> layers(Network net) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < net.layers().size(); i++) {
            if (net.layer(i) instanceof Dense || net.layer(i) instanceof Conv2d) {
                boolean bn = i + 1 < net.layers().size() && net.layer(i + 1) instanceof BatchNorm;
                out.add(bn ? new int[] {i, i + 1} : new int[] {i});
            }
        }
        return out;
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        List<int[]> layers = layers(original);
        if (layers.isEmpty()) {
            throw new WgException("soter: " + original.describe() + " has no dense or convolution layer to morph;"
                    + " use model.arch=bn-mlp, slim-mlp or bn-cnn");
        }
        int count = layers.size();
        TreeSet<Integer> scaled = new TreeSet<>();
        for (int g : coins.derive("layers").sample(count - 1, Math.max(0, (int) (count * theta) - 1))) {
            scaled.add(g);
        }
        scaled.add(count - 1);
        Map<String, INDArray> state = original.state();
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        Map<String, Double> scalars = new LinkedHashMap<>();
        Map<String, INDArray> withheld = new LinkedHashMap<>();
        Map<String, String> meta = new TreeMap<>(NetworkCodec.metadata(original));
        List<Integer> tee = new ArrayList<>();
        Coins sc = coins.derive("scalars");
        for (int g = 0; g < count; g++) {
            for (int layer : layers.get(g)) {
                if (!scaled.contains(g)) {
                    tee.add(layer);
                }
                for (Map.Entry<String, INDArray> e : state.entrySet()) {
                    if (!e.getKey().startsWith(layer + ".")) {
                        continue;
                    }
                    if (scaled.contains(g)) {
                        double s = SCALAR_LOW + (SCALAR_HIGH - SCALAR_LOW) * sc.nextDouble();
                        scalars.put(e.getKey(), s);
                        tensors.put(e.getKey(), e.getValue().mul(s));
                    } else {
                        withheld.put(e.getKey(), e.getValue().dup());
                        meta.put("soter.shape." + e.getKey(), Arrays.stream(e.getValue().shape()).mapToObj(String::valueOf)
                                .collect(Collectors.joining("x")));
                    }
                }
            }
        }
        meta.put("soter.theta", Double.toString(theta));
        meta.put("soter.tee", tee.stream().map(String::valueOf).collect(Collectors.joining(",")));
        Map<String, INDArray> truth = new LinkedHashMap<>();
        original.parameters().forEach((k, v) -> truth.put(k, v.dup()));
        return new Release(new Artifact(ID, meta, tensors), new TeeSecret(truth, scalars, withheld));
    }

    /** The shapes of the tensors an artifact withholds (the trusted layers'), by name. */
    public static Map<String, long[]> withheldShapes(Artifact artifact) {
        Map<String, long[]> out = new LinkedHashMap<>();
        String prefix = "soter.shape.";
        artifact.metadata().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                try {
                    out.put(k.substring(prefix.length()), Arrays.stream(v.split("x")).mapToLong(Long::parseLong).toArray());
                } catch (NumberFormatException e) {
                    throw new WgException("artifact of scheme soter: metadata " + k + " is '" + v + "', expected a shape such as 256x32");
                }
            }
        });
        return out;
    }

    /** The released tensors with {@code fill} in place of the withheld ones, decoded as a network. */
    public static Network assemble(Artifact artifact, Map<String, INDArray> fill) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        artifact.tensorNames().forEach(n -> all.put(n, artifact.tensor(n)));
        for (Map.Entry<String, long[]> e : withheldShapes(artifact).entrySet()) {
            INDArray t = fill.get(e.getKey());
            if (t == null || !Arrays.equals(t.shape(), e.getValue())) {
                throw new WgException("soter: no " + Arrays.toString(e.getValue()) + " tensor for the trusted layer's " + e.getKey());
            }
            all.put(e.getKey(), t);
        }
        return NetworkCodec.decode(new Artifact(ID, artifact.metadata(), all));
    }

    /**
     * What an unauthorised user runs: the morphed layers as released and the trusted layers as
     * placeholders (zero weights, batch norms that output zero). Not the original function.
     */
    @Override
    public Network inference(Artifact artifact) {
        Map<String, INDArray> fill = new LinkedHashMap<>();
        withheldShapes(artifact).forEach((k, s) -> fill.put(k, k.endsWith(".running_var") ? Nd.ones(s) : Nd.zeros(s)));
        return assemble(artifact, fill);
    }

    /** The legitimate user's network: the scalars divided out, the trusted layers from the secret. */
    @Override
    public Optional<Network> restore(Artifact artifact, Secret secret) {
        if (!(secret instanceof TeeSecret s)) {
            throw new WgException("soter: restoring needs SOTER's trusted-part secret, got " + secret.getClass().getSimpleName());
        }
        Network net = assemble(artifact, s.withheld);
        Map<String, INDArray> state = net.state();
        s.scalars.forEach((k, v) -> state.get(k).divi(v));
        return Optional.of(net);
    }

    /** The trusted part's secret: the scalar of every morphed tensor and the trusted layers' tensors. */
    public static final class TeeSecret implements Secret {
        private final Map<String, INDArray> truth;
        private final Map<String, Double> scalars;
        private final Map<String, INDArray> withheld;

        TeeSecret(Map<String, INDArray> truth, Map<String, Double> scalars, Map<String, INDArray> withheld) {
            this.truth = truth;
            this.scalars = scalars;
            this.withheld = withheld;
        }

        /** The secret scalar of each morphed tensor, by name. */
        public Map<String, Double> scalars() {
            return new LinkedHashMap<>(scalars);
        }

        @Override
        public Map<String, INDArray> protectedParameters() {
            return Secret.copies(truth);
        }

        @Override
        public String toString() {
            return "soter trusted-part secret (" + scalars.size() + " scalars, " + withheld.keySet() + " withheld)";
        }
    }
}
