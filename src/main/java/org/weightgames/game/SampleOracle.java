package org.weightgames.game;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.data.Dataset;
import org.weightgames.core.Coins;

/**
 * Draws inputs from the data distribution the released model serves (the public part of the
 * challenger's data, never its calibration or test inputs), counted against a budget. Draws use
 * the coins of the party asking, so they are reproducible.
 */
public final class SampleOracle {
    /** Where draws come from: the data itself, or (in an isolated adversary's process) a pipe to it. */
    public interface Source {
        INDArray draw(int n, Coins coins);
    }

    private final QueryOracle counter;
    private final Source source;

    public SampleOracle(Dataset pool, long budget) {
        this(budget, (n, coins) -> pool.rows(coins.sample(pool.size(), Math.min(n, pool.size()))).features());
    }

    /** An oracle over any source; the budget is counted here. */
    public SampleOracle(long budget, Source source) {
        this.source = source;
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
        return counter.query(source.draw(n, coins));
    }
}
