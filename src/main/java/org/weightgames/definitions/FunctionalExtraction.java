package org.weightgames.definitions;

import java.util.List;
import java.util.Map;

import org.weightgames.game.Component;
import org.weightgames.game.Adversary;
import org.weightgames.game.Contract;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.FunctionExtractor;
import org.weightgames.game.Definition;
import org.weightgames.game.Outcome;
import org.weightgames.core.Params;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;
import org.weightgames.model.Network;

/**
 * {@code ext-f}, functional extraction (definitions/ext-f.md). The adversary outputs a runnable
 * model; it wins when, on fresh test inputs, its outputs match the original's to relative error
 * at most {@code epsilon} (1e-3) and it costs no more than the original per inference, cost being
 * the multiply-accumulates of its matrix products ({@code cost-slack} allows a factor above 1).
 * Measures: output error, top-1 agreement, cost ratio, elementwise-work ratio.
 */
public final class FunctionalExtraction extends Component implements Definition {
    private double epsilon;
    private double costSlack;
    private Challenger challenger;

    public FunctionalExtraction() {
        super("ext-f", "functional extraction: a model matching the original within epsilon at no more than its cost");
    }

    @Override
    public void init(Params params) {
        epsilon = params.getDouble("epsilon", 1e-3, 0, 1e6);
        costSlack = params.getDouble("cost-slack", 1.0, 1.0, 1e6);
        challenger = new Challenger(params);
        params.checkAllUsed();
    }

    @Override
    public Contract<FunctionExtractor, ExtractionChallenge, Network> contract() {
        return FunctionExtractor.CONTRACT;
    }

    @Override
    public TrialRecord play(TrialContext ctx, List<Adversary> adversaries) {
        Challenger.Drawn d = challenger.draw(ctx, ctx.challengerCoins());
        return challenger.playEach(ctx, d, adversaries, contract(), () -> challenger.challenge(ctx, d.release),
                (adversary, ch, model) -> judge(adversary, model, d), ch -> Challenger.nanFidelity());
    }

    private Outcome judge(String adversary, Network m, Challenger.Drawn d) {
        if (!Challenger.comparable(m, d)) {
            return Outcome.failed(adversary + " answered a model with the wrong input or output size", Challenger.nanFidelity());
        }
        Map<String, Double> measures = Challenger.fidelity(m, m.forward(d.freshInputs), d);
        double err = measures.get("relative_error");
        boolean won = Double.isFinite(err) && err <= epsilon && measures.get("cost_ratio") <= costSlack;
        return new Outcome(won, measures, null);
    }
}
