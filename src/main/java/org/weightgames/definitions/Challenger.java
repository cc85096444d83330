package org.weightgames.definitions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.Dataset;
import org.weightgames.game.Adversary;
import org.weightgames.game.Challenge;
import org.weightgames.game.Contract;
import org.weightgames.game.SecretShapes;
import org.weightgames.core.Coins;
import org.weightgames.game.ExtractionChallenge;
import org.weightgames.game.Hosted;
import org.weightgames.game.QueryOracle;
import org.weightgames.game.Outcome;
import org.weightgames.core.Params;
import org.weightgames.game.Release;
import org.weightgames.game.SampleOracle;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;
import org.weightgames.core.WgException;
import org.weightgames.core.Nd;
import org.weightgames.model.Network;

/**
 * The challenger's side shared by the games: draw an original from the family, release it with
 * the scheme on a calibration sample, measure how faithful the release is, and build the public
 * challenge. Parameters common to every game: {@code calibration} rows for the scheme (512),
 * {@code fresh} test rows for judging (1000), {@code samples} budget of the adversary's sample
 * oracle (1000), {@code queries} budget of the query API of hosted schemes (1000).
 */
final class Challenger {
    final int calibration;
    final int fresh;
    final int samples;
    final int queries;

    Challenger(Params params) {
        this(params, 1000);
    }

    /** With a game's own default for {@code fresh} test rows. */
    Challenger(Params params, int defaultFresh) {
        this.calibration = params.getInt("calibration", 512, 1, 1_000_000);
        this.fresh = params.getInt("fresh", defaultFresh, 1, 1_000_000);
        this.samples = params.getInt("samples", 1000, 1, 1_000_000_000);
        this.queries = params.getInt("queries", 1000, 1, 1_000_000_000);
    }

    /** A drawn original and its release. */
    static final class Drawn {
        final Network original;
        final Release release;
        final INDArray freshInputs;
        int[] freshLabels;
        INDArray releasedOutputs;
        final INDArray originalOutputs;
        final Map<String, Double> measures = new LinkedHashMap<>();

        Drawn(Network original, Release release, INDArray freshInputs, INDArray originalOutputs) {
            this.original = original;
            this.release = release;
            this.freshInputs = freshInputs;
            this.originalOutputs = originalOutputs;
        }
    }

    Drawn draw(TrialContext ctx, Coins coins) {
        Network original = ctx.family().sample(ctx.data(), coins.derive("model"));
        if (!Nd.finite(Nd.vector(flatten(original)))) {
            throw new WgException("training the original diverged (NaN or infinite weights) in trial " + ctx.index()
                    + "; lower model.lr or model.steps");
        }
        Dataset train = ctx.data().train();
        Dataset calib = train.rows(coins.derive("calibration").sample(train.size(), Math.min(calibration, train.size())));
        Release release = ctx.scheme().release(original, calib, coins.derive("release"));
        SecretShapes.check(ctx.scheme().id(), release.secret(), original);
        Dataset test = ctx.data().test();
        Dataset freshRows = test.rows(coins.derive("fresh").sample(test.size(), Math.min(fresh, test.size())));
        INDArray expected = original.forward(freshRows.features());
        Drawn d = new Drawn(original, release, freshRows.features(), expected);
        d.freshLabels = freshRows.labels();
        Network releasedModel = ctx.scheme() instanceof Hosted ? ((Hosted) ctx.scheme()).hostedModel(release)
                : ctx.scheme().inference(release.artifact());
        INDArray released = releasedModel.forward(freshRows.features());
        d.releasedOutputs = released;
        d.measures.put("release_error", Nd.relativeError(released, expected));
        d.measures.put("original_accuracy", Network.accuracyOfLogits(expected, freshRows.labels()));
        return d;
    }

    /** How a game judges an adversary's answer to its challenge; it may throw to fail the answer. */
    @FunctionalInterface
    interface Judge<C, R> {
        Outcome judge(String adversary, C challenge, R answer);
    }

