package org.weightgames.adversaries;

import java.util.Map;
import java.util.function.Supplier;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.weightgames.model.Network;

/**
 * What an honest attacker does before training from released weights that cannot be trained as
 * they are (a Deep-Lock release: every bit keyed, so NaN, infinities and magnitudes up to 1e308).
 * An entry is absurd when it is not finite, its magnitude exceeds {@link #LIMIT} or is non-zero
 * below {@link #TINY}, or it is a batch-norm running variance at or below zero. Absurd entries are
 * replaced by the same entries of a fresh initialisation of the architecture, and a tensor that is
 * mostly absurd is restarted whole. A network with no absurd entry is left untouched and no
 * initialisation is drawn, so schemes whose releases are ordinary weights (CoreLocker) play
 * exactly as before.
 */
final class Sanitise {
    /** Larger magnitudes than this are no trained weight of these networks. */
    static final double LIMIT = 1e3;
    /** Nor are non-zero magnitudes below this (a keyed bit pattern's exponent is uniform: most are 1e-300 or 1e+300). */
    static final double TINY = 1e-30;

    private Sanitise() {
    }

    /**
     * Replaces {@code net}'s absurd entries in place by {@code fresh}'s (drawn only when one exists),
     * and the whole tensor when more than half of its entries are absurd (what is left of it is
     * noise too: a keyed pattern lands in any range of magnitudes by chance); returns how many
     * entries were replaced.
     */
    static long apply(Network net, Supplier<Network> fresh) {
        Map<String, INDArray> init = null;
        long replaced = 0;
        for (Map.Entry<String, INDArray> e : net.state().entrySet()) {
            double[] v = e.getValue().dup('c').data().asDouble();
            boolean variance = e.getKey().endsWith(".running_var");
            int bad = 0;
            for (double x : v) {
                bad += absurd(x, variance) ? 1 : 0;
            }
            if (bad == 0) {
                continue;
            }
            if (init == null) {
                init = fresh.get().state();
            }
            double[] r = init.get(e.getKey()).dup('c').data().asDouble();
            boolean whole = 2L * bad > v.length;
            for (int i = 0; i < v.length; i++) {
                if (whole || absurd(v[i], variance)) {
                    v[i] = r[i];
                    replaced++;
                }
            }
            e.getValue().assign(Nd4j.create(v, e.getValue().shape(), DataType.DOUBLE));
        }
        return replaced;
    }

    static boolean absurd(double v, boolean variance) {
        double a = Math.abs(v);
        return !Double.isFinite(v) || a > LIMIT || (a > 0 && a < TINY) || (variance && v <= 0);
    }
}
