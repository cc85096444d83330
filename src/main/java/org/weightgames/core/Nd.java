package org.weightgames.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J set-up and small helpers: every tensor in WeightGames is double precision. */
public final class Nd {
    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private Nd() {
    }

    /** Loads the backend and fixes double precision; safe to call many times. */
    public static void init() {
        // the static block does the work
    }

    public static INDArray matrix(double[] data, long rows, long cols) {
        init();
        return Nd4j.create(data, new long[] {rows, cols}, DataType.DOUBLE);
    }

    public static INDArray vector(double[] data) {
        init();
        return Nd4j.create(data, new long[] {data.length}, DataType.DOUBLE);
    }

    public static INDArray zeros(long... shape) {
        init();
        return Nd4j.zeros(DataType.DOUBLE, shape);
    }

    public static INDArray ones(long... shape) {
        init();
        return Nd4j.ones(DataType.DOUBLE, shape);
    }

    /** The row-wise maximum as a column vector [n, 1]. */
    public static INDArray rowMax(INDArray x) {
        return x.max(1).reshape(x.rows(), 1);
    }

    /** Frobenius norm. */
    public static double norm(INDArray x) {
        return x.norm2Number().doubleValue();
    }

    /** True when every entry is finite. */
    public static boolean finite(INDArray x) {
        double[] d = x.dup().data().asDouble();
        for (double v : d) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
