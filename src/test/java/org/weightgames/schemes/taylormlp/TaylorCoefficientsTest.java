package org.weightgames.schemes.taylormlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.complex.Complex;
import org.junit.jupiter.api.Test;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;

class TaylorCoefficientsTest {
    // Reference values at p = 0.3, k = 0..8 (shared/reference/taylormlp.md), five significant digits.
    static final double[] SILU_REF = {0.17233, 0.64778, 0.23900, -0.023903, -0.018137, 0.0034440, 0.0015870, -4.4076e-4, -1.3253e-4};
    static final double[] GELU_REF = {0.18537, 0.73233, 0.36423, -0.074561, -0.053682, 0.016226, 0.0071716, -0.0024933, -7.5626e-4};

    @Test
    void matchPublishedReferenceValues() {
        double[] silu = TaylorCoefficients.silu(0.3, 8);
        double[] gelu = TaylorCoefficients.gelu(0.3, 8);
        for (int k = 0; k <= 8; k++) {
            assertThat(silu[k]).as("SiLU c_%d", k).isCloseTo(SILU_REF[k], within(Math.abs(SILU_REF[k]) * 2e-4));
            assertThat(gelu[k]).as("GELU c_%d", k).isCloseTo(GELU_REF[k], within(Math.abs(GELU_REF[k]) * 2e-4));
        }
    }

    /** c_0 and c_1 against the closed forms, c_2 against a central second difference. */
    @Test
    void lowOrdersAgreeWithIndependentEvaluation() {
        for (Activation act : new Activation[] {Activation.SILU, Activation.GELU, Activation.GELU_TANH}) {
            for (double a : new double[] {-4.1, -1.278, -0.2, 0, 0.7, 3.3}) {
                double[] c = TaylorCoefficients.of(act, a, 4);
                double h = 1e-4;
                double d1 = (act.value(a + h) - act.value(a - h)) / (2 * h);
                double d2 = (act.value(a + h) - 2 * act.value(a) + act.value(a - h)) / (h * h);
                assertThat(c[0]).isCloseTo(act.value(a), within(1e-15));
                assertThat(c[1]).isCloseTo(d1, within(1e-7));
                assertThat(c[2]).isCloseTo(d2 / 2, within(1e-5));
            }
        }
    }

