package org.weightgames.schemes.taylormlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.core.WgException;
import org.weightgames.model.Activation;
import org.weightgames.model.Init;
import org.weightgames.model.MlpBlock;
import org.weightgames.model.ModelFamily;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;
import org.weightgames.model.SwiGluBlock;

class TaylorMlpTest {
    static final DataSource DATA = DataSource.load("synthetic");

    static Network trained(String block, String act, long seed) {
        ModelFamily f = new ModelFamily(new Params("model", Map.of("block", block, "activation", act)), DATA);
        return f.sample(DATA, Coins.root(seed));
    }

    static TaylorMlp scheme(String... kv) {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        TaylorMlp s = new TaylorMlp();
        s.init(new Params("taylormlp", p));
        return s;
    }

    static double relErr(INDArray a, INDArray b) {
        return Nd.norm(a.sub(b)) / Nd.norm(b);
    }

    /** A block whose pre-activations stay well inside SiLU's radius: the series is accurate there. */
    static Network narrowBlock(Activation act, Coins coins) {
        return Network.of(new MlpBlock(act, Init.gaussian(coins, 48, 16, 0.1), Init.gaussianVector(coins, 48, 0.3),
                Init.gaussian(coins, 6, 48, 0.5), Init.gaussianVector(coins, 6, 0.1)));
    }

    static Dataset gaussianRows(Coins coins, int n, int d) {
        return new Dataset(Init.gaussian(coins, n, d, 1), new int[n], 1);
    }

    @Test
    void releaseErrorFallsWithOrderInsideTheRadius() {
        Coins c = Coins.root(11);
        Network original = narrowBlock(Activation.SILU, c.derive("net"));
        Dataset calib = gaussianRows(c.derive("calib"), 400, 16);
        INDArray x = gaussianRows(c.derive("x"), 300, 16).features().muli(0.5);
        double previous = Double.MAX_VALUE;
        for (int n : new int[] {2, 4, 8, 16}) {
            TaylorMlp s = scheme("order", Integer.toString(n));
            Release r = s.release(original, calib, c.derive("release"));
            double err = relErr(s.inference(r.artifact()).forward(x), original.forward(x));
            assertThat(err).as("order %d", n).isLessThan(previous);
            previous = err;
        }
        assertThat(previous).isLessThan(1e-9);
    }

    @Test
    void trainedBlocksAreReproducedAsTheirSeriesAllow() {
        INDArray x = DATA.test().head(500).features();
        int[] labels = DATA.test().head(500).labels();
        Map<String, Double> bounds = new LinkedHashMap<>();
        bounds.put("mlp/silu", 5e-2);
        bounds.put("mlp/gelu", 2e-1);
        bounds.put("swiglu/silu", 2e-1);
        for (Map.Entry<String, Double> b : bounds.entrySet()) {
            String[] cfg = b.getKey().split("/");
            Network original = trained(cfg[0], cfg[1], 7);
            Release r = scheme().release(original, DATA.train().head(512), Coins.root(3));
            Network released = scheme().inference(r.artifact());
            assertThat(relErr(released.forward(x), original.forward(x))).as(b.getKey()).isLessThan(b.getValue());
            assertThat(Math.abs(released.accuracy(x, labels) - original.accuracy(x, labels))).as(b.getKey()).isLessThan(0.03);
        }
    }

    @Test
    void releasedInferenceReallyCostsOneProductPerOrder() {
        Network original = trained("mlp", "silu", 2);
        MlpBlock block = (MlpBlock) original.layer(0);
        for (int n : new int[] {2, 8}) {
            TaylorMlp s = scheme("order", Integer.toString(n), "divergence", "keep");
            Network released = s.inference(s.release(original, DATA.train().head(256), Coins.root(1)).artifact());
            assertThat(released.macs()).isEqualTo(block.v().length() + n * block.w().length());
        }
        Network gated = trained("swiglu", "silu", 2);
        SwiGluBlock g = (SwiGluBlock) gated.layer(0);
        TaylorMlp s = scheme("order", "8", "divergence", "keep");
        Network released = s.inference(s.release(gated, DATA.train().head(256), Coins.root(1)).artifact());
        assertThat(released.macs()).isEqualTo(g.vGate().length() + g.vUp().length() + 9 * g.wDown().length());
    }

    @Test
    void signFlipsChangeTheArtifactNotTheFunction() {
        Network original = trained("mlp", "silu", 4);
        INDArray x = DATA.test().head(200).features();
        Release flipped = scheme().release(original, DATA.train().head(512), Coins.root(8));
        Release plain = scheme("sign-flip", "false").release(original, DATA.train().head(512), Coins.root(8));
        assertThat(flipped.artifact().sha256()).isNotEqualTo(plain.artifact().sha256());
        assertThat(Nd.norm(flipped.artifact().tensor("0.V").sub(plain.artifact().tensor("0.V")))).isGreaterThan(0);
        assertThat(relErr(scheme().inference(flipped.artifact()).forward(x), scheme().inference(plain.artifact()).forward(x)))
                .isLessThan(1e-12);
    }

