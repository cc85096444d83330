package org.weightgames.game;

/**
 * Marks a scheme whose artifact is the network's own tensors in the
 * {@link org.weightgames.model.NetworkCodec} layout, possibly transformed (perturbed, quantised,
 * pruned): adversaries that read weights out of such artifacts, such as {@code read-weights},
 * play against it.
 */
public interface ReleasesWeights extends Scheme {
}
