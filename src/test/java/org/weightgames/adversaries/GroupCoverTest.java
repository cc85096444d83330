package org.weightgames.adversaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.game.Release;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;
import org.weightgames.schemes.nnsplitter.NNSplitter;

/**
 * GroupCover's extreme-value replacement finds the weights NNSplitter clamped to the range's ends
 * and, with no data at all, brings the network back near the original; clipping to mean +- 3 std
 * (the norm-clipping attack) does not, since the changed weights stay inside the range.
 */
class GroupCoverTest {
    @Test
    void extremeValueReplacementUndoesNNSplitterWithoutData() {
        DataSource data = DataSource.load("synthetic");
        Network original = new ModelFamily(new Params("model", Map.of("arch", "bn-mlp")), data).sample(data, Coins.root(1).derive("m"));
        NNSplitter s = new NNSplitter();
        s.init(new Params(NNSplitter.ID, Map.of()));
        Release r = s.release(original, data.train().head(512), Coins.root(7));
        Dataset test = data.test().head(2000);
        double acc = original.accuracy(test.features(), test.labels());
        Network locked = s.inference(r.artifact());
        assertThat(locked.accuracy(test.features(), test.labels())).isLessThan(0.2);

        Network reset = s.inference(r.artifact());
        int flagged = GroupCover.reset(reset, 4e-3, false);
        int changed = s.releaseMeasures(r.artifact()).get("changed_weights").intValue();
        assertThat(flagged).as("flagged against changed").isBetween(changed * 8 / 10, changed + 20);
        assertThat(reset.accuracy(test.features(), test.labels())).isGreaterThan(acc - 0.02);

        Network clipped = s.inference(r.artifact());
        NormClip.clip(clipped, 3);
        assertThat(clipped.accuracy(test.features(), test.labels())).isLessThan(acc - 0.2);
    }
}
