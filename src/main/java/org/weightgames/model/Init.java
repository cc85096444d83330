package org.weightgames.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/** Seeded parameter initialisation: every random number comes from the caller's coins. */
public final class Init {
    private Init() {
    }

    public static INDArray gaussian(Coins coins, long rows, long cols, double std) {
        double[] d = new double[Math.toIntExact(rows * cols)];
        for (int i = 0; i < d.length; i++) {
            d[i] = std * coins.nextGaussian();
        }
        return Nd.matrix(d, rows, cols);
    }

    public static INDArray gaussianVector(Coins coins, int n, double std) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = std * coins.nextGaussian();
        }
        return Nd.vector(d);
    }
}
