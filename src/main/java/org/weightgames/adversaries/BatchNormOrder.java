package org.weightgames.adversaries;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Conv2d;
import org.weightgames.model.Dense;
import org.weightgames.model.Layer;
import org.weightgames.model.Network;
import org.weightgames.model.UnitMatching;

/**
 * Un-shuffling without a public network (ours, not TEESlice's): ShadowNet releases the batch
 * norm after a shielded layer in the clear and in the original order, and its running mean and
 * variance describe each unit's pre-normalisation output. With the sample oracle's inputs the
 * adversary computes every unmasked row's output mean and variance (plus the clear bias) and
 * assigns rows to units by the standardised distance (Kuhn-Munkres), layer by layer, each layer's
 * inputs computed through the layers already placed. A layer without a batch norm right after it
 * is left in released order.
 */
final class BatchNormOrder {
    private BatchNormOrder() {
    }

    /** Places the rows of {@code layer} of {@code net} (in place) by the batch norm after it; returns whether it could. */
    static boolean place(Network net, int layer, INDArray inputs) {
        if (layer + 1 >= net.layers().size() || !(net.layer(layer + 1) instanceof BatchNorm bn)) {
            return false;
        }
        Layer l = net.layer(layer);
        INDArray w = l.parameters().get("W");
        int n = (int) w.rows();
        INDArray h = net.inputOf(layer, inputs);
        Layer bare = l instanceof Conv2d c ? new Conv2d(w.dup(), Nd.zeros(n), c.channels(), c.height(), c.width(), c.kernel())
                : new Dense(w.dup(), Nd.zeros(n));
        int spatial = (int) (bare.outputSize() / n);
        double[] y = bare.forward(h, false).dup('c').data().asDouble();
        int rows = (int) h.rows();
        double[] mean = new double[n];
        double[] var = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            double s2 = 0;
            for (int r = 0; r < rows; r++) {
                for (int p = 0; p < spatial; p++) {
                    double v = y[(r * n + i) * spatial + p];
                    s += v;
                    s2 += v * v;
                }
            }
            int count = rows * spatial;
            mean[i] = s / count;
            var[i] = Math.max(1e-12, s2 / count - mean[i] * mean[i]);
        }
        Map<String, INDArray> buffers = bn.buffers();
        double[] rm = buffers.get("running_mean").dup().data().asDouble();
        double[] rv = buffers.get("running_var").dup().data().asDouble();
        double[] b = l.parameters().get("b").dup().data().asDouble();
        double[][] cost = new double[n][n];
        for (int j = 0; j < n; j++) {
            double sd = Math.sqrt(Math.max(rv[j], 1e-12));
            for (int i = 0; i < n; i++) {
                double dm = (mean[i] + b[j] - rm[j]) / sd;
                double dv = Math.log(var[i] / Math.max(rv[j], 1e-12));
                cost[j][i] = dm * dm + dv * dv;
            }
        }
        int[] match = UnitMatching.assignment(cost);
        double[][] src = Nd.rows(w);
        double[] placed = new double[(int) w.length()];
        int d = (int) w.columns();
        for (int j = 0; j < n; j++) {
            System.arraycopy(src[match[j]], 0, placed, j * d, d);
        }
        w.assign(Nd.matrix(placed, n, d));
        return true;
    }
}
