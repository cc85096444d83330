package org.weightgames.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.weightgames.data.Dataset;
import org.weightgames.core.Coins;
import org.weightgames.core.Nd;

/** Mini-batch training with Adam on softmax cross-entropy; batches drawn from the caller's coins. */
public final class Trainer {
    private final double learningRate;
    private final int batchSize;
    private final int steps;
    private final double weightDecay;

    public Trainer(double learningRate, int batchSize, int steps, double weightDecay) {
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        this.steps = steps;
        this.weightDecay = weightDecay;
    }

    /**
     * Every temporary array of a step lives in this workspace and is released in bulk when the step
     * ends. Without it ND4J frees each temporary only after the garbage collector and a single
     * deallocator thread get to it, which falls behind a training loop and lets native memory grow
     * by gigabytes. Parameters, gradients and optimiser state are created outside and only updated
     * in place inside.
     */
    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder()
            .initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyMirroring(MirroringPolicy.FULL).policySpill(SpillPolicy.REALLOCATE).build();

    private static MemoryWorkspace step() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, "wg-train-step");
    }

    /** Trains in place; returns the mean loss of the last tenth of the steps. */
    public double train(Network net, Dataset data, Coins coins) {
        return train(net, data.size(), data::rows, coins);
    }

    /** As {@link #train(Network, Dataset, Coins)}, reading the n examples through {@code rows} (e.g. a budgeted oracle). */
    public double train(Network net, int n, java.util.function.Function<int[], Dataset> rows, Coins coins) {
        Adam adam = new Adam(net.parameters(), learningRate, weightDecay);
        int[] order = coins.permutation(n);
        int pos = 0;
        double tail = 0;
        int tailCount = 0;
        for (int step = 0; step < steps; step++) {
            int[] idx = new int[Math.min(batchSize, n)];
            for (int i = 0; i < idx.length; i++) {
                if (pos == n) {
                    order = coins.permutation(n);
                    pos = 0;
                }
                idx[i] = order[pos++];
            }
            double[] loss = new double[1];
            try (MemoryWorkspace ws = step()) {
                Dataset batch = rows.apply(idx);
                net.zeroGradients();
                INDArray logits = net.forward(batch.features(), true);
                net.backward(softmaxGradient(logits, batch.labels(), loss));
                adam.step(net.gradients());
            }
            if (step >= steps - Math.max(1, steps / 10)) {
                tail += loss[0];
                tailCount++;
            }
        }
        return tail / Math.max(1, tailCount);
    }

    /**
     * Trains in place to regress {@code targets} (e.g. a teacher's logits) on {@code inputs} with the
     * mean squared error; returns the final mean squared error over all inputs.
     */
    public double regress(Network net, INDArray inputs, INDArray targets, Coins coins) {
        Adam adam = new Adam(net.parameters(), learningRate, weightDecay);
        int n = (int) inputs.rows();
        Dataset rows = new Dataset(inputs, new int[n], 1);
        Dataset outs = new Dataset(targets, new int[n], 1);
        for (int step = 0; step < steps; step++) {
            int[] idx = n <= batchSize ? coins.permutation(n) : coins.sample(n, batchSize);
            try (MemoryWorkspace ws = step()) {
                INDArray y = outs.rows(idx).features();
                net.zeroGradients();
                INDArray out = net.forward(rows.rows(idx).features(), true);
                net.backward(out.sub(y).muli(2.0 / y.length()));
                adam.step(net.gradients());
            }
        }
        INDArray diff = net.forward(inputs).sub(targets);
        return diff.mul(diff).meanNumber().doubleValue();
    }

    public static INDArray softmax(INDArray logits) {
        INDArray e = Transforms.exp(logits.subColumnVector(Nd.rowMax(logits)), false);
        return e.diviColumnVector(e.sum(1).reshape(e.rows(), 1));
    }

    /** Mean cross-entropy of the rows' softmax against the labels. */
    public static double crossEntropy(INDArray logits, int[] labels, int classes) {
        double[] p = softmax(logits).dup('c').data().asDouble();
        int k = (int) logits.columns();
        double s = 0;
        for (int i = 0; i < labels.length; i++) {
            s -= Math.log(Math.max(p[i * k + labels[i]], 1e-300));
        }
        return s / labels.length;
    }

    /** d(mean cross-entropy)/d(logits) = (softmax - onehot) / n, and the loss, from one softmax. */
    static INDArray softmaxGradient(INDArray logits, int[] labels, double[] lossOut) {
        int n = labels.length;
        int k = (int) logits.columns();
        double[] g = softmax(logits).dup('c').data().asDouble();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            loss -= Math.log(Math.max(g[i * k + labels[i]], 1e-300));
            g[i * k + labels[i]] -= 1;
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= n;
        }
        lossOut[0] = loss / n;
        return Nd.matrix(g, n, k);
    }

    /**
     * Adam (Kingma and Ba) with the usual defaults beta1 0.9, beta2 0.999, eps 1e-8, and
     * decoupled weight decay (AdamW, Loshchilov and Hutter) when {@code decay > 0}. The update runs
     * on Java arrays: one read of each gradient and one write of each parameter per step, instead
     * of a dozen small native calls per tensor.
     */
    static final class Adam {
        private final List<INDArray> params = new ArrayList<>();
        private final List<double[]> values = new ArrayList<>();
        private final List<double[]> m = new ArrayList<>();
        private final List<double[]> v = new ArrayList<>();
        private final double lr;
        private final double decay;
        private int t;

        Adam(Map<String, INDArray> parameters, double lr, double decay) {
            this.lr = lr;
            this.decay = decay;
            for (INDArray p : parameters.values()) {
                params.add(p);
                double[] x = p.dup('c').data().asDouble();
                values.add(x);
                m.add(new double[x.length]);
                v.add(new double[x.length]);
            }
        }

        void step(Map<String, INDArray> gradients) {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            int i = 0;
            for (INDArray gArr : gradients.values()) {
                double[] g = gArr.dup('c').data().asDouble();
                double[] x = values.get(i);
                double[] mi = m.get(i);
                double[] vi = v.get(i);
                for (int k = 0; k < x.length; k++) {
                    mi[k] = 0.9 * mi[k] + 0.1 * g[k];
                    vi[k] = 0.999 * vi[k] + 0.001 * g[k] * g[k];
                    x[k] = x[k] * (1 - lr * decay) - lr * (mi[k] / c1) / (Math.sqrt(vi[k] / c2) + 1e-8);
                }
                INDArray p = params.get(i);
                p.assign(Nd4j.create(x, p.shape(), p.dataType()));
                i++;
            }
        }
    }
}
