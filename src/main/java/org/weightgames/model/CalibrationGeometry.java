package org.weightgames.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.data.Dataset;

/**
 * Gives a trained block the calibration geometry of another model: each hidden neuron's
 * pre-activation range over the training inputs becomes a draw from a log-normal law with a given
 * median and spread (ln-scale sigma), by scaling the neuron's gate row (and bias) by the ratio of
 * target to measured range; its output column is divided by the same factor so that the block's
 * outputs keep their scale. Midpoints scale with their ranges. For Llama-3-8B (measured, see
 * schemes/taylormlp.md): median gate range 1.8 at layer 0 and 6.5 at layer 31, where the largest
 * of the 10000 smallest of 14336 ranges (the 70th percentile) is 8.3, a sigma of ln(8.3/6.5)/0.52 = 0.47.
 */
public final class CalibrationGeometry {
    /** Rows of the training data the ranges are measured on (the challenger calibrates on 512 of them). */
    static final int ROWS = 2048;

    private CalibrationGeometry() {
    }

    /** {@code n} neurons' ranges drawn from the geometry's law: {@code median * exp(sigma * Z)}, Z standard normal. */
    public static double[] ranges(double median, double sigma, int n, Coins coins) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = median * Math.exp(sigma * coins.nextGaussian());
        }
        return v;
    }

    /** Rescales {@code layer} (an MLP or gated block) in place. */
    static void impose(Layer layer, Dataset train, double median, double sigma, Coins coins) {
        int n = Math.min(ROWS, train.size());
        INDArray x = train.rows(coins.derive("rows").sample(train.size(), n)).features();
        INDArray pre;
        INDArray gate;
        INDArray bias = null;
        INDArray out;
        if (layer instanceof SwiGluBlock) {
            SwiGluBlock b = (SwiGluBlock) layer;
            gate = b.vGate();
            out = b.wDown();
            pre = x.mmul(gate.transpose());
        } else if (layer instanceof MlpBlock) {
            MlpBlock b = (MlpBlock) layer;
            gate = b.v();
            bias = b.b();
            out = b.w();
            pre = b.projection(x);
        } else {
            throw new IllegalArgumentException("a calibration geometry applies to MLP blocks, not " + layer.kind());
        }
        double[] range = pre.max(0).sub(pre.min(0)).toDoubleVector();
        double[] target = ranges(median, sigma, range.length, coins.derive("ranges"));
        double[] scale = new double[range.length];
        double[] inverse = new double[range.length];
        for (int j = 0; j < range.length; j++) {
            scale[j] = range[j] > 0 ? target[j] / range[j] : 1;
            inverse[j] = 1 / scale[j];
        }
        gate.muliColumnVector(Nd.matrix(scale, scale.length, 1).castTo(gate.dataType()));
        if (bias != null) {
            bias.muli(Nd.vector(scale).reshape(bias.shape()).castTo(bias.dataType()));
        }
        out.muliRowVector(Nd.matrix(inverse, 1, inverse.length).castTo(out.dataType()));
    }
}
