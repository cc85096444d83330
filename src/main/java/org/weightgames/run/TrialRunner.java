package org.weightgames.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.weightgames.core.Coins;
import org.weightgames.core.WgException;
import org.weightgames.game.TrialContext;
import org.weightgames.game.TrialRecord;

/**
 * Plays independent trials of a game on a pool of threads, the default {@link TrialExecutor}. Each
 * trial builds its own scheme, definition, adversaries and model family and draws all coins from
 * {@code coins(seed)/trial/<index>}, so its outcome depends on the seed and the index only, never
 * on the thread count or the order in which trials finish.
 */
public final class TrialRunner implements TrialExecutor {
    private final int threads;

    public TrialRunner(int threads) {
        if (threads < 1) {
            throw new WgException("--threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public String name() {
        return "threads(" + threads + ")";
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
        return run(this, spec, seed, range(from, to), progress, journal);
    }

    /** The indices {@code from} (inclusive) to {@code to} (exclusive). */
    static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int t = from; t < to; t++) {
            out.add(t);
        }
        return out;
    }

    /**
     * The driver's side of the seam: trials {@code indices} of the game, those the journal holds
     * taken from it, the rest played by {@code executor} and journaled as they arrive (only the
     * driver writes the journal); the records sorted by index.
     */
    public static List<TrialRecord> run(TrialExecutor executor, GameSpec spec, long seed, List<Integer> indices, IntConsumer progress,
            TrialJournal journal) {
        Map<Integer, TrialRecord> out = new TreeMap<>();
        List<Integer> pending = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (int index : indices) {
            TrialRecord known = journal.get(spec.label(), index);
            if (known != null) {
                out.put(index, known);
                progress.accept(done.incrementAndGet());
            } else {
                pending.add(index);
            }
        }
        if (!pending.isEmpty()) {
            executor.play(spec, seed, pending, json -> {
                TrialRecord r = TrialRecords.parse(json);
                synchronized (out) {
                    if (!pending.contains(r.index()) || out.containsKey(r.index())) {
                        throw new IllegalStateException(executor.name() + " returned trial " + r.index() + " of " + spec.label()
                                + ", which was not pending");
                    }
                    journal.put(spec.label(), r);
                    out.put(r.index(), r);
                }
                progress.accept(done.incrementAndGet());
            });
        }
        if (out.size() != indices.size()) {
            throw new IllegalStateException(executor.name() + " ended without playing every pending trial of " + spec.label());
        }
        return new ArrayList<>(out.values());
    }

    @Override
    public void play(GameSpec spec, long seed, List<Integer> pending, Consumer<String> finished) {
        Coins gameCoins = Seeds.game(seed, spec);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, pending.size())), r -> {
            Thread t = new Thread(r, "wg-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int index : pending) {
                futures.add(pool.submit(() -> {
                    String json = TrialRecords.json(play(spec, gameCoins, index));
                    synchronized (finished) {
                        finished.accept(json);
                    }
                }));
            }
            for (Future<?> f : futures) {
                get(f);
            }
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
