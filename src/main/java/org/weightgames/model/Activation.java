package org.weightgames.model;

import org.apache.commons.math3.special.Erf;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Activation functions, on arrays (for networks) and on scalars (for analysis and attacks).
 * {@code gelu-tanh} is GELU's tanh approximation, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))),
 * the one Gemma-family MLPs use (PyTorch's {@code gelu(approximate='tanh')}).
 */
public enum Activation {
    RELU("relu"), SILU("silu"), GELU("gelu"), GELU_TANH("gelu-tanh"), IDENTITY("identity");

    /** The tanh approximation's constants: sqrt(2/pi) and the cubic term's weight. */
    public static final double TANH_C = Math.sqrt(2 / Math.PI);
    public static final double TANH_K = 0.044715;

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
        throw new IllegalArgumentException("unknown activation '" + id + "'; known: relu, silu, gelu, gelu-tanh, identity");
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
            case GELU_TANH:
                return x.mul(tanhInner(x).addi(1.0).muli(0.5));
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
            case GELU_TANH: {
                // 0.5 (1 + t) + 0.5 x (1 - t^2) C (1 + 3 K x^2)
                INDArray t = tanhInner(x);
                INDArray du = x.mul(x).muli(3 * TANH_K).addi(1.0).muli(TANH_C);
                INDArray inner = t.mul(t).rsubi(1.0).muli(du).muli(x).muli(0.5);
                return t.addi(1.0).muli(0.5).addi(inner);
            }
            default:
                return Nd4j.onesLike(x);
        }
    }

    /**
     * act(x) and act'(x), two new arrays, equal bit for bit to {@link #apply} and
     * {@link #derivative}: the work they share (the sigmoid, the normal CDF, the tanh) is done once.
     */
    public INDArray[] applyAndDerivative(INDArray x) {
        switch (this) {
            case SILU: {
                INDArray s = Transforms.sigmoid(x, true);
                INDArray a = x.mul(s);
                // s + (x s) (1 - s), as derivative computes it
                return new INDArray[] {a, s.add(a.mul(s.rsub(1.0)))};
            }
            case GELU: {
                INDArray p = phiCdf(x);
                INDArray a = x.mul(p);
                INDArray pdf = Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI);
                return new INDArray[] {a, p.addi(x.mul(pdf))};
            }
            case GELU_TANH: {
                INDArray t = tanhInner(x);
                INDArray du = x.mul(x).muli(3 * TANH_K).addi(1.0).muli(TANH_C);
                INDArray inner = t.mul(t).rsubi(1.0).muli(du).muli(x).muli(0.5);
                INDArray half = t.addi(1.0).muli(0.5);
                return new INDArray[] {x.mul(half), half.addi(inner)};
            }
            default:
                return new INDArray[] {apply(x), derivative(x)};
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
            case GELU_TANH:
                return 0.5 * x * (1 + Math.tanh(TANH_C * (x + TANH_K * x * x * x)));
            default:
                return x;
        }
    }

    /** tanh(C (x + K x^3)), a new array. */
    private static INDArray tanhInner(INDArray x) {
        INDArray u = x.mul(x).muli(x).muli(TANH_K).addi(x).muli(TANH_C);
        return Transforms.tanh(u, false);
    }

    private static INDArray phiCdf(INDArray x) {
        INDArray e = x.mul(INV_SQRT2);
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(e, e));
        return e.addi(1.0).muli(0.5);
    }
}
