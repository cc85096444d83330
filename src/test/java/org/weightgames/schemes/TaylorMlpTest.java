package org.weightgames.schemes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.adversaries.TaylorInversion;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.game.Coins;
import org.weightgames.game.Params;
import org.weightgames.game.Release;
import org.weightgames.game.WgException;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Nd;
import org.weightgames.model.Network;

class TaylorMlpTest {
    static final DataSource DATA = DataSource.load("synthetic");

    static Network trained(String block, String act, long seed) {
        ModelFamily f = new ModelFamily(new Params("model", Map.of("block", block, "activation", act)), DATA);
        return f.sample(DATA, Coins.root(seed));
    }

    static TaylorMlp scheme(Map<String, String> p) {
        TaylorMlp s = new TaylorMlp();
        s.init(new Params("taylormlp", p));
        return s;
    }

    static double relErr(INDArray a, INDArray b) {
        return Nd.norm(a.sub(b)) / Nd.norm(b);
    }

    @Test
    void releaseReproducesOriginalAndAttackRecoversIt() {
        for (String[] cfg : new String[][] {{"mlp", "silu"}, {"mlp", "gelu"}, {"swiglu", "silu"}}) {
            Network original = trained(cfg[0], cfg[1], 7);
            Dataset calib = DATA.train().head(512);
            Release r = scheme(Map.of()).release(original, calib, Coins.root(3));
            INDArray x = DATA.test().head(500).features();
            double err = relErr(scheme(Map.of()).inference(r.artifact()).forward(x), original.forward(x));
            TaylorInversion attack = new TaylorInversion();
            attack.init(Params.empty("taylor-inversion"));
            Map<String, INDArray> guess = attack.extractWeights(
                    new org.weightgames.game.ExtractionChallenge(r.artifact(), scheme(Map.of()), null, Map.of(), null), null);
            double worst = 0;
            for (Map.Entry<String, INDArray> e : r.secret().protectedParameters().entrySet()) {
                worst = Math.max(worst, relErr(guess.get(e.getKey()), e.getValue()));
            }
            System.out.printf("%s/%s release error %.3e, expanded %s outside %s, attack error %.3e%n", cfg[0], cfg[1], err,
                    r.artifact().metadata().get("0.expanded"), r.artifact().metadata().get("0.outside_radius"), worst);
            assertThat(err).isLessThan(5e-2);
            assertThat(worst).isLessThan(1e-9);
        }
    }
}
