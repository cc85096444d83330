package org.weightgames.model;


import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/** y = x W^T + b, with W of shape [out, in]. */
public final class Dense extends Affine {
    private INDArray lastX;

    public Dense(INDArray w, INDArray b) {
        super(w, b);
        if (w.rank() != 2 || b.rank() != 1 || b.length() != w.rows()) {
            throw new IllegalArgumentException("dense layer needs W [out, in] and b [out], got W "
                    + java.util.Arrays.toString(w.shape()) + " and b " + java.util.Arrays.toString(b.shape()));
        }
    }

    public static Dense init(int in, int out, Coins coins) {
        return new Dense(Init.gaussian(coins, out, in, Math.sqrt(1.0 / in)), Nd.zeros(out));
    }

    /** He initialisation, N(0, 2/in), for layers followed by ReLU. */
    public static Dense he(int in, int out, Coins coins) {
        return new Dense(Init.gaussian(coins, out, in, Math.sqrt(2.0 / in)), Nd.zeros(out));
    }

    @Override
    public String kind() {
        return "dense";
    }

    @Override
    public long inputSize() {
        return w.columns();
    }

    @Override
    public long outputSize() {
        return w.rows();
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (training) {
            lastX = x;
        }
        return x.mmul(w.transpose()).addiRowVector(b);
    }

    @Override
    public INDArray backward(INDArray g) {
        backwardParameters(g);
        return g.mmul(w);
    }

    @Override
    public void backwardParameters(INDArray g) {
        gw.addi(g.transpose().mmul(lastX));
        gb.addi(g.sum(0));
    }



    @Override
    public long macs() {
        return w.length();
    }

    @Override
    public long elementwiseOps() {
        return w.rows();
    }

    @Override
    public Layer copy() {
        return new Dense(w.dup(), b.dup());
    }
}
