package org.weightgames.definitions;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.Component;
import org.weightgames.data.Dataset;
import org.weightgames.game.Adversary;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.core.Coins;
import org.weightgames.game.Contract;
import org.weightgames.game.Definition;
import org.weightgames.game.KeylessUser;
import org.weightgames.game.Outcome;
import org.weightgames.core.Params;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;
import org.weightgames.game.UsageChallenge;
import org.weightgames.game.UsageControl;
import org.weightgames.core.WgException;
import org.weightgames.model.BatchNorm;
import org.weightgames.model.Network;

/**
 * {@code uc}, unauthorised usage (definitions/uc.md). The challenger draws an original f*, locks it
 * with the scheme, and gives the adversary the locked artifact, a fraction {@code data-fraction}
 * (0.05) of the training split and a budget of {@code epochs} ({@link #EPOCHS}) passes over it, every
 * example read counted (an adversary's tuning included). The adversary
 * outputs a model and wins when its test accuracy is at least acc(f*) - {@code delta} (0.02).
 * With {@code min-utility} u given, it wins instead when it recovers at least that share of the
 * utility, (acc(f') - acc(f^0)) / (acc(f*) - acc(f^0)) >= u: the game of the lock itself, "f^alpha is
 * close to f^0", whereas the default asks for the original's utility back.
 * Measures: its accuracy, the utility it recovered (acc(f') - acc(f^0)) / (acc(f*) - acc(f^0)) with
 * f^0 the random guesser (accuracy 1/classes), and the examples it read. The challenger records
 * the accuracies of f*, of the locked f^alpha and of the authorised restoration, and whether that
 * restoration is bit-exact. Judged on {@code fresh} (10000) test rows; the reference adversary is
 * {@code scratch}, which trains the architecture without the locked network.
 */
public final class UnauthorisedUse extends Component implements Definition {
    private double delta;
    private double minUtility;
    private double fraction;
    private int epochs;
    private Challenger challenger;

    /**
     * The default budget E: from scratch's learning curve on slim-mlp (synthetic, alpha 2%, p 5%,
     * tuned, 8 trials): median accuracy 0.30, 0.72, 0.84, 0.83, 0.83 and 0.84 at E = 10, 20, 30, 50,
     * 100 and 200; 30 is the smallest E after which more passes gain less than 0.01 (definitions/uc.md).
     */
    public static final int EPOCHS = 30;

    public UnauthorisedUse() {
        super("uc", "unauthorised usage: with the locked model, p of the training data and an epoch budget, reach acc(f*) - delta");
    }

    @Override
    public void init(Params params) {
        delta = params.getDouble("delta", 0.02, 0, 1);
        // read only when given, so that games without it record the parameters they always did
        minUtility = params.has("min-utility") ? params.getDouble("min-utility", 0.5, -1, 1) : Double.NaN;
        fraction = params.getDouble("data-fraction", 0.05, 0, 1);
        epochs = params.getInt("epochs", EPOCHS, 0, 10_000);
        challenger = new Challenger(params, 10_000);
        params.checkAllUsed();
    }

    @Override
    public String baseline() {
        return "scratch";
    }

    @Override
    public Contract<KeylessUser, UsageChallenge, Network> contract() {
        return KeylessUser.CONTRACT;
    }

