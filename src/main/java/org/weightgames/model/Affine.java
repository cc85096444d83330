package org.weightgames.model;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;

/**
 * A layer whose parameters are one weight matrix W and one bias vector b, with their gradients:
 * what {@link Dense} and {@link Conv2d} share.
 */
abstract class Affine implements Layer {
    protected final INDArray w;
    protected final INDArray b;
    protected final INDArray gw;
    protected final INDArray gb;

    Affine(INDArray w, INDArray b) {
        this.w = w;
        this.b = b;
        this.gw = Nd.zeros(w.shape());
        this.gb = Nd.zeros(b.shape());
    }

    @Override
    public final Map<String, INDArray> parameters() {
        return Layer.named("W", w, "b", b);
    }

    @Override
    public final Map<String, INDArray> gradients() {
        return Layer.named("W", gw, "b", gb);
    }
}
