package org.weightgames.game;

import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.weightgames.core.WgException;

/**
 * An oracle handed to an adversary: answers batches of queries (one row each) and counts them
 * against a budget. A batch that would pass the budget is refused whole with
 * {@link BudgetExhaustedException}; nothing of it is answered.
 */
public final class QueryOracle {
    private final String name;
    private final Function<INDArray, INDArray> answer;
    private final long budget;
    private long used;

    public QueryOracle(String name, long budget, Function<INDArray, INDArray> answer) {
        if (budget <= 0) {
            throw new WgException("oracle '" + name + "': the query budget must be positive, got " + budget
                    + "; give a budget of at least 1");
        }
        this.name = name;
        this.budget = budget;
        this.answer = answer;
    }

    public String name() {
        return name;
    }

    public long budget() {
        return budget;
    }

    public synchronized long used() {
        return used;
    }

    public synchronized long remaining() {
        return budget - used;
    }

    /** Answers each row of {@code queries}; the rows count against the budget. */
    public INDArray query(INDArray queries) {
        long n = queries.rows();
        synchronized (this) {
            if (n > budget - used) {
                throw new BudgetExhaustedException(name, budget, used, n);
            }
            used += n;
        }
        return answer.apply(queries.dup());
    }

    /** Thrown when an adversary asks more than its budget allows. */
    public static final class BudgetExhaustedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExhaustedException(String name, long budget, long used, long asked) {
            super("oracle '" + name + "' budget exhausted: asked " + asked + " queries with " + (budget - used)
                    + " of " + budget + " left");
        }
    }
}
