package org.weightgames.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/** The matching judge: a network's hidden units in another order are found to be the same network. */
class UnitMatchingTest {
    /** {@code t}'s indices along {@code axis} reordered: out[j] = t[order[j]] (blocks of {@code block} along the axis). */
    static INDArray reorder(INDArray t, int axis, int[] order, int block) {
        double[] d = t.dup('c').data().asDouble();
        double[] out = new double[d.length];
        if (t.rank() == 1 || axis == 0) {
            int len = d.length / order.length;
            for (int j = 0; j < order.length; j++) {
                System.arraycopy(d, order[j] * len, out, j * len, len);
            }
        } else {
            int cols = (int) t.columns();
            for (int r = 0; r < t.rows(); r++) {
                for (int j = 0; j < order.length; j++) {
                    System.arraycopy(d, r * cols + order[j] * block, out, r * cols + j * block, block);
                }
            }
        }
        return Nd4j.create(out, t.shape(), t.dataType());
    }

    /** The network's parameters with every group's units in a random order: the same function. */
    static Map<String, INDArray> shuffled(Network net, Coins coins) {
        Map<String, INDArray> p = new LinkedHashMap<>();
        net.parameters().forEach((k, v) -> p.put(k, v.dup()));
        for (UnitMatching.Group g : UnitMatching.groups(net)) {
            int[] order = coins.derive(g.name()).permutation(g.width());
            for (UnitMatching.Axis a : g.axes()) {
                p.put(a.tensor(), reorder(p.get(a.tensor()), a.axis(), order, a.block()));
            }
        }
        return p;
    }

    static double error(Map<String, INDArray> a, Map<String, INDArray> b) {
        double s = 0;
        for (String k : b.keySet()) {
            double d = Nd.norm(a.get(k).sub(b.get(k)));
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    void aShuffledBlockIsPutBackInOrder() {
        Network net = Network.of(MlpBlock.init(Activation.SILU, 6, 12, 6, 1.0, Coins.root(3)));
        assertThat(UnitMatching.groups(net)).hasSize(1);
        Map<String, INDArray> truth = net.parameters();
        Map<String, INDArray> shown = shuffled(net, Coins.root(4));
        assertThat(error(shown, truth)).isGreaterThan(1.0);
        UnitMatching.Aligned a = UnitMatching.align(truth, shown, UnitMatching.groups(net));
        assertThat(error(a.tensors(), truth)).isZero();
        assertThat(a.moved()).isGreaterThan(6);
        // and the positional answer is left where it is
        assertThat(UnitMatching.align(truth, truth, UnitMatching.groups(net)).moved()).isZero();
    }

    @Test
    void batchNormalisedNetworksAndConvolutionsAreMatchedLayerByLayer() {
        for (Network net : List.of(NeuronSurgeryTest.bnMlp(Coins.root(5)), NeuronSurgeryTest.bnCnn(Coins.root(6)))) {
            Map<String, INDArray> truth = net.parameters();
            Map<String, INDArray> shown = shuffled(net, Coins.root(7));
            assertThat(error(shown, truth)).as(net.describe()).isGreaterThan(0.1);
            assertThat(error(UnitMatching.align(truth, shown, UnitMatching.groups(net)).tensors(), truth)).as(net.describe())
                    .isLessThan(1e-12);
        }
    }

    @Test
    void noisyAnswersAreNeverJudgedWorseThanAsGiven() {
        Network net = Network.of(SwiGluBlock.init(6, 10, 6, 1.0, Coins.root(8)));
        Map<String, INDArray> truth = net.parameters();
        Map<String, INDArray> noisy = new LinkedHashMap<>();
        truth.forEach((k, v) -> noisy.put(k, v.add(Init.gaussian(Coins.root(9).derive(k), 1, v.length(), 0.3).reshape(v.shape()))));
        Map<String, INDArray> aligned = UnitMatching.align(truth, noisy, UnitMatching.groups(net)).tensors();
        assertThat(error(aligned, truth)).isLessThanOrEqualTo(error(noisy, truth));
    }

    @Test
    void theAssignmentIsTheCheapest() {
        double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        // 1 + 2 + 2 = 5 is the minimum (rows 0->1, 1->0, 2->2)
        assertThat(UnitMatching.assignment(cost)).containsExactly(1, 0, 2);
    }
}
