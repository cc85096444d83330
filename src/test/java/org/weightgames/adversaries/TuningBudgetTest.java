package org.weightgames.adversaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.data.DataSource;
import org.weightgames.data.Dataset;
import org.weightgames.game.Adversary;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.Release;
import org.weightgames.game.UsageChallenge;
import org.weightgames.model.ModelFamily;
import org.weightgames.model.Network;
import org.weightgames.schemes.corelocker.CoreLocker;

/**
 * The tuning adversaries spend their budget and no more, read only their own rows, and say what they
 * chose; the held-out search is what makes them better than a fixed rate would be on a small budget.
 */
class TuningBudgetTest {
    /** A data source that counts and records every row it hands out. */
    static final class Counting {
        final Dataset rows;
        final List<Integer> read = new ArrayList<>();

        Counting(Dataset rows) {
            this.rows = rows;
        }

        synchronized Dataset get(int[] idx) {
            for (int i : idx) {
                read.add(i);
            }
            return rows.rows(idx);
        }
    }

    private static Adversary adversary(Adversary a, Map<String, String> params) {
        a.init(new Params(a.id(), params));
        return a;
    }

    /** A lock that bites on the network KeyRecoveryTest trains, and 200 rows of the adversary's own. */
    private record Setup(DataSource data, ModelFamily family, CoreLocker scheme, Release release, Dataset aux) {
        static Setup make() {
            DataSource data = DataSource.load("synthetic");
            CoreLocker scheme = new CoreLocker();
            scheme.init(new Params("corelocker", Map.of("alpha", "0.05")));
            Release release = scheme.release(KeyRecoveryTest.original(data), null, Coins.root(6));
            return new Setup(data, KeyRecoveryTest.family(data), scheme, release,
                    data.train().rows(Coins.root(7).sample(data.train().size(), 200)));
        }

        UsageChallenge challenge(AuxiliaryData budget) {
            return new UsageChallenge(release.artifact(), scheme, family.architecture(), budget);
        }
    }

    @Test
    void everyTrainingAdversaryTunesWithinItsBudgetOnItsOwnRows() {
        Setup set = Setup.make();
        DataSource data = set.data();
        Dataset aux = set.aux();
        for (int epochs : new int[] {2, 3, 6}) {
            for (Adversary a : List.of(adversary(new Scratch(), Map.of()), adversary(new FineTune(), Map.of()),
                    adversary(new Refill(), Map.of()), adversary(new KeyRecovery(), Map.of()))) {
                Counting source = new Counting(aux);
                AuxiliaryData budget = new AuxiliaryData(aux.size(), epochs, source::get);
                UsageChallenge ch = set.challenge(budget);
                Network answer = ((KeylessUser) a).useWithoutKey(ch, Coins.root(8));
                String who = a.id() + " at E = " + epochs;
                assertThat(answer.outputSize()).as(who).isEqualTo(data.train().classes());
                // never past the budget (the data refuses it, so the adversary would have thrown), every read counted
                assertThat((long) source.read.size()).as(who).isEqualTo(budget.used()).isLessThanOrEqualTo((long) epochs * aux.size());
                // only its own rows: indices of D_A, nothing else
                assertThat(source.read).as(who).allMatch(i -> i >= 0 && i < aux.size());
                // and it spends what it was given: at least nine tenths of the budget
                assertThat(budget.used()).as(who).isGreaterThanOrEqualTo((long) (0.9 * epochs * aux.size()) - 128);
                Map<String, Double> notes = budget.notes();
                if (epochs >= 3) {
                    // a search fits: three candidates of a pass over four fifths and a held-out evaluation each (3 x |D_A|)
                    assertThat(notes).as(who).containsKeys("tuned_lr", "tuned_passes", "validation_accuracy");
                    assertThat(notes.get("validation_accuracy")).as(who).isBetween(0.0, 1.0);
                    assertThat(notes.get("tuned_passes")).as(who).isGreaterThanOrEqualTo(1.0);
                } else {
                    assertThat(notes).as(who + ": too little budget for a search, it trains at its rate").isEmpty();
                }
            }
        }
    }

    @Test
    void aFixedRateIsNotSearchedAndSearchFalseTrainsAsBefore() {
        Setup set = Setup.make();
        Dataset aux = set.aux();
        AuxiliaryData fixed = new AuxiliaryData(aux, 6);
        ((KeylessUser) adversary(new Scratch(), Map.of("lr", "0.003"))).useWithoutKey(
                set.challenge(fixed), Coins.root(8));
        assertThat(fixed.notes().get("tuned_lr")).isEqualTo(0.003);
        AuxiliaryData plain = new AuxiliaryData(aux, 6);
        ((KeylessUser) adversary(new Scratch(), Map.of("search", "false"))).useWithoutKey(
                set.challenge(plain), Coins.root(8));
        assertThat(plain.notes()).isEmpty();
        assertThat(plain.used()).isEqualTo(6L * 200 - (6L * 200) % 128);
    }
}