    /**
     * The challenger's loop over the adversaries: each gets its own challenge from
     * {@code challenge} (fresh oracles and budgets) and its own coins, plays its turn by the game's
     * {@code contract}, and its answer is judged. An adversary that throws, or whose answer the
     * judge refuses by throwing, has lost the trial, recorded with the reason and
     * {@code failedMeasures} of its challenge (null when the challenge could not be built).
     */
    <C extends Challenge, R> TrialRecord playEach(TrialContext ctx, Drawn d, List<Adversary> adversaries,
            Contract<?, C, R> contract, Supplier<C> challenge, Judge<C, R> judge,
            Function<C, Map<String, Double>> failedMeasures) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Adversary a : adversaries) {
            C ch = null;
            try {
                ch = challenge.get();
                outcomes.add(judge.judge(a.id(), ch, contract.play(a, ch, ctx.adversaryCoins(a.id()))));
            } catch (RuntimeException e) {
                outcomes.add(Outcome.failed(failure(a.id(), e), failedMeasures.apply(ch)));
            }
        }
        return new TrialRecord(ctx.index(), List.of(d.release.artifact().sha256()), d.measures, outcomes);
    }

    ExtractionChallenge challenge(TrialContext ctx, Release release) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        release.secret().protectedParameters().forEach((k, v) -> shapes.put(k, v.shape()));
        QueryOracle api = null;
        if (ctx.scheme() instanceof Hosted) {
            Network hosted = ((Hosted) ctx.scheme()).hostedModel(release);
            api = new QueryOracle("api", queries, q -> hosted.forward(q));
        }
        return new ExtractionChallenge(release.artifact(), ctx.scheme(), ctx.family().architecture(), shapes,
                new SampleOracle(ctx.data().train(), samples), api, ctx.family().publicBase(ctx.data()).orElse(null));
    }

    /** Whether an answered model can be compared with the original: present, with its input and output sizes. */
    static boolean comparable(Network m, Drawn d) {
        return m != null && m.inputSize() == d.original.inputSize() && m.outputSize() == d.original.outputSize();
    }

    /** The measures every model answer gets ({@link #FIDELITY}), NaN where the answer could not be measured. */
    static Map<String, Double> nanFidelity(String... more) {
        Map<String, Double> m = new TreeMap<>();
        for (String k : FIDELITY) {
            m.put(k, Double.NaN);
        }
        for (String k : more) {
            m.put(k, Double.NaN);
        }
        return m;
    }

    /** The names of {@link #fidelity}'s measures. */
    static final String[] FIDELITY = {"relative_error", "agreement", "cost_ratio", "elementwise_ratio"};

    /**
     * How a model {@code m}, whose outputs on the fresh inputs are {@code out}, compares with the
     * original: relative output error (infinite where not finite), top-1 agreement, and the ratios
     * of multiply-accumulates and of elementwise work.
     */
    static Map<String, Double> fidelity(Network m, INDArray out, Drawn d) {
        double err = Nd.relativeError(out, d.originalOutputs);
        Map<String, Double> measures = new TreeMap<>();
        measures.put("relative_error", Double.isFinite(err) ? err : Double.POSITIVE_INFINITY);
        measures.put("agreement", Network.accuracyOfLogits(out, d.originalOutputs.argMax(1).toIntVector()));
        measures.put("cost_ratio", (double) m.macs() / d.original.macs());
        measures.put("elementwise_ratio", (double) m.elementwiseOps() / d.original.elementwiseOps());
        return measures;
    }

    private static double[] flatten(Network n) {
        return n.parameters().values().stream().flatMapToDouble(a -> java.util.Arrays.stream(a.dup().data().asDouble()))
                .toArray();
    }

    static String failure(String adversary, Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return adversary + " failed: " + msg;
    }
}
