package org.weightgames.schemes.shadownet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.game.Release;
import org.weightgames.model.Activation;
import org.weightgames.model.ActivationLayer;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Conv2d;
import org.weightgames.model.Dense;
import org.weightgames.model.Init;
import org.weightgames.model.Network;

/** ShadowNet's transformation and its legitimate user's restoration, on hand-built networks. */
class ShadowNetTest {
    static ShadowNet scheme(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        ShadowNet s = new ShadowNet();
        s.init(new Params("shadownet", m));
        return s;
    }

    /** 32 -> 64 (BN, ReLU) -> 48 (BN, ReLU) -> 10, with non-trivial batch-norm state and biases. */
    static Network mlp(Coins c) {
        Dense d0 = Dense.he(32, 64, c.derive("0"));
        Dense d3 = Dense.he(64, 48, c.derive("3"));
        d0.parameters().get("b").assign(Init.gaussianVector(c.derive("b0"), 64, 0.1));
        BatchNorm b1 = BatchNorm.init(64);
        b1.buffers().get("running_mean").assign(Init.gaussianVector(c.derive("m1"), 64, 0.3));
        return Network.of(d0, b1, new ActivationLayer(Activation.RELU, 64), d3, BatchNorm.init(48),
                new ActivationLayer(Activation.RELU, 48), Dense.init(48, 10, c.derive("6")));
    }

    /** Two 3x3 convolutions on 8x8 images (the first is left in the clear), then a classifier. */
    static Network cnn(Coins c) {
        return Network.of(Conv2d.init(1, 4, 8, 8, 3, c.derive("0")), BatchNorm.init(4, 64),
                new ActivationLayer(Activation.RELU, 256), Conv2d.init(4, 8, 8, 8, 3, c.derive("3")),
                new ActivationLayer(Activation.RELU, 512), Dense.init(512, 10, c.derive("5")));
    }

    private static double restoredError(Network original, INDArray x, Coins coins) {
        ShadowNet s = scheme();
        Release r = s.release(original, null, coins);
        Network user = s.restore(r.artifact(), r.secret()).orElseThrow();
        INDArray expected = original.forward(x);
        return Nd.relativeError(user.forward(x), expected);
    }

    @Test
    void legitimateUserComputesTheOriginalFunction() {
        Coins c = Coins.root(3);
        INDArray x = Init.gaussian(c.derive("x"), 200, 32, 1.0);
        assertThat(restoredError(mlp(c.derive("mlp")), x, c.derive("release"))).isLessThan(1e-5);
        INDArray images = Init.gaussian(c.derive("images"), 50, 64, 1.0);
        assertThat(restoredError(cnn(c.derive("cnn")), images, c.derive("release-cnn"))).isLessThan(1e-5);
    }

    @Test
    void shieldsHiddenDenseLayersAndConvolutionsAfterTheFirst() {
        assertThat(ShadowNet.shieldedLayers(mlp(Coins.root(1)))).containsExactly(0, 3);
        assertThat(ShadowNet.shieldedLayers(cnn(Coins.root(1)))).containsExactly(3);
    }

    @Test
    void releasesMaskedRowsAndFakeRowsOfTheRatio() {
        Network net = mlp(Coins.root(4));
        Release r = scheme().release(net, null, Coins.root(5));
        Artifact a = r.artifact();
        assertThat(a.tensor("0.W").shape()).containsExactly(64, 32);
        assertThat(a.tensor("0.W_fake").shape()).containsExactly(12, 32); // int(1.2 * 64) - 64
        assertThat(a.tensor("3.W_fake").shape()).containsExactly(9, 64); // int(1.2 * 48) - 48
        assertThat(a.tensor("0.W_fake").amaxNumber().doubleValue()).isLessThanOrEqualTo(10.0);
        assertThat(r.secret().protectedParameters()).containsOnlyKeys("0.W", "3.W");
        assertThat(MaskedRows.fakeRows(5, 1.0)).isEqualTo(1);
        assertThat(MaskedRows.fakeRows(10, 1.2)).isEqualTo(2);
        // the released rows are masked: none is the original's
        ShadowNet.TeeSecret s = (ShadowNet.TeeSecret) r.secret();
        int[] pi = s.permutation(0);
        INDArray w = net.layer(0).parameters().get("W");
        assertThat(Nd.norm(a.tensor("0.W").getRow(0).sub(w.getRow(pi[0])))).isGreaterThan(1.0);
    }

    @Test
    void sameCoinsSameArtifact() {
        Network net = mlp(Coins.root(4));
        assertThat(scheme().release(net, null, Coins.root(6)).artifact().sha256())
                .isEqualTo(scheme().release(net, null, Coins.root(6)).artifact().sha256());
    }

    @Test
    void ratioBelowOneIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> scheme("ratio", "0.9")).isInstanceOf(WgException.class).hasMessageContaining("shadownet.ratio");
        assertThatThrownBy(() -> scheme("mask-range", "0")).isInstanceOf(WgException.class).hasMessageContaining("mask-range");
    }

    @Test
    void aNetworkWithNothingToShieldIsRefused() {
        Network one = Network.of(Dense.init(4, 3, Coins.root(1)));
        assertThatThrownBy(() -> scheme().release(one, null, Coins.root(2))).isInstanceOf(WgException.class)
                .hasMessageContaining("model.arch=bn-mlp");
    }
}
