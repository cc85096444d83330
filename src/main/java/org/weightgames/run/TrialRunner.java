package org.weightgames.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;

/**
 * Plays independent trials of a game on a pool of threads. Each trial builds its own scheme,
 * definition, adversaries and model family and draws all coins from
 * {@code coins(seed)/trial/<index>}, so its outcome depends on the seed and the index only, never
 * on the thread count or the order in which trials finish.
 */
public final class TrialRunner {
    private final int threads;

    public TrialRunner(int threads) {
        if (threads < 1) {
            throw new WgException("--threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    /** Plays trials {@code from} (inclusive) to {@code to} (exclusive); progress gets the count done. */
    public List<TrialRecord> run(GameSpec spec, long seed, int from, int to, IntConsumer progress) {
        return run(spec, seed, from, to, progress, TrialJournal.NONE);
    }

    /**
     * As {@link #run(GameSpec, long, int, int, IntConsumer)}, taking trials the journal already
     * holds from it and recording every trial played in it.
     */
    public List<TrialRecord> run(GameSpec spec, long seed, int from, int to, IntConsumer progress, TrialJournal journal) {
        Coins gameCoins = Seeds.game(seed, spec);
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, to - from)), r -> {
            Thread t = new Thread(r, "wg-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<TrialRecord>> futures = new ArrayList<>();
            for (int t = from; t < to; t++) {
                final int index = t;
                TrialRecord known = journal.get(spec.label(), index);
                if (known != null) {
                    futures.add(java.util.concurrent.CompletableFuture.completedFuture(known));
                    progress.accept(done.incrementAndGet());
                    continue;
                }
                futures.add(pool.submit(() -> {
                    TrialRecord r = play(spec, gameCoins, index);
                    journal.put(spec.label(), r);
                    progress.accept(done.incrementAndGet());
                    return r;
                }));
            }
            List<TrialRecord> out = new ArrayList<>();
            for (Future<TrialRecord> f : futures) {
                out.add(get(f));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One trial, alone: what replaying trial {@code index} of a run computes. */
    public static TrialRecord play(GameSpec spec, Coins gameCoins, int index) {
        TrialContext ctx = new TrialContext(index, spec.newScheme(), spec.newFamily(), spec.data(),
                gameCoins.derive("trial/" + index));
        return spec.newDefinition().play(ctx, spec.newAdversaries());
    }

    /** A finished future's value; its task's unchecked exception is rethrown as it was thrown. */
    static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException(c);
        }
    }
}
