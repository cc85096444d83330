package org.weightgames.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/**
 * The gated block of Llama and Mistral: {@code y = W_down (silu(V_gate x) * (V_up x))}, with
 * V_gate and V_up of shape [hidden, in] and W_down [out, hidden]; no biases. With GELU or its tanh
 * approximation in place of SiLU it is the GeGLU block (Gemma's MLPs).
 */
public final class SwiGluBlock implements Layer {
    private final INDArray vGate;
    private final INDArray vUp;
    private final INDArray wDown;
    private final Activation act;
    private final Map<String, INDArray> grads = new LinkedHashMap<>();
    private INDArray lastX;
    private INDArray lastAct;
    private INDArray lastDerivative;
    private INDArray lastUp;
    private INDArray lastH;

    public SwiGluBlock(INDArray vGate, INDArray vUp, INDArray wDown) {
        this(Activation.SILU, vGate, vUp, wDown);
    }

    /** The gated block with {@code act} on the gate: silu (SwiGLU), gelu or gelu-tanh (GeGLU). */
    public SwiGluBlock(Activation act, INDArray vGate, INDArray vUp, INDArray wDown) {
        if (act != Activation.SILU && act != Activation.GELU && act != Activation.GELU_TANH) {
            throw new IllegalArgumentException("a gated block's activation is silu, gelu or gelu-tanh, not " + act.id());
        }
        this.act = act;
        if (!java.util.Arrays.equals(vGate.shape(), vUp.shape()) || wDown.columns() != vGate.rows()) {
            throw new IllegalArgumentException("inconsistent SwiGLU shapes: V_gate " + MlpBlock.shape(vGate)
                    + ", V_up " + MlpBlock.shape(vUp) + ", W_down " + MlpBlock.shape(wDown));
        }
        this.vGate = vGate;
        this.vUp = vUp;
        this.wDown = wDown;
        for (Map.Entry<String, INDArray> e : parameters().entrySet()) {
            grads.put(e.getKey(), Nd.zeros(e.getValue().shape()));
        }
    }

    /** V_gate ~ N(0, inputScale^2 / in), V_up ~ N(0, 1 / in), W_down ~ N(0, 1 / hidden). */
    public static SwiGluBlock init(int in, int hidden, int out, double inputScale, Coins coins) {
        return init(Activation.SILU, in, hidden, out, inputScale, coins);
    }

    /** As above with {@code act} on the gate. */
    public static SwiGluBlock init(Activation act, int in, int hidden, int out, double inputScale, Coins coins) {
        return new SwiGluBlock(act, Init.gaussian(coins, hidden, in, inputScale / Math.sqrt(in)),
                Init.gaussian(coins, hidden, in, Math.sqrt(1.0 / in)),
                Init.gaussian(coins, out, hidden, Math.sqrt(1.0 / hidden)));
    }

    /** The gate's activation: silu for SwiGLU, gelu or gelu-tanh for GeGLU. */
    public Activation activation() {
        return act;
    }

    public INDArray vGate() {
        return vGate;
    }

    public INDArray vUp() {
        return vUp;
    }

    public INDArray wDown() {
        return wDown;
    }

    public int hidden() {
        return (int) vGate.rows();
    }

    @Override
    public String kind() {
        return "swiglu-block";
    }

    @Override
    public long inputSize() {
        return vGate.columns();
    }

    @Override
    public long outputSize() {
        return wDown.rows();
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        INDArray gate = x.mmul(vGate.transpose());
        INDArray up = x.mmul(vUp.transpose());
        if (!training) {
            return act.apply(gate).muli(up).mmul(wDown.transpose());
        }
        // act and act' for the backward pass from the same evaluation of the activation
        INDArray[] ad = act.applyAndDerivative(gate);
        INDArray h = ad[0].mul(up);
        lastX = x;
        lastAct = ad[0];
        lastDerivative = ad[1];
        lastUp = up;
        lastH = h;
        return h.mmul(wDown.transpose());
    }

    @Override
    public INDArray backward(INDArray g) {
        INDArray[] gates = gateGradients(g);
        return gates[0].mmul(vGate).addi(gates[1].mmul(vUp));
    }

    @Override
    public void backwardParameters(INDArray g) {
        gateGradients(g);
    }

    /** Adds the parameter gradients; returns the gradients of the gate's and the up projection's outputs. */
    private INDArray[] gateGradients(INDArray g) {
        grads.get("W_down").addi(g.transpose().mmul(lastH));
        INDArray gh = g.mmul(wDown);
        INDArray gGate = gh.mul(lastUp).muli(lastDerivative);
        INDArray gUp = gh.mul(lastAct);
        grads.get("V_gate").addi(gGate.transpose().mmul(lastX));
        grads.get("V_up").addi(gUp.transpose().mmul(lastX));
        return new INDArray[] {gGate, gUp};
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Layer.named("V_gate", vGate, "V_up", vUp, "W_down", wDown);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return grads;
    }

    @Override
    public long macs() {
        return vGate.length() + vUp.length() + wDown.length();
    }

    @Override
    public long elementwiseOps() {
        return 2 * vGate.rows();
    }

    @Override
    public Layer copy() {
        return new SwiGluBlock(act, vGate.dup(), vUp.dup(), wDown.dup());
    }
}
