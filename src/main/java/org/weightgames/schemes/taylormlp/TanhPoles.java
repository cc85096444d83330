package org.weightgames.schemes.taylormlp;

import org.apache.commons.math3.complex.Complex;
import org.weightgames.model.Activation;

/**
 * Where tanh-GELU's Taylor series at a real point stops converging: tanh(w) has poles at
 * w = i pi (m + 1/2), so g(z) = 0.5 z (1 + tanh(C (z + K z^3))) has poles at the roots of
 * K z^3 + z - i pi (m + 1/2) / C; the radius at a is the distance from a to the nearest root
 * (roots for -m - 1 are the conjugates, at the same distance from a real point). The roots of each
 * cubic come from the Durand-Kerner iteration, in complex arithmetic (Commons Math).
 */
final class TanhPoles {
    /** Enough branches: the roots move away from the real axis as m grows. */
    private static final int BRANCHES = 8;

    private TanhPoles() {
    }

    static double radius(double a) {
        double best = Double.POSITIVE_INFINITY;
        for (int m = 0; m < BRANCHES; m++) {
            Complex rhs = new Complex(0, Math.PI * (m + 0.5) / Activation.TANH_C);
            for (Complex z : cubicRoots(Activation.TANH_K, rhs)) {
                best = Math.min(best, z.subtract(a).abs());
            }
        }
        return best;
    }

    /** The three roots of k z^3 + z - r = 0. */
    static Complex[] cubicRoots(double k, Complex r) {
        // monic: z^3 + z / k - r / k
        Complex c1 = new Complex(1 / k, 0);
        Complex c0 = r.divide(-k);
        Complex[] z = {new Complex(0.4, 0.9), new Complex(0.4, 0.9).multiply(new Complex(0.4, 0.9)), new Complex(0.4, 0.9).multiply(new Complex(0.4, 0.9)).multiply(new Complex(0.4, 0.9))};
        for (int it = 0; it < 500; it++) {
            double moved = 0;
            for (int i = 0; i < 3; i++) {
                Complex p = z[i].multiply(z[i]).multiply(z[i]).add(c1.multiply(z[i])).add(c0);
                Complex den = Complex.ONE;
                for (int j = 0; j < 3; j++) {
                    if (j != i) {
                        den = den.multiply(z[i].subtract(z[j]));
                    }
                }
                Complex step = p.divide(den);
                z[i] = z[i].subtract(step);
                moved = Math.max(moved, step.abs());
            }
            if (moved < 1e-14) {
                break;
            }
        }
        return z;
    }
}
