package org.weightgames.schemes.corelocker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.Component;
import org.weightgames.data.Dataset;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.game.SealedSecret;
import org.weightgames.game.Secret;
import org.weightgames.game.UsageControl;
import org.weightgames.core.WgException;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;
import org.weightgames.model.NeuronSurgery;

/**
 * CoreLocker (Wang et al., IEEE S&P 2024; schemes/corelocker.md). Ranks the hidden neurons and
 * channels of all batch-normalised layers together by |gamma| of their batch-norm scaling factor
 * ({@code criterion=gamma}, the official code's) or every hidden unit by the mean absolute value of
 * its incoming weights ({@code criterion=l1}, the paper's second attribute, also for layers without
 * batch norm); removes the top fraction {@code alpha} (0.01) structurally; releases the smaller
 * network, whose metadata shows how many neurons each layer keeps; and seals the removed weights
 * (the access key) with AES-256-GCM for the authorised recipient, bound to the artifact's hash.
 * Restoring with the key gives back the original bit for bit. Training-data agnostic: the
 * calibration data is not used.
 */
public final class CoreLocker extends Component implements UsageControl {
    public static final String ID = "corelocker";
    /** What its secret is called. */
    static final String KEY = "CoreLocker access key";

    private double alpha;
    private String criterion;
    private String selection;
    private String key;

    /** Today's rule: the round(alpha n) highest-scoring candidates, at least one. */
    public static final String ROUNDED = "rounded";
    /**
     * The demo code's rule (corelock.py): the threshold is the entry at index int(n (1 - alpha)) of
     * the scores sorted ascending, and the candidates strictly above it are removed; on a small
     * network (bn-cnn's 48 channels at alpha up to 2%) that is none.
     */
    public static final String OFFICIAL = "official";
    /** Today's key: the removed units' weights, structurally cut out and sealed. */
    public static final String SEALED = "sealed";
    /**
     * The demo's key: the chosen units' batch-norm scale and shift zeroed in place (every weight
     * stays, the positions are visible), the key the whole original tensors of every changed entry.
     */
    public static final String OFFICIAL_KEY = "official";

    /** The control: as many candidates as the rounded rule takes, chosen uniformly at random with the release's coins. */
    public static final String RANDOM = "random";

    public CoreLocker() {
        super(ID, "CoreLocker (S&P 2024): removes the top-alpha neurons by batch-norm |gamma| as a sealed access key");
    }

    @Override
    public void init(Params params) {
        alpha = params.getDouble("alpha", 0.01, 1e-6, 0.5);
        criterion = params.getString("criterion", "gamma", Set.of("gamma", "l1"));
        // read only when given, so that audits without it record the parameters they always did
        selection = params.has("selection") ? params.getString("selection", ROUNDED, Set.of(ROUNDED, OFFICIAL, RANDOM)) : ROUNDED;
        key = params.has("key") ? params.getString("key", SEALED, Set.of(SEALED, OFFICIAL_KEY)) : SEALED;
        params.checkAllUsed();
    }

    /** CoreLocker's regime: a network trained the Network Slimming way (see {@code model.arch=slim-mlp}). */
    @Override
    public Map<String, String> modelDefaults() {
        return Map.of("arch", "slim-mlp");
    }

    /** The alphas of the locking curve. */
    static final String[] CURVE = {"0.005", "0.01", "0.02", "0.05", "0.1"};
    /** Where the restoration curve is drawn: an alpha at which the lock bites on slim-mlp (f^alpha near chance). */
    static final String BITES = "0.02";
    /** The contrast's alphas: the demo's default, where slim-mlp's lock bites, and the largest. */
    static final String[] CONTRAST = {"0.01", "0.02", "0.1"};
    /** The adversary's data fractions of the restoration curve (0 is the locking curve's game at the same alpha). */
    static final String[] FRACTIONS = {"0.01", "0.02", "0.05"};
    /** The compute axis: the budgets E (passes over the adversary's data) beside uc's default, at {@link #COMPUTE_AT}. */
    static final String[] BUDGETS = {"3", "10"};
    /** The data fraction of the compute axis. */
    static final String COMPUTE_AT = "0.02";

