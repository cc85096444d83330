package org.weightgames.model;

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

/**
 * Mini-batch training on softmax cross-entropy; batches drawn from the caller's coins. Adam with
 * decoupled weight decay by default; {@link #sgd(double)} switches to SGD with momentum and L2
 * decay, {@link #schedule(int[], double)} multiplies the learning rate by a factor at given steps,
 * and {@link #sparsity(double)} adds Network Slimming's lambda sign(gamma) to the gradient of every
 * batch-norm scale (Liu et al., ICCV 2017), which drives most |gamma| towards zero.
 */
public final class Trainer {
    private final double learningRate;
    private final int batchSize;
    private final int steps;
    private final double weightDecay;
    private final double momentum;
    private final int[] milestones;
    private final double decayFactor;
    private final double sparsity;

    public Trainer(double learningRate, int batchSize, int steps, double weightDecay) {
        this(learningRate, batchSize, steps, weightDecay, -1, new int[0], 1, 0);
    }

    private Trainer(double learningRate, int batchSize, int steps, double weightDecay, double momentum, int[] milestones,
            double decayFactor, double sparsity) {
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        this.steps = steps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.milestones = milestones.clone();
        this.decayFactor = decayFactor;
        this.sparsity = sparsity;
    }

    /** The same recipe with SGD (this momentum, the weight decay as L2 on the gradient) instead of Adam. */
    public Trainer sgd(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        return new Trainer(learningRate, batchSize, steps, weightDecay, momentum, milestones, decayFactor, sparsity);
    }

    /** The same recipe with the learning rate multiplied by {@code factor} at each of these step numbers. */
    public Trainer schedule(int[] atSteps, double factor) {
        return new Trainer(learningRate, batchSize, steps, weightDecay, momentum, atSteps, factor, sparsity);
    }

    /** The same recipe with lambda sign(gamma) added to the gradient of every batch-norm scale. */
    public Trainer sparsity(double lambda) {
        return new Trainer(learningRate, batchSize, steps, weightDecay, momentum, milestones, decayFactor, lambda);
    }

    private Optimizer optimizer(Map<String, INDArray> parameters) {
        return momentum < 0 ? new Optimizer.Adam(parameters, weightDecay) : new Optimizer.Sgd(parameters, momentum, weightDecay);
    }

    /** The learning rate at a step: the base rate times the factor once per milestone passed. */
    double rateAt(int step) {
        double lr = learningRate;
        for (int m : milestones) {
            if (step >= m) {
                lr *= decayFactor;
            }
        }
        return lr;
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
        return train(net, n, rows, coins, null);
    }

    /**
     * As {@link #train(Network, int, java.util.function.Function, Coins)}, changing only the entries
     * where {@code trainable} (0/1 tensors by parameter name, as {@link Network#parameters()}) is 1:
     * every other gradient is zeroed before the step; a parameter it does not name stays frozen.
     * {@code null} trains everything.
     */
    public double train(Network net, int n, java.util.function.Function<int[], Dataset> rows, Coins coins,
            Map<String, INDArray> trainable) {
        Map<String, INDArray> params = net.parameters();
        if (trainable != null) {
            for (Map.Entry<String, INDArray> e : trainable.entrySet()) {
                INDArray p = params.get(e.getKey());
                if (p == null || !java.util.Arrays.equals(p.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("trainable mask " + e.getKey() + " matches no parameter of that shape");
                }
            }
        }
        Optimizer opt = optimizer(params);
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
                opt.step(adjust(net, params, trainable), rateAt(step));
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
        Map<String, INDArray> params = net.parameters();
        Optimizer opt = optimizer(params);
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
                opt.step(adjust(net, params, null), rateAt(step));
            }
        }
        INDArray diff = net.forward(inputs).sub(targets);
        return diff.mul(diff).meanNumber().doubleValue();
    }

    /**
     * The step's gradients after the recipe's additions: lambda sign(gamma) on every batch-norm
     * scale (named {@code <layer>.gamma}), then the trainable mask.
     */
    private Map<String, INDArray> adjust(Network net, Map<String, INDArray> params, Map<String, INDArray> trainable) {
        Map<String, INDArray> grads = net.gradients();
        if (sparsity > 0) {
            for (Map.Entry<String, INDArray> e : grads.entrySet()) {
                if (e.getKey().endsWith(".gamma")) {
                    e.getValue().addi(Transforms.sign(params.get(e.getKey()), true).muli(sparsity));
                }
            }
        }
        if (trainable != null) {
            for (Map.Entry<String, INDArray> e : grads.entrySet()) {
                INDArray mask = trainable.get(e.getKey());
                if (mask == null) {
                    e.getValue().assign(0);
                } else {
                    e.getValue().muli(mask);
                }
            }
        }
        return grads;
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
}
