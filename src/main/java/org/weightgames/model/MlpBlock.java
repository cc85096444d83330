package org.weightgames.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/**
 * The plain MLP block of TaylorMLP's paper: {@code y = W act(V z + b) + c}, with V of shape
 * [hidden, in], b [hidden], W [out, hidden], c [out].
 */
public final class MlpBlock implements Layer {
    private final Activation act;
    private final INDArray v;
    private final INDArray b;
    private final INDArray w;
    private final INDArray c;
    private final Map<String, INDArray> grads = new LinkedHashMap<>();
    private INDArray lastX;
    private INDArray lastDerivative;
    private INDArray lastH;

    public MlpBlock(Activation act, INDArray v, INDArray b, INDArray w, INDArray c) {
        if (v.rows() != b.length() || w.columns() != v.rows() || w.rows() != c.length()) {
            throw new IllegalArgumentException("inconsistent MLP block shapes: V " + shape(v) + ", b " + shape(b)
                    + ", W " + shape(w) + ", c " + shape(c));
        }
        this.act = act;
        this.v = v;
        this.b = b;
        this.w = w;
        this.c = c;
        for (Map.Entry<String, INDArray> e : parameters().entrySet()) {
            grads.put(e.getKey(), Nd.zeros(e.getValue().shape()));
        }
    }

    static String shape(INDArray a) {
        return java.util.Arrays.toString(a.shape());
    }

    /** V ~ N(0, inputScale^2 / in), b ~ N(0, 0.01), W ~ N(0, 1 / hidden), c ~ N(0, 0.01). */
    public static MlpBlock init(Activation act, int in, int hidden, int out, double inputScale, Coins coins) {
        INDArray v = Init.gaussian(coins, hidden, in, inputScale / Math.sqrt(in));
        INDArray b = Init.gaussianVector(coins, hidden, 0.1);
        INDArray w = Init.gaussian(coins, out, hidden, Math.sqrt(1.0 / hidden));
        INDArray c = Init.gaussianVector(coins, out, 0.1);
        return new MlpBlock(act, v, b, w, c);
    }

    public Activation activation() {
        return act;
    }

    public INDArray v() {
        return v;
    }

    public INDArray b() {
        return b;
    }

    public INDArray w() {
        return w;
    }

    public INDArray c() {
        return c;
    }

    public int hidden() {
        return (int) v.rows();
    }

    /** The hidden pre-activations without bias, V z: what TaylorMLP calibrates. */
    public INDArray projection(INDArray x) {
        return x.mmul(v.transpose());
    }

    @Override
    public String kind() {
        return "mlp-block(" + act.id() + ")";
    }

    @Override
    public long inputSize() {
        return v.columns();
    }

    @Override
    public long outputSize() {
        return w.rows();
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        INDArray pre = projection(x).addiRowVector(b);
        INDArray h;
        if (training) {
            // act' for the backward pass from the same evaluation of the activation
            INDArray[] ad = act.applyAndDerivative(pre);
            h = ad[0];
            lastX = x;
            lastDerivative = ad[1];
            lastH = h;
        } else {
            h = act.apply(pre);
        }
        return h.mmul(w.transpose()).addiRowVector(c);
    }

    @Override
    public INDArray backward(INDArray g) {
        return preActivationGradient(g).mmul(v);
    }

    @Override
    public void backwardParameters(INDArray g) {
        preActivationGradient(g);
    }

    /** Adds the parameter gradients; returns the gradient of the pre-activations. */
    private INDArray preActivationGradient(INDArray g) {
        grads.get("W").addi(g.transpose().mmul(lastH));
        grads.get("c").addi(g.sum(0));
        INDArray gPre = g.mmul(w).muli(lastDerivative);
        grads.get("V").addi(gPre.transpose().mmul(lastX));
        grads.get("b").addi(gPre.sum(0));
        return gPre;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Layer.named("V", v, "b", b, "W", w, "c", c);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return grads;
    }

    @Override
    public long macs() {
        return v.length() + w.length();
    }

    @Override
    public long elementwiseOps() {
        return 2 * v.rows() + w.rows();
    }

    @Override
    public Layer copy() {
        return new MlpBlock(act, v.dup(), b.dup(), w.dup(), c.dup());
    }
}
