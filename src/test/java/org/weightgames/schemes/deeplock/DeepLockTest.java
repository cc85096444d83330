package org.weightgames.schemes.deeplock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.game.Release;
import org.weightgames.game.SealedSecret;
import org.weightgames.model.Activation;
import org.weightgames.model.ActivationLayer;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Dense;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;
import org.weightgames.model.NetworkCodec;

/** Deep-Lock's release, restoration and refusals on a hand-built network and on a trained bn-mlp. */
class DeepLockTest {
    static final long NAN_PAYLOAD = 0x7ff0000000000123L;
    static DataSource data;
    static Network trained;

    @BeforeAll
    static void train() {
        data = DataSource.load("synthetic");
        trained = new ModelFamily(new Params("model", Map.of("arch", "bn-mlp")), data).sample(data, Coins.root(7));
    }

    static DeepLock scheme(Map<String, String> params) {
        DeepLock s = new DeepLock();
        s.init(new Params("deeplock", params));
        return s;
    }

    /** 4 -> 6 (BN) -> 3, with a NaN payload, an infinity and -0.0 among its entries. */
    static Network handBuilt() {
        Coins c = Coins.root(3);
        Dense d0 = Dense.he(4, 6, c.derive("0"));
        BatchNorm bn = BatchNorm.init(6);
        bn.buffers().get("running_mean").assign(Nd.vector(new double[] {1, 2, 3, 4, 5, 6}));
        Network net = Network.of(d0, bn, new ActivationLayer(Activation.RELU, 6), Dense.he(6, 3, c.derive("3")));
        INDArray w = d0.parameters().get("W");
        w.putScalar(0, Double.longBitsToDouble(NAN_PAYLOAD));
        w.putScalar(1, Double.NEGATIVE_INFINITY);
        w.putScalar(2, -0.0);
        return net;
    }

    static long[] rawBits(Network net) {
        return LockedState.bits(net);
    }

    @Test
    void restorationIsBitExactNaNPayloadsIncluded() {
        Network net = handBuilt();
        assertThat(rawBits(net)[0]).as("the test network holds the payload").isEqualTo(NAN_PAYLOAD);
        DeepLock s = scheme(Map.of());
        Release r = s.release(net, null, Coins.root(1));
        Network restored = s.restore(r.artifact(), r.secret()).orElseThrow();
        assertThat(rawBits(restored)).containsExactly(rawBits(net));
        assertThat(restored.state().keySet()).containsExactlyElementsOf(net.state().keySet());
    }

