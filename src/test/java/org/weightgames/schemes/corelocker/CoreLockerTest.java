package org.weightgames.schemes.corelocker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.model.ActivationLayer;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Dense;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;

/** CoreLocker's selection, sealing and restoration on hand-built networks. */
class CoreLockerTest {
    static CoreLocker scheme(String... kv) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        CoreLocker s = new CoreLocker();
        s.init(new Params("corelocker", m));
        return s;
    }

    /** 4 -> 10 (BN) -> 10 (BN) -> 3, with chosen gammas and chosen incoming-weight scales. */
    static Network handBuilt() {
        Coins c = Coins.root(11);
        Dense d0 = Dense.he(4, 10, c.derive("0"));
        Dense d3 = Dense.he(10, 10, c.derive("3"));
        BatchNorm b1 = BatchNorm.init(10);
        BatchNorm b4 = BatchNorm.init(10);
        double[] g1 = {0.5, -3.0, 0.7, 0.9, 1.1, 0.2, 0.3, 2.5, 0.4, 0.6};
        double[] g4 = {0.8, 0.1, 2.9, 0.3, -2.7, 0.5, 0.6, 0.7, 0.2, 1.0};
        b1.parameters().get("gamma").assign(Nd.vector(g1));
        b4.parameters().get("gamma").assign(Nd.vector(g4));
        // layer 3's rows 5 and 8 get the largest incoming weights
        d3.parameters().get("W").getRow(5).muli(40);
        d3.parameters().get("W").getRow(8).muli(30);
        Network net = Network.of(d0, b1, new ActivationLayer(Activation.RELU, 10), d3, b4,
                new ActivationLayer(Activation.RELU, 10), Dense.init(10, 3, c.derive("6")));
        b1.buffers().get("running_mean").assign(Nd.vector(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        return net;
    }

    @Test
    void gammaCriterionRanksAllBatchNormLayersTogether() {
        // 20 candidates, alpha 0.2: the four largest |gamma|: -3.0 (0:1), 2.9 (3:2), -2.7 (3:4), 2.5 (0:7)
        Map<Integer, int[]> chosen = scheme("alpha", "0.2").select(handBuilt());
        assertThat(chosen.get(0)).containsExactly(1, 7);
        assertThat(chosen.get(3)).containsExactly(2, 4);
    }

    @Test
    void l1CriterionPicksTheLargestIncomingWeights() {
        Map<Integer, int[]> chosen = scheme("alpha", "0.1", "criterion", "l1").select(handBuilt());
        assertThat(chosen).containsOnlyKeys(3);
        assertThat(chosen.get(3)).containsExactly(5, 8);
    }

    @Test
    void theReleaseIsSmallerAndAuthorisedRestorationIsBitExact() {
        Network net = handBuilt();
        CoreLocker s = scheme("alpha", "0.2");
        Release r = s.release(net, null, Coins.root(1));
        assertThat(r.artifact().meta("corelocker.kept.0")).isEqualTo("8/10");
        assertThat(r.artifact().meta("corelocker.removed")).isEqualTo("4/20");
        assertThat(s.inference(r.artifact()).layer(0).outputSize()).isEqualTo(8);
        Network restored = s.restore(r.artifact(), r.secret()).orElseThrow();
        for (Map.Entry<String, INDArray> e : net.state().entrySet()) {
            assertThat(restored.state().get(e.getKey()).dup().data().asDouble()).as(e.getKey())
                    .isEqualTo(e.getValue().dup().data().asDouble());
        }
        // the key's removed weights are the ext-w ground truth
        assertThat(r.secret().protectedParameters()).containsKeys("0.W[rows]", "1.gamma[rows]", "3.W[cols]", "3.W[rows]", "6.W[cols]");
        assertThat(r.secret().protectedParameters().get("1.gamma[rows]").dup().data().asDouble()).containsExactly(-3.0, 2.5);
    }

    @Test
    void aTamperedWrongOrMisaddressedKeyIsRefused() {
        CoreLocker s = scheme("alpha", "0.2");
        Release r = s.release(handBuilt(), null, Coins.root(1));
        CoreLocker.KeySecret k = (CoreLocker.KeySecret) r.secret();
        byte[] sealed = k.sealedKey();
        sealed[sealed.length / 2] ^= 1;
        assertThatThrownBy(() -> s.restore(r.artifact(), sealed, k.keyEncryptionKey())).isInstanceOf(WgException.class)
                .hasMessageContaining("failed authentication");
        byte[] wrongKek = k.keyEncryptionKey();
        wrongKek[0] ^= (byte) 0x80;
        assertThatThrownBy(() -> s.restore(r.artifact(), k.sealedKey(), wrongKek)).isInstanceOf(WgException.class)
                .hasMessageContaining("failed authentication");
        // a key sealed for another release of the same network (other coins, other artifact hash)
        Release other = scheme("alpha", "0.1").release(handBuilt(), null, Coins.root(2));
        CoreLocker.KeySecret ok = (CoreLocker.KeySecret) other.secret();
        assertThatThrownBy(() -> s.restore(r.artifact(), ok.sealedKey(), ok.keyEncryptionKey()))
                .isInstanceOf(WgException.class).hasMessageContaining("another released artifact");
        assertThatThrownBy(() -> s.restore(r.artifact(), new byte[5], k.keyEncryptionKey())).hasMessageContaining("truncated");
    }

    @Test
    void networksWithoutBatchNormNeedTheL1Criterion() {
        Coins c = Coins.root(3);
        Network plain = Network.of(Dense.he(4, 8, c), new ActivationLayer(Activation.RELU, 8), Dense.init(8, 3, c));
        assertThatThrownBy(() -> scheme().release(plain, null, Coins.root(1))).isInstanceOf(WgException.class)
                .hasMessageContaining("corelocker.criterion=l1");
        assertThat(scheme("criterion", "l1", "alpha", "0.25").release(plain, null, Coins.root(1)).artifact()
                .meta("corelocker.kept.0")).isEqualTo("6/8");
    }
}