    @Test
    void smallestRangeSelectionExpandsTheNarrowestNeuronsAndShipsTheRestInPlaintext() {
        Network original = trained("mlp", "silu", 5);
        MlpBlock block = (MlpBlock) original.layer(0);
        Dataset calib = DATA.train().head(512);
        Release r = scheme("select", "smallest-range", "fraction", "0.25", "divergence", "keep").release(original, calib, Coins.root(2));
        double[] idx = r.artifact().tensor("0.expanded").toDoubleVector();
        assertThat(idx).hasSize(16);
        INDArray pre = block.projection(calib.features());
        double[] range = pre.max(0).sub(pre.min(0)).toDoubleVector();
        double widestExpanded = 0;
        java.util.Set<Integer> chosen = new java.util.HashSet<>();
        for (double j : idx) {
            chosen.add((int) j);
            widestExpanded = Math.max(widestExpanded, range[(int) j]);
        }
        for (int j = 0; j < range.length; j++) {
            if (!chosen.contains(j)) {
                assertThat(range[j]).isGreaterThanOrEqualTo(widestExpanded);
            }
        }
        assertThat(r.artifact().tensor("0.W_plain").columns()).isEqualTo(48);
        assertThat(r.secret().protectedParameters().get("0.W[S]").columns()).isEqualTo(16);
    }

    @Test
    void divergencePolicies() {
        Network original = trained("mlp", "silu", 6);
        Dataset calib = DATA.train().head(512);
        Release tight = scheme("radius", "0.6").release(original, calib, Coins.root(1));
        Release loose = scheme("divergence", "keep").release(original, calib, Coins.root(1));
        int outside = Integer.parseInt(tight.artifact().meta("0.outside_radius"));
        assertThat(outside).isPositive();
        assertThat(Integer.parseInt(tight.artifact().meta("0.expanded"))).isEqualTo(64 - outside);
        assertThat(Integer.parseInt(loose.artifact().meta("0.expanded"))).isEqualTo(64);
        assertThatThrownBy(() -> scheme("divergence", "fail", "radius", "0.6").release(original, calib, Coins.root(1)))
                .isInstanceOf(WgException.class).hasMessageContaining("radius of convergence");
    }

    @Test
    void reluNetworksAreRefused() {
        Network relu = trained("mlp", "relu", 1);
        assertThatThrownBy(() -> scheme().release(relu, DATA.train().head(64), Coins.root(1)))
                .isInstanceOf(WgException.class).hasMessageContaining("analytic activation");
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> scheme("order", "0")).isInstanceOf(WgException.class).hasMessageContaining("'order'");
        assertThatThrownBy(() -> scheme("select", "largest")).isInstanceOf(WgException.class).hasMessageContaining("smallest-range");
        assertThatThrownBy(() -> scheme("ordr", "4")).isInstanceOf(WgException.class).hasMessageContaining("unknown parameter 'ordr'");
    }

    @Test
    void malformedArtifactsAreRefusedNamingTheTensor() {
        Release r = scheme().release(trained("mlp", "silu", 3), DATA.train().head(256), Coins.root(1));
        Artifact a = r.artifact();
        assertThatThrownBy(() -> scheme().inference(edit(a, "0.theta.3", null))).isInstanceOf(WgException.class)
                .hasMessageContaining("0.theta.3");
        assertThatThrownBy(() -> scheme().inference(edit(a, "0.p", Nd.zeros(3)))).isInstanceOf(WgException.class)
                .hasMessageContaining("0.p").hasMessageContaining("expected");
        INDArray nan = a.tensor("0.theta.2");
        nan.putScalar(0, 0, Double.NaN);
        assertThatThrownBy(() -> scheme().inference(edit(a, "0.theta.2", nan))).isInstanceOf(WgException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> scheme().inference(edit(a, "0.theta.9", a.tensor("0.theta.8")))).isInstanceOf(WgException.class)
                .hasMessageContaining("beyond the order");
    }

    static Artifact edit(Artifact a, String name, INDArray value) {
        Map<String, INDArray> t = new LinkedHashMap<>();
        for (String n : a.tensorNames()) {
            t.put(n, a.tensor(n));
        }
        if (value == null) {
            t.remove(name);
        } else {
            t.put(name, value);
        }
        return new Artifact(a.scheme(), a.metadata(), t);
    }
}