    /**
     * For {@code uc}: on the scheme's own family (slim-mlp), the locking curve (alpha 0.5% to 10%
     * with no auxiliary data; each game also measures the random-removal control), the
     * restoration curve (1% to 5% of the training split at alpha 2%, where the lock bites; 10% is broken
     * already at 5% and is left to {@code --set uc.data-fraction=0.1}) and its
     * compute axis (E = 3 and 10 passes beside uc's default 30, at p = 2%; E = 100 is left to
     * {@code --set uc.epochs=100}: two minutes of the main job for a row that needs about 340 trials to decide); on
     * {@code bn-mlp} (Adam, no sparsity term), the contrast, the locking curve at 1%, 2% and 10%.
     */
    @Override
    public List<Map<String, Map<String, String>>> auditVariants(String definition) {
        if (!definition.equals("uc")) {
            return List.of();
        }
        List<Map<String, Map<String, String>>> out = new ArrayList<>();
        for (String a : CURVE) {
            out.add(Map.of(ID, Map.of("alpha", a), "uc", Map.of("data-fraction", "0")));
        }
        for (String p : FRACTIONS) {
            out.add(Map.of(ID, Map.of("alpha", BITES), "uc", Map.of("data-fraction", p)));
        }
        for (String e : BUDGETS) {
            out.add(Map.of(ID, Map.of("alpha", BITES), "uc", Map.of("data-fraction", COMPUTE_AT, "epochs", e)));
        }
        for (String a : CONTRAST) {
            out.add(Map.of(ID, Map.of("alpha", a), "uc", Map.of("data-fraction", "0"), "model", Map.of("arch", "bn-mlp")));
        }
        return out;
    }

    /** One candidate neuron: its unit (producer layer), index and score. */
    record Candidate(int layer, int index, double score) {
    }

    /** The neurons to remove, by producer layer: the top alpha of all candidates by score (not for the random rule). */
    public Map<Integer, int[]> select(Network net) {
        return select(net, null);
    }

    /** As {@link #select(Network)}; the random rule draws its units from {@code coins}. */
    Map<Integer, int[]> select(Network net, Coins coins) {
        return select(net, selection, coins);
    }

