package org.weightgames.schemes.corelocker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.game.SealedSecret;
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
        SealedSecret k = (SealedSecret) r.secret();
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
        SealedSecret ok = (SealedSecret) other.secret();
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

    /**
     * The demo code's rule (corelock.py): threshold at index int(n (1 - alpha)) of the ascending
     * scores, strictly above it removed. On the 20 candidates of the hand-built network: none up to
     * alpha 5% (where round(alpha n) removes one), the largest at 10%, three (not four) at 20%.
     */
    @Test
    void theOfficialRuleRemovesOnlyWhatIsStrictlyAboveTheQuantile() {
        assertThat(scheme("alpha", "0.01", "selection", "official").select(handBuilt())).isEmpty();
        assertThat(scheme("alpha", "0.04", "selection", "official").select(handBuilt())).isEmpty();
        assertThat(scheme("alpha", "0.04").select(handBuilt()).values().stream().mapToInt(a -> a.length).sum()).isEqualTo(1);
        Map<Integer, int[]> ten = scheme("alpha", "0.1", "selection", "official").select(handBuilt());
        assertThat(ten).containsOnlyKeys(0);
        assertThat(ten.get(0)).containsExactly(1);
        Map<Integer, int[]> twenty = scheme("alpha", "0.2", "selection", "official").select(handBuilt());
        assertThat(twenty.get(0)).containsExactly(1);
        assertThat(twenty.get(3)).containsExactly(2, 4);
        assertThatThrownBy(() -> scheme("selection", "largest")).isInstanceOf(WgException.class).hasMessageContaining("selection");
    }

    /** bn-cnn's 16 + 32 channels: the official rule locks nothing at alpha 1% or 2%, two channels at 5%. */
    @Test
    void onBnCnnTheOfficialRuleLocksNothingAtTwoPercent() {
        // the family needs only the data's shape: ten blank 28 x 28 images
        org.weightgames.data.Dataset blank = new org.weightgames.data.Dataset(Nd.zeros(10, 784), new int[10], 10);
        Network net = new org.weightgames.model.ModelFamily(new Params("model", Map.of("arch", "bn-cnn")),
                new org.weightgames.data.DataSource("blank", blank, blank, "0", "test")).initialize(Coins.root(3));
        int[] perm = Coins.root(4).permutation(48);
        int at = 0;
        int candidates = 0;
        for (int i = 0; i < net.layers().size(); i++) {
            if (net.layer(i) instanceof BatchNorm) {
                INDArray g = net.layer(i).parameters().get("gamma");
                double[] v = new double[(int) g.length()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = 0.1 + 0.01 * perm[at++]; // distinct, as trained gammas are
                }
                g.assign(Nd.vector(v).reshape(g.shape()));
                candidates += v.length;
            }
        }
        assertThat(candidates).isEqualTo(48);
        assertThat(scheme("alpha", "0.01", "selection", "official").select(net)).isEmpty();
        assertThat(scheme("alpha", "0.02", "selection", "official").select(net)).isEmpty();
        assertThat(scheme("alpha", "0.05", "selection", "official").select(net).values().stream().mapToInt(a -> a.length).sum())
                .isEqualTo(2);
        assertThat(scheme("alpha", "0.02").select(net).values().stream().mapToInt(a -> a.length).sum()).isEqualTo(1);
    }

    /** A release that locks nothing is still a valid release: it is the original, says so, and restores exactly. */
    @Test
    void aReleaseThatRemovesNothingSaysSo() {
        CoreLocker s = scheme("alpha", "0.01", "selection", "official");
        Network net = handBuilt();
        Release r = s.release(net, null, Coins.root(1));
        assertThat(r.artifact().metadata()).containsEntry("corelocker.removed", "0/20").containsEntry("corelocker.selection", "official");
        assertThat(s.releaseMeasures(r.artifact())).containsEntry("removed_units", 0.0).containsEntry("candidate_units", 20.0);
        INDArray x = Nd.matrix(new double[] {0.3, -1, 2, 0.5, 1, 1, -0.2, 0.1}, 2, 4);
        assertThat(Nd.norm(s.inference(r.artifact()).forward(x).sub(net.forward(x)))).isZero();
        assertThat(Nd.norm(s.restore(r.artifact(), r.secret()).orElseThrow().forward(x).sub(net.forward(x)))).isZero();
        // the default rule's artifacts do not record a selection: their hashes are unchanged
        assertThat(scheme("alpha", "0.1").release(handBuilt(), null, Coins.root(1)).artifact().metadata())
                .doesNotContainKey("corelocker.selection");
    }

    /** The random control: as many units as the ranked rule, drawn from the coins, the same for the same coins. */
    @Test
    void theRandomControlRemovesAsManyUnitsDrawnFromTheCoins() {
        CoreLocker ranked = scheme("alpha", "0.2");
        CoreLocker random = scheme("alpha", "0.2", "selection", "random");
        Network net = handBuilt();
        java.util.function.Function<Map<Integer, int[]>, Integer> count = m -> m.values().stream().mapToInt(a -> a.length).sum();
        Map<Integer, int[]> a = random.select(net, Coins.root(3));
        assertThat(count.apply(a)).isEqualTo(count.apply(ranked.select(net))).isEqualTo(4);
        assertThat(random.select(net, Coins.root(3))).usingRecursiveComparison().isEqualTo(a);
        boolean differs = false;
        for (int seed = 4; seed < 9 && !differs; seed++) {
            differs = !java.util.Arrays.deepEquals(random.select(net, Coins.root(seed)).values().toArray(), a.values().toArray())
                    || !random.select(net, Coins.root(seed)).keySet().equals(a.keySet());
        }
        assertThat(differs).as("other coins draw other units").isTrue();
        assertThatThrownBy(() -> random.select(net)).isInstanceOf(IllegalStateException.class);
        Release r = random.release(net, null, Coins.root(1));
        assertThat(r.artifact().metadata()).containsEntry("corelocker.selection", "random").containsEntry("corelocker.removed", "4/20");
        // the control the uc game measures: the ranked rule's count, at random, on the original
        Network control = ranked.randomControl(net, Coins.root(2)).orElseThrow();
        assertThat(control.layer(0).outputSize() + control.layer(3).outputSize()).isEqualTo(16);
    }

    /**
     * The demo's key: the chosen units stay in the released network with scale and shift zeroed
     * (the positions visible), the key is the whole original scale and shift of each changed batch
     * norm, and restoring with it is exact.
     */
    @Test
    void theOfficialKeySilencesInPlaceAndRestoresExactly() {
        CoreLocker s = scheme("alpha", "0.2", "key", "official");
        Network net = handBuilt();
        Release r = s.release(net, null, Coins.root(1));
        assertThat(r.artifact().metadata()).containsEntry("corelocker.key", "official").containsEntry("corelocker.removed", "4/20");
        Network keyed = s.inference(r.artifact());
        assertThat(keyed.layer(0).outputSize()).as("nothing cut out").isEqualTo(10);
        assertThat(org.weightgames.model.NeuronSurgery.silenced(keyed)).containsOnlyKeys(1, 4);
        assertThat(org.weightgames.model.NeuronSurgery.silenced(keyed).get(1)).containsExactly(1, 7);
        assertThat(org.weightgames.model.NeuronSurgery.silenced(keyed).get(4)).containsExactly(2, 4);
        assertThat(keyed.layer(3).parameters().get("W").equals(net.layer(3).parameters().get("W"))).as("weights stay").isTrue();
        assertThat(r.secret().protectedParameters()).containsOnlyKeys("1.gamma", "1.beta", "4.gamma", "4.beta");
        assertThat(r.secret().protectedParameters().get("1.gamma").equals(net.layer(1).parameters().get("gamma"))).isTrue();
        Network restored = s.restore(r.artifact(), r.secret()).orElseThrow();
        for (Map.Entry<String, INDArray> e : net.state().entrySet()) {
            assertThat(restored.state().get(e.getKey()).dup().data().asDouble()).as(e.getKey())
                    .isEqualTo(e.getValue().dup().data().asDouble());
        }
        // the removal the default key makes computes what the silenced network computes
        INDArray x = Nd.matrix(new double[] {0.3, -1, 2, 0.5, 1, 1, -0.2, 0.1}, 2, 4);
        Network cut = scheme("alpha", "0.2").inference(scheme("alpha", "0.2").release(net, null, Coins.root(1)).artifact());
        assertThat(Nd.norm(keyed.forward(x).sub(cut.forward(x)))).isLessThan(1e-12);
    }
}
