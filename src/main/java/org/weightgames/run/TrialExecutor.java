package org.weightgames.run;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where an audit's trials are played: the seam between the driver, which plans the audit, journals
 * and summarises, and the engine that plays its trials. The driver hands an executor the pending
 * trials of one game; the executor plays each (anywhere: threads of this JVM, Spark's executors)
 * and hands back each finished trial's record as canonical JSON ({@link TrialRecords#json}), in
 * any order, one call of {@code finished} at a time. Every trial depends on the run seed, its game
 * and its index only, and the driver sorts the records by index before it summarises them, so
 * where and in which order trials ran never changes the report.
 */
public interface TrialExecutor extends AutoCloseable {
    /** A short name for the progress lines, e.g. {@code threads(2)} or {@code spark(local[2])}. */
    String name();

    /**
     * Plays trials {@code pending} of the game (indices into the game's trials, coins from
     * {@code Seeds.game(seed, spec)}), calling {@code finished} with each record's canonical JSON as
     * it ends; returns when all have ended. A trial's failure is rethrown (a {@code WgException} as it was).
     */
    void play(GameSpec spec, long seed, List<Integer> pending, Consumer<String> finished);

    @Override
    default void close() {
    }
}
