package org.weightgames.game;

import java.util.Map;
import java.util.TreeMap;

import org.weightgames.data.Dataset;
import org.weightgames.core.WgException;

/**
 * The adversary's own labelled data in a usage-control game (a fraction of the training split,
 * drawn by the challenger) with its compute budget: at most {@code epochs} passes, counted in
 * examples read through {@link #rows}. Reading past the budget is refused.
 */
public final class AuxiliaryData {
    private final int size;
    private final java.util.function.Function<int[], Dataset> source;
    private final int epochs;
    private long used;
    private final Map<String, Double> notes = new TreeMap<>();

    public AuxiliaryData(Dataset data, int epochs) {
        this(data == null ? 0 : data.size(), epochs, data == null ? idx -> {
            throw new WgException("the adversary holds no auxiliary data");
        } : data::rows);
    }

    /** Data held elsewhere (an isolated adversary's process reaches it over the pipe); the budget is counted here. */
    public AuxiliaryData(int size, int epochs, java.util.function.Function<int[], Dataset> source) {
        this.size = size;
        this.epochs = epochs;
        this.source = source;
    }

    /** Examples held (0 when the adversary has no data). */
    public int size() {
        return size;
    }

    public int epochs() {
        return epochs;
    }

    /** Examples that may still be read. */
    public synchronized long remaining() {
        return (long) epochs * size() - used;
    }

    /** The rows idx of the auxiliary data, counted against the budget. */
    public synchronized Dataset rows(int[] idx) {
        if (idx.length > remaining()) {
            throw new WgException("auxiliary data budget exhausted: " + epochs + " epochs of " + size() + " examples");
        }
        for (int i : idx) {
            if (i < 0 || i >= size) {
                throw new WgException("auxiliary data row " + i + " does not exist (it holds " + size + ")");
            }
        }
        used += idx.length;
        return source.apply(idx);
    }

    public synchronized long used() {
        return used;
    }

    /** Records a choice the adversary made with this data (a tuned learning rate, say); the game reports it as a measure. */
    public synchronized void note(String name, double value) {
        notes.put(name, value);
    }

    /** What the adversary recorded with {@link #note}, by name. */
    public synchronized Map<String, Double> notes() {
        return new TreeMap<>(notes);
    }
}
