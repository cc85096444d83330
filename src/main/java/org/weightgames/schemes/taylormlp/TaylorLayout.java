package org.weightgames.schemes.taylormlp;

import org.weightgames.game.Scheme;

/**
 * Marks a scheme whose artifacts follow TaylorMLP's in-memory layout ({@link TaylorNames},
 * {@link ReleasedLayer}): {@link TaylorMlp}, and any plugin that declares {@code "layout":
 * "taylormlp"} (its artifacts then carry the metadata {@code layout=taylormlp}). The attacks on
 * TaylorMLP's coefficients target this type, so they attack every implementation of the scheme.
 */
public interface TaylorLayout extends Scheme {
    /** The artifact metadata entry by which a plugin's artifact declares the layout. */
    String LAYOUT = "layout";
}
