package org.weightgames.adversaries;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.model.Layer;
import org.weightgames.core.Nd;
import org.weightgames.schemes.taylormlp.ReleasedLayer;
import org.weightgames.schemes.taylormlp.TaylorBlock;

/**
 * TaylorMLP's released function at the original's cost: since Theta_n[:, j] = w_j kappa_{n,j},
 * the series is evaluated per neuron first (Horner, N multiply-adds per hidden unit) and the
 * down-projection done once: {@code y = theta_0 + W_S poly(delta) + plain part} (plain block) or
 * {@code y = W_S (u_S * poly(delta)) + plain part} (SwiGLU).
 */
final class FoldedTaylorBlock implements Layer {
    private final ReleasedLayer l;
    private final INDArray vS;
    private final INDArray upS;
    private final INDArray wS;
    /** kappa[n] is a row vector [k] of the n-th coefficient of every neuron (signs included). */
    private final INDArray[] kappa;
    private final INDArray vP;
    private final INDArray upP;

    FoldedTaylorBlock(ReleasedLayer l, INDArray wS, double[][] kappaByNeuron) {
        this.l = l;
        this.vS = l.v.getRows(l.expanded);
        this.upS = l.gated ? l.up.getRows(l.expanded) : null;
        this.wS = wS;
        int k = l.expanded.length;
        this.kappa = new INDArray[l.order + 1];
        for (int n = 0; n <= l.order; n++) {
            double[] row = new double[k];
            for (int q = 0; q < k; q++) {
                row[q] = kappaByNeuron[q][n];
            }
            kappa[n] = Nd.vector(row);
        }
        this.vP = l.plain.length > 0 ? l.v.getRows(l.plain) : null;
        this.upP = l.gated && l.plain.length > 0 ? l.up.getRows(l.plain) : null;
    }

    @Override
    public String kind() {
        return "folded-taylor" + (l.gated ? "-swiglu" : "-mlp(" + l.act.id() + ")");
    }

    @Override
    public long inputSize() {
        return l.in;
    }

    @Override
    public long outputSize() {
        return l.out;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        INDArray delta = x.mmul(vS.transpose()).subiRowVector(l.p);
        int first = l.gated ? 0 : 1;
        INDArray acc = Nd.zeros(delta.shape()).addiRowVector(kappa[l.order]);
        for (int n = l.order - 1; n >= first; n--) {
            acc.muli(delta).addiRowVector(kappa[n]);
        }
        INDArray y;
        if (l.gated) {
            acc.muli(x.mmul(upS.transpose()));
            y = acc.mmul(wS.transpose());
        } else {
            acc.muli(delta);
            y = acc.mmul(wS.transpose()).addiRowVector(l.theta[0]);
        }
        if (vP != null) {
            y.addi(TaylorBlock.plainPart(l.gated, l.act, x, vP, upP, l.bPlain, l.wPlain));
        }
        return y;
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        throw new UnsupportedOperationException("the folded block is for inference only");
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Layer.named("V_S", vS, "W_S", wS);
    }


    @Override
    public long macs() {
        long m = vS.length() + wS.length();
        if (l.gated) {
            m += upS.length();
        }
        if (vP != null) {
            m += vP.length() + l.wPlain.length() + (l.gated ? upP.length() : 0);
        }
        return m;
    }

    @Override
    public long elementwiseOps() {
        return 2L * l.expanded.length * (l.order + 1) + (vP == null ? 0 : 2L * l.plain.length) + l.out;
    }

    @Override
    public Layer copy() {
        double[][] k = new double[l.expanded.length][l.order + 1];
        for (int n = 0; n <= l.order; n++) {
            double[] row = kappa[n].toDoubleVector();
            for (int q = 0; q < row.length; q++) {
                k[q][n] = row[q];
            }
        }
        return new FoldedTaylorBlock(l, wS.dup(), k);
    }
}
