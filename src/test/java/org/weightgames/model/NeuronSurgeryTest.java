package org.weightgames.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/** Structural removal of neurons and channels, and exact re-insertion. */
class NeuronSurgeryTest {
    static Network bnMlp(Coins c) {
        Network net = Network.of(Dense.he(6, 5, c.derive("0")), BatchNorm.init(5), new ActivationLayer(Activation.RELU, 5),
                Dense.he(5, 4, c.derive("3")), BatchNorm.init(4), new ActivationLayer(Activation.RELU, 4),
                Dense.init(4, 3, c.derive("6")));
        randomiseState(net, c.derive("state"));
        return net;
    }

    static Network bnCnn(Coins c) {
        Network net = Network.of(Conv2d.init(1, 3, 4, 4, 3, c.derive("0")), BatchNorm.init(3, 16),
                new ActivationLayer(Activation.RELU, 48), new MaxPool2d(3, 4, 4), Conv2d.init(3, 4, 2, 2, 3, c.derive("4")),
                BatchNorm.init(4, 4), new ActivationLayer(Activation.RELU, 16), new MaxPool2d(4, 2, 2),
                Dense.init(4, 3, c.derive("8")));
        randomiseState(net, c.derive("state"));
        return net;
    }

    /** Every tensor, including biases and batch-norm statistics, gets distinct values, so misplacement shows. */
    static void randomiseState(Network net, Coins c) {
        for (Map.Entry<String, INDArray> e : net.state().entrySet()) {
            INDArray t = e.getValue();
            INDArray r = Init.gaussian(c.derive(e.getKey()), 1, t.length(), 0.5).reshape(t.shape());
            t.assign(e.getKey().endsWith("running_var") ? org.nd4j.linalg.ops.transforms.Transforms.abs(r).addi(0.5) : r);
        }
    }

    static void assertSameState(Network a, Network b) {
        assertThat(a.state().keySet()).isEqualTo(b.state().keySet());
        for (String k : a.state().keySet()) {
            assertThat(a.state().get(k).shape()).as(k).isEqualTo(b.state().get(k).shape());
            assertThat(a.state().get(k).dup('c').data().asDouble()).as(k).isEqualTo(b.state().get(k).dup('c').data().asDouble());
        }
    }

    @Test
    void removalShrinksEveryTouchedLayerAndInsertionIsBitExact() {
        Network net = bnMlp(Coins.root(1));
        NeuronSurgery.Removal r = NeuronSurgery.remove(net, Map.of(0, new int[] {3, 1}, 3, new int[] {2}));
        assertThat(r.network().describe()).isEqualTo(
                "dense 6->3 | batchnorm 3->3 | relu 3->3 | dense 3->3 | batchnorm 3->3 | relu 3->3 | dense 3->3");
        assertThat(r.key().get("0.W[rows]").shape()).containsExactly(2, 6);
        assertThat(r.key().get("3.W[cols]").shape()).containsExactly(4, 2);
        assertThat(r.key().get("3.W[rows]").shape()).containsExactly(1, 3);
        // the removed rows are the original rows 1 and 3, in index order
        assertThat(r.key().get("0.W[rows]").getRow(0).dup().data().asDouble())
                .isEqualTo(net.layer(0).parameters().get("W").getRow(1).dup().data().asDouble());
        assertSameState(NeuronSurgery.insert(r.network(), r.key()), net);
    }

    @Test
    void channelsOfAConvolutionalNetworkComeOutAndGoBackExactly() {
        Network net = bnCnn(Coins.root(2));
        NeuronSurgery.Removal r = NeuronSurgery.remove(net, Map.of(0, new int[] {0}, 4, new int[] {1, 3}));
        assertThat(r.network().layer(4).inputSize()).isEqualTo(2 * 2 * 2);
        assertThat(r.network().layer(8).inputSize()).isEqualTo(2);
        assertThat(r.key().get("4.W[cols]").shape()).containsExactly(4, 9);
        assertSameState(NeuronSurgery.insert(r.network(), r.key()), net);
    }

    @Test
    void removingANeuronEqualsSilencingIt() {
        Coins c = Coins.root(3);
        Network net = bnMlp(c);
        NeuronSurgery.Removal r = NeuronSurgery.remove(net, Map.of(0, new int[] {2}));
        Network silenced = net.copy();
        // zero outgoing weights of neuron 2: the same function as removing it
        silenced.layer(3).parameters().get("W").getColumn(2).assign(0);
        INDArray x = Init.gaussian(c.derive("x"), 10, 6, 1);
        assertThat(r.network().forward(x).equalsWithEps(silenced.forward(x), 1e-12)).isTrue();
    }

    @Test
    void wideningWithZeroOutgoingWeightsKeepsTheLockedFunction() {
        Coins c = Coins.root(4);
        Network net = bnCnn(c);
        Network locked = NeuronSurgery.remove(net, Map.of(0, new int[] {2}, 4, new int[] {0})).network();
        NeuronSurgery.Removal w = NeuronSurgery.widen(locked, net, (name, rows, cols) -> name.endsWith("[cols]")
                ? Nd.zeros(rows, cols) : Init.gaussian(c.derive(name), rows, cols, 1).addi(name.contains("running_var") ? 5 : 0));
        assertThat(w.network().describe()).isEqualTo(net.describe());
        INDArray x = Init.gaussian(c.derive("x"), 3, 16, 1);
        assertThat(w.network().forward(x).equalsWithEps(locked.forward(x), 1e-12)).isTrue();
    }

    @Test
    void badRemovalsAreRefused() {
        Network net = bnMlp(Coins.root(5));
        assertThatThrownBy(() -> NeuronSurgery.remove(net, Map.of(1, new int[] {0}))).hasMessageContaining("not a removable unit");
        assertThatThrownBy(() -> NeuronSurgery.remove(net, Map.of(0, new int[] {7}))).hasMessageContaining("in 0..4");
        assertThatThrownBy(() -> NeuronSurgery.remove(net, Map.of(0, new int[] {0, 1, 2, 3, 4})))
                .hasMessageContaining("every neuron");
        // the final classifier is not a unit: only hidden layers are
        assertThat(NeuronSurgery.units(net).stream().mapToInt(NeuronSurgery.Unit::producer).toArray()).containsExactly(0, 3);
    }
}
