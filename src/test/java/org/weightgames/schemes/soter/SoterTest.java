package org.weightgames.schemes.soter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
import org.weightgames.model.Dense;
import org.weightgames.model.Init;
import org.weightgames.model.Network;

/** SOTER's morphing and its legitimate user's restoration, on a hand-built network. */
class SoterTest {
    static Soter scheme(String theta) {
        Soter s = new Soter();
        s.init(new Params("soter", Map.of("theta", theta)));
        return s;
    }

    /** Five layers: four hidden dense layers with batch norm, then a classifier. */
    static Network net(Coins c) {
        return Network.of(Dense.he(32, 40, c.derive("0")), BatchNorm.init(40), new ActivationLayer(Activation.RELU, 40),
                Dense.he(40, 30, c.derive("3")), BatchNorm.init(30), new ActivationLayer(Activation.RELU, 30),
                Dense.he(30, 20, c.derive("6")), BatchNorm.init(20), new ActivationLayer(Activation.RELU, 20),
                Dense.he(20, 20, c.derive("9")), BatchNorm.init(20), new ActivationLayer(Activation.RELU, 20),
                Dense.init(20, 10, c.derive("12")));
    }

    @Test
    void legitimateUserComputesTheOriginalFunction() {
        Network original = net(Coins.root(1));
        Soter s = scheme("0.8");
        Release r = s.release(original, null, Coins.root(2));
        INDArray x = Init.gaussian(Coins.root(3), 200, 32, 1.0);
        INDArray expected = original.forward(x);
        assertThat(Nd.relativeError(s.restore(r.artifact(), r.secret()).orElseThrow().forward(x), expected)).isLessThan(1e-5);
        assertThat(Nd.relativeError(s.inference(r.artifact()).forward(x), expected)).isGreaterThan(0.1);
    }

    @Test
    void aShareThetaIsMorphedTheLastAlwaysAndTheRestWithheld() {
        Release r = scheme("0.8").release(net(Coins.root(1)), null, Coins.root(2));
        Artifact a = r.artifact();
        // five layers at theta 0.8: int(4) - 1 = 3 of the first four, and the last
        String[] tee = a.meta("soter.tee").split(",");
        assertThat(tee).hasSize(2); // one dense layer and its batch norm
        assertThat(a.has("12.W")).isTrue();
        assertThat(a.has(tee[0] + ".W")).isFalse();
        assertThat(Soter.withheldShapes(a)).containsKey(tee[0] + ".W");
        Soter.TeeSecret s = (Soter.TeeSecret) r.secret();
        assertThat(s.scalars().values()).allSatisfy(v -> assertThat(v).isBetween(1.0, 5.0));
        // every tensor of a morphed layer has its own scalar, batch-norm statistics included
        assertThat(s.scalars()).containsKeys("12.W", "12.b");
        assertThat(s.scalars().keySet().stream().filter(k -> k.endsWith("running_var"))).hasSize(3);
        Release last = scheme("0").release(net(Coins.root(1)), null, Coins.root(2));
        assertThat(last.artifact().tensorNames()).containsOnly("12.W", "12.b");
    }

    @Test
    void theTrustedLayersAreDrawnFromTheCoins() {
        Network original = net(Coins.root(1));
        Set<String> seen = new TreeSet<>();
        for (int seed = 0; seed < 12; seed++) {
            seen.add(scheme("0.8").release(original, null, Coins.root(seed)).artifact().meta("soter.tee"));
        }
        assertThat(seen).hasSizeGreaterThan(1);
    }

    @Test
    void thetaOutsideTheUnitIntervalIsRefused() {
        assertThatThrownBy(() -> scheme("1.5")).isInstanceOf(WgException.class).hasMessageContaining("theta");
    }
}
