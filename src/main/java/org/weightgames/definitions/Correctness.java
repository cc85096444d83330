package org.weightgames.definitions;

import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Params;
import org.weightgames.game.Adversary;
import org.weightgames.game.AuthorisedUser;
import org.weightgames.game.Component;
import org.weightgames.game.Contract;
import org.weightgames.game.Definition;
import org.weightgames.game.Outcome;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;
import org.weightgames.game.UserChallenge;
import org.weightgames.model.Network;

/**
 * {@code correct}, the scheme's correctness for its legitimate user (definitions/correct.md). The
 * challenger draws and releases an original; the authorised user answers with the network it
 * runs (Infer(art), restored with the key where the scheme has one); on fresh inputs the game
 * measures its relative output error, top-class agreement with the original and cost. A trial is
 * a <em>correctness failure</em> (counted where the other games count wins) when the error
 * exceeds {@code epsilon} (1e-3) or the agreement is below {@code min-agreement} (0.99): the
 * advantage column is the correctness error Pr[failure], which a scheme's claim bounds.
 * Challenger measures add what the scheme counts of its release ({@code Scheme#releaseMeasures}).
 */
public final class Correctness extends Component implements Definition {
    private double epsilon;
    private double minAgreement;
    private Challenger challenger;

    public Correctness() {
        super("correct", "correctness: the authorised user's Infer(art) matches the original on fresh inputs (failures counted)");
    }

    @Override
    public void init(Params params) {
        epsilon = params.getDouble("epsilon", 1e-3, 0, 1e6);
        minAgreement = params.getDouble("min-agreement", 0.99, 0, 1);
        challenger = new Challenger(params);
        params.checkAllUsed();
    }

    @Override
    public Contract<AuthorisedUser, UserChallenge, Network> contract() {
        return AuthorisedUser.CONTRACT;
    }

    @Override
    public boolean isolates() {
        return false;
    }

    @Override
    public TrialRecord play(TrialContext ctx, List<Adversary> players) {
        Challenger.Drawn d = challenger.draw(ctx, ctx.challengerCoins());
        ctx.scheme().releaseMeasures(d.release.artifact()).forEach((k, v) -> d.measures.put("release_" + k, v));
        return challenger.playEach(ctx, d, players, contract(),
                () -> new UserChallenge(d.release, ctx.scheme(), ctx.family().architecture()),
                (player, ch, model) -> judge(player, model, d), ch -> nanMeasures());
    }

    private static Map<String, Double> nanMeasures() {
        return Challenger.nanFidelity("worst_row_error", "accuracy");
    }

    private Outcome judge(String player, Network m, Challenger.Drawn d) {
        if (!Challenger.comparable(m, d)) {
            return Outcome.failed(player + " answered no model of the original's input and output sizes", nanMeasures());
        }
        INDArray out = m.forward(d.freshInputs);
        Map<String, Double> measures = Challenger.fidelity(m, out, d);
        measures.put("worst_row_error", worstRow(out, d.originalOutputs));
        measures.put("accuracy", Network.accuracyOfLogits(out, d.freshLabels));
        double err = measures.get("relative_error");
        boolean correct = Double.isFinite(err) && err <= epsilon && measures.get("agreement") >= minAgreement;
        return new Outcome(!correct, measures, null);
    }

    /** The largest per-input relative error ||out_i - f(x_i)|| / ||f(x_i)|| (infinite where not finite). */
    static double worstRow(INDArray out, INDArray expected) {
        INDArray e = expected.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        double[] num = out.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(e).norm2(1).toDoubleVector();
        double[] den = e.norm2(1).toDoubleVector();
        double worst = 0;
        for (int i = 0; i < num.length; i++) {
            double r = den[i] > 0 ? num[i] / den[i] : num[i];
            if (!Double.isFinite(r)) {
                return Double.POSITIVE_INFINITY;
            }
            worst = Math.max(worst, r);
        }
        return worst;
    }
}