    @Test
    void theArtifactHoldsTheLockedWordsExactlyAsIntegers() {
        Network net = handBuilt();
        byte[] key = LockCipherTest.key(9, 32);
        Artifact a = DeepLock.lock(net, key);
        for (String name : a.tensorNames()) {
            assertThat(a.tensor(name).dataType()).as(name).isEqualTo(DataType.INT);
        }
        Network skeleton = LockedState.skeleton(a);
        long[] words = LockedState.words(a, skeleton);
        assertThat(words).containsExactly(LockCipher.lock(rawBits(net), key));
        // batch-norm running statistics are locked too: no tensor of the release equals the original's
        Network locked = new DeepLock().inference(a);
        assertThat(locked.state().get("1.running_mean").dup().data().asDouble())
                .isNotEqualTo(net.state().get("1.running_mean").dup().data().asDouble());
        assertThat(DeepLock.unlock(a, key).state().get("1.running_mean").dup().data().asDouble())
                .containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void withoutTheKeyTheNetworkIsUselessAndAWrongKeyGivesChance() {
        Dataset test = data.test().head(2000);
        assertThat(trained.accuracy(test.features(), test.labels())).isGreaterThan(0.9);
        byte[] key = LockCipherTest.key(1, 32);
        Artifact a = DeepLock.lock(trained, key);
        Network locked = new DeepLock().inference(a);
        long absurd = locked.state().values().stream().flatMapToDouble(t -> Arrays.stream(t.dup().data().asDouble()))
                .filter(v -> !Double.isFinite(v) || Math.abs(v) > 1e3 || (v != 0 && Math.abs(v) < 1e-30)).count();
        long total = locked.state().values().stream().mapToLong(INDArray::length).sum();
        assertThat((double) absurd / total).as("share of absurd locked entries").isGreaterThan(0.9);
        assertThat(locked.accuracy(test.features(), test.labels())).isLessThan(0.15);
        for (int seed = 2; seed < 5; seed++) {
            Network guessed = DeepLock.unlock(a, LockCipherTest.key(seed, 32));
            double acc = guessed.accuracy(test.features(), test.labels());
            assertThat(acc).as("accuracy with wrong key " + seed).isLessThan(0.15);
            long[] g = rawBits(guessed);
            long[] t = rawBits(trained);
            int same = 0;
            for (int i = 0; i < t.length; i++) {
                same += g[i] == t[i] ? 1 : 0;
            }
            assertThat(same).as("entries a wrong key unlocks correctly").isLessThan(t.length / 1000 + 1);
        }
        assertThat(rawBits(DeepLock.unlock(a, key))).containsExactly(rawBits(trained));
    }

    @Test
    void aCorruptSealedKeyIsRefusedAndNothingIsRestored() {
        DeepLock s = scheme(Map.of());
        Release r = s.release(handBuilt(), null, Coins.root(1));
        SealedSecret k = (SealedSecret) r.secret();
        byte[] sealed = k.sealedKey();
        sealed[sealed.length / 2] ^= 1;
        assertThatThrownBy(() -> DeepLock.restore(r.artifact(), sealed, k.keyEncryptionKey())).isInstanceOf(WgException.class)
                .hasMessageContaining("failed authentication").hasMessageContaining("nothing was restored");
        byte[] wrongKek = k.keyEncryptionKey();
        wrongKek[0] ^= 1;
        assertThatThrownBy(() -> DeepLock.restore(r.artifact(), k.sealedKey(), wrongKek)).isInstanceOf(WgException.class)
                .hasMessageContaining("failed authentication");
        assertThatThrownBy(() -> DeepLock.restore(r.artifact(), new byte[5], k.keyEncryptionKey())).isInstanceOf(WgException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aKeySealedForAnotherArtifactIsRefused() {
        DeepLock s = scheme(Map.of());
        Network net = handBuilt();
        Release a = s.release(net, null, Coins.root(1));
        Release b = s.release(net, null, Coins.root(2));
        assertThat(a.artifact().sha256()).isNotEqualTo(b.artifact().sha256());
        assertThatThrownBy(() -> s.restore(b.artifact(), a.secret())).isInstanceOf(WgException.class)
                .hasMessageContaining("another released artifact").hasMessageContaining("nothing was restored");
    }

    @Test
    void aMasterKeyOfTheWrongLengthIsRefusedBeforeAnythingIsLocked() {
        assertThatThrownBy(() -> scheme(Map.of("key-bytes", "31"))).isInstanceOf(WgException.class)
                .hasMessageContaining("deeplock.key-bytes").hasMessageContaining("16, 24 or 32");
        assertThatThrownBy(() -> DeepLock.lock(handBuilt(), new byte[20])).isInstanceOf(WgException.class)
                .hasMessageContaining("deeplock.key-bytes");
        Release r = scheme(Map.of("key-bytes", "16")).release(handBuilt(), null, Coins.root(1));
        assertThat(r.artifact().meta("deeplock.key-bytes")).isEqualTo("16");
        assertThat(rawBits(new DeepLock().restore(r.artifact(), r.secret()).orElseThrow())).containsExactly(rawBits(handBuilt()));
    }

    @Test
    void aReleaseOfAnotherSchemeIsNotMistakenForALockedOne() {
        Artifact plain = new Artifact("plain", NetworkCodec.metadata(handBuilt()),
                Map.of("0.W", Nd.zeros(6, 4)));
        assertThatThrownBy(() -> new DeepLock().inference(plain)).isInstanceOf(WgException.class)
                .hasMessageContaining("not a Deep-Lock release");
    }
}
