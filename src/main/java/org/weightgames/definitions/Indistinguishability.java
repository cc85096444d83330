package org.weightgames.definitions;

import java.util.List;
import java.util.Map;

import org.weightgames.game.Component;
import org.weightgames.game.Adversary;
import org.weightgames.game.Contract;
import org.weightgames.game.Distinguisher;
import org.weightgames.core.Coins;
import org.weightgames.game.Definition;
import org.weightgames.game.DistinguishChallenge;
import org.weightgames.game.Outcome;
import org.weightgames.core.Params;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;
import org.weightgames.core.WgException;
import org.weightgames.model.Network;

/**
 * {@code ind}, indistinguishability (definitions/ind.md). The challenger draws two originals of
 * the same architecture, flips a secret bit b and releases model b; the adversary sees both
 * candidates and the release, and guesses b. Advantage |2 Pr[correct] - 1|.
 */
public final class Indistinguishability extends Component implements Definition {
    private Challenger challenger;

    public Indistinguishability() {
        super("ind", "indistinguishability: tell which of two known models of one architecture was released");
    }

    @Override
    public void init(Params params) {
        challenger = new Challenger(params);
        params.checkAllUsed();
    }

    @Override
    public boolean guessing() {
        return true;
    }

    @Override
    public Contract<Distinguisher, DistinguishChallenge, Integer> contract() {
        return Distinguisher.CONTRACT;
    }

    @Override
    public TrialRecord play(TrialContext ctx, List<Adversary> adversaries) {
        Coins coins = ctx.challengerCoins();
        if (!ctx.family().freshPerTrial()) {
            throw new WgException("ind draws two independent originals per trial, but the originals come from a pool or a"
                    + " fixed checkpoint (model.pool or --model): both would be the same network; set model.pool=0, or leave ind"
                    + " out of a checkpoint's audit");
        }
        Network other = ctx.family().sample(ctx.data(), coins.derive("candidate/other").derive("model"));
        int b = coins.derive("bit").nextBoolean() ? 1 : 0;
        Challenger.Drawn d = challenger.draw(ctx, coins.derive("candidate/released"));
        Network c0 = b == 0 ? d.original : other;
        Network c1 = b == 0 ? other : d.original;
        return challenger.playEach(ctx, d, adversaries, contract(),
                () -> new DistinguishChallenge(challenger.challenge(ctx, d.release), c0.copy(), c1.copy()),
                (adversary, ch, guess) -> new Outcome(guess == b, Map.of(), null), ch -> Map.of());
    }
}
