package org.weightgames.adversaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.model.Activation;
import org.weightgames.model.ActivationLayer;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Dense;
import org.weightgames.model.Network;

/** What finetune restarts before training: absurd entries, mostly-absurd tensors whole, nothing of an ordinary release. */
class SanitiseTest {
    static Network net(int seed) {
        Coins c = Coins.root(seed);
        return Network.of(Dense.he(4, 6, c.derive("0")), BatchNorm.init(6), new ActivationLayer(Activation.RELU, 6),
                Dense.he(6, 3, c.derive("3")));
    }

    @Test
    void anOrdinaryNetworkIsLeftAsItIsAndDrawsNothing() {
        Network n = net(1);
        double[] before = n.state().get("0.W").dup().data().asDouble();
        AtomicInteger drawn = new AtomicInteger();
        assertThat(Sanitise.apply(n, () -> {
            drawn.incrementAndGet();
            return net(2);
        })).isZero();
        assertThat(drawn.get()).isZero();
        assertThat(n.state().get("0.W").dup().data().asDouble()).containsExactly(before);
    }

    @Test
    void absurdEntriesAreReplacedAndMostlyAbsurdTensorsRestartedWhole() {
        Network n = net(1);
        Network fresh = net(2);
        double[] w = n.state().get("0.W").dup('c').data().asDouble();
        n.state().get("0.W").putScalar(new int[] {0, 0}, Double.NaN);
        n.state().get("0.W").putScalar(new int[] {0, 1}, 5e300);
        n.state().get("0.W").putScalar(new int[] {0, 2}, -1e-200);
        // five of six running variances absurd (at or below zero, or huge): the in-range 0.5 goes too
        n.state().get("1.running_var").assign(Nd.vector(new double[] {-1, -2, -3, 1e9, 0.5, -4}));
        long replaced = Sanitise.apply(n, () -> net(2));
        assertThat(replaced).isEqualTo(3 + 6);
        double[] after = n.state().get("0.W").dup('c').data().asDouble();
        double[] init = fresh.state().get("0.W").dup('c').data().asDouble();
        assertThat(after[0]).isEqualTo(init[0]);
        assertThat(after[1]).isEqualTo(init[1]);
        assertThat(after[2]).isEqualTo(init[2]);
        assertThat(after[3]).isEqualTo(w[3]);
        assertThat(n.state().get("1.running_var").dup().data().asDouble()).containsOnly(1.0);
        assertThat(Sanitise.absurd(0.0, false)).isFalse();
        assertThat(Sanitise.absurd(0.0, true)).isTrue();
    }

    @Test
    void aNaNRowCountsAsWrongNotAsClassZero() {
        // ND4J's argmax gives class 0 for a row of NaN; the accuracy must not credit it
        double nan = Double.NaN;
        INDArray logits = Nd.matrix(new double[] {nan, nan, nan, 0, 1, 0, 1, nan, 0}, 3, 3);
        assertThat(Network.accuracyOfLogits(logits, new int[] {0, 1, 0})).isEqualTo(1.0 / 3);
    }
}
