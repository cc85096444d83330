package org.weightgames.adversaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.game.Release;
import org.weightgames.game.UsageChallenge;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;
import org.weightgames.schemes.corelocker.CoreLocker;

/** key-recovery against a lock that bites: it trains only the re-inserted units and wins back the utility. */
class KeyRecoveryTest {
    /** The sparsity-trained network both tests lock, trained once. */
    private static Network original;

    static ModelFamily family(DataSource data) {
        return new ModelFamily(new Params("model",
                Map.of("arch", "slim-mlp", "widths", "64,64", "epochs", "8", "milestones", "6", "sparsity", "0.02")), data);
    }

    static synchronized Network original(DataSource data) {
        if (original == null) {
            original = family(data).train(data, Coins.root(5));
        }
        return original.copy();
    }

    @Test
    void retrainingOnlyTheReinsertedUnitsRestoresALockThatBites() {
        DataSource data = DataSource.load("synthetic");
        ModelFamily family = family(data);
        Network original = original(data);
        CoreLocker scheme = new CoreLocker();
        scheme.init(new Params("corelocker", Map.of("alpha", "0.05")));
        Release release = scheme.release(original, null, Coins.root(6));
        Network locked = scheme.inference(release.artifact());
        Dataset test = data.test();
        double accOriginal = original.accuracy(test.features(), test.labels());
        double accLocked = locked.accuracy(test.features(), test.labels());
        assertThat(accLocked).as("the lock bites").isLessThan(0.5 * (accOriginal + 0.1));

        KeyRecovery adversary = new KeyRecovery();
        // the attack's mechanics at its fixed rate (the search is TuningBudgetTest's)
        adversary.init(new Params(KeyRecovery.ID, Map.of("search", "false")));
        Dataset aux = data.train().rows(Coins.root(7).sample(data.train().size(), 300));
        UsageChallenge ch = new UsageChallenge(release.artifact(), scheme, family.architecture(), new AuxiliaryData(aux, 3));
        Network answer = adversary.useWithoutKey(ch, Coins.root(8));
        assertThat(ch.data().used()).isEqualTo(ch.data().size() * 3L - (ch.data().size() * 3L) % 128);
        assertThat(answer.layer(0).outputSize()).isEqualTo(64);
        double accAnswer = answer.accuracy(test.features(), test.labels());
        assertThat(accAnswer).as("key-recovery from 300 rows").isGreaterThan(accLocked + 0.2);

        // the units the release kept are exactly as released: rows, columns and running statistics
        Map<String, INDArray> before = locked.state();
        Map<String, INDArray> after = answer.state();
        for (Map.Entry<String, INDArray> e : before.entrySet()) {
            INDArray kept = e.getValue();
            INDArray now = after.get(e.getKey());
            INDArray block = kept.rank() == 1 ? now.get(NDArrayIndex.interval(0, kept.length()))
                    : now.get(NDArrayIndex.interval(0, kept.rows()), NDArrayIndex.interval(0, kept.columns()));
            assertThat(block.equals(kept)).as(e.getKey()).isTrue();
        }
    }

    /** Against the demo's key (units silenced in place), it retrains only the silenced scales and shifts. */
    @Test
    void againstTheDemosKeyOnlyTheSilencedScalesAndShiftsAreTrained() {
        DataSource data = DataSource.load("synthetic");
        ModelFamily family = family(data);
        Network original = original(data);
        CoreLocker scheme = new CoreLocker();
        scheme.init(new Params("corelocker", Map.of("alpha", "0.05", "key", "official")));
        Release release = scheme.release(original, null, Coins.root(6));
        Network locked = scheme.inference(release.artifact());
        Dataset test = data.test();
        double accLocked = locked.accuracy(test.features(), test.labels());
        KeyRecovery adversary = new KeyRecovery();
        adversary.init(new Params(KeyRecovery.ID, Map.of("search", "false")));
        Dataset aux = data.train().rows(Coins.root(7).sample(data.train().size(), 300));
        Network answer = adversary.useWithoutKey(
                new UsageChallenge(release.artifact(), scheme, family.architecture(), new AuxiliaryData(aux, 3)), Coins.root(8));
        assertThat(answer.accuracy(test.features(), test.labels())).as("from f^alpha %s", accLocked).isGreaterThan(accLocked + 0.2);
        Map<Integer, int[]> silenced = org.weightgames.model.NeuronSurgery.silenced(locked);
        assertThat(silenced).isNotEmpty();
        for (Map.Entry<String, INDArray> e : locked.state().entrySet()) {
            INDArray now = answer.state().get(e.getKey()).dup();
            INDArray was = e.getValue().dup();
            String[] parts = e.getKey().split("\\.");
            int[] idx = silenced.get(Integer.parseInt(parts[0]));
            if (idx != null && (parts[1].equals("gamma") || parts[1].equals("beta"))) {
                for (int j : idx) {
                    assertThat(now.getDouble(j)).as("%s[%d] was retrained", e.getKey(), j).isNotZero();
                    now.putScalar(j, 0);
                    was.putScalar(j, 0);
                }
            }
            assertThat(now.equals(was)).as("%s stays as released", e.getKey()).isTrue();
        }
    }
}