    /** Inside the radius the truncated series converges to the function at rate (d/R)^(N+1). */
    @Test
    void seriesConvergesInsideRadiusAndDivergesOutside() {
        double a = 0.5;
        double radius = TaylorCoefficients.radius(Activation.SILU, a);
        assertThat(radius).isCloseTo(Math.hypot(0.5, Math.PI), within(1e-12));
        double inside = 0.5 * radius;
        double err8 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.silu(a, 8), inside) - Activation.SILU.value(a + inside));
        double err24 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.silu(a, 24), inside) - Activation.SILU.value(a + inside));
        assertThat(err24).isLessThan(err8 * 1e-3);
        double outside = 1.3 * radius;
        double out8 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.silu(a, 8), outside) - Activation.SILU.value(a + outside));
        double out24 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.silu(a, 24), outside) - Activation.SILU.value(a + outside));
        assertThat(out24).isGreaterThan(out8);
        // the reference figure: p = 0, |delta| = 4 gives an error of about 2.1 at N = 2 and 410 at N = 24
        double e2 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.silu(0, 2), 4) - Activation.SILU.value(4));
        double e24 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.silu(0, 24), 4) - Activation.SILU.value(4));
        assertThat(e2).isCloseTo(2.1, within(0.1));
        assertThat(e24).isBetween(300.0, 500.0);
    }

    @Test
    void geluIsEntire() {
        assertThat(TaylorCoefficients.radius(Activation.GELU, 1)).isInfinite();
        double err = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.gelu(0.2, 40), 2.5) - Activation.GELU.value(2.7));
        assertThat(err).isLessThan(1e-8);
    }

    @Test
    void reluIsRefused() {
        assertThatThrownBy(() -> TaylorCoefficients.of(Activation.RELU, 0.1, 8)).isInstanceOf(WgException.class)
                .hasMessageContaining("analytic");
    }

    /** kappa_n = s^n c_n(a): the released coefficients of a neuron with sign s, exactly. */
    @Test
    void kappaIsTheCoefficientsTimesPowersOfTheSign() {
        for (Activation act : new Activation[] {Activation.SILU, Activation.GELU}) {
            double[] c = TaylorCoefficients.of(act, 0.7, 9);
            assertThat(TaylorCoefficients.kappa(act, 0.7, 1, 9)).containsExactly(c);
            double[] minus = TaylorCoefficients.kappa(act, 0.7, -1, 9);
            for (int n = 0; n <= 9; n++) {
                assertThat(minus[n]).as("%s n=%d", act, n).isEqualTo(n % 2 == 0 ? c[n] : -c[n]);
            }
        }
    }

    /** f(z) in complex arithmetic, independent of the recursions: SiLU z / (1 + e^-z), tanh-GELU 0.5 z (1 + tanh(C (z + K z^3))). */
    private static Complex complexValue(Activation act, Complex z) {
        if (act == Activation.SILU) {
            return z.divide(Complex.ONE.add(z.negate().exp()));
        }
        Complex u = z.add(z.multiply(z).multiply(z).multiply(Activation.TANH_K)).multiply(Activation.TANH_C);
        return z.multiply(0.5).multiply(Complex.ONE.add(u.tanh()));
    }

    /**
     * Every coefficient against Cauchy's integral formula, c_k = (1 / 2 pi i) integral f(z) / (z - a)^(k+1) dz
     * on a circle of radius r inside the radius of convergence, by the trapezoidal rule (exact to
     * (r / R)^M with M points): an evaluation that shares nothing with the recursions.
     */
    @Test
    void everyOrderMatchesCauchysIntegralFormula() {
        int m = 256;
        for (Activation act : new Activation[] {Activation.SILU, Activation.GELU_TANH}) {
            for (double a : new double[] {-2.3, -0.4, 0, 0.3, 1.7, 4.0}) {
                double r = 0.5 * TaylorCoefficients.radius(act, a);
                double[] c = TaylorCoefficients.of(act, a, 12);
                for (int k = 0; k <= 12; k++) {
                    Complex sum = Complex.ZERO;
                    for (int q = 0; q < m; q++) {
                        double th = 2 * Math.PI * q / m;
                        Complex e = new Complex(Math.cos(th), Math.sin(th));
                        Complex f = complexValue(act, e.multiply(r).add(a));
                        sum = sum.add(f.multiply(new Complex(Math.cos(-k * th), Math.sin(-k * th))));
                    }
                    double ck = sum.getReal() / m / Math.pow(r, k);
                    double scale = Math.max(Math.abs(ck), 1e-12 * Math.pow(r, -k));
                    assertThat(c[k]).as("%s at %s, c_%d", act, a, k).isCloseTo(ck, within(1e-9 * Math.max(scale, 1e-3)));
                }
            }
        }
    }

    /** tanh-GELU's radius is where its coefficients' root test says: |c_k|^(-1/k) approaches it. */
    @Test
    void tanhGeluRadiusIsTheNearestComplexPole() {
        for (double a : new double[] {0, 0.8, 2.5}) {
            double radius = TaylorCoefficients.radius(Activation.GELU_TANH, a);
            assertThat(radius).isBetween(0.5, 5.0);
            double[] c = TaylorCoefficients.geluTanh(a, 60);
            double est = Math.pow(Math.max(Math.abs(c[59]), Math.abs(c[60])), -1.0 / 60);
            assertThat(est).as("root test at %s", a).isCloseTo(radius, within(0.12 * radius));
            // inside, the series converges to the function; outside it grows with the order
            double in8 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.geluTanh(a, 8), 0.5 * radius)
                    - Activation.GELU_TANH.value(a + 0.5 * radius));
            double in30 = Math.abs(TaylorCoefficients.evaluate(TaylorCoefficients.geluTanh(a, 30), 0.5 * radius)
                    - Activation.GELU_TANH.value(a + 0.5 * radius));
            assertThat(in30).isLessThan(in8 * 1e-3);
        }
    }
}
