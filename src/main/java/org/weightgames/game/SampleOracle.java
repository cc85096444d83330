package org.weightgames.game;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.Dataset;

/**
 * Draws inputs from the data distribution the released model serves (the public part of the
 * challenger's data, never its calibration or test inputs), counted against a budget. Draws use
 * the coins of the party asking, so they are reproducible.
 */
public final class SampleOracle {
    private final QueryOracle counter;
    private final Dataset pool;

    public SampleOracle(Dataset pool, long budget) {
        this.pool = pool;
        this.counter = new QueryOracle("samples", budget, q -> q);
    }

    public long remaining() {
        return counter.remaining();
    }

    public long budget() {
        return counter.budget();
    }

    /** n inputs drawn without replacement from the public pool. */
    public INDArray draw(int n, Coins coins) {
        int[] idx = coins.sample(pool.size(), Math.min(n, pool.size()));
        return counter.query(pool.rows(idx).features());
    }
}
