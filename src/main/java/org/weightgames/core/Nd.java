package org.weightgames.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J set-up and small helpers: every tensor in WeightGames is double precision. */
public final class Nd {
    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private Nd() {
    }

    /** Loads the backend and fixes double precision; safe to call many times. */
    public static void init() {
        // the static block does the work
    }

    public static INDArray matrix(double[] data, long rows, long cols) {
        init();
        return Nd4j.create(data, new long[] {rows, cols}, DataType.DOUBLE);
    }

    public static INDArray vector(double[] data) {
        init();
        return Nd4j.create(data, new long[] {data.length}, DataType.DOUBLE);
    }

    public static INDArray zeros(long... shape) {
        init();
        return Nd4j.zeros(DataType.DOUBLE, shape);
    }

    public static INDArray ones(long... shape) {
        init();
        return Nd4j.ones(DataType.DOUBLE, shape);
    }

    private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
            .initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyMirroring(MirroringPolicy.FULL).policySpill(SpillPolicy.REALLOCATE).build();

    /**
     * A workspace, opened on this thread, in which every array allocated until it is closed lives
     * and is released in bulk at the close: for a loop body whose temporaries are all dropped at the
     * end of an iteration (a training step, an objective's evaluation). Without it ND4J allocates
     * and frees native memory for each temporary, and frees it only once the collector finds it.
     * Nothing allocated inside may be used after the close; copy results out first.
     */
    public static MemoryWorkspace scratch(String id) {
        init();
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, id);
    }

    /** Row-major copy of a matrix as rows of Java arrays, in one read (INDArray.toDoubleMatrix reads row by row). */
    public static double[][] rows(INDArray m) {
        int r = (int) m.rows();
        int c = (int) m.columns();
        double[] flat = m.dup('c').data().asDouble();
        double[][] out = new double[r][];
        for (int i = 0; i < r; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
        return out;
    }

    /** The row-wise maximum as a column vector [n, 1]. */
    public static INDArray rowMax(INDArray x) {
        return x.max(1).reshape(x.rows(), 1);
    }

    /** Frobenius norm. */
    public static double norm(INDArray x) {
        return x.norm2Number().doubleValue();
    }

    /** ||got - expected|| / ||expected|| (the plain difference's norm where expected is zero): how the games measure output error. */
    public static double relativeError(INDArray got, INDArray expected) {
        double den = norm(expected);
        double num = norm(got.sub(expected));
        return den > 0 ? num / den : num;
    }

    /** True when every entry is finite. */
    public static boolean finite(INDArray x) {
        double[] d = x.dup().data().asDouble();
        for (double v : d) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
