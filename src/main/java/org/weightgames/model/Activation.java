package org.weightgames.model;

import org.apache.commons.math3.special.Erf;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Activation functions, on arrays (for networks) and on scalars (for analysis and attacks). */
public enum Activation {
    RELU("relu"), SILU("silu"), GELU("gelu"), IDENTITY("identity");

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Activation byId(String id) {
        for (Activation a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation " + id);
    }

    /** act(x), a new array. */
    public INDArray apply(INDArray x) {
        switch (this) {
            case RELU:
                return Transforms.relu(x, true);
            case SILU:
                return x.mul(Transforms.sigmoid(x, true));
            case GELU:
                return x.mul(phiCdf(x));
            default:
                return x.dup();
        }
    }

    /** act'(x), a new array. */
    public INDArray derivative(INDArray x) {
        switch (this) {
            case RELU:
                return x.gt(0).castTo(x.dataType());
            case SILU: {
                INDArray s = Transforms.sigmoid(x, true);
                // s + x s (1 - s)
                return s.add(x.mul(s).mul(s.rsub(1.0)));
            }
            case GELU: {
                INDArray pdf = Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI);
                return phiCdf(x).addi(x.mul(pdf));
            }
            default:
                return Nd4j.onesLike(x);
        }
    }

    /** act(x) for one value. */
    public double value(double x) {
        switch (this) {
            case RELU:
                return Math.max(0, x);
            case SILU:
                return x / (1 + Math.exp(-x));
            case GELU:
                return x * 0.5 * Erf.erfc(-x * INV_SQRT2);
            default:
                return x;
        }
    }

    private static INDArray phiCdf(INDArray x) {
        INDArray e = x.mul(INV_SQRT2);
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(e, e));
        return e.addi(1.0).muli(0.5);
    }
}
