package org.weightgames.model;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer of a {@link Network}: rows of a batch in, rows out. {@code forward} with
 * {@code training = true} keeps what {@code backward} needs; {@code backward} adds the
 * parameter gradients into {@link #gradients()} and returns the gradient of the input.
 * A layer instance belongs to one thread at a time.
 */
public interface Layer {
    /** Short kind name, e.g. {@code dense}, {@code mlp-block}. */
    String kind();

    long inputSize();

    long outputSize();

    INDArray forward(INDArray x, boolean training);

    INDArray backward(INDArray gradOut);

    /**
     * {@link #backward} without its result: the parameter gradients only, for the first layer of a
     * network, whose input gradient nothing reads. A layer whose input gradient costs a matrix
     * product (or a col2im) overrides it to skip that work; the gradients it adds are the same.
     */
    default void backwardParameters(INDArray gradOut) {
        backward(gradOut);
    }

    /** Trainable parameters by name (live references), in a fixed order; none by default. */
    default Map<String, INDArray> parameters() {
        return Map.of();
    }

    /** Non-trainable state that is still part of the model (e.g. running statistics). */
    default Map<String, INDArray> buffers() {
        return Map.of();
    }

    /** Gradients matching {@link #parameters()}, zeroed by {@link #zeroGradients()}; none by default. */
    default Map<String, INDArray> gradients() {
        return Map.of();
    }

    /** Tensors by name in the order given: {@code named("W", w, "b", b)}, for parameters, buffers and gradients. */
    static Map<String, INDArray> named(Object... nameThenTensor) {
        Map<String, INDArray> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameThenTensor.length; i += 2) {
            m.put((String) nameThenTensor[i], (INDArray) nameThenTensor[i + 1]);
        }
        return m;
    }

    default void zeroGradients() {
        for (INDArray g : gradients().values()) {
            g.assign(0);
        }
    }

    /** Multiply-accumulates of matrix products per input row: the cost model of the games. */
    long macs();

    /** Elementwise operations per input row (activations, polynomials), reported beside macs. */
    long elementwiseOps();

    /** A deep copy. */
    Layer copy();
}
