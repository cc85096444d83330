package org.weightgames.adversaries;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.Coins;
import org.weightgames.core.Params;
import org.weightgames.data.Dataset;
import org.weightgames.game.AuxiliaryData;
import org.weightgames.game.UsageChallenge;
import org.weightgames.model.Network;
import org.weightgames.model.Trainer;

/**
 * How the usage-control adversaries train on their auxiliary data, within the game's budget
 * (epochs x examples, every example read counted, the search included). One declaration for
 * {@code scratch}, {@code finetune}, {@code refill} and {@code key-recovery}, so that they are
 * compared on equal terms: the reference tunes exactly as the attacks do.
 *
 * <p>With {@code search} (true, the default) an adversary tunes as an honest attacker with the
 * same budget would, on its own data only: it holds out a fifth of its examples (never the test
 * rows, which it does not hold), trains one candidate per learning rate of the grid (Adam;
 * {@code default/10}, {@code default}, {@code 10 x default}) for a third of the budget between them,
 * keeps the candidate with the best held-out accuracy, and trains it on with the rest of the budget
 * in up to eight rounds at a cosine-annealed rate (from the chosen one to a hundredth of it), keeping the snapshot with the best held-out accuracy (the number of passes, chosen by early
 * stopping). Every held-out evaluation reads its rows through the budget too. It records its choice
 * with the auxiliary data ({@code tuned_lr}, {@code tuned_passes}, {@code validation_accuracy}), which
 * the game reports as measures. {@code --set <adversary>.lr=...} fixes the learning rate (no search
 * over it; passes are still chosen on the held-out fifth); {@code search=false} trains as before the
 * search existed: the whole budget on every example at {@code lr}. Too little data or budget for a
 * held-out fifth and one pass per candidate also trains that way.
 */
record AuxTraining(double lr, int batch, boolean search, boolean fixedLr) {
    /** The held-out share of the adversary's examples. */
    static final double HOLDOUT = 0.2;
    /** The fewest examples a search holds out from. */
    static final int MIN_SEARCH_ROWS = 20;
    /** The learning rates tried, as multiples of the adversary's default. */
    static final double[] GRID = {0.1, 1, 10};
    /** At most this many held-out evaluations after the search (the passes are grouped into rounds). */
    static final int ROUNDS = 8;

    /** Reads {@code lr}, {@code batch} and {@code search} from an adversary's parameters. */
    static AuxTraining from(Params params) {
        return from(params, 0.001);
    }

    /** As {@link #from(Params)} with another default learning rate (an adversary that trains few parameters from zero). */
    static AuxTraining from(Params params, double defaultLr) {
        boolean search = params.getBoolean("search", true);
        boolean fixed = !search || params.has("lr");
        // read only when fixed, so that a tuned adversary's provenance does not record a rate it did not use
        double lr = fixed ? params.getDouble("lr", defaultLr, 1e-7, 1) : defaultLr;
        return new AuxTraining(lr, params.getInt("batch", 128, 1, 1 << 16), search, fixed);
    }

    /** Trains {@code net} in place on the whole budget of the challenge's auxiliary data (no search); nothing when it is empty. */
    void spendAll(Network net, UsageChallenge ch, Coins coins, Map<String, INDArray> trainable) {
        AuxiliaryData data = ch.data();
        int n = data.size();
        if (n == 0 || data.epochs() == 0) {
            return;
        }
        int b = Math.min(batch, n);
        int steps = (int) Math.min(Integer.MAX_VALUE, data.remaining() / b);
        new Trainer(lr, b, steps, 0).train(net, n, data::rows, coins, trainable);
    }

    /** {@link #spend(Network, UsageChallenge, Coins, Map)} training every parameter. */
    Network spend(Network start, UsageChallenge ch, Coins coins) {
        return spend(start, ch, coins, null);
    }

