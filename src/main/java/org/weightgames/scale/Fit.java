package org.weightgames.scale;

import org.weightgames.core.WgException;

/**
 * Which of a TaylorMLP release's coefficients the streamed attack reads. Every coefficient of
 * neuron j is W_down[:, j] times a number the attacker computes once the sign is known
 * (kappa_n(j)), rounded to the dtype; so any one order with kappa_n(j) != 0 gives the column to
 * the dtype's precision, and the other orders only average roundings that are already at it.
 */
public enum Fit {
    /**
     * The orders that fix every column: WeightGames' layout orders 0 and 1 (for SiLU, GELU and
     * tanh-GELU never zero together), the authors' layout order 0 ({@code local_approx_output},
     * stored apart from the interleaved {@code fuse_weight}); every order where those leave a
     * neuron undetermined, and in F16, whose narrow range can leave a small order-0 coefficient
     * subnormal.
     */
    NEEDED("needed"),
    /** Every order, fitted by least squares: the in-memory attack's fit, bit for bit in F64. */
    ALL("all");

    private final String id;

    Fit(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Every order of a release of order {@code order}: 0, 1, ..., order. */
    static int[] every(int order) {
        int[] a = new int[order + 1];
        for (int n = 0; n <= order; n++) {
            a[n] = n;
        }
        return a;
    }

    /** Parses {@code --fit}. */
    public static Fit parse(String id) {
        for (Fit f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new WgException("--fit '" + id + "' is not known; use needed (the orders that fix every column, the default) or all"
                + " (the least-squares fit over every order)");
    }
}
