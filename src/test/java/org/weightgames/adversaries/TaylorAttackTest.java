package org.weightgames.adversaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.DataSource;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.model.ModelFamily;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.schemes.taylormlp.TaylorMlp;

class TaylorAttackTest {
    static final DataSource DATA = DataSource.load("synthetic");

    static Network trained(String block, String act, long seed) {
        return new ModelFamily(new Params("model", Map.of("block", block, "activation", act)), DATA).sample(DATA, Coins.root(seed));
    }

    static TaylorMlp scheme(Map<String, String> p) {
        TaylorMlp s = new TaylorMlp();
        s.init(new Params("taylormlp", p));
        return s;
    }

    static ExtractionChallenge challenge(Release r, TaylorMlp s) {
        return new ExtractionChallenge(r.artifact(), s, null, Map.of(), null);
    }

    @Test
    void inversionRecoversEveryProtectedTensor() {
        String[][] cases = {{"mlp", "silu", "all"}, {"mlp", "gelu", "all"}, {"swiglu", "silu", "all"}, {"mlp", "silu", "smallest-range"}};
        for (String[] c : cases) {
            for (int order : new int[] {4, 8}) {
                Map<String, String> p = new HashMap<>(Map.of("order", Integer.toString(order), "select", c[2]));
                TaylorMlp s = scheme(p);
                Release r = s.release(trained(c[0], c[1], 21), DATA.train().head(512), Coins.root(order));
                TaylorInversion attack = new TaylorInversion();
                attack.init(Params.empty("taylor-inversion"));
                Map<String, INDArray> guess = attack.extractWeights(challenge(r, s), Coins.root(0));
                Map<String, INDArray> truth = r.secret().protectedParameters();
                assertThat(guess.keySet()).isEqualTo(truth.keySet());
                for (Map.Entry<String, INDArray> e : truth.entrySet()) {
                    double err = Nd.norm(guess.get(e.getKey()).sub(e.getValue())) / Nd.norm(e.getValue());
                    assertThat(err).as("%s/%s/%s N=%d %s", c[0], c[1], c[2], order, e.getKey()).isLessThan(1e-9);
                }
            }
        }
    }

    /**
     * Zero-range calibration (every calibration row the same input): each neuron's range is a point,
     * the release is still valid and the inversion, which never uses the range, still exact.
     */
    @Test
    void zeroRangeCalibrationStillReleasesAndIsInverted() {
        TaylorMlp s = scheme(Map.of("order", "6"));
        INDArray one = DATA.train().head(1).features();
        org.weightgames.data.Dataset same = new org.weightgames.data.Dataset(one.repeat(0, 64).reshape(64, one.columns()),
                new int[64], DATA.train().classes());
        Release r = s.release(trained("mlp", "silu", 23), same, Coins.root(4));
        TaylorInversion attack = new TaylorInversion();
        attack.init(Params.empty("taylor-inversion"));
        Map<String, INDArray> guess = attack.extractWeights(challenge(r, s), Coins.root(0));
        for (Map.Entry<String, INDArray> e : r.secret().protectedParameters().entrySet()) {
            assertThat(Nd.finite(guess.get(e.getKey()))).isTrue();
            assertThat(Nd.norm(guess.get(e.getKey()).sub(e.getValue())) / Nd.norm(e.getValue())).as(e.getKey()).isLessThan(1e-9);
        }
    }

    @Test
    void exactCollapseIsTheOriginalAtTheOriginalsCost() {
        Network original = trained("mlp", "silu", 22);
        TaylorMlp s = scheme(Map.of());
        Release r = s.release(original, DATA.train().head(512), Coins.root(2));
        TaylorCollapse collapse = new TaylorCollapse();
        collapse.init(Params.empty("taylor-collapse"));
        Network m = collapse.extractFunction(challenge(r, s), Coins.root(0));
        INDArray x = DATA.test().head(400).features();
        assertThat(Nd.norm(m.forward(x).sub(original.forward(x))) / Nd.norm(original.forward(x))).isLessThan(1e-10);
        assertThat(m.macs()).isEqualTo(original.macs());
        assertThat(s.inference(r.artifact()).macs()).isGreaterThan(2 * original.macs());
    }

    @Test
    void polynomialCollapseIsTheReleaseAtTheOriginalsCost() {
        for (String block : new String[] {"mlp", "swiglu"}) {
            Network original = trained(block, "silu", 23);
            TaylorMlp s = scheme(Map.of("select", "smallest-range", "fraction", "0.7"));
            Release r = s.release(original, DATA.train().head(512), Coins.root(3));
            TaylorCollapse collapse = new TaylorCollapse();
            collapse.init(new Params("taylor-collapse", Map.of("mode", "polynomial")));
            Network folded = collapse.extractFunction(challenge(r, s), Coins.root(0));
            INDArray x = DATA.test().head(400).features();
            INDArray released = s.inference(r.artifact()).forward(x);
            assertThat(Nd.norm(folded.forward(x).sub(released)) / Nd.norm(released)).as(block).isLessThan(1e-10);
            assertThat(folded.macs()).as(block).isEqualTo(original.macs());
        }
    }
}