    /**
     * The network this adversary makes of {@code start} with the challenge's data and budget,
     * training only the entries {@code trainable} marks (null: all): tuned as the class says, or
     * {@code start} trained in place on the whole budget when there is no search.
     */
    Network spend(Network start, UsageChallenge ch, Coins coins, Map<String, INDArray> trainable) {
        AuxiliaryData data = ch.data();
        int n = data.size();
        int held = (int) Math.round(n * HOLDOUT);
        int fit = n - held;
        double[] rates = fixedLr ? new double[] {lr} : new double[GRID.length];
        for (int i = 0; !fixedLr && i < GRID.length; i++) {
            // to six digits: the report then reads 0.01, not 0.010000000000000002
            rates[i] = Math.min(1, new BigDecimal(lr * GRID[i]).round(new MathContext(6)).doubleValue());
        }
        int b = Math.min(batch, Math.max(1, fit));
        long perCandidate = (long) fit + held;
        if (!search || n < MIN_SEARCH_ROWS || data.epochs() == 0 || data.remaining() < rates.length * perCandidate) {
            spendAll(start, ch, coins, trainable);
            return start;
        }
        int[] order = coins.derive("holdout").permutation(n);
        int[] fitIdx = Arrays.copyOfRange(order, held, n);
        int[] heldIdx = Arrays.copyOfRange(order, 0, held);
        Function<int[], Dataset> fitRows = idx -> {
            int[] mapped = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                mapped[i] = fitIdx[idx[i]];
            }
            return data.rows(mapped);
        };
        long onePass = fit;
        // the search: a third of the budget between the candidates, at least one pass each
        long searchPasses = Math.max(1, data.remaining() / 3 / rates.length / (onePass + held));
        Network best = null;
        double bestAcc = -1;
        double bestLr = Double.NaN;
        for (int i = 0; i < rates.length; i++) {
            Network candidate = start.copy();
            train(candidate, rates[i], b, searchPasses * onePass, fit, fitRows, coins.derive("search/" + i), trainable);
            double acc = accuracy(candidate, data, heldIdx);
            if (acc > bestAcc) {
                best = candidate;
                bestAcc = acc;
                bestLr = rates[i];
            }
        }
        long passes = searchPasses;
        long bestPasses = passes;
        Network current = best;
        long perRound = Math.max(1, data.remaining() / (onePass + held) / ROUNDS);
        long rounds = data.remaining() / (perRound * onePass + held);
        for (int round = 0; round < rounds && data.remaining() >= perRound * onePass + held; round++) {
            current = current.copy();
            // the rate anneals from the chosen one towards a hundredth of it (cosine), as a careful attacker would schedule it:
            // a short search favours large rates, which a longer run must bring down
            double rate = bestLr * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * round / rounds)));
            // the last round spends what the others leave, but for its held-out evaluation
            long examples = round == rounds - 1 ? data.remaining() - held : perRound * onePass;
            train(current, rate, b, examples, fit, fitRows, coins.derive("round/" + round), trainable);
            passes += round == rounds - 1 ? Math.max(1, Math.round((double) examples / onePass)) : perRound;
            double acc = accuracy(current, data, heldIdx);
            if (acc > bestAcc) {
                best = current;
                bestAcc = acc;
                bestPasses = passes;
            }
        }
        data.note("tuned_lr", bestLr);
        data.note("tuned_passes", bestPasses);
        data.note("validation_accuracy", bestAcc);
        return best;
    }

    private static void train(Network net, double lr, int b, long examples, int n, Function<int[], Dataset> rows, Coins coins,
            Map<String, INDArray> trainable) {
        int steps = (int) Math.min(Integer.MAX_VALUE, examples / b);
        if (steps > 0) {
            new Trainer(lr, b, steps, 0).train(net, n, rows, coins, trainable);
        }
    }

    /** Held-out accuracy, its rows read through the budget. */
    private static double accuracy(Network net, AuxiliaryData data, int[] heldIdx) {
        Dataset d = data.rows(heldIdx);
        return net.accuracy(d.features(), d.labels());
    }
}
