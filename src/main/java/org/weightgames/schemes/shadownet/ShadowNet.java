package org.weightgames.schemes.shadownet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
import org.weightgames.model.Conv2d;
import org.weightgames.model.Dense;
import org.weightgames.model.Layer;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * ShadowNet (Sun et al., IEEE S&P 2023, arXiv 2011.05905) as the TEESlice artifact re-implements
 * it (schemes/shadownet.md): the weight rows of every shielded layer are released masked with
 * fake rows and shuffled ({@link MaskedRows}); the permutation and the mask assignment stay in the
 * trusted part, which restores each layer's outputs ({@link TeeRestore}). Shielded layers: every
 * hidden dense layer of an MLP; every convolution but the first, and none with more filters than
 * inputs per filter (TEESlice's rule); the classifier, biases and batch norms are released in the
 * clear. The artifact is the network's tensors with {@code <i>.W} the n masked real rows in
 * released order and {@code <i>.W_fake} the f fake rows (the released layer's rows n..m-1).
 */
public final class ShadowNet extends Component implements Shielded {
    public static final String ID = "shadownet";

    private double ratio;
    private double maskRange;

    public ShadowNet() {
        super(ID, "ShadowNet (S&P 2023): weight rows masked with uniform fake rows and shuffled; the TEE keeps the permutation");
    }

    @Override
    public void init(Params params) {
        ratio = params.getDouble("ratio", 1.2, 0, 1e3);
        if (ratio < 1) {
            throw new WgException("shadownet.ratio is " + ratio + ": ShadowNet releases int(ratio n) >= n rows per layer"
                    + " (at least one fake row), so the ratio must be at least 1; use shadownet.ratio=1.2 (the default)");
        }
        maskRange = params.getDouble("mask-range", 10.0, 1e-9, 1e9);
        params.checkAllUsed();
    }

    /** ShadowNet's regime: a network of dense (or convolution) layers; bn-mlp trains fast on the synthetic data. */
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

    /** The indices of the layers ShadowNet shields in {@code net}. */
    public static List<Integer> shieldedLayers(Network net) {
        List<Integer> affine = new ArrayList<>();
        for (int i = 0; i < net.layers().size(); i++) {
            Layer l = net.layer(i);
            if (l instanceof Dense || l instanceof Conv2d) {
                affine.add(i);
            }
        }
        List<Integer> out = new ArrayList<>();
        boolean firstConv = true;
        for (int k = 0; k < affine.size() - 1; k++) { // the classifier stays in the clear
            int i = affine.get(k);
            if (net.layer(i) instanceof Conv2d c) {
                boolean skip = firstConv || c.filters() > c.parameters().get("W").columns();
                firstConv = false;
                if (skip) {
                    continue;
                }
            }
            out.add(i);
        }
        return out;
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        List<Integer> shielded = shieldedLayers(original);
        if (shielded.isEmpty()) {
            throw new WgException("shadownet: " + original.describe() + " has no hidden dense layer and no convolution after"
                    + " the first to shield; use model.arch=bn-mlp, slim-mlp or bn-cnn");
        }
        Map<String, INDArray> tensors = NetworkCodec.tensors(original);
        Map<String, INDArray> truth = new LinkedHashMap<>();
        Map<Integer, MaskedRows> masks = new TreeMap<>();
        for (int i : shielded) {
            INDArray w = original.layer(i).parameters().get("W");
            MaskedRows m = MaskedRows.mask(w, ratio, maskRange, coins.derive("layer/" + i));
            masks.put(i, m);
            truth.put(i + ".W", w.dup());
            tensors.put(i + ".W", m.real());
            tensors.put(i + ".W_fake", m.fake());
        }
        Map<String, String> meta = new TreeMap<>(NetworkCodec.metadata(original));
        meta.put("shadownet.ratio", Double.toString(ratio));
        meta.put("shadownet.mask-range", Double.toString(maskRange));
        meta.put("shadownet.layers", shielded.stream().map(String::valueOf).collect(Collectors.joining(",")));
        return new Release(new Artifact(ID, meta, tensors), new TeeSecret(truth, masks));
    }

    /** The shielded layers' indices named in an artifact's metadata. */
    public static List<Integer> shieldedLayers(Artifact artifact) {
        List<Integer> out = new ArrayList<>();
        for (String s : artifact.meta("shadownet.layers").split(",")) {
            try {
                out.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new WgException("artifact of scheme shadownet: metadata shadownet.layers is '"
                        + artifact.meta("shadownet.layers") + "', expected layer indices such as 0,3");
            }
        }
        return out;
    }

    /**
     * What an unauthorised user runs: the released tensors as a network, the masked real rows in
     * released order and the fake rows left out. Not the original function.
     */
    @Override
    public Network inference(Artifact artifact) {
        return NetworkCodec.decode(artifact);
    }

    /** The legitimate user's network: each shielded layer computed on all released rows and restored in the trusted part. */
    @Override
    public Optional<Network> restore(Artifact artifact, Secret secret) {
        if (!(secret instanceof TeeSecret s)) {
            throw new WgException("shadownet: restoring needs ShadowNet's trusted-part secret, got " + secret.getClass().getSimpleName());
        }
        Network released = NetworkCodec.decode(artifact);
        List<Layer> layers = new ArrayList<>(released.layers());
        for (int i : shieldedLayers(artifact)) {
            MaskedRows m = s.masks.get(i);
            if (m == null) {
                throw new WgException("shadownet: the secret holds no permutation for layer " + i + " of this artifact");
            }
            INDArray all = Nd4j.vstack(artifact.tensor(i + ".W"), artifact.tensor(i + ".W_fake"));
            INDArray zero = Nd.zeros(all.rows());
            Layer l = layers.get(i);
            INDArray b = l.parameters().get("b");
            if (l instanceof Conv2d c) {
                Conv2d untrusted = new Conv2d(all, zero, c.channels(), c.height(), c.width(), c.kernel());
                layers.set(i, new TeeRestore(untrusted, m.pi(), m.fakeOf(), b, c.height() * c.width()));
            } else {
                layers.set(i, new TeeRestore(new Dense(all, zero), m.pi(), m.fakeOf(), b, 1));
            }
        }
        return Optional.of(new Network(layers));
    }

    /** The trusted part's secret: per shielded layer the permutation and mask assignment; the true rows for ext-w. */
    public static final class TeeSecret implements Secret {
        private final Map<String, INDArray> truth;
        private final Map<Integer, MaskedRows> masks;

        TeeSecret(Map<String, INDArray> truth, Map<Integer, MaskedRows> masks) {
            this.truth = truth;
            this.masks = masks;
        }

        /** pi of layer i: released row r holds original row pi[r] (null when the layer is not shielded). */
        public int[] permutation(int layer) {
            MaskedRows m = masks.get(layer);
            return m == null ? null : m.pi().clone();
        }

        /** a' of layer i: the fake row released row r was masked with. */
        public int[] fakeOf(int layer) {
            MaskedRows m = masks.get(layer);
            return m == null ? null : m.fakeOf().clone();
        }

        @Override
        public Map<String, INDArray> protectedParameters() {
            return Secret.copies(truth);
        }

        @Override
        public String toString() {
            return "shadownet trusted-part secret (permutations of layers " + masks.keySet() + ")";
        }
    }
}
