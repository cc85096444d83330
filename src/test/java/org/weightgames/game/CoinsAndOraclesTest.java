package org.weightgames.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.DataSource;
import org.weightgames.core.Nd;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.core.Artifact;

class CoinsAndOraclesTest {
    @Test
    void sameSeedAndLabelReplayTheSameStream() {
        Coins a = Coins.root(42).derive("trial/3").derive("challenger");
        Coins b = Coins.root(42).derive("trial/3").derive("challenger");
        long[] x = new long[600];
        long[] y = new long[600];
        for (int i = 0; i < x.length; i++) {
            x[i] = a.nextLong();
            y[i] = b.nextLong();
        }
        assertThat(x).isEqualTo(y);
        assertThat(a.path()).isEqualTo("seed=42/trial/3/challenger");
    }

    @Test
    void partiesAndSeedsGetDifferentCoins() {
        long challenger = Coins.root(42).derive("trial/3").derive("challenger").nextLong();
        long adversary = Coins.root(42).derive("trial/3").derive("adversary/x").nextLong();
        long otherSeed = Coins.root(43).derive("trial/3").derive("challenger").nextLong();
        assertThat(challenger).isNotEqualTo(adversary).isNotEqualTo(otherSeed);
    }

    @Test
    void drawsHaveTheRightDistribution() {
        Coins c = Coins.root(1);
        int[] counts = new int[10];
        double sum = 0;
        double sq = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            counts[c.nextInt(10)]++;
            double g = c.nextGaussian();
            sum += g;
            sq += g * g;
        }
        for (int k : counts) {
            assertThat(k).isBetween(1800, 2200);
        }
        assertThat(sum / n).isBetween(-0.03, 0.03);
        assertThat(sq / n).isBetween(0.96, 1.04);
        int[] perm = c.permutation(50);
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
    }

    @Test
    void queryOracleCountsAndRefusesPastItsBudget() {
        QueryOracle o = new QueryOracle("f", 10, q -> q.mul(2));
        INDArray four = Nd.ones(4, 3);
        assertThat(o.query(four).getDouble(0, 0)).isEqualTo(2.0);
        o.query(four);
        assertThat(o.used()).isEqualTo(8);
        assertThatThrownBy(() -> o.query(four)).isInstanceOf(QueryOracle.BudgetExhaustedException.class)
                .hasMessageContaining("asked 4 queries with 2 of 10 left");
        assertThat(o.used()).isEqualTo(8);
        o.query(Nd.ones(2, 3));
        assertThat(o.remaining()).isZero();
    }

    @Test
    void zeroOrNegativeBudgetsAreRefused() {
        assertThatThrownBy(() -> new QueryOracle("f", 0, q -> q)).isInstanceOf(WgException.class)
                .hasMessageContaining("budget must be positive");
        assertThatThrownBy(() -> new SampleOracle(DataSource.load("synthetic").train(), -3)).isInstanceOf(WgException.class);
    }

    @Test
    void sampleOracleDrawsFromThePoolWithinBudget() {
        DataSource d = DataSource.load("synthetic");
        SampleOracle s = new SampleOracle(d.train(), 100);
        INDArray x = s.draw(60, Coins.root(1));
        assertThat(x.rows()).isEqualTo(60);
        assertThat(x.columns()).isEqualTo(d.train().dimension());
        assertThatThrownBy(() -> s.draw(41, Coins.root(2))).isInstanceOf(QueryOracle.BudgetExhaustedException.class);
    }

    @Test
    void artifactHashCoversEveryTensorValueAndIsImmutable() {
        INDArray t = Nd.matrix(new double[] {1, 2, 3, 4}, 2, 2);
        Artifact a = new Artifact("s", java.util.Map.of("k", "v"), java.util.Map.of("t", t));
        Artifact same = new Artifact("s", java.util.Map.of("k", "v"), java.util.Map.of("t", t.dup()));
        t.putScalar(1, 1, 4.0000001);
        Artifact changed = new Artifact("s", java.util.Map.of("k", "v"), java.util.Map.of("t", t));
        assertThat(a.sha256()).isEqualTo(same.sha256()).isNotEqualTo(changed.sha256());
        assertThat(a.tensor("t").getDouble(1, 1)).isEqualTo(4.0);
        a.tensor("t").putScalar(0, 0, 99);
        assertThat(a.tensor("t").getDouble(0, 0)).isEqualTo(1.0);
        Artifact meta = new Artifact("s", java.util.Map.of("k", "w"), java.util.Map.of("t", Nd.matrix(new double[] {1, 2, 3, 4}, 2, 2)));
        assertThat(meta.sha256()).isNotEqualTo(a.sha256());
    }
}
