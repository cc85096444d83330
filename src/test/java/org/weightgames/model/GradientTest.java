package org.weightgames.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;

/** Backpropagation against central finite differences of the cross-entropy loss. */
class GradientTest {
    static void check(Network net, Coins coins) {
        int n = 5;
        INDArray x = Init.gaussian(coins.derive("x"), n, net.inputSize(), 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = coins.nextInt((int) net.outputSize());
        }
        net.zeroGradients();
        INDArray logits = net.forward(x, true);
        net.backward(Trainer.softmaxGradient(logits, y, new double[1]));
        Map<String, INDArray> grads = net.gradients();
        double h = 1e-6;
        for (Map.Entry<String, INDArray> p : net.parameters().entrySet()) {
            INDArray w = p.getValue();
            INDArray g = grads.get(p.getKey());
            for (int k = 0; k < Math.min(6, w.length()); k++) {
                long i = (k * 7919L) % w.length();
                double old = w.getDouble(i);
                w.putScalar(i, old + h);
                double up = Trainer.crossEntropy(net.forward(x, true), y, (int) net.outputSize());
                w.putScalar(i, old - h);
                double down = Trainer.crossEntropy(net.forward(x, true), y, (int) net.outputSize());
                w.putScalar(i, old);
                double numeric = (up - down) / (2 * h);
                assertThat(g.getDouble(i)).as("%s[%d] of %s", p.getKey(), i, net.describe())
                        .isCloseTo(numeric, org.assertj.core.api.Assertions.within(1e-6 + 1e-5 * Math.abs(numeric)));
            }
        }
    }

    @Test
    void blocksAndLayersBackpropagateCorrectly() {
        Coins c = Coins.root(5);
        check(Network.of(MlpBlock.init(Activation.SILU, 7, 9, 4, 1.0, c.derive("a"))), c.derive("1"));
        check(Network.of(MlpBlock.init(Activation.GELU, 7, 9, 4, 1.0, c.derive("b"))), c.derive("2"));
        check(Network.of(SwiGluBlock.init(7, 9, 4, 1.0, c.derive("c"))), c.derive("3"));
        check(Network.of(Dense.init(7, 6, c.derive("d")), BatchNorm.init(6), new ActivationLayer(Activation.RELU, 6),
                Dense.init(6, 4, c.derive("e"))), c.derive("4"));
    }

    @Test
    void convolutionBatchNorm2dAndPoolingBackpropagateCorrectly() {
        Coins c = Coins.root(6);
        check(Network.of(Conv2d.init(2, 3, 4, 6, 3, c.derive("conv")), BatchNorm.init(3, 24),
                new ActivationLayer(Activation.GELU, 72), new MaxPool2d(3, 4, 6), Dense.init(18, 4, c.derive("dense"))),
                c.derive("5"));
    }

    @Test
    void inferenceInChunksEqualsOnePass() {
        Coins c = Coins.root(8);
        Network net = NeuronSurgeryTest.bnCnn(c);
        INDArray x = Init.gaussian(c.derive("x"), Network.INFERENCE_ROWS * 2 + 7, 16, 1);
        INDArray h = x;
        for (Layer l : net.layers()) {
            h = l.forward(h, false);
        }
        INDArray chunked = net.forward(x);
        assertThat(chunked.shape()).isEqualTo(h.shape());
        assertThat(chunked.equalsWithEps(h, 1e-12)).isTrue();
    }

    @Test
    void convolutionMatchesTheDirectSum() {
        Coins c = Coins.root(7);
        Conv2d conv = Conv2d.init(2, 3, 5, 4, 3, c.derive("w"));
        conv.parameters().get("b").assign(Init.gaussianVector(c.derive("b"), 3, 1));
        INDArray x = Init.gaussian(c.derive("x"), 2, 40, 1);
        INDArray y = conv.forward(x, false);
        INDArray w = conv.parameters().get("W");
        for (int n = 0; n < 2; n++) {
            for (int f = 0; f < 3; f++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 4; j++) {
                        double s = conv.parameters().get("b").getDouble(f);
                        for (int ch = 0; ch < 2; ch++) {
                            for (int dy = -1; dy <= 1; dy++) {
                                for (int dx = -1; dx <= 1; dx++) {
                                    int yy = i + dy;
                                    int xx = j + dx;
                                    if (yy >= 0 && yy < 5 && xx >= 0 && xx < 4) {
                                        s += w.getDouble(f, ch * 9 + (dy + 1) * 3 + (dx + 1)) * x.getDouble(n, ch * 20 + yy * 4 + xx);
                                    }
                                }
                            }
                        }
                        assertThat(y.getDouble(n, f * 20 + i * 4 + j)).isCloseTo(s, org.assertj.core.api.Assertions.within(1e-12));
                    }
                }
            }
        }
    }

    @Test
    void trainingLearnsTheSyntheticTask() {
        DataSource data = DataSource.load("synthetic");
        ModelFamily family = new ModelFamily(new Params("model", Map.of()), data);
        Network untrained = family.initialize(Coins.root(1).derive("init"));
        Network trained = family.sample(data, Coins.root(1));
        Dataset test = data.test();
        assertThat(untrained.accuracy(test.features(), test.labels())).isLessThan(0.3);
        assertThat(trained.accuracy(test.features(), test.labels())).isGreaterThan(0.8);
        Network again = family.sample(data, Coins.root(1));
        assertThat(again.forward(test.features()).equals(trained.forward(test.features()))).isTrue();
    }

    @Test
    void batchNormUsesRunningStatisticsAtInference() {
        BatchNorm bn = BatchNorm.init(3);
        INDArray x = Init.gaussian(Coins.root(2), 200, 3, 4).addi(10);
        for (int i = 0; i < 60; i++) {
            bn.forward(x, true);
        }
        INDArray y = bn.forward(x, false);
        assertThat(Math.abs(y.meanNumber().doubleValue())).isLessThan(0.05);
        assertThat(bn.buffers().get("running_mean").meanNumber().doubleValue()).isBetween(9.0, 11.0);
    }
}
