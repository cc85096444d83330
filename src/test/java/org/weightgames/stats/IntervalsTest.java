package org.weightgames.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.weightgames.core.Coins;

class IntervalsTest {
    // Known values: Clopper-Pearson 5/10 and 0/10 as tabulated (R's binom.test); 50/50's lower end in
    // closed form, 0.025^(1/50); Wilson 5/10 as tabulated and 81/263 worked by hand from the score
    // formula; Newcombe's worked example (Stat. Med. 1998, 17:873, method 10): 56/70 vs 48/80 gives
    // [0.0524, 0.3339].
    @Test
    void clopperPearsonKnownValues() {
        Interval a = Proportions.clopperPearson(5, 10, 0.95);
        assertThat(a.low()).isCloseTo(0.18709, within(1e-5));
        assertThat(a.high()).isCloseTo(0.81291, within(1e-5));
        Interval zero = Proportions.clopperPearson(0, 10, 0.95);
        assertThat(zero.low()).isEqualTo(0.0);
        assertThat(zero.high()).isCloseTo(0.30850, within(1e-5));
        Interval all = Proportions.clopperPearson(50, 50, 0.95);
        assertThat(all.low()).isCloseTo(0.92888, within(1e-5));
        assertThat(all.high()).isEqualTo(1.0);
        assertThat(all.low()).isCloseTo(Math.pow(0.025, 1.0 / 50), within(1e-9));
    }

    @Test
    void wilsonKnownValues() {
        Interval w = Proportions.wilson(5, 10, 0.95);
        assertThat(w.low()).isCloseTo(0.23659, within(1e-5));
        assertThat(w.high()).isCloseTo(0.76341, within(1e-5));
        Interval w2 = Proportions.wilson(81, 263, 0.95);
        assertThat(w2.low()).isCloseTo(0.25529, within(1e-4));
        assertThat(w2.high()).isCloseTo(0.36621, within(1e-4));
    }

    @Test
    void newcombeWorkedExample() {
        Interval d = Proportions.newcombe(56, 70, 48, 80, 0.95);
        assertThat(d.low()).isCloseTo(0.0524, within(1e-4));
        assertThat(d.high()).isCloseTo(0.3339, within(1e-4));
    }

    @Test
    void guessingAdvantageMapsTheInterval() {
        Interval straddles = Proportions.guessingAdvantage(new Interval(0.95, "x", 0.4, 0.7));
        assertThat(straddles.low()).isEqualTo(0.0);
        assertThat(straddles.high()).isCloseTo(0.4, within(1e-12));
        Interval above = Proportions.guessingAdvantage(new Interval(0.95, "x", 0.9, 1.0));
        assertThat(above.low()).isCloseTo(0.8, within(1e-12));
        assertThat(above.high()).isCloseTo(1.0, within(1e-12));
        Interval below = Proportions.guessingAdvantage(new Interval(0.95, "x", 0.0, 0.1));
        assertThat(below.low()).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void badCountsAreRefused() {
        assertThatThrownBy(() -> Proportions.clopperPearson(3, 0, 0.95)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Proportions.wilson(11, 10, 0.95)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Proportions.clopperPearson(1, 10, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verdictsFollowTheBound() {
        assertThat(Verdict.of(new Interval(0.95, "x", 0.93, 1), 0.05)).isEqualTo(Verdict.BROKEN);
        assertThat(Verdict.of(new Interval(0.95, "x", 0, 0.04), 0.05)).isEqualTo(Verdict.HOLDS);
        assertThat(Verdict.of(new Interval(0.95, "x", 0, 0.071), 0.05)).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void bootstrapIsReproducibleAndCoversTheMedian() {
        double[] v = new double[101];
        Coins data = Coins.root(3);
        for (int i = 0; i < v.length; i++) {
            v[i] = data.nextGaussian();
        }
        v[7] = Double.NaN;
        Bootstrap.Estimate a = Bootstrap.estimate(v, Bootstrap.Statistic.MEDIAN, 0.95, 1000, Coins.root(9));
        Bootstrap.Estimate b = Bootstrap.estimate(v, Bootstrap.Statistic.MEDIAN, 0.95, 1000, Coins.root(9));
        assertThat(a).isEqualTo(b);
        assertThat(a.count()).isEqualTo(100);
        assertThat(a.interval().contains(a.value())).isTrue();
        // the median of 100 standard normal draws is within 0.4 of 0 and so is its interval's centre
        assertThat(a.interval().low()).isGreaterThan(-0.6);
        assertThat(a.interval().high()).isLessThan(0.6);
        Bootstrap.Estimate mean = Bootstrap.estimate(new double[] {1, 2, 3, 4}, Bootstrap.Statistic.MEAN, 0.9, 200, Coins.root(1));
        assertThat(mean.value()).isEqualTo(2.5);
        assertThat(Bootstrap.estimate(new double[] {Double.NaN}, Bootstrap.Statistic.MEDIAN, 0.95, 10, Coins.root(1)).count()).isZero();
    }
}
