package org.weightgames.definitions;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.game.Component;
import org.weightgames.game.Adversary;
import org.weightgames.game.Contract;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.WeightExtractor;
import org.weightgames.game.Definition;
import org.weightgames.game.Outcome;
import org.weightgames.core.Params;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;
import org.weightgames.core.Nd;
import org.weightgames.model.UnitMatching;

/**
 * {@code ext-w}, weight extraction (definitions/ext-w.md). The adversary outputs values for the
 * parameters the scheme claims to protect; it wins when their joint relative error
 * ||theta' - theta|| / ||theta|| is at most {@code epsilon} (1e-3). Measures: that error and the
 * largest per-tensor error. {@code judge}: {@code match} (default) first puts the answer's hidden
 * units in the truth's order ({@link UnitMatching}: a release that publishes the weights in another
 * order is not safe), {@code position} compares tensors position by position.
 */
public final class WeightExtraction extends Component implements Definition {
    public WeightExtraction() {
        super("ext-w", "weight extraction: recover the protected parameters to relative error <= epsilon");
    }

    /** The default epsilon. */
    public static final double EPSILON = 1e-3;

    private double epsilon;
    private boolean matching;
    private Challenger challenger;

    @Override
    public void init(Params params) {
        epsilon = params.getDouble("epsilon", EPSILON, 0, 1e6);
        matching = params.getString("judge", "match", Set.of("match", "position")).equals("match");
        challenger = new Challenger(params);
        params.checkAllUsed();
    }

    @Override
    public Contract<WeightExtractor, ExtractionChallenge, Map<String, INDArray>> contract() {
        return WeightExtractor.CONTRACT;
    }

    @Override
    public TrialRecord play(TrialContext ctx, List<Adversary> adversaries) {
        Challenger.Drawn d = challenger.draw(ctx, ctx.challengerCoins());
        Map<String, INDArray> truth = d.release.secret().protectedParameters();
        long all = d.original.parameters().values().stream().mapToLong(INDArray::length).sum();
        List<UnitMatching.Group> groups = matching ? UnitMatching.groups(d.original) : List.of();
        return challenger.playEach(ctx, d, adversaries, contract(), () -> challenger.challenge(ctx, d.release),
                (adversary, ch, guess) -> counted(judge(adversary, guess, truth, groups), truth, all), ch -> nanMeasures());
    }

    /** Entry-wise tolerance of "recovered": within 1% of the true value (the public TaylorAttack reproduction's criterion). */
    public static final double RECOVERED_WITHIN = 0.01;

    /**
     * The outcome with what was protected counted: {@code protected_parameters} (the entries of the
     * secret), {@code clear_parameters} (the original's other parameters, which the release ships as
     * they are or up to a public transformation); {@code protected_recovered_share} (entries within
     * {@link #RECOVERED_WITHIN} of their value) is set by {@link #judge}.
     */
    private static Outcome counted(Outcome o, Map<String, INDArray> truth, long all) {
        long prot = truth.values().stream().mapToLong(INDArray::length).sum();
        Map<String, Double> m = new TreeMap<>(o.measures());
        m.put("protected_parameters", (double) prot);
        m.put("clear_parameters", (double) Math.max(0, all - prot));
        return new Outcome(o.won(), m, o.failure());
    }

    private static Map<String, Double> nanMeasures() {
        Map<String, Double> m = new TreeMap<>();
        m.put("relative_error", Double.NaN);
        m.put("max_tensor_error", Double.NaN);
        m.put("protected_recovered_share", Double.NaN);
        return m;
    }

    /**
     * The error of {@code guess} after the matching judge has put its hidden units in the truth's
     * order ({@code groups} empty: the positional judge); {@code judge_units_moved} counts the units
     * it moved.
     */
    Outcome judge(String adversary, Map<String, INDArray> guess, Map<String, INDArray> truth, List<UnitMatching.Group> groups) {
        Outcome refused = refusal(adversary, guess, truth);
        if (refused != null) {
            return refused;
        }
        int moved = 0;
        if (!groups.isEmpty()) {
            UnitMatching.Aligned a = UnitMatching.align(truth, guess, groups);
            guess = a.tensors();
            moved = a.moved();
        }
        double num = 0;
        double den = 0;
        double worst = 0;
        long within = 0;
        long entries = 0;
        for (Map.Entry<String, INDArray> e : truth.entrySet()) {
            INDArray g = guess.get(e.getKey());
            double[] gv = g.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] tv = e.getValue().castTo(DataType.DOUBLE).dup('c').data().asDouble();
            for (int i = 0; i < tv.length; i++) {
                within += Math.abs(gv[i] - tv[i]) <= RECOVERED_WITHIN * Math.abs(tv[i]) ? 1 : 0;
            }
            entries += tv.length;
            double diff = Nd.norm(g.sub(e.getValue()));
            double size = Nd.norm(e.getValue());
            num += diff * diff;
            den += size * size;
            worst = Math.max(worst, size > 0 ? diff / size : diff);
        }
        double rel = relativeError(num, den);
        Map<String, Double> m = new TreeMap<>();
        m.put("relative_error", rel);
        m.put("max_tensor_error", worst);
        m.put("protected_recovered_share", entries == 0 ? Double.NaN : (double) within / entries);
        if (!groups.isEmpty()) {
            m.put("judge_units_moved", (double) moved);
        }
        return new Outcome(wins(rel, epsilon), m, null);
    }

    /** The lost trial of an answer that cannot be judged (a tensor missing, of the wrong shape or not finite), or null. */
    private static Outcome refusal(String adversary, Map<String, INDArray> guess, Map<String, INDArray> truth) {
        for (Map.Entry<String, INDArray> e : truth.entrySet()) {
            INDArray g = guess == null ? null : guess.get(e.getKey());
            if (g == null || !Arrays.equals(g.shape(), e.getValue().shape())) {
                return Outcome.failed(adversary + " answered no " + Arrays.toString(e.getValue().shape())
                        + " tensor for " + e.getKey(), nanMeasures());
            }
            if (!Nd.finite(g)) {
                return Outcome.failed(adversary + " answered NaN or infinite values for " + e.getKey(), nanMeasures());
            }
        }
        return null;
    }

    /**
     * ext-w's measure from the summed squares of the differences and of the true values:
     * ||theta' - theta|| / ||theta|| (the absolute error where the truth is zero).
     */
    public static double relativeError(double squaredDifference, double squaredTruth) {
        return squaredTruth > 0 ? Math.sqrt(squaredDifference / squaredTruth) : Math.sqrt(squaredDifference);
    }

    /** ext-w's rule: the adversary wins when its relative error is at most epsilon (never when it is NaN). */
    public static boolean wins(double relativeError, double epsilon) {
        return relativeError <= epsilon;
    }
}
