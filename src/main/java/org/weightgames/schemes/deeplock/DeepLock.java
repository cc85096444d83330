package org.weightgames.schemes.deeplock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.core.SealedKey;
import org.weightgames.core.WgException;
import org.weightgames.data.Dataset;
import org.weightgames.game.Component;
import org.weightgames.game.Release;
import org.weightgames.game.SealedSecret;
import org.weightgames.game.Secret;
import org.weightgames.game.UsageControl;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/**
 * Deep-Lock (Alam, Saha, Mukhopadhyay, Kundu, arXiv 2008.05966; NN-Lock, ACM JETC 2022;
 * schemes/deeplock.md), with a PRF key schedule. Every entry of the network's state, batch-norm
 * running statistics included, is locked byte by byte: c = S(b XOR k_i) with the AES S-box and a
 * per-parameter key k_i from AES-CTR under a master key drawn from the release's coins
 * ({@link LockCipher}, layout in {@link LockedState}). The master key reaches the authorised user
 * sealed with AES-GCM and bound to the artifact's hash ({@link SealedKey}); restoring gives back the
 * original bit for bit. The public inference runs the locked bits as numbers, NaN and infinities
 * included, as a user without the key would. Parameter {@code key-bytes} (32): the master key's
 * length, 16, 24 or 32 (AES-128/192/256). Played in {@code uc} and {@code correct} only.
 */
public final class DeepLock extends Component implements UsageControl {
    public static final String ID = "deeplock";
    /** What its secret is called. */
    static final String KEY = "Deep-Lock master key";
    /** The games Deep-Lock is played in: its own claim and its user's correctness. */
    static final Set<String> GAMES = Set.of("uc", "correct");
    /**
     * The adversary's data fractions of the audit: none, and 2%, at which scratch alone stays far below
     * acc* - delta (0.77 against 0.95 on bn-mlp), so that "holds" is about the lock, not the budget. 1%
     * and 5% are measured in schemes/deeplock.md; playing them too would double the main job's cost.
     */
    static final String[] FRACTIONS = {"0", "0.02"};

    private int keyBytes;

    public DeepLock() {
        super(ID, "Deep-Lock (arXiv 2008.05966): every parameter byte S-boxed under a per-parameter key from a sealed master key");
    }

    @Override
    public void init(Params params) {
        int k = params.getInt("key-bytes", 32, 1, 1024);
        if (!LockCipher.validLength(k)) {
            throw new WgException("deeplock.key-bytes is " + k + ": the master key is an AES key; set deeplock.key-bytes to 16, 24 or 32");
        }
        keyBytes = k;
        params.checkAllUsed();
    }

    /** bn-mlp: batch norm's four tensors per layer are locked as well, and it trains in seconds on the synthetic data. */
    @Override
    public Map<String, String> modelDefaults() {
        return Map.of("arch", "bn-mlp");
    }

    @Override
    public boolean playedIn(String definition) {
        return GAMES.contains(definition);
    }

    /** For {@code uc}: the adversary's data fraction p at 0 (use the locked network as it is) and 2%. */
    @Override
    public List<Map<String, Map<String, String>>> auditVariants(String definition) {
        return UsageControl.atDataFractions(definition, FRACTIONS);
    }

    @Override
    public Release release(Network original, Dataset calibration, Coins coins) {
        byte[] master = new byte[keyBytes];
        coins.derive("master-key").nextBytes(master);
        Artifact artifact = lock(original, master);
        byte[] kek = SealedKey.newKek(coins.derive("kek"));
        byte[] sealed = SealedKey.seal(master, kek, artifact.sha256(), coins.derive("nonce"));
        Map<String, INDArray> truth = new LinkedHashMap<>();
        original.state().forEach((name, t) -> truth.put(name, t.dup()));
        return new Release(artifact, new SealedSecret(KEY, kek, sealed, truth));
    }

    /** The locked artifact of {@code original} under {@code masterKey}; a key of the wrong length is refused first. */
    public static Artifact lock(Network original, byte[] masterKey) {
        LockCipher.checkKey(masterKey);
        long[] locked = LockCipher.lock(LockedState.bits(original), masterKey);
        Map<String, String> meta = new TreeMap<>(NetworkCodec.metadata(original));
        meta.put("deeplock.order", "state");
        meta.put("deeplock.word", "float64-raw-big-endian");
        meta.put("deeplock.prf", "aes-ctr");
        meta.put("deeplock.key-bytes", Integer.toString(masterKey.length));
        return new Artifact(ID, meta, LockedState.tensors(original, locked));
    }

    /** The locked network as a user without the key runs it: the locked bit patterns read as numbers. */
    @Override
    public Network inference(Artifact artifact) {
        Network skeleton = LockedState.skeleton(artifact);
        return LockedState.withBits(skeleton, LockedState.words(artifact, skeleton));
    }

    /** The network unlocked with {@code masterKey}: the original with the right key, noise with any other. */
    public static Network unlock(Artifact artifact, byte[] masterKey) {
        LockCipher.checkKey(masterKey);
        Network skeleton = LockedState.skeleton(artifact);
        return LockedState.withBits(skeleton, LockCipher.unlock(LockedState.words(artifact, skeleton), masterKey));
    }

    @Override
    public Optional<Network> restore(Artifact artifact, Secret secret) {
        SealedSecret k = SealedSecret.expect(secret, ID, KEY);
        return Optional.of(restore(artifact, k.sealedKey(), k.keyEncryptionKey()));
    }

    /** Authorised restoration: opens the sealed master key for this artifact (or refuses), then unlocks. */
    public static Network restore(Artifact artifact, byte[] sealedKey, byte[] kek) {
        return unlock(artifact, SealedKey.open(sealedKey, kek, artifact.sha256(), ID, "master key"));
    }
}