    @Override
    public TrialRecord play(TrialContext ctx, List<Adversary> adversaries) {
        Coins coins = ctx.challengerCoins();
        Challenger.Drawn d = challenger.draw(ctx, coins);
        double accOriginal = d.measures.get("original_accuracy");
        double acc0 = 1.0 / ctx.data().train().classes();
        double accLocked = Network.accuracyOfLogits(d.releasedOutputs, d.freshLabels);
        d.measures.put("locked_accuracy", accLocked);
        d.measures.put("locked_utility", utility(accLocked, accOriginal, acc0));
        if (ctx.scheme() instanceof UsageControl) {
            ((UsageControl) ctx.scheme()).randomControl(d.original, coins.derive("random-control")).ifPresent(
                    control -> d.measures.put("random_locked_accuracy", control.accuracy(d.freshInputs, d.freshLabels)));
        }
        // what the scheme counts of its release (CoreLocker: units removed of the candidates; the official rule may remove none)
        ctx.scheme().releaseMeasures(d.release.artifact()).forEach((k, v) -> d.measures.put("release_" + k, v));
        double share = BatchNorm.topShare(d.original, 0.01);
        if (!Double.isNaN(share)) {
            d.measures.put("original_gamma_top1_share", share);
        }
        Optional<Network> restored = ctx.scheme().restore(d.release.artifact(), d.release.secret());
        if (restored.isPresent()) {
            boolean exact = sameState(restored.get(), d.original);
            // a bit-exact restoration is the original: its accuracy needs no second pass
            d.measures.put("restored_accuracy", exact ? accOriginal : restored.get().accuracy(d.freshInputs, d.freshLabels));
            d.measures.put("restored_exact", exact ? 1.0 : 0.0);
        }
        Dataset train = ctx.data().train();
        int n = (int) Math.round(fraction * train.size());
        Dataset aux = n == 0 ? null : train.rows(coins.derive("auxiliary").sample(train.size(), n));
        return challenger.playEach(ctx, d, adversaries, contract(),
                () -> new UsageChallenge(d.release.artifact(), ctx.scheme(), ctx.family().architecture(),
                        new AuxiliaryData(aux, epochs)),
                (adversary, ch, f) -> judge(f, ch, d, train.classes(), accOriginal, acc0), UnauthorisedUse::failedMeasures);
    }

    /** The answer's accuracy on the fresh rows; it wins at acc(f*) - delta or better. A model of the wrong shape fails. */
    private Outcome judge(Network f, UsageChallenge ch, Challenger.Drawn d, int classes, double accOriginal, double acc0) {
        if (f == null || f.inputSize() != d.freshInputs.columns() || f.outputSize() != classes) {
            throw new WgException("its model must map " + d.freshInputs.columns() + " features to " + classes + " logits");
        }
        double acc = f.accuracy(d.freshInputs, d.freshLabels);
        Map<String, Double> m = new TreeMap<>();
        m.put("accuracy", acc);
        m.put("utility_recovered", utility(acc, accOriginal, acc0));
        m.put("examples_read", (double) ch.data().used());
        m.putAll(ch.data().notes());
        boolean win = Double.isNaN(minUtility) ? acc >= accOriginal - delta : m.get("utility_recovered") >= minUtility;
        return new Outcome(win, m, null);
    }

    /** A lost turn's measures: no accuracy, and the examples it read before it failed. */
    private static Map<String, Double> failedMeasures(UsageChallenge ch) {
        Map<String, Double> m = new TreeMap<>();
        m.put("accuracy", Double.NaN);
        m.put("utility_recovered", Double.NaN);
        m.put("examples_read", ch == null ? 0.0 : (double) ch.data().used());
        return m;
    }

    static double utility(double acc, double accOriginal, double acc0) {
        double span = accOriginal - acc0;
        return span > 0 ? (acc - acc0) / span : Double.NaN;
    }

    /** Whether two networks hold the same tensors, bit for bit. */
    static boolean sameState(Network a, Network b) {
        Map<String, INDArray> x = a.state();
        Map<String, INDArray> y = b.state();
        if (!x.keySet().equals(y.keySet())) {
            return false;
        }
        for (String k : x.keySet()) {
            if (!Arrays.equals(x.get(k).shape(), y.get(k).shape())) {
                return false;
            }
            double[] u = x.get(k).dup('c').data().asDouble();
            double[] v = y.get(k).dup('c').data().asDouble();
            for (int i = 0; i < u.length; i++) {
                if (Double.doubleToRawLongBits(u[i]) != Double.doubleToRawLongBits(v[i])) {
                    return false;
                }
            }
        }
        return true;
    }
}
