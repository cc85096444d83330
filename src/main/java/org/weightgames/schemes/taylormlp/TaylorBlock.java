package org.weightgames.schemes.taylormlp;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.model.Activation;
import org.weightgames.model.Layer;
import org.weightgames.core.Nd;

/**
 * The released form of one MLP block as TaylorMLP's users run it. For the expanded neurons S with
 * delta = V'_S z - p' (signs folded in), it evaluates the truncated series term by term, one
 * matrix product per order, as the official code does:
 * <ul>
 * <li>plain block: {@code y = theta_0 + sum_{n=1..N} Theta_n delta^n + W_P act(V_P z + b_P)};</li>
 * <li>SwiGLU block: {@code y = sum_{n=0..N} Theta_n (delta^n * u_S) + W_P (silu(g_P) * u_P)},
 * u = V_up x.</li>
 * </ul>
 * So its cost is N (plain) or N + 1 (SwiGLU) times the down-projection of the expanded neurons.
 * Inference only: it cannot be trained.
 */
public final class TaylorBlock implements Layer {
    private final boolean gated;
    private final Activation act;
    private final INDArray vS;
    private final INDArray upS;
    private final INDArray pS;
    private final INDArray[] theta;
    private final INDArray vP;
    private final INDArray upP;
    private final INDArray bP;
    private final INDArray wP;
    private final long in;
    private final long out;

    /**
     * @param theta theta[0] a vector [out] for the plain block or [out, k] for SwiGLU; theta[n] [out, k]
     * @param vP, upP, bP, wP the plaintext neurons (null when every neuron is expanded)
     */
    TaylorBlock(boolean gated, Activation act, INDArray vS, INDArray upS, INDArray pS, INDArray[] theta,
            INDArray vP, INDArray upP, INDArray bP, INDArray wP) {
        this.gated = gated;
        this.act = act;
        this.vS = vS;
        this.upS = upS;
        this.pS = pS;
        this.theta = theta;
        this.vP = vP;
        this.upP = upP;
        this.bP = bP;
        this.wP = wP;
        this.in = vS.columns();
        this.out = theta[theta.length - 1].rows();
    }

    public int order() {
        return theta.length - 1;
    }

    @Override
    public String kind() {
        return (gated ? "taylor-swiglu" : "taylor-mlp(" + act.id() + ")") + "[N=" + order() + "]";
    }

    @Override
    public long inputSize() {
        return in;
    }

    @Override
    public long outputSize() {
        return out;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        INDArray delta = x.mmul(vS.transpose()).subiRowVector(pS);
        INDArray y;
        INDArray term;
        int first;
        if (gated) {
            y = Nd.zeros(x.rows(), out);
            term = x.mmul(upS.transpose());
            first = 0;
        } else {
            y = Nd.zeros(x.rows(), out).addiRowVector(theta[0]);
            term = delta.dup();
            first = 1;
        }
        for (int n = first; n < theta.length; n++) {
            y.addi(term.mmul(theta[n].transpose()));
            if (n + 1 < theta.length) {
                term.muli(delta);
            }
        }
        if (wP != null) {
            y.addi(plainPart(gated, act, x, vP, upP, bP, wP));
        }
        return y;
    }

    /**
     * The contribution of the neurons shipped in plaintext: {@code W_P act(V_P x + b_P)} (plain
     * block) or {@code W_P (act(V_P x) * (V_up,P x))} (SwiGLU, GeGLU).
     */
    public static INDArray plainPart(boolean gated, Activation act, INDArray x, INDArray vP, INDArray upP, INDArray bP,
            INDArray wP) {
        INDArray h = gated ? act.apply(x.mmul(vP.transpose())).muli(x.mmul(upP.transpose()))
                : act.apply(x.mmul(vP.transpose()).addiRowVector(bP));
        return h.mmul(wP.transpose());
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        throw new UnsupportedOperationException("a released TaylorMLP block is for inference only");
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("V_S", vS);
        if (gated) {
            m.put("V_up_S", upS);
        }
        m.put("p", pS);
        for (int n = 0; n < theta.length; n++) {
            m.put("theta." + n, theta[n]);
        }
        if (wP != null) {
            m.put("V_P", vP);
            if (gated) {
                m.put("V_up_P", upP);
            } else {
                m.put("b_P", bP);
            }
            m.put("W_P", wP);
        }
        return m;
    }


    @Override
    public long macs() {
        long m = vS.length() + (gated ? upS.length() : 0);
        for (int n = gated ? 0 : 1; n < theta.length; n++) {
            m += theta[n].length();
        }
        if (wP != null) {
            m += vP.length() + (gated ? upP.length() : 0) + wP.length();
        }
        return m;
    }

    @Override
    public long elementwiseOps() {
        long k = vS.rows();
        long plain = wP == null ? 0 : 2 * wP.columns();
        return 2 * k * order() + plain + out;
    }

    @Override
    public Layer copy() {
        INDArray[] t = new INDArray[theta.length];
        for (int n = 0; n < t.length; n++) {
            t[n] = theta[n].dup();
        }
        return new TaylorBlock(gated, act, vS.dup(), upS == null ? null : upS.dup(), pS.dup(), t,
                vP == null ? null : vP.dup(), upP == null ? null : upP.dup(), bP == null ? null : bP.dup(),
                wP == null ? null : wP.dup());
    }
}
