package org.weightgames.schemes.nnsplitter;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Nd;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Layer;

/**
 * A batch norm in evaluation mode that can still pass a gradient back: y = x s + t per feature,
 * with s and t read off the batch norm's own inference (so its running statistics and epsilon are
 * used exactly as it uses them). NNSplitter's optimisation runs the network in {@code eval()} mode
 * (the official Trainer), where a change to one neuron's weights is not normalised away by the
 * batch's statistics, as it would be in training mode.
 */
final class FrozenBatchNorm implements Layer {
    private final BatchNorm bn;
    private final INDArray scale;
    private final INDArray shift;

    FrozenBatchNorm(BatchNorm bn) {
        this.bn = bn;
        long n = bn.inputSize();
        this.shift = bn.forward(Nd.zeros(1, n), false).dup();
        this.scale = bn.forward(Nd.ones(1, n), false).sub(shift);
    }

    @Override
    public String kind() {
        return "frozen-batchnorm";
    }

    @Override
    public long inputSize() {
        return bn.inputSize();
    }

    @Override
    public long outputSize() {
        return bn.outputSize();
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        return bn.forward(x, false);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        return gradOut.mulRowVector(scale);
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of();
    }

    @Override
    public long macs() {
        return 0;
    }

    @Override
    public long elementwiseOps() {
        return 2 * inputSize();
    }

    @Override
    public Layer copy() {
        return new FrozenBatchNorm((BatchNorm) bn.copy());
    }
}
