package org.weightgames.adversaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Artifact;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;
import org.weightgames.core.Params;
import org.weightgames.data.DataSource;
import org.weightgames.game.Release;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;
import org.weightgames.model.UnitMatching;
import org.weightgames.schemes.shadownet.ShadowNet;
import org.weightgames.schemes.soter.Soter;

/**
 * TEESlice against ShadowNet and SOTER on bn-mlp networks of the synthetic data, fine-tuned from a
 * public base (model.base=public): the figures of schemes/shadownet.md and schemes/soter.md are
 * what these tests print.
 */
class TeeSliceTest {
    static DataSource data;
    static Network original;
    static Network base;

    @BeforeAll
    static void family() {
        data = DataSource.load("synthetic");
        ModelFamily f = new ModelFamily(new Params("model", Map.of("arch", "bn-mlp", "base", "public")), data);
        original = f.sample(data, Coins.root(1).derive("model"));
        base = f.publicBase(data).orElseThrow();
    }

    private static Release shadowRelease(long seed) {
        ShadowNet s = new ShadowNet();
        s.init(Params.empty("shadownet"));
        return s.release(original, null, Coins.root(seed));
    }

    @Test
    void maskRemovalIsExactWithoutAnyReference() {
        Release r = shadowRelease(7);
        ShadowNet.TeeSecret secret = (ShadowNet.TeeSecret) r.secret();
        for (int layer : ShadowNet.shieldedLayers(r.artifact())) {
            MaskRemoval.Layer l = MaskRemoval.unmask(r.artifact().tensor(layer + ".W"), r.artifact().tensor(layer + ".W_fake"), 10);
            assertThat(l.unresolved()).isZero();
            double[][] truth = Nd.rows(original.layer(layer).parameters().get("W"));
            int[] pi = secret.permutation(layer);
            double worst = 0;
            for (int i = 0; i < pi.length; i++) {
                for (int k = 0; k < truth[0].length; k++) {
                    worst = Math.max(worst, Math.abs(l.rows()[i][k] - truth[pi[i]][k]));
                }
            }
            assertThat(worst).as("layer %d", layer).isLessThan(1e-12);
        }
    }

    @Test
    void thePublicBaseGivesEveryRowItsPosition() {
        Release r = shadowRelease(8);
        Map<Integer, double[]> with = positions(TeeSlice.shadowNet(r.artifact(), Optional.of(base)), r);
        Map<Integer, double[]> without = positions(TeeSlice.shadowNet(r.artifact(), Optional.empty()), r);
        System.out.println("shadownet per layer [share of rows at their position, relative error, relative error up to order]:"
                + " with base " + describe(with) + "; without " + describe(without));
        with.values().forEach(m -> {
            assertThat(m[0]).isEqualTo(1.0);
            assertThat(m[1]).isLessThan(1e-12);
        });
        without.values().forEach(m -> {
            assertThat(m[0]).isLessThan(0.1);
            assertThat(m[2]).isLessThan(1e-12); // the rows' values are recovered, their positions are not
        });
    }

    @Test
    void theClearBatchNormsOrderTheRowsWithoutABase() {
        Release r = shadowRelease(10);
        Network net = TeeSlice.shadowNet(r.artifact(), Optional.empty());
        INDArray x = data.train().head(TeeSlice.SAMPLES).features();
        for (int layer : ShadowNet.shieldedLayers(r.artifact())) {
            assertThat(BatchNormOrder.place(net, layer, x)).isTrue();
        }
        Map<Integer, double[]> m = positions(net, r);
        System.out.println("shadownet without base, rows placed by the clear batch-norm statistics (ours): " + describe(m));
        m.values().forEach(v -> assertThat(v[0]).isGreaterThan(0.1));
    }

    /** Per shielded layer: the share of rows at their true position, the relative error, and the error after the best reordering. */
    private static Map<Integer, double[]> positions(Network recovered, Release r) {
        Map<Integer, double[]> out = new TreeMap<>();
        for (int layer : ShadowNet.shieldedLayers(r.artifact())) {
            INDArray truth = original.layer(layer).parameters().get("W");
            INDArray got = recovered.layer(layer).parameters().get("W");
            double[][] t = Nd.rows(truth);
            double[][] g = Nd.rows(got);
            int at = 0;
            for (int i = 0; i < t.length; i++) {
                at += Nd.norm(Nd.vector(t[i]).sub(Nd.vector(g[i]))) < 1e-9 * (1 + Nd.norm(Nd.vector(t[i]))) ? 1 : 0;
            }
            String name = layer + ".W";
            List<UnitMatching.Group> rows = List.of(new UnitMatching.Group(name, t.length, List.of(new UnitMatching.Axis(name, 0, 1))));
            INDArray aligned = UnitMatching.align(Map.of(name, truth), Map.of(name, got), rows).tensors().get(name);
            out.put(layer, new double[] {(double) at / t.length, Nd.relativeError(got, truth), Nd.relativeError(aligned, truth)});
        }
        return out;
    }

    private static String describe(Map<Integer, double[]> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append(": ").append(Arrays.toString(v)).append(' '));
        return sb.toString().trim();
    }

    @Test
    void soterScalarsAreRecoveredFromTheBase() {
        Soter s = new Soter();
        s.init(new Params("soter", Map.of("theta", "1")));
        Release r = s.release(original, null, Coins.root(9));
        Artifact a = r.artifact();
        Map<String, INDArray> ref = base.state();
        Map<String, Double> truth = ((Soter.TeeSecret) r.secret()).scalars();
        Map<String, Double> errors = new TreeMap<>();
        truth.forEach((name, scalar) -> errors.put(name, Math.abs(TeeSlice.scalar(a.tensor(name), ref.get(name)) - scalar) / scalar));
        System.out.println("soter scalar relative errors (theta 1, with base): " + errors);
        double[] e = errors.entrySet().stream().filter(x -> !x.getKey().endsWith(".b")).mapToDouble(Map.Entry::getValue).sorted().toArray();
        assertThat(e[e.length / 2]).as("median over weights and batch-norm tensors").isLessThan(0.1);
        Network recovered = TeeSlice.soter(a, base.copy(), true);
        double err = Nd.relativeError(recovered.forward(data.test().head(500).features()), original.forward(data.test().head(500).features()));
        System.out.println("soter recovered network's relative output error (theta 1, with base, no fine-tuning): " + err);
    }
}
