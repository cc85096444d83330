package org.weightgames.schemes.nnsplitter;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

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
import org.weightgames.game.UsageControl;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * NNSplitter (Zhou, Luo, Ren, Xu, ICML 2023; schemes/nnsplitter.md). In one filter (dense: one
 * neuron's row) per weight layer, the weights within {@code eps} of the centre c are changed by
 * gradient ascent on the cross-entropy (Adam, only those entries, clamped to the weights' own
 * range, the network in evaluation mode), so that the released network is near chance; the
 * positions and original values are the secret a trusted execution environment keeps, and
 * restoring them is exact. The filters are the best of {@code candidates} random choices (what the
 * official RL controller amounts to, see the Markdown), scored by accuracy on the owner's data.
 */
public final class NNSplitter extends Component implements UsageControl {
    public static final String ID = "nnsplitter";

    private double eps;
    private Double centre;
    private int candidates;
    private Double lr;
    private int epochs;
    private int patience;
    private int batch;

    /** The official Adam rate and the width of the clamp range it was used with (VGG-11: min_w -0.13, max_w 0.19). */
    static final double OFFICIAL_LR = 0.05;
    static final double OFFICIAL_RANGE = 0.32;

    /** The adversary's data fractions the audit plays. */
    static final String[] FRACTIONS = {"0.05"};

    public NNSplitter() {
        super(ID, "NNSplitter (ICML 2023): a few weights per layer pushed by gradient ascent to chance, positions and values kept in a TEE");
    }

    @Override
    public void init(Params params) {
        eps = params.getDouble("eps", 0.06, 0, 10);
        centre = params.has("centre") ? params.getDouble("centre", 0, -10, 10) : null;
        candidates = params.getInt("candidates", 5, 1, 1000);
        lr = params.has("lr") ? params.getDouble("lr", 0.05, 1e-6, 10) : null;
        epochs = params.getInt("epochs", 100, 1, 10_000);
        patience = params.getInt("patience", 2, 1, 1000);
        batch = params.getInt("batch", 128, 1, 1 << 16);
        params.checkAllUsed();
    }

    /** The regime of the main job: a batch-normalised network (the paper's are VGG-11, ResNet-18, MobileNet-V2 with batch norm). */
    @Override
    public Map<String, String> modelDefaults() {
        return Map.of("arch", "bn-mlp");
    }

    @Override
    public boolean playedIn(String definition) {
        return definition.equals("uc") || definition.equals("correct");
    }

    /**
     * For {@code uc}: the adversary's data at p = 5% (the obfuscated network's own accuracy is measured in every game;
     * p = 0 and 1% are in schemes/nnsplitter.md, and the data-free break is a claim verify checks).
     */
    @Override
    public List<Map<String, Map<String, String>>> auditVariants(String definition) {
        return UsageControl.atDataFractions(definition, FRACTIONS);
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        List<String> layers = original.weightMatrices();
        if (layers.isEmpty()) {
            throw new WgException("nnsplitter: the network has no dense or convolution layer to obfuscate (" + original.describe() + ")");
        }
        Map<String, INDArray> p = original.parameters();
        double[] range = range(p, layers);
        double c = centre != null ? centre : range[2];
        refuseEmptyWindow(p, layers, c, range);
        // the official rate, 0.05, is 16% of VGG-11's clamp range (-0.13, 0.19): a changed weight reaches an end in a
        // handful of steps; our networks' weights span several times that range, so the rate keeps that share of it
        double rate = lr != null ? lr : OFFICIAL_LR / OFFICIAL_RANGE * (range[1] - range[0]);
        Obfuscation obf = new Obfuscation(c, eps, range[0], range[1], rate, epochs, patience, batch);
        Obfuscation.Result best = null;
        for (int i = 0; i < candidates; i++) {
            Coins pick = coins.derive("candidate/" + i);
            Map<String, Integer> rows = new LinkedHashMap<>();
            for (String name : layers) {
                rows.put(name, pick.nextInt((int) p.get(name).rows()));
            }
            Map<String, int[]> mask = obf.mask(original, rows);
            if (mask.isEmpty()) {
                continue;
            }
            Obfuscation.Result r = obf.run(original, mask, calibration, coins.derive("ascent/" + i));
            if (best == null || r.accuracy() < best.accuracy()) {
                best = r;
            }
        }
        if (best == null) {
            throw new WgException("nnsplitter: none of the " + candidates + " random filter choices holds a weight within eps = "
                    + eps + " of the centre " + c + " (the weights range over [" + range[0] + ", " + range[1]
                    + "]); raise nnsplitter.eps or nnsplitter.candidates");
        }
        Map<String, String> meta = new TreeMap<>(NetworkCodec.metadata(best.network()));
        meta.put("nnsplitter.changed", Integer.toString(best.count()));
        meta.put("nnsplitter.candidates", Integer.toString(candidates));
        Artifact artifact = new Artifact(ID, meta, NetworkCodec.tensors(best.network()));
        return new Release(artifact, new SplitSecret(artifact.sha256(), best.changed()));
    }

    /** The weight layers' pooled minimum, maximum and mean: the clamp range and the default centre. */
    private static double[] range(Map<String, INDArray> p, List<String> layers) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long n = 0;
        for (String name : layers) {
            INDArray w = p.get(name);
            lo = Math.min(lo, w.minNumber().doubleValue());
            hi = Math.max(hi, w.maxNumber().doubleValue());
            sum += w.sumNumber().doubleValue();
            n += w.length();
        }
        return new double[] {lo, hi, sum / n};
    }

    /** The official code releases the original unchanged when the window holds no weight; refuse instead. */
    private void refuseEmptyWindow(Map<String, INDArray> p, List<String> layers, double c, double[] range) {
        double nearest = Double.POSITIVE_INFINITY;
        for (String name : layers) {
            for (double w : p.get(name).dup().data().asDouble()) {
                nearest = Math.min(nearest, Math.abs(w - c));
            }
        }
        if (!(nearest < eps)) {
            throw new WgException("nnsplitter: eps = " + eps + " selects no weight: the network's weights range over ["
                    + range[0] + ", " + range[1] + "] and the nearest to the centre " + c + " is " + nearest
                    + " away; raise nnsplitter.eps (the official code would release the original unchanged)");
        }
    }

    @Override
    public Network inference(Artifact artifact) {
        return NetworkCodec.decode(artifact);
    }

    @Override
    public Map<String, Double> releaseMeasures(Artifact artifact) {
        String changed = artifact.metadata().get("nnsplitter.changed");
        return changed == null ? Map.of() : Map.of("changed_weights", Double.parseDouble(changed));
    }

    /** Puts the original values back at their positions: exact. The secret must be this artifact's. */
    @Override
    public Optional<Network> restore(Artifact artifact, Secret secret) {
        if (!(secret instanceof SplitSecret)) {
            throw new WgException("nnsplitter: restoring needs an NNSplitter secret, got " + secret.getClass().getSimpleName());
        }
        SplitSecret s = (SplitSecret) secret;
        if (!s.artifactSha256().equals(artifact.sha256())) {
            throw new WgException("nnsplitter: the secret belongs to another release (artifact sha256 " + s.artifactSha256()
                    + ", this one " + artifact.sha256() + "); nothing restored");
        }
        Network net = inference(artifact);
        Map<String, INDArray> params = net.parameters();
        for (Obfuscation.Changed c : s.changed()) {
            INDArray w = params.get(c.tensor());
            if (w == null) {
                throw new WgException("nnsplitter: the secret names " + c.tensor() + ", which the released network lacks");
            }
            double[] flat = w.dup('c').data().asDouble();
            for (int k = 0; k < c.index().length; k++) {
                flat[c.index()[k]] = c.original()[k];
            }
            w.assign(Nd.matrix(flat, w.rows(), w.columns()));
        }
        return Optional.of(net);
    }

    @Override
    public String toString() {
        return ID + " (eps " + eps + ", " + candidates + " candidates" + (centre == null ? "" : ", centre " + centre) + ")";
    }

    /** For tests: the positions the secret holds, by tensor. */
    static Map<String, int[]> positions(SplitSecret s) {
        Map<String, int[]> out = new LinkedHashMap<>();
        s.changed().forEach(c -> out.put(c.tensor(), Arrays.copyOf(c.index(), c.index().length)));
        return out;
    }
}
