package org.weightgames.model;


import org.nd4j.linalg.api.ndarray.INDArray;

/** An activation applied elementwise. */
public final class ActivationLayer implements Layer {
    private final Activation act;
    private final long size;
    private INDArray lastX;

    public ActivationLayer(Activation act, long size) {
        this.act = act;
        this.size = size;
    }

    public Activation activation() {
        return act;
    }

    @Override
    public String kind() {
        return act.id();
    }

    @Override
    public long inputSize() {
        return size;
    }

    @Override
    public long outputSize() {
        return size;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (training) {
            lastX = x;
        }
        return act.apply(x);
    }

    @Override
    public INDArray backward(INDArray g) {
        return g.mul(act.derivative(lastX));
    }



    @Override
    public long macs() {
        return 0;
    }

    @Override
    public long elementwiseOps() {
        return size;
    }

    @Override
    public Layer copy() {
        return new ActivationLayer(act, size);
    }
}
