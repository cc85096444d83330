package org.weightgames.schemes.nnsplitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.core.WgException;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.game.Release;
import org.weightgames.run.Claims;
import org.weightgames.kit.SchemeTestKit;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;

/**
 * NNSplitter on the embedded data's batch-normalised MLP: the release is near chance with a few
 * hundred weights changed inside the weights' own range, the secret restores it bit for bit, a
 * window that holds no weight is refused, and the kit's contract checks pass. The claims are
 * checked by VerifyTest with every other claim; they are not played twice here.
 */
class NNSplitterTest extends SchemeTestKit {
    private static DataSource data;
    private static Network original;

    @BeforeAll
    static void draw() {
        data = DataSource.load("synthetic");
        original = new ModelFamily(new Params("model", Map.of("arch", "bn-mlp")), data).sample(data, Coins.root(1).derive("m"));
    }

    @Override
    protected String scheme() {
        return NNSplitter.ID;
    }

    @Override
    protected double fidelity() {
        return 0; // restored exactly
    }

    @Override
    protected List<Claims.Claim> claims() {
        return List.of();
    }

    static NNSplitter splitter(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        NNSplitter s = new NNSplitter();
        s.init(new Params(NNSplitter.ID, m));
        return s;
    }

    private static Dataset calibration() {
        return data.train().head(512);
    }

    @Test
    void releaseIsNearChanceWithAFewHundredWeightsChangedInsideTheRange() {
        NNSplitter s = splitter();
        Release r = s.release(original, calibration(), Coins.root(3));
        Dataset test = data.test().head(2000);
        double original0 = original.accuracy(test.features(), test.labels());
        double locked = s.inference(r.artifact()).accuracy(test.features(), test.labels());
        assertThat(original0).isGreaterThan(0.9);
        assertThat(locked).as("locked accuracy").isLessThanOrEqualTo(1.0 / test.classes() + 0.05);
        int changed = s.releaseMeasures(r.artifact()).get("changed_weights").intValue();
        assertThat(changed).isBetween(1, 400);
        // every changed weight moved, lies inside the original weights' range, and nothing else changed
        Map<String, INDArray> before = original.parameters();
        Map<String, INDArray> after = s.inference(r.artifact()).parameters();
        Map<String, int[]> positions = NNSplitter.positions((SplitSecret) r.secret());
        assertThat(positions.values().stream().mapToInt(p -> p.length).sum()).isEqualTo(changed);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (String name : original.weightMatrices()) {
            lo = Math.min(lo, before.get(name).minNumber().doubleValue());
            hi = Math.max(hi, before.get(name).maxNumber().doubleValue());
        }
        int differing = 0;
        for (String name : before.keySet()) {
            double[] b = before.get(name).dup().data().asDouble();
            double[] a = after.get(name).dup().data().asDouble();
            for (int i = 0; i < b.length; i++) {
                if (a[i] != b[i]) {
                    differing++;
                    assertThat(positions.get(name)).as(name + " entry " + i).contains(i);
                    assertThat(a[i]).isBetween(lo, hi);
                }
            }
        }
        assertThat(differing).isGreaterThan(changed * 9 / 10);
    }

    @Test
    void theSecretRestoresTheOriginalBitForBitAndOnlyItsOwnRelease() {
        NNSplitter s = splitter("candidates", "1");
        Release r = s.release(original, calibration(), Coins.root(4));
        Network restored = s.restore(r.artifact(), r.secret()).orElseThrow();
        Map<String, INDArray> want = original.state();
        restored.state().forEach((k, v) -> assertThat(v.equals(want.get(k))).as(k).isTrue());
        Release other = s.release(original, calibration(), Coins.root(5));
        assertThatThrownBy(() -> s.restore(other.artifact(), r.secret())).isInstanceOf(WgException.class)
                .hasMessageContaining("another release");
    }

    @Test
    void aWindowThatSelectsNoWeightIsRefusedNamingEpsAndTheRange() {
        assertThatThrownBy(() -> splitter("eps", "1e-12").release(original, calibration(), Coins.root(6)))
                .isInstanceOf(WgException.class).hasMessageContaining("eps = 1.0E-12").hasMessageContaining("range over [")
                .hasMessageContaining("raise nnsplitter.eps");
    }
}
