package org.weightgames.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Labelled rows: features [n, d] in double precision and one class label per row. */
public final class Dataset {
    private final INDArray features;
    private final int[] labels;
    private final int classes;
    /** Row-major copy of the features on the Java heap, made on first use: gathers rows without JNI calls. */
    private volatile double[] heapRows;

    public Dataset(INDArray features, int[] labels, int classes) {
        if (features.rank() != 2 || features.rows() != labels.length) {
            throw new IllegalArgumentException("features " + java.util.Arrays.toString(features.shape())
                    + " do not match " + labels.length + " labels");
        }
        this.features = features;
        this.labels = labels;
        this.classes = classes;
    }

    public INDArray features() {
        return features;
    }

    public int[] labels() {
        return labels.clone();
    }

    public int label(int i) {
        return labels[i];
    }

    public int classes() {
        return classes;
    }

    public int size() {
        return labels.length;
    }

    public int dimension() {
        return (int) features.columns();
    }

    /** The given rows, copied. */
    public Dataset rows(int[] idx) {
        double[] src = heapRows();
        int d = dimension();
        double[] x = new double[idx.length * d];
        int[] l = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(src, idx[i] * d, x, i * d, d);
            l[i] = labels[idx[i]];
        }
        return new Dataset(org.weightgames.core.Nd.matrix(x, idx.length, d), l, classes);
    }

    private double[] heapRows() {
        double[] h = heapRows;
        if (h == null) {
            synchronized (this) {
                if (heapRows == null) {
                    // outside any workspace: the copy must not pin a training step's arena
                    try (org.nd4j.linalg.api.memory.MemoryWorkspace ws =
                            org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                        heapRows = features.dup('c').data().asDouble();
                    }
                }
                h = heapRows;
            }
        }
        return h;
    }

    /** The first n rows. */
    public Dataset head(int n) {
        int[] idx = new int[Math.min(n, size())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return rows(idx);
    }
}
