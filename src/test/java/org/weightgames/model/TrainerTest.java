package org.weightgames.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;

/** The training recipes of the batch-normalised families: SGD, the step schedule, the gamma-L1 term and frozen entries. */
class TrainerTest {

    @Test
    void sgdWithMomentumAndDecayFollowsPyTorchsUpdateRule() {
        INDArray w = Nd.matrix(new double[] {1.0, -2.0}, 1, 2);
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("0.W", w);
        Optimizer.Sgd sgd = new Optimizer.Sgd(params, 0.9, 0.1);
        Map<String, INDArray> g = new LinkedHashMap<>();
        g.put("0.W", Nd.matrix(new double[] {0.5, 0.25}, 1, 2));
        sgd.step(g, 0.2);
        // d = g + 0.1 x = (0.6, 0.05); buf = d; x -= 0.2 d
        assertThat(w.getDouble(0)).isCloseTo(1.0 - 0.2 * 0.6, within(1e-15));
        assertThat(w.getDouble(1)).isCloseTo(-2.0 - 0.2 * 0.05, within(1e-15));
        double x0 = w.getDouble(0);
        sgd.step(g, 0.02);
        // buf = 0.9 * 0.6 + (0.5 + 0.1 x0)
        assertThat(w.getDouble(0)).isCloseTo(x0 - 0.02 * (0.9 * 0.6 + 0.5 + 0.1 * x0), within(1e-15));
    }

    @Test
    void theScheduleMultipliesTheRateAtEachMilestone() {
        Trainer t = new Trainer(0.1, 8, 100, 0).sgd(0.9).schedule(new int[] {10, 20}, 0.1);
        assertThat(t.rateAt(0)).isEqualTo(0.1);
        assertThat(t.rateAt(9)).isEqualTo(0.1);
        assertThat(t.rateAt(10)).isCloseTo(0.01, within(1e-15));
        assertThat(t.rateAt(25)).isCloseTo(0.001, within(1e-15));
    }

    @Test
    void theGammaL1TermConcentratesTheBatchNormScales() {
        DataSource data = DataSource.load("synthetic");
        Map<String, String> recipe = Map.of("arch", "slim-mlp", "widths", "64,64", "epochs", "6", "milestones", "4");
        Network plain = train(data, recipe, "0");
        Network sparse = train(data, recipe, "0.02");
        Dataset test = data.test();
        double sharePlain = BatchNorm.topShare(plain, 0.05);
        double shareSparse = BatchNorm.topShare(sparse, 0.05);
        assertThat(shareSparse).as("top-5%% share of |gamma| with lambda 0.02 vs none").isGreaterThan(2 * sharePlain);
        assertThat(smallGammas(sparse)).isGreaterThan(smallGammas(plain) + 20);
        assertThat(plain.accuracy(test.features(), test.labels())).isGreaterThan(0.9);
        assertThat(sparse.accuracy(test.features(), test.labels())).isGreaterThan(0.85);
    }

    private static Network train(DataSource data, Map<String, String> recipe, String sparsity) {
        Map<String, String> p = new LinkedHashMap<>(recipe);
        p.put("sparsity", sparsity);
        ModelFamily family = new ModelFamily(new Params("model", p), data);
        assertThat(family.parameters()).containsEntry("optimizer", "sgd").containsEntry("gamma-init", "0.5");
        Network net = family.train(data, Coins.root(3));
        assertThat(((BatchNorm) net.layer(1)).parameters().get("gamma").length()).isEqualTo(64);
        return net;
    }

    /** How many batch-norm scales are below 0.05 in absolute value. */
    private static int smallGammas(Network net) {
        int n = 0;
        for (Layer l : net.layers()) {
            if (l instanceof BatchNorm) {
                for (double g : l.parameters().get("gamma").dup().data().asDouble()) {
                    n += Math.abs(g) < 0.05 ? 1 : 0;
                }
            }
        }
        return n;
    }

    @Test
    void frozenEntriesStayBitForBitAndMarkedOnesLearn() {
        DataSource data = DataSource.load("synthetic");
        Coins c = Coins.root(4);
        Network net = Network.of(Dense.he(32, 16, c.derive("a")), BatchNorm.init(16), new ActivationLayer(Activation.RELU, 16),
                Dense.init(16, 10, c.derive("b")));
        Map<String, INDArray> before = new LinkedHashMap<>();
        net.parameters().forEach((k, v) -> before.put(k, v.dup()));
        INDArray rows = Nd.zeros(16, 32);
        rows.getRow(15).assign(1);
        Map<String, INDArray> mask = Map.of("0.W", rows);
        new Trainer(0.01, 64, 30, 0).train(net, data.train().size(), data.train()::rows, c.derive("train"), mask);
        INDArray w = net.parameters().get("0.W");
        for (int r = 0; r < 15; r++) {
            assertThat(w.getRow(r).equals(before.get("0.W").getRow(r))).as("frozen row %d", r).isTrue();
        }
        assertThat(w.getRow(15).equals(before.get("0.W").getRow(15))).as("the trainable row moved").isFalse();
        for (String k : new String[] {"0.b", "1.gamma", "1.beta", "3.W", "3.b"}) {
            assertThat(net.parameters().get(k).equals(before.get(k))).as(k).isTrue();
        }
    }
}