    private Map<Integer, int[]> select(Network net, String rule, Coins coins) {
        List<Candidate> all = new ArrayList<>();
        for (NeuronSurgery.Unit u : NeuronSurgery.units(net)) {
            if (criterion.equals("gamma")) {
                if (u.batchNorm() < 0) {
                    continue;
                }
                double[] g = ((BatchNorm) net.layer(u.batchNorm())).parameters().get("gamma").dup().data().asDouble();
                for (int j = 0; j < g.length; j++) {
                    all.add(new Candidate(u.producer(), j, Math.abs(g[j])));
                }
            } else {
                INDArray w = net.layer(u.producer()).parameters().get("W");
                double[] rows = org.nd4j.linalg.ops.transforms.Transforms.abs(w, true).mean(1).dup().data().asDouble();
                for (int j = 0; j < rows.length; j++) {
                    all.add(new Candidate(u.producer(), j, rows[j]));
                }
            }
        }
        if (all.isEmpty()) {
            throw new WgException("corelocker: the network has no " + (criterion.equals("gamma") ? "batch-normalised " : "")
                    + "hidden layers to lock (" + net.describe() + "); use model.arch=bn-mlp or bn-cnn"
                    + (criterion.equals("gamma") ? ", or corelocker.criterion=l1" : ""));
        }
        all.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score())
                : a.layer() != b.layer() ? Integer.compare(a.layer(), b.layer()) : Integer.compare(a.index(), b.index()));
        int k;
        if (rule.equals(RANDOM)) {
            if (coins == null) {
                throw new IllegalStateException("the random selection draws from the release's coins");
            }
            k = Math.max(1, (int) Math.round(alpha * all.size()));
            int[] order = coins.permutation(all.size());
            List<Candidate> picked = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                picked.add(all.get(order[i]));
            }
            all = picked;
        } else if (rule.equals(OFFICIAL)) {
            int n = all.size();
            // sorted ascending, the threshold sits at int(n (1 - alpha)); all holds them descending
            double threshold = all.get(n - 1 - Math.min(n - 1, (int) (n * (1 - alpha)))).score();
            k = 0;
            while (k < n && all.get(k).score() > threshold) {
                k++;
            }
        } else {
            k = Math.max(1, (int) Math.round(alpha * all.size()));
        }
        Map<Integer, List<Integer>> chosen = new TreeMap<>();
        for (Candidate c : all.subList(0, k)) {
            chosen.computeIfAbsent(c.layer(), x -> new ArrayList<>()).add(c.index());
        }
        Map<Integer, int[]> out = new TreeMap<>();
        chosen.forEach((l, idx) -> out.put(l, idx.stream().mapToInt(Integer::intValue).sorted().toArray()));
        return out;
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        Map<Integer, int[]> chosen = select(original, coins.derive("selection"));
        NeuronSurgery.Removal removal = key.equals(OFFICIAL_KEY) ? silence(original, chosen) : remove(original, chosen);
        Map<String, String> meta = new TreeMap<>(NetworkCodec.metadata(removal.network()));
        if (key.equals(OFFICIAL_KEY)) { // recorded only when chosen, as the selection
            meta.put("corelocker.key", OFFICIAL_KEY);
        }
        meta.put("corelocker.alpha", Double.toString(alpha));
        meta.put("corelocker.criterion", criterion);
        if (!selection.equals(ROUNDED)) { // recorded only when chosen: default releases keep their hashes
            meta.put("corelocker.selection", selection);
        }
        int total = 0;
        int removed = 0;
        for (NeuronSurgery.Unit u : NeuronSurgery.units(original)) {
            int k = chosen.containsKey(u.producer()) ? chosen.get(u.producer()).length : 0;
            meta.put("corelocker.kept." + u.producer(), (u.width() - k) + "/" + u.width());
            total += u.width();
            removed += k;
        }
        meta.put("corelocker.removed", removed + "/" + total);
        Artifact artifact = new Artifact(ID, meta, NetworkCodec.tensors(removal.network()));
        byte[] kek = AccessKey.newKek(coins.derive("kek"));
        byte[] sealed = AccessKey.seal(removal.key(), kek, artifact.sha256(), coins.derive("nonce"));
        Map<String, INDArray> truth = new LinkedHashMap<>();
        removal.key().forEach((name, t) -> {
            if (!name.endsWith(".removed")) {
                truth.put(name, t.dup());
            }
        });
        return new Release(artifact, new SealedSecret(KEY, kek, sealed, truth));
    }

    /**
     * The demo's keyed state: a copy of the original with the chosen units' batch-norm scale and
     * shift set to zero, and as the key the whole original scale and shift of every changed batch norm.
     */
    private NeuronSurgery.Removal silence(Network original, Map<Integer, int[]> chosen) {
        Network keyed = original.copy();
        Map<String, INDArray> k = new LinkedHashMap<>();
        for (NeuronSurgery.Unit u : NeuronSurgery.units(original)) {
            int[] idx = chosen.get(u.producer());
            if (idx == null || idx.length == 0) {
                continue;
            }
            if (u.batchNorm() < 0) {
                throw new WgException("corelocker: key=official zeroes the batch-norm scale and shift of the chosen units, but layer "
                        + u.producer() + " has no batch norm; use corelocker.key=sealed");
            }
            Map<String, INDArray> bn = keyed.layer(u.batchNorm()).parameters();
            for (String t : new String[] {"gamma", "beta"}) {
                k.put(u.batchNorm() + "." + t, bn.get(t).dup());
                for (int j : idx) {
                    bn.get(t).putScalar(j, 0.0);
                }
            }
        }
        return new NeuronSurgery.Removal(keyed, k);
    }

    private NeuronSurgery.Removal remove(Network original, Map<Integer, int[]> chosen) {
        try {
            return NeuronSurgery.remove(original, chosen);
        } catch (IllegalArgumentException e) {
            throw new WgException("corelocker: alpha " + alpha + " is too large for " + original.describe() + ": "
                    + e.getMessage() + "; lower corelocker.alpha");
        }
    }

    /** The rounded rule's number of units, chosen uniformly at random among the same candidates. */
    @Override
    public Optional<Network> randomControl(Network original, Coins coins) {
        return Optional.of(remove(original, select(original, RANDOM, coins)).network());
    }

    /** {@code removed_units} and {@code candidate_units} of a release, from its metadata (the official rule may remove none). */
    @Override
    public Map<String, Double> releaseMeasures(Artifact artifact) {
        String[] r = artifact.metadata().getOrDefault("corelocker.removed", "").split("/");
        if (r.length != 2) {
            return Map.of();
        }
        return Map.of("removed_units", Double.parseDouble(r[0]), "candidate_units", Double.parseDouble(r[1]));
    }

    @Override
    public Network inference(Artifact artifact) {
        return NetworkCodec.decode(artifact);
    }

    @Override
    public Optional<Network> restore(Artifact artifact, Secret secret) {
        SealedSecret s = SealedSecret.expect(secret, ID, KEY);
        return Optional.of(restore(artifact, s.sealedKey(), s.keyEncryptionKey()));
    }

    /**
     * Authorised restoration: open the sealed key for this artifact and put the removed neurons
     * back (or, for the demo's key, the whole batch-norm tensors it holds).
     */
    public Network restore(Artifact artifact, byte[] sealedKey, byte[] kek) {
        Map<String, INDArray> k = AccessKey.open(sealedKey, kek, artifact.sha256());
        if (!OFFICIAL_KEY.equals(artifact.metadata().get("corelocker.key"))) {
            return NeuronSurgery.insert(inference(artifact), k);
        }
        Network net = inference(artifact);
        Map<String, INDArray> params = net.parameters();
        for (Map.Entry<String, INDArray> e : k.entrySet()) {
            String name = e.getKey();
            INDArray target = params.get(name);
            if (target == null || !Arrays.equals(target.shape(), e.getValue().shape())) {
                throw new WgException("corelocker: the access key's tensor " + name + " matches no tensor of the released network");
            }
            target.assign(e.getValue());
        }
        return net;
    }
}
