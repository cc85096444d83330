package org.weightgames.game;

import org.weightgames.data.Dataset;

/**
 * The adversary's own labelled data in a usage-control game (a fraction of the training split,
 * drawn by the challenger) with its compute budget: at most {@code epochs} passes, counted in
 * examples read through {@link #rows}. Reading past the budget is refused.
 */
public final class AuxiliaryData {
    private final Dataset data;
    private final int epochs;
    private long used;

    public AuxiliaryData(Dataset data, int epochs) {
        this.data = data;
        this.epochs = epochs;
    }

    /** Examples held (0 when the adversary has no data). */
    public int size() {
        return data == null ? 0 : data.size();
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
        used += idx.length;
        return data.rows(idx);
    }

    public synchronized long used() {
        return used;
    }
}
